import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCritic } from '../../../src/engine/model/critic.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { AdamW } from '../../../src/engine/train/adamw.ts';
import { initBackend, releaseBackend } from '../../../src/engine/train/backend.ts';
import { criticStep, generatorStep } from '../../../src/engine/train/steps.ts';
import { initWebGpuForTests } from './swiftshader.ts';

const weights = { g1v: 100, g2v: 1, adv: 1, gp: 10 };
const B = 2;

interface Run {
  losses: number[];
  /** Tensors and bytes held after each step. */
  held: { tensors: number; bytes: number }[];
  params: Map<string, Float32Array>;
}

/**
 * A critic step, a generator step and a critic step on the current backend, from seeded weights
 * and data, at widths of 2 channels: on a software GPU a step costs its few hundred kernel
 * launches, not its arithmetic, and every kernel of the full-width step still runs.
 */
async function train(): Promise<Run> {
  const G = createGenerator([2, 2, 2, 2, 2], 1);
  const D = createCritic([2, 2, 2, 2], 2);
  const adam = { lr: 1e-3, betas: [0, 0.9] as [number, number], eps: 1e-8, weightDecay: 1e-4 };
  const optG = new AdamW(G.params, adam);
  const optD = new AdamW(D.params, adam);
  const data = tf.randomUniform([B, 1000, 70, 5], -1, 1, 'float32', 3) as tf.Tensor4D;
  const label = tf.randomUniform([B, 70, 70, 1], -1, 1, 'float32', 4) as tf.Tensor4D;
  const alpha = tf.tensor4d([0.3, 0.8], [B, 1, 1, 1]);
  const run: Run = { losses: [], held: [], params: new Map() };
  for (const step of ['critic', 'generator', 'critic']) {
    if (step === 'critic') {
      const d = await criticStep(G, D, optD, data, label, alpha, weights);
      run.losses.push(d.loss, d.gp);
    } else {
      const g = await generatorStep(G, D, optG, data, label, weights);
      run.losses.push(g.loss, g.adv);
    }
    run.held.push({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes });
  }
  for (const [net, vars] of [['G', G.params], ['D', D.params]] as const) {
    for (const [k, v] of vars) run.params.set(`${net}.${k}`, (await v.data()) as Float32Array);
  }
  for (const x of [G, D, optG, optD, data, label, alpha]) x.dispose();
  return run;
}

afterAll(releaseBackend);

describe('training steps on webgpu in Node', () => {
  it('match the cpu backend step for step and hold no more tensors or bytes as they go', { timeout: 600_000 }, async () => {
    await initWebGpuForTests();
    const before = tf.memory().numTensors;
    const gpu = await train();
    expect(tf.memory().numTensors).toBe(before);
    // Once both optimisers hold their moments (after the first critic and generator steps), a step ends holding the same.
    expect(gpu.held[2]).toEqual(gpu.held[1]);

    await initBackend('cpu');
    const cpu = await train();
    expect(gpu.losses).toHaveLength(cpu.losses.length);
    gpu.losses.forEach((l, i) => expect(Math.abs(l - cpu.losses[i]), `loss ${i}`).toBeLessThan(1e-3 * Math.max(1, Math.abs(cpu.losses[i]))));
    let worst = 0;
    for (const [name, p] of gpu.params) {
      // A conv bias before BatchNorm has a true gradient of 0: AdamW turns its rounding noise, which
      // differs between backends, into a full-size step of either sign.
      if (name.endsWith('layers.0.bias')) continue;
      p.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - cpu.params.get(name)![i]))));
    }
    // Two AdamW steps of lr 1e-3 move a critic weight by up to ~2e-3: the backends agree to a small fraction of that.
    expect(worst).toBeLessThan(1e-4);
  });
});
