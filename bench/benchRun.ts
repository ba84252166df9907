/**
 * The training setup the step benchmarks share: generator and critic at given widths, AdamW as
 * OpenFWI sets it, a seeded RNG (its later draws give the gradient penalty's alphas) and one
 * random batch of normalised seismic and velocity in [-1, 1).
 */
import * as tf from '@tensorflow/tfjs';
import { WIDTH_PRESETS } from '../src/engine/config.ts';
import { createRng, type Rng } from '../src/engine/data/random.ts';
import { createCritic } from '../src/engine/model/critic.ts';
import { createGenerator } from '../src/engine/model/generator.ts';
import type { Network } from '../src/engine/model/network.ts';
import { errorMessage } from '../src/engine/errors.ts';
import { AdamW } from '../src/engine/train/adamw.ts';
import { currentGpu, initBackend, type GpuHandle } from '../src/engine/train/backend.ts';

export interface BenchRun {
  G: Network;
  D: Network;
  optG: AdamW;
  optD: AdamW;
  rng: Rng;
  data: tf.Tensor4D;
  label: tf.Tensor4D;
  dispose(): void;
}

/** Networks, optimisers and a random batch of `batch` samples; dispose() frees all of them. */
export function createBenchRun(widths: keyof typeof WIDTH_PRESETS, batch: number): BenchRun {
  const { generator: gw, critic: cw } = WIDTH_PRESETS[widths];
  const G = createGenerator(gw, 1);
  const D = createCritic(cw, 2);
  const adam = { lr: 1e-4, betas: [0, 0.9] as [number, number], eps: 1e-8, weightDecay: 1e-4 };
  const optG = new AdamW(G.params, adam);
  const optD = new AdamW(D.params, adam);
  const rng = createRng(7);
  const data = tf.tidy(() => tf.mul(tf.sub(tf.tensor4d(rng.uniformArray(batch * 1000 * 70 * 5), [batch, 1000, 70, 5]), 0.5), 2)) as tf.Tensor4D;
  const label = tf.tidy(() => tf.mul(tf.sub(tf.tensor4d(rng.uniformArray(batch * 70 * 70), [batch, 70, 70, 1]), 0.5), 2)) as tf.Tensor4D;
  return {
    G, D, optG, optD, rng, data, label,
    dispose() {
      for (const x of [G, D, optG, optD]) x.dispose();
      tf.dispose([data, label]);
    },
  };
}

/** Starts the webgpu backend for a GPU benchmark; where it cannot start, prints why and returns null (the bench is skipped). */
export async function startWebGpuOrSkip(): Promise<GpuHandle | null> {
  try {
    await initBackend('webgpu');
  } catch (e) {
    console.log(`  skipped: ${errorMessage(e)}`);
    return null;
  }
  const gpu = currentGpu();
  if (!gpu) throw new Error('the webgpu backend started without a GPU device handle');
  return gpu;
}
