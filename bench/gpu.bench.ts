/**
 * The studio's engine on webgpu (`npm run bench -- gpu`, or bench/gpu.sh on a machine with only a
 * GPU): one critic step (with the gradient penalty's double backward) and one generator step at
 * full widths, batch 64 (OpenFWI's recipe), median of three after a warm-up; samples per second
 * under OpenFWI's schedule; peak GPU memory (tf.js's pooled buffers, a high-water mark, as
 * PyTorch's max_memory_allocated is). Beside it, PyTorch eager on CUDA where a python3 with torch
 * and CUDA is found, and the ratio. On a software adapter (SwiftShader) it runs at tiny widths,
 * batch 2, one repeat, to show it works. FWI_GPU_WIDTHS and FWI_GPU_BATCH choose others.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { WIDTH_PRESETS } from '../src/engine/config.ts';
import { releaseBackend } from '../src/engine/train/backend.ts';
import { checkBatchFits } from '../src/engine/train/memoryBudget.ts';
import { alphaTensor, criticStep, generatorStep } from '../src/engine/train/steps.ts';
import { createBenchRun, startWebGpuOrSkip } from './benchRun.ts';
import { findTorchPython, openfwiSamplesPerSecond, runJson } from './train.bench.ts';

const LOSS_WEIGHTS = { g1v: 100, g2v: 0, adv: 1, gp: 10 };
const GiB = 2 ** 30;

interface GpuRun {
  criticS: number;
  generatorS: number;
  peakBytes: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

async function timeWebGpu(widths: keyof typeof WIDTH_PRESETS, batch: number, repeats: number): Promise<GpuRun> {
  const { G, D, optG, optD, rng, data, label, dispose } = createBenchRun(widths, batch);
  let peakBytes = 0;
  const timed = async (step: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i <= repeats; i++) {
      const t = performance.now();
      await step();
      if (i > 0) times.push((performance.now() - t) / 1000); // the first builds the kernels and the optimiser state
      peakBytes = Math.max(peakBytes, (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0);
    }
    return median(times);
  };
  const criticS = await timed(async () => {
    const alpha = alphaTensor(() => rng.next(), batch);
    await criticStep(G, D, optD, data, label, alpha, LOSS_WEIGHTS);
    alpha.dispose();
  });
  const generatorS = await timed(() => generatorStep(G, D, optG, data, label, LOSS_WEIGHTS));
  dispose();
  return { criticS, generatorS, peakBytes };
}

interface TorchRun {
  critic_s: number;
  generator_s: number;
  torch: string;
  generator_peak_bytes: number;
  critic_peak_bytes: number;
}

/** PyTorch eager on CUDA at the same widths and batch, or why not. */
function torchCuda(widths: keyof typeof WIDTH_PRESETS, batch: number, repeats: number): TorchRun | string {
  const python = findTorchPython();
  if (!python) return 'skipped: no python3 here imports torch';
  const cuda = spawnSync(python, ['-c', 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'], { encoding: 'utf8' });
  if (cuda.status !== 0) return `skipped: ${python}'s torch has no CUDA device`;
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url));
  const gw = WIDTH_PRESETS[widths].generator.join(',');
  return runJson<TorchRun>(python, [script, '--device', 'cuda', '--batch', String(batch), '--widths', gw, '--repeats', String(repeats)]);
}

function describe(label: string, t: { criticS: number; generatorS: number }, peakBytes: number, batch: number): string {
  return (
    `  ${label.padEnd(34)} critic step ${t.criticS.toFixed(3)} s, generator step ${t.generatorS.toFixed(3)} s, ` +
    `OpenFWI schedule ${openfwiSamplesPerSecond(t, batch).toFixed(2)} samples/s, peak ${(peakBytes / GiB).toFixed(2)} GiB`
  );
}

export async function main(): Promise<void> {
  const gpu = await startWebGpuOrSkip();
  if (!gpu) return;
  const widths = (process.env.FWI_GPU_WIDTHS ?? (gpu.software ? 'tiny' : 'full')) as keyof typeof WIDTH_PRESETS;
  const batch = Number(process.env.FWI_GPU_BATCH ?? (gpu.software ? 2 : 64));
  const repeats = gpu.software ? 1 : 3;
  if (!WIDTH_PRESETS[widths]) throw new Error(`FWI_GPU_WIDTHS must be one of ${Object.keys(WIDTH_PRESETS).join(', ')}`);
  console.log(`webgpu on ${gpu.adapterName}${gpu.software ? ' (software)' : ''}, tf.js ${tf.version.tfjs}: ${widths} widths, batch ${batch}, median of ${repeats} after a warm-up`);
  console.log(`  adapter limits: maxStorageBufferBindingSize ${(gpu.maxStorageBufferBindingSize / GiB).toFixed(2)} GiB, maxBufferSize ${(gpu.maxBufferSize / GiB).toFixed(2)} GiB`);
  const { generator, critic } = WIDTH_PRESETS[widths];
  checkBatchFits('webgpu', { generatorWidths: generator, criticWidths: critic, seismicShape: [5, 1000, 70], velocityShape: [1, 70, 70] }, batch);
  const ours = await timeWebGpu(widths, batch, repeats);
  console.log(describe('studio engine, webgpu', ours, ours.peakBytes, batch));
  releaseBackend();
  const torch = torchCuda(widths, batch, repeats);
  if (typeof torch === 'string') {
    console.log(`  PyTorch CUDA comparison ${torch}`);
    return;
  }
  const t = { criticS: torch.critic_s, generatorS: torch.generator_s };
  console.log(describe(`PyTorch ${torch.torch} CUDA eager`, t, Math.max(torch.critic_peak_bytes, torch.generator_peak_bytes), batch));
  console.log(
    `  ratio studio / PyTorch: critic ${(ours.criticS / t.criticS).toFixed(2)}×, generator ${(ours.generatorS / t.generatorS).toFixed(2)}× the time; ` +
      `${(openfwiSamplesPerSecond(t, batch) / openfwiSamplesPerSecond(ours, batch)).toFixed(2)}× fewer samples/s; peak memory ${(ours.peakBytes / Math.max(torch.critic_peak_bytes, torch.generator_peak_bytes)).toFixed(2)}×`,
  );
}
