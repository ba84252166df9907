/**
 * Training benchmark: one critic step (with the gradient penalty's double backward) and one
 * generator step of VelocityGAN at full widths (32/64/128/256/512, critic 32/64/128/256), batch 4,
 * median of a few steps after a warm-up, on the fastest Node backend. The backends (wasm, cpu)
 * are ranked first at 'tiny' widths, because the pure-JS cpu backend needs many minutes per
 * full-width step; `FWI_BENCH_FULL=cpu,wasm` times the named backends at full widths anyway.
 * Prints seconds per step and samples per second for OpenFWI's schedule (n_critic 5: five critic
 * steps and one generator step per five batches). With `python3` and torch present, times the
 * same steps in PyTorch (bench/train_torch.py) and prints the ratio.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { WIDTH_PRESETS } from '../src/engine/config.ts';
import { createCritic } from '../src/engine/model/critic.ts';
import { createGenerator } from '../src/engine/model/generator.ts';
import { AdamW } from '../src/engine/train/adamw.ts';
import { initBackend, type BackendName } from '../src/engine/train/backend.ts';
import { alphaTensor, criticStep, generatorStep } from '../src/engine/train/steps.ts';
import { createRng } from '../src/engine/data/random.ts';

const BATCH = 4;
const N_CRITIC = 5;
const LOSS_WEIGHTS = { g1v: 100, g2v: 0, adv: 1, gp: 10 };

interface StepTimes {
  criticS: number;
  generatorS: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Samples per second of OpenFWI's schedule: n_critic critic steps and one generator step per n_critic batches. */
function openfwiSamplesPerSecond(t: StepTimes): number {
  return (N_CRITIC * BATCH) / (N_CRITIC * t.criticS + t.generatorS);
}

async function timeBackend(name: BackendName, widths: 'full' | 'tiny', repeats: number): Promise<StepTimes> {
  await initBackend(name);
  const { generator: gw, critic: cw } = WIDTH_PRESETS[widths];
  const G = createGenerator(gw, 1);
  const D = createCritic(cw, 2);
  const adam = { lr: 1e-4, betas: [0, 0.9] as [number, number], eps: 1e-8, weightDecay: 1e-4 };
  const optG = new AdamW(G.params, adam);
  const optD = new AdamW(D.params, adam);
  const rng = createRng(7);
  const data = tf.tidy(() => tf.mul(tf.sub(tf.tensor4d(rng.uniformArray(BATCH * 1000 * 70 * 5), [BATCH, 1000, 70, 5]), 0.5), 2)) as tf.Tensor4D;
  const label = tf.tidy(() => tf.mul(tf.sub(tf.tensor4d(rng.uniformArray(BATCH * 70 * 70), [BATCH, 70, 70, 1]), 0.5), 2)) as tf.Tensor4D;
  const critic = async () => {
    const alpha = alphaTensor(() => rng.next(), BATCH);
    await criticStep(G, D, optD, data, label, alpha, LOSS_WEIGHTS);
    alpha.dispose();
  };
  const generator = () => generatorStep(G, D, optG, data, label, LOSS_WEIGHTS);
  const timed = async (step: () => Promise<unknown>) => {
    await step(); // warm-up: kernel set-up and first allocations
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      await step();
      times.push((performance.now() - t) / 1000);
    }
    return median(times);
  };
  const criticS = await timed(critic);
  const generatorS = await timed(generator);
  for (const x of [G, D, optG, optD]) x.dispose();
  tf.dispose([data, label]);
  return { criticS, generatorS };
}

function pytorchTimes(): (StepTimes & { threads: number; torch: string }) | string {
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'skipped: python3 with torch is not available here';
  const script = fileURLToPath(new URL('./train_torch.py', import.meta.url));
  const run = spawnSync('python3', [script, '--batch', String(BATCH), '--repeats', '3'], { encoding: 'utf8' });
  if (run.status !== 0) return `failed: ${run.stderr.trim().split('\n').at(-1)}`;
  const r = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { critic_s: number; generator_s: number; threads: number; torch: string };
  return { criticS: r.critic_s, generatorS: r.generator_s, threads: r.threads, torch: r.torch };
}

function describeTimes(label: string, t: StepTimes): string {
  return (
    `  ${label.padEnd(20)} critic step ${t.criticS.toFixed(2)} s, generator step ${t.generatorS.toFixed(2)} s; ` +
    `OpenFWI schedule (n_critic ${N_CRITIC}) ${openfwiSamplesPerSecond(t).toFixed(3)} samples/s, ` +
    `critic+generator every batch ${(BATCH / (t.criticS + t.generatorS)).toFixed(3)} samples/s`
  );
}

export async function main(): Promise<void> {
  console.log(`VelocityGAN training steps, batch ${BATCH}, tf.js ${tf.version.tfjs}`);
  const ranking: [BackendName, StepTimes][] = [];
  for (const name of ['wasm', 'cpu'] as BackendName[]) {
    const t = await timeBackend(name, 'tiny', 1);
    ranking.push([name, t]);
    console.log(describeTimes(`${name}, tiny widths`, t));
  }
  const [fastest] = ranking.reduce((a, b) => (openfwiSamplesPerSecond(b[1]) > openfwiSamplesPerSecond(a[1]) ? b : a));
  console.log(`  fastest Node backend: ${fastest}`);

  const full = new Set<BackendName>([fastest, ...((process.env.FWI_BENCH_FULL ?? '').split(',').filter(Boolean) as BackendName[])]);
  let best: StepTimes | null = null;
  console.log('full widths (G 32/64/128/256/512, D 32/64/128/256):');
  for (const name of full) {
    const t = await timeBackend(name, 'full', name === 'cpu' ? 1 : 3);
    if (name === fastest) best = t;
    console.log(describeTimes(`${name}, full widths`, t));
  }

  const torch = pytorchTimes();
  if (typeof torch === 'string') {
    console.log(`  PyTorch comparison ${torch}`);
    return;
  }
  console.log(describeTimes(`PyTorch ${torch.torch} (${torch.threads} threads)`, torch));
  console.log(`  ratio tf.js ${fastest} / PyTorch: critic ${(best!.criticS / torch.criticS).toFixed(1)}×, generator ${(best!.generatorS / torch.generatorS).toFixed(1)}× the time`);
}
