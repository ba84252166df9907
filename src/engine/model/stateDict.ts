/**
 * Weights in and out in PyTorch's state-dict names, order and layouts, so that a file the
 * studio writes loads with `load_state_dict` into OpenFWI's InversionNet / Discriminator and a
 * file PyTorch saved loads here. Layouts: Conv2d `[out, in, kh, kw]` and ConvTranspose2d
 * `[in, out, kh, kw]` in PyTorch are both `[kh, kw, ·, ·]` with the last two swapped here, so one
 * permutation converts either (`[3, 2, 0, 1]` out, `[2, 3, 1, 0]` in).
 *
 * `num_batches_tracked` is int64, as PyTorch writes it. A file without it (older PyTorch) loads
 * with the counts at 0, as PyTorch's BatchNorm itself accepts; every other key must be present.
 */
import * as tf from '@tensorflow/tfjs';
import { FwiError } from '../errors.ts';
import type { SafeTensor, SafeTensorEntry } from '../io/safetensors.ts';
import { weightShape, type BlockSpec } from './layers.ts';
import { bnKey, convKey, type Network } from './network.ts';

export type StateDict = Record<string, SafeTensorEntry>;

/** Permutes a 4-D C-order array: `out` axis i is `in` axis perm[i]. */
export function permute4d(data: ArrayLike<number>, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]);
  const inStrides = [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
  const s = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  let i = 0;
  for (let a = 0; a < outShape[0]; a++)
    for (let b = 0; b < outShape[1]; b++)
      for (let c = 0; c < outShape[2]; c++) {
        const base = a * s[0] + b * s[1] + c * s[2];
        for (let d = 0; d < outShape[3]; d++) out[i++] = data[base + d * s[3]];
      }
  return { data: out, shape: outShape };
}

const TO_TORCH = [3, 2, 0, 1];
const FROM_TORCH = [2, 3, 1, 0];

function blocks(net: Network): BlockSpec[] {
  return net.steps.flatMap((s) => ('block' in s ? [s.block] : []));
}

/** The state-dict keys of a network in PyTorch's order, with their PyTorch shapes and dtypes. */
export function stateDictLayout(net: Network): Map<string, { shape: number[]; dtype: 'F32' | 'I64' }> {
  const layout = new Map<string, { shape: number[]; dtype: 'F32' | 'I64' }>();
  for (const spec of blocks(net)) {
    const w = weightShape(spec);
    const c = [spec.outChannels];
    layout.set(convKey(spec.name, 'weight'), { shape: TO_TORCH.map((p) => w[p]), dtype: 'F32' });
    layout.set(convKey(spec.name, 'bias'), { shape: c, dtype: 'F32' });
    layout.set(bnKey(spec.name, 'weight'), { shape: c, dtype: 'F32' });
    layout.set(bnKey(spec.name, 'bias'), { shape: c, dtype: 'F32' });
    layout.set(bnKey(spec.name, 'running_mean'), { shape: c, dtype: 'F32' });
    layout.set(bnKey(spec.name, 'running_var'), { shape: c, dtype: 'F32' });
    layout.set(bnKey(spec.name, 'num_batches_tracked'), { shape: [], dtype: 'I64' });
  }
  return layout;
}

function variableOf(net: Network, key: string): tf.Variable | undefined {
  return net.params.get(key) ?? net.buffers.get(key);
}

/** Every parameter, running statistic and count in PyTorch names, order and layouts, ready for encodeSafetensors. */
export async function stateDictOf(net: Network): Promise<StateDict> {
  const out: StateDict = {};
  for (const [key, { shape, dtype }] of stateDictLayout(net)) {
    if (dtype === 'I64') {
      out[key] = { dtype, shape, data: BigInt64Array.of(BigInt(net.batchesTracked.get(key) ?? 0)) };
      continue;
    }
    const v = variableOf(net, key)!;
    const values = (await v.data()) as Float32Array;
    out[key] = { dtype, shape, data: v.rank === 4 ? permute4d(values, v.shape, TO_TORCH).data : Float32Array.from(values) };
  }
  return out;
}

