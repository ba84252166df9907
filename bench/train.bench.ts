/**
 * Training benchmark: memory per sample and speed of one VelocityGAN training iteration (a critic
 * step with the gradient penalty's double backward, then a generator step) at full widths
 * (G 32/64/128/256/512, D 32/64/128/256), in the studio's engine and in PyTorch side by side.
 *
 * - Memory per sample: the marginal peak resident memory of one iteration between batch 2 and
 *   batch 4, each batch size in its own process (bench/trainMemory.ts, bench/train_torch.py),
 *   as the peak only grows. The difference cancels Node or Python, the weights and the
 *   optimiser state, and leaves what the batch itself costs.
 * - Speed: the batch-4 process times its second iteration (the first builds kernels and the
 *   optimiser state); samples per second for OpenFWI's schedule (n_critic 5: five critic steps
 *   and one generator step per five batches).
 *
 * The Node backends (wasm, cpu) are first ranked at 'tiny' widths, because the pure-JS cpu
 * backend needs many minutes per full-width step; full widths run on the fastest, and on those
 * named in `FWI_BENCH_FULL=cpu,wasm`. PyTorch runs where an interpreter that imports torch is
 * found (python3 on PATH, then Debian's /usr/bin/python3, which is where python3-torch lives).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { WIDTH_PRESETS } from '../src/engine/config.ts';
import { initBackend, type BackendName } from '../src/engine/train/backend.ts';
import { alphaTensor, criticStep, generatorStep } from '../src/engine/train/steps.ts';
import { createBenchRun } from './benchRun.ts';
import type { TrainMemoryResult } from './trainMemory.ts';

export const SPEED_BATCH = 4;
const MEMORY_BATCHES = [2, 4] as const;
const N_CRITIC = 5;
const LOSS_WEIGHTS = { g1v: 100, g2v: 0, adv: 1, gp: 10 };
const MB = 1e6;

interface StepTimes {
  criticS: number;
  generatorS: number;
}

/** Peaks (bytes) of one process at one batch size: after the critic step, after the whole iteration. */
interface Peaks {
  batch: number;
  critic: number;
  iteration: number;
}

/** Samples per second of OpenFWI's schedule: n_critic critic steps and one generator step per n_critic batches. */
export function openfwiSamplesPerSecond(t: StepTimes, batch: number): number {
  return (N_CRITIC * batch) / (N_CRITIC * t.criticS + t.generatorS);
}

/** Seconds of one critic step and one generator step (after a warm-up) at tiny widths, batch SPEED_BATCH, on `name`. */
export async function timeTiny(name: BackendName): Promise<StepTimes> {
  await initBackend(name);
  const b = SPEED_BATCH;
  const { G, D, optG, optD, rng, data, label, dispose } = createBenchRun('tiny', b);
  const critic = async () => {
    const alpha = alphaTensor(() => rng.next(), b);
    await criticStep(G, D, optD, data, label, alpha, LOSS_WEIGHTS);
    alpha.dispose();
  };
  const generator = () => generatorStep(G, D, optG, data, label, LOSS_WEIGHTS);
  const timed = async (step: () => Promise<unknown>) => {
    await step(); // warm-up: kernel set-up and first allocations
    const t = performance.now();
    await step();
    return (performance.now() - t) / 1000;
  };
  const criticS = await timed(critic);
  const generatorS = await timed(generator);
  dispose();
  return { criticS, generatorS };
}

/** Runs `command args`, returning the last stdout line parsed as JSON, or why it failed. */
export function runJson<T>(command: string, args: string[]): T | string {
  const run = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (run.error) return run.error.message;
  if (run.status !== 0) return run.stderr.trim().split('\n').at(-1) ?? `exit ${run.status}`;
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as T;
}

interface StudioFull {
  times: StepTimes;
  peaks: Peaks[];
}

function studioFull(backend: BackendName): StudioFull | string {
  const script = fileURLToPath(new URL('./trainMemory.ts', import.meta.url));
  const peaks: Peaks[] = [];
  let times: StepTimes | null = null;
  for (const batch of MEMORY_BATCHES) {
    const r = runJson<TrainMemoryResult>(process.execPath, ['--import', 'tsx', script, '--backend', backend, '--widths', 'full', '--batch', String(batch)]);
    if (typeof r === 'string') return r;
    peaks.push({ batch, critic: r.criticPeakBytes, iteration: r.generatorPeakBytes });
    if (batch === SPEED_BATCH) times = { criticS: r.criticS, generatorS: r.generatorS };
  }
  return { times: times!, peaks };
}

/** The first of python3 (PATH) and /usr/bin/python3 that imports torch, or null. */
export function findTorchPython(candidates: readonly string[] = ['python3', '/usr/bin/python3']): string | null {
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (!probe.error && probe.status === 0) return python;
  }
  return null;
}

