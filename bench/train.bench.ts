/**
 * Training benchmark: memory per sample and speed of one VelocityGAN training iteration (a critic
 * step with the gradient penalty's double backward, then a generator step) at full widths
 * (G 32/64/128/256/512, D 32/64/128/256), in the studio's engine and in PyTorch side by side.
 *
 * - Memory per sample: the marginal peak resident memory between batch 2 and 4 and between
 *   batch 8 and 16, of the critic step alone and of the whole iteration, each batch size in its
 *   own process (bench/trainMemory.ts, bench/train_torch.py), as the peak only grows. The
 *   difference cancels Node or Python, the weights and the optimiser state, and leaves what the
 *   batch itself costs; the large-batch pair shows the slope that decides how far a batch goes.
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
/** Pairs of batch sizes whose difference in peak memory gives the memory per sample. */
const MEMORY_PAIRS = [[2, 4], [8, 16]] as const;
const MEMORY_BATCHES = [...new Set(MEMORY_PAIRS.flat())];
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

/** Marginal bytes per sample from batch `a` to batch `b`: [critic step, whole iteration]. */
function perSample(peaks: Peaks[], a: number, b: number): { critic: number; iteration: number } {
  const pa = peaks.find((p) => p.batch === a)!;
  const pb = peaks.find((p) => p.batch === b)!;
  return { critic: (pb.critic - pa.critic) / (b - a), iteration: (pb.iteration - pa.iteration) / (b - a) };
}

function describeTimes(label: string, t: StepTimes): string {
  return (
    `  ${label.padEnd(28)} critic step ${t.criticS.toFixed(2)} s, generator step ${t.generatorS.toFixed(2)} s; ` +
    `OpenFWI schedule (n_critic ${N_CRITIC}) ${openfwiSamplesPerSecond(t, SPEED_BATCH).toFixed(3)} samples/s`
  );
}

function describeMemory(label: string, peaks: Peaks[], a: number, b: number): string {
  const m = perSample(peaks, a, b);
  const top = peaks.find((p) => p.batch === b)!;
  return `  ${label.padEnd(28)} iteration ${(m.iteration / MB).toFixed(0).padStart(4)} MB/sample, critic step ${(m.critic / MB).toFixed(0).padStart(4)} MB/sample (peaks at batch ${b}: ${(top.critic / MB).toFixed(0)} and ${(top.iteration / MB).toFixed(0)} MB)`;
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

  console.log('full widths, peak RSS (MB) after the first critic step / after the iteration, per batch:');
  const rows: [string, Peaks[]][] = [...studio].map(([name, r]) => [`studio, ${name}`, r.peaks]);
  if (typeof torch !== 'string') rows.push([torchLabel, torch.peaks]);
  for (const [label, peaks] of rows) {
    console.log(`  ${label.padEnd(28)} ${peaks.map((p) => `batch ${p.batch}: ${(p.critic / MB).toFixed(0)} / ${(p.iteration / MB).toFixed(0)}`).join(', ')}`);
  }
  for (const [a, b] of MEMORY_PAIRS) {
    console.log(`full widths, memory per sample (marginal peak RSS, batch ${a} → ${b}):`);
    for (const [name, r] of studio) console.log(describeMemory(`studio, ${name}`, r.peaks, a, b));
    if (typeof torch === 'string') console.log(`  PyTorch comparison ${torch}`);
    else console.log(describeMemory(torchLabel, torch.peaks, a, b));
    const best = studio.get(fastest);
    if (best && typeof torch !== 'string') {
      const ours = perSample(best.peaks, a, b);
      const theirs = perSample(torch.peaks, a, b);
      console.log(
        `  studio ${fastest} / PyTorch: iteration ${(ours.iteration / theirs.iteration).toFixed(2)}×, ` +
          `critic step ${(ours.critic / theirs.critic).toFixed(2)}× the memory per sample`,
      );
    }
  }
  const best = studio.get(fastest);
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
