import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FwiError } from '../../src/engine/errors.ts';
import type { SafeTensor } from '../../src/engine/io/safetensors.ts';
import { compareArray, compareGradients, compareLoss, compareParamsAfterStep, compareRunningStats } from '../../src/engine/parity/compare.ts';
import { parseParityManifest } from '../../src/engine/parity/manifest.ts';
import { formatParityTable } from '../../src/engine/parity/report.ts';
import { runParity } from '../../src/engine/parity/runParity.ts';
import { initBackend } from '../../src/engine/train/backend.ts';

const dir = 'test/fixtures/parity';
const manifestText = readFileSync(`${dir}/manifest.json`, 'utf8');

beforeAll(async () => {
  await initBackend('cpu');
});

describe('parity with the PyTorch reference (test/fixtures/parity, cpu backend)', () => {
  it('recomputes every quantity of the fixture within its tolerances', async () => {
    const before = tf.memory().numTensors;
    const report = await runParity({ read: async (name) => new Uint8Array(readFileSync(`${dir}/${name}`)) });
    const table = formatParityTable(report.rows);
    expect(report.rows.map((r) => r.quantity)).toEqual([
      'data_norm_sample0',
      'label_norm',
      'g_eval_out',
      'g_train_out',
      'd_real_out',
      'd_step.loss',
      'd_step.loss_real',
      'd_step.loss_fake',
      'd_step.gp',
      'd_step_grads',
      'd_step_grads (conv biases before BN)',
      'd_after params',
      'd_after running stats',
      'g_step.loss',
      'g_step.l1',
      'g_step.l2',
      'g_step.adv',
      'g_step_grads',
      'g_step_grads (conv biases before BN)',
      'g_after params',
      'g_after running stats',
      'd_final params',
      'd_final running stats',
      'metrics.mae',
      'metrics.rmse',
      'metrics.ssim',
    ]);
    expect(report.rows.filter((r) => !r.pass), table).toEqual([]);
    expect(report.pass).toBe(true);
    // Well inside the tolerances, not just under them.
    const row = (q: string) => report.rows.find((r) => r.quantity === q)!;
    expect(row('g_train_out').maxAbs).toBeLessThan(1e-4);
    expect(row('d_step_grads').relative).toBeLessThan(1e-4);
    expect(row('g_step_grads').relative).toBeLessThan(1e-3);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('parity manifest', () => {
  it('takes widths, batch, transform, loss weights, optimiser and tolerances from the file', () => {
    const m = parseParityManifest(manifestText);
    expect(m.generatorWidths).toEqual([4, 8, 16, 32, 64]);
    expect(m.criticWidths).toEqual([4, 8, 16, 32]);
    expect(m.batch).toBe(4);
    expect(m.transform).toEqual({ k: 1, dataMin: -26.95, dataMax: 52.77, labelMin: 1500, labelMax: 4500 });
    expect(m.lossWeights).toEqual({ g1v: 100, g2v: 0, adv: 1, gp: 10 });
    expect(m.optimiser).toEqual({ lr: 1e-4, betas: [0, 0.9], eps: 1e-8, weightDecay: 1e-4 });
    expect(m.tolerances.gGradsRelL2).toBe(0.01);
    expect(m.files.has('g_after.safetensors')).toBe(true);
  });

  it('follows other fixtures: other widths, batch, k, loss weights and betas', () => {
    const raw = JSON.parse(manifestText);
    Object.assign(raw, { batch: 3, generator_dims: [8, 8, 16, 16, 32], discriminator_dims: [2, 4, 8, 8] });
    raw.transform.k = 2;
    raw.loss_weights.lambda_g2v = 5;
    raw.optimizer.betas = [0.5, 0.99];
    raw.tolerances.losses_rel = 0.005;
    const m = parseParityManifest(JSON.stringify(raw));
    expect([m.batch, m.generatorWidths[0], m.criticWidths[3], m.transform.k, m.lossWeights.g2v]).toEqual([3, 8, 8, 2, 5]);
    expect(m.optimiser.betas).toEqual([0.5, 0.99]);
    expect(m.tolerances.lossesRel).toBe(0.005);
  });

  it('names every bad field', () => {
    const raw = JSON.parse(manifestText);
    raw.generator_dims = [4, 8];
    delete raw.optimizer.lr;
    raw.batchnorm.momentum = 0.2;
    expect(() => parseParityManifest(JSON.stringify(raw))).toThrow(FwiError);
    expect(() => parseParityManifest(JSON.stringify(raw))).toThrow(/generator_dims is not 5 positive integers.*optimizer.lr is not a number/);
    expect(() => parseParityManifest(JSON.stringify(raw))).toThrow(/batchnorm.momentum 0.2/);
  });
});

describe('parity comparisons', () => {
  const tol = parseParityManifest(manifestText).tolerances;
  const st = (data: number[]): SafeTensor => ({ dtype: 'F32', shape: [data.length], data: Float32Array.from(data) });

  it('judges arrays by max abs and losses by relative error', () => {
    expect(compareArray('x', [1, 2, 3], [1, 2.0005, 3], 1e-3).pass).toBe(true);
    expect(compareArray('x', [1, 2, 3], [1, 2.002, 3], 1e-3).pass).toBe(false);
    expect(compareArray('x', [1, NaN], [1, 2], 1e-3).pass).toBe(false);
    expect(compareArray('x', [1], [1, 2], 1e-3).pass).toBe(false);
    expect(compareLoss('l', 100.05, 100, 1e-3)).toMatchObject({ pass: true });
    expect(compareLoss('l', 0.0105, 0.01, 1e-3)).toMatchObject({ pass: false });
  });

  it('leaves conv biases before BN out of the gradient norm and checks them against their weight gradient', () => {
    const ours = new Map<string, number[]>([
      ['c.layers.0.weight', [1, 2, 3]],
      ['c.layers.0.bias', [5e-4]],
      ['c.layers.1.weight', [0.5]],
    ]);
    const ref = new Map([
      ['c.layers.0.weight', st([1, 2, 3.001])],
      ['c.layers.0.bias', st([-7])],
      ['c.layers.1.weight', st([0.5])],
    ]);
    const biases = new Map([['c.layers.0.bias', 'c.layers.0.weight']]);
    const [main, bias] = compareGradients('g', ours, ref, biases, 1e-2, tol);
    expect(main.pass).toBe(true);
    expect(main.relative).toBeCloseTo(0.001 / Math.sqrt(14.006001 + 0.25), 6);
    expect(bias.pass).toBe(false); // 5e-4 > 1e-4·‖(1, 2, 3)‖ = 3.7e-4
    ours.set('c.layers.0.bias', [1e-4]);
    expect(compareGradients('g', ours, ref, biases, 1e-2, tol)[1].pass).toBe(true);
  });

  it('applies the params-after-step rule: 99% within 1e-6, all within 2·lr, noise-gradient biases within 2·lr', () => {
    const lr = 1e-4;
    const n = 200;
    const base = Array.from({ length: n }, (_, i) => i / n);
    const names = ['w', 'b'];
    const ref = new Map([['w', st(base)], ['b', st([0.1, 0.2])]]);
    const biases = new Map([['b', 'w']]);
    const ok = new Map<string, number[]>([['w', base.map((v, i) => (i === 0 ? v + 2 * lr : v))], ['b', [0.1 + 2 * lr, 0.2 - 2 * lr]]]);
    expect(compareParamsAfterStep('p', ok, ref, names, biases, lr, tol).pass).toBe(true);
    const tooMany = new Map(ok).set('w', base.map((v, i) => (i < 3 ? v + lr : v)));
    expect(compareParamsAfterStep('p', tooMany, ref, names, biases, lr, tol).pass).toBe(false);
    const tooFar = new Map(ok).set('b', [0.1 + 3 * lr, 0.2]);
    expect(compareParamsAfterStep('p', tooFar, ref, names, biases, lr, tol).pass).toBe(false);
  });

  it('compares running statistics by max abs and batch counts exactly', () => {
    const ref = new Map<string, SafeTensor>([
      ['m', st([0.5])],
      ['n', { dtype: 'I64', shape: [1], data: BigInt64Array.of(2n) }],
    ]);
    expect(compareRunningStats('s', new Map([['m', [0.5005]], ['n', [2]]]), ref, ['m'], ['n'], 1e-3).pass).toBe(true);
    expect(compareRunningStats('s', new Map([['m', [0.5]], ['n', [3]]]), ref, ['m'], ['n'], 1e-3).pass).toBe(false);
  });
});