interface TorchRun {
  critic_s: number;
  generator_s: number;
  threads: number;
  torch: string;
  critic_peak_bytes: number;
  generator_peak_bytes: number;
}

function pytorchFull(python: string): (StudioFull & { threads: number; torch: string }) | string {
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url));
  const peaks: Peaks[] = [];
  let last: TorchRun | null = null;
  for (const batch of MEMORY_BATCHES) {
    const r = runJson<TorchRun>(python, [script, '--batch', String(batch), '--repeats', '1']);
    if (typeof r === 'string') return r;
    peaks.push({ batch, critic: r.critic_peak_bytes, iteration: r.generator_peak_bytes });
    if (batch === SPEED_BATCH) last = r;
  }
  return { times: { criticS: last!.critic_s, generatorS: last!.generator_s }, peaks, threads: last!.threads, torch: last!.torch };
}

/** Marginal bytes per sample between the first and last batch sizes: [critic step, whole iteration]. */
function perSample(peaks: Peaks[]): { critic: number; iteration: number } {
  const a = peaks[0];
  const b = peaks.at(-1)!;
  const n = b.batch - a.batch;
  return { critic: (b.critic - a.critic) / n, iteration: (b.iteration - a.iteration) / n };
}

function describeTimes(label: string, t: StepTimes): string {
  return (
    `  ${label.padEnd(28)} critic step ${t.criticS.toFixed(2)} s, generator step ${t.generatorS.toFixed(2)} s; ` +
    `OpenFWI schedule (n_critic ${N_CRITIC}) ${openfwiSamplesPerSecond(t, SPEED_BATCH).toFixed(3)} samples/s`
  );
}

function describeMemory(label: string, peaks: Peaks[]): string {
  const m = perSample(peaks);
  return `  ${label.padEnd(28)} ${(m.iteration / MB).toFixed(0)} MB/sample (critic step alone ${(m.critic / MB).toFixed(0)} MB/sample; peak ${(peaks.at(-1)!.iteration / MB).toFixed(0)} MB at batch ${peaks.at(-1)!.batch})`;
}

export async function main(): Promise<void> {
  console.log(`VelocityGAN training iteration (critic step with GP, then generator step), tf.js ${tf.version.tfjs}`);
  console.log(`backends at tiny widths, batch ${SPEED_BATCH}:`);
  const ranking: [BackendName, StepTimes][] = [];
  for (const name of ['wasm', 'cpu'] as BackendName[]) {
    const t = await timeTiny(name);
    ranking.push([name, t]);
    console.log(describeTimes(name, t));
  }
  const [fastest] = ranking.reduce((a, b) => (openfwiSamplesPerSecond(b[1], SPEED_BATCH) > openfwiSamplesPerSecond(a[1], SPEED_BATCH) ? b : a));
  console.log(`  fastest Node backend: ${fastest}`);

  const full = new Set<BackendName>([fastest, ...((process.env.FWI_BENCH_FULL ?? '').split(',').filter(Boolean) as BackendName[])]);
  const studio = new Map<BackendName, StudioFull>();
  for (const name of full) {
    const r = studioFull(name);
    if (typeof r === 'string') console.log(`  ${name}, full widths: failed: ${r}`);
    else studio.set(name, r);
  }
  const python = findTorchPython();
  const torch = python ? pytorchFull(python) : 'skipped: no python3 here imports torch (tried python3, /usr/bin/python3)';
  const torchLabel = typeof torch === 'string' ? '' : `PyTorch ${torch.torch} CPU (${torch.threads} threads)`;

  const range = `batch ${MEMORY_BATCHES[0]} → ${MEMORY_BATCHES.at(-1)}`;
  console.log(`full widths, memory per sample (marginal peak RSS of one iteration, ${range}):`);
  for (const [name, r] of studio) console.log(describeMemory(`studio, ${name}`, r.peaks));
  if (typeof torch === 'string') console.log(`  PyTorch comparison ${torch}`);
  else console.log(describeMemory(torchLabel, torch.peaks));
  const best = studio.get(fastest);
  if (best && typeof torch !== 'string') {
    const ratio = perSample(best.peaks).iteration / perSample(torch.peaks).iteration;
    console.log(`  studio ${fastest} / PyTorch: ${ratio.toFixed(2)}× the memory per sample`);
  }
  console.log(`full widths, speed (batch ${SPEED_BATCH}, second iteration):`);
  for (const [name, r] of studio) console.log(describeTimes(`studio, ${name}`, r.times));
  if (typeof torch !== 'string') {
    console.log(describeTimes(torchLabel, torch.times));
    if (best) {
      console.log(
        `  studio ${fastest} / PyTorch: critic ${(best.times.criticS / torch.times.criticS).toFixed(1)}×, ` +
          `generator ${(best.times.generatorS / torch.times.generatorS).toFixed(1)}× the time`,
      );
    }
  }
}
