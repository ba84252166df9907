/**
 * Generator weights on their own (PyTorch names): what Evaluate, inference, the physics check and
 * "Export weights" use, whether they came from the run in this worker, an imported checkpoint or an
 * imported `.safetensors`. Evaluation and inference go through the same generator-only `Evaluator`
 * as `fwi eval`, so the studio and the CLI give the same numbers for the same weights and data.
 */
import type { TrainConfig } from '../engine/config.ts';
import { encodeSafetensors, toFloat32, type SafeTensor, type SafeTensorEntry } from '../engine/io/safetensors.ts';
import { createGenerator } from '../engine/model/generator.ts';
import { loadStateDict, widthsFromStateDict } from '../engine/model/stateDict.ts';
import type { GeneratorWidths } from '../engine/model/widths.ts';

/** The widths the weights were saved at, after checking they load into such a generator (FwiError('weights') if not). */
export function checkGeneratorWeights(tensors: Map<string, SafeTensor>, file?: string): TrainConfig['generatorWidths'] {
  const widths = widthsFromStateDict('generator', tensors, file) as unknown as TrainConfig['generatorWidths'];
  const net = createGenerator(widths as unknown as GeneratorWidths, 0);
  try {
    loadStateDict(net, tensors, file);
  } finally {
    net.dispose();
  }
  return widths;
}

/** The weights as a `.safetensors` file loadable into OpenFWI's InversionNet: float32, num_batches_tracked int64. */
export function generatorSafetensors(tensors: Map<string, SafeTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const entries: Record<string, SafeTensorEntry> = {};
  for (const [k, t] of tensors) {
    entries[k] =
      t.dtype.startsWith('I') || t.dtype.startsWith('U')
        ? { dtype: 'I64', shape: t.shape, data: t.data instanceof BigInt64Array ? t.data : BigInt64Array.from(t.data as ArrayLike<number>, (v) => BigInt(v)) }
        : { dtype: 'F32', shape: t.shape, data: toFloat32(t) };
  }
  return encodeSafetensors(entries, { format: 'pt', ...metadata });
}