/** A tensor's values in PyTorch layout (4-D weights permuted from TF's), as a fresh array. */
export async function torchLayoutValues(t: tf.Tensor): Promise<Float32Array> {
  const values = (await t.data()) as Float32Array;
  return t.rank === 4 ? permute4d(values, t.shape, TO_TORCH).data : Float32Array.from(values);
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);
const INT_DTYPES = new Set(['I64', 'I32', 'I16', 'I8', 'U8']);

/**
 * Loads PyTorch-layout tensors into the network. Nothing changes unless everything fits: names,
 * shapes and dtypes are checked first and a FwiError('weights') lists every missing key,
 * unexpected key, wrong shape and wrong dtype.
 */
export function loadStateDict(net: Network, tensors: Map<string, SafeTensor> | Record<string, SafeTensor>, file?: string): void {
  const given = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
  const layout = stateDictLayout(net);
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const [key, { shape, dtype }] of layout) {
    const t = given.get(key);
    if (!t) {
      if (dtype !== 'I64') missing.push(key);
      continue;
    }
    // PyTorch also loads a 0-d tensor from a 1-element 1-d one (older writers, and the fixtures, save counts as [1]).
    const scalarAsVector = shape.length === 0 && t.shape.length === 1 && t.shape[0] === 1;
    if (!scalarAsVector && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      wrong.push(`${key}: shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    } else if (!(dtype === 'I64' ? INT_DTYPES : FLOAT_DTYPES).has(t.dtype)) {
      wrong.push(`${key}: dtype ${t.dtype}, expected ${dtype === 'I64' ? 'an integer type (I64)' : 'a float type (F32)'}`);
    }
  }
  const unexpected = [...given.keys()].filter((k) => !layout.has(k));
  if (missing.length || unexpected.length || wrong.length) {
    const list = (label: string, items: string[]): string[] => (items.length ? [`${label} (${items.length}): ${items.join('; ')}`] : []);
    const what = `${net.kind} [${net.widths.join(', ')}]`;
    throw new FwiError(
      'weights',
      [`weights do not fit the ${what}`, ...list('missing', missing), ...list('unexpected', unexpected), ...list('wrong', wrong)].join('\n  '),
      file,
    );
  }
  for (const [key, { dtype }] of layout) {
    const t = given.get(key);
    if (dtype === 'I64') {
      net.batchesTracked.set(key, t ? Number(t.data[0]) : 0);
      continue;
    }
    const v = variableOf(net, key)!;
    const values = t!.data instanceof Float32Array ? t!.data : Float32Array.from(t!.data as ArrayLike<number>);
    const data = v.rank === 4 ? permute4d(values, t!.shape, FROM_TORCH).data : values;
    const value = tf.tensor(data, v.shape, 'float32');
    v.assign(value);
    value.dispose();
  }
}

const WIDTH_KEYS = {
  generator: ['convblock1', 'convblock2_1', 'convblock4_1', 'convblock6_1', 'convblock8'],
  critic: ['convblock1_1', 'convblock2_1', 'convblock3_1', 'convblock4_1'],
} as const;

/** The widths a state dict was saved at (read from its conv weights' output channels); FwiError('weights') if it is not such a network. */
export function widthsFromStateDict(kind: 'generator' | 'critic', tensors: Map<string, SafeTensor>, file?: string): number[] {
  return WIDTH_KEYS[kind].map((name) => {
    const t = tensors.get(convKey(name, 'weight'));
    if (!t || t.shape.length !== 4) {
      throw new FwiError('weights', `not a ${kind} state dict: no 4-D "${convKey(name, 'weight')}"`, file);
    }
    // A zero-size axis would let the header claim any width at no cost in bytes, and the network is built at that width.
    if (t.shape.some((d) => d < 1)) {
      throw new FwiError('weights', `"${convKey(name, 'weight')}" has an empty axis (shape [${t.shape.join(', ')}])`, file);
    }
    return t.shape[0];
  });
}
