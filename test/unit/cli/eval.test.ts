import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/eval.ts';
import { ssim } from '../../../src/engine/eval/metrics.ts';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import { encodeSafetensors } from '../../../src/engine/io/safetensors.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { stateDictOf } from '../../../src/engine/model/stateDict.ts';
import { initBackend } from '../../../src/engine/train/backend.ts';
import { writeLayeredFiles } from './layeredFiles.ts';

async function readNpy(file: string): Promise<{ shape: readonly number[]; data: Float32Array }> {
  const npy = await openNpy(bytesSource(new Uint8Array(fs.readFileSync(file)), file));
  return { shape: npy.shape, data: await npy.readAll() };
}

describe('fwi eval', () => {
  let dir: string;
  let weights: string;

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    dir = writeLayeredFiles({ val: [100, 3] });
    await initBackend('cpu');
    const g = createGenerator([4, 8, 16, 32, 64], 9);
    weights = path.join(dir, 'g.safetensors');
    fs.writeFileSync(weights, encodeSafetensors(await stateDictOf(g)));
    g.dispose();
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('scores PyTorch-named generator weights: metrics agree with its own written predictions', async () => {
    const out = path.join(dir, 'eval.json');
    const predFile = path.join(dir, 'pred.npy');
    expect(await run(['--weights', weights, '--val', path.join(dir, 'val.txt'), '--out', out, '--predict', predFile, '--batch', '2', '--physics', '1'])).toBe(0);
    const result = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(result).toMatchObject({ samples: 3, generatorWidths: [4, 8, 16, 32, 64], preset: 'flatvel-a', format: 'velocitygan-studio-evaluation' });
    // What was scored: the weights (no stored steps in a bare state dict), the configuration, the data's files, sizes and header hash.
    expect(result.weights).toEqual({ source: weights, generatorStep: 0, criticStep: null });
    expect(result.config.generatorWidths).toEqual([4, 8, 16, 32, 64]);
    expect(result.config.transform).toEqual(result.transform);
    const size = (f: string) => fs.statSync(path.join(dir, 'data', f)).size;
    expect(result.data.files).toEqual([
      { name: path.join(dir, 'data', 'val_seis.npy'), size: size('val_seis.npy') },
      { name: path.join(dir, 'data', 'val_vel.npy'), size: size('val_vel.npy') },
    ]);
    expect(result.data.headerHash).toMatch(/^[0-9a-f]{64}$/);

    // Recompute from the written maps (m/s) and the label files, independently of the evaluator.
    const pred = await readNpy(predFile);
    expect(pred.shape).toEqual([3, 1, 70, 70]);
    const truth = (await readNpy(path.join(dir, 'data', 'val_vel.npy'))).data;
    let abs = 0;
    let sq = 0;
    for (let i = 0; i < truth.length; i++) {
      const d = pred.data[i] - truth[i];
      abs += Math.abs(d);
      sq += d * d;
    }
    // float32 sums inside tf.js against float64 here: agree to ~1e-5 relative.
    expect(Math.abs(result.maeMs / (abs / truth.length) - 1)).toBeLessThan(2e-5);
    expect(Math.abs(result.rmseMs / Math.sqrt(sq / truth.length) - 1)).toBeLessThan(2e-5);
    expect(result.mae).toBeCloseTo(result.maeMs / 1500, 8);
    const norm = (a: Float32Array) => tf.tensor4d(a.map((v) => (v - 1500) / 1500 - 1), [3, 1, 70, 70]);
    expect(result.ssim).toBeCloseTo(await ssim(norm(pred.data), norm(truth)), 4);

    // Per sample: each row's MAE and RMSE are its own map's, the overall numbers their means.
    const cells = 70 * 70;
    expect(result.perSample.map((r: { index: number }) => r.index)).toEqual([0, 1, 2]);
    for (let k = 0; k < 3; k++) {
      let a = 0;
      for (let p = k * cells; p < (k + 1) * cells; p++) a += Math.abs(pred.data[p] - truth[p]);
      expect(Math.abs(result.perSample[k].maeMs / (a / cells) - 1)).toBeLessThan(2e-5);
    }
    // The physics check covered sample 1 (index 0) with its three references; the CSV has one row per sample.
    expect(result.physics.indices).toEqual([0]);
    for (const k of ['predicted', 'truth', 'smoothed', 'constant']) expect(result.physics[k][0]).toBeGreaterThan(0);
    const csv = fs.readFileSync(path.join(dir, 'eval.samples.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('sample,dataset_index,mae,rmse,ssim,mae_ms,rmse_ms,seismic_misfit_predicted,seismic_misfit_true,seismic_misfit_smoothed,seismic_misfit_constant');
    expect(csv.length).toBe(4);
    const first = csv[1].split(',');
    expect(first.slice(0, 3)).toEqual(['1', '0', String(result.perSample[0].mae)]);
    expect(Number(first[10])).toBe(result.physics.constant[0]);
    expect(csv[2].split(',').slice(0, 2)).toEqual(['2', '1']);
    expect(csv[2].endsWith(',,,,')).toBe(true);
  });

  it('predicts a seismic-only list and refuses to score it', async () => {
    const list = path.join(dir, 'seismic_only.txt');
    await expect(run(['--weights', weights, '--val', list])).rejects.toThrow('the list has seismic files only, so there is nothing to score: pass --predict out.npy');
    const predFile = path.join(dir, 'pred_only.npy');
    expect(await run(['--weights', weights, '--val', list, '--predict', predFile])).toBe(0);
    const a = await readNpy(predFile);
    const b = await readNpy(path.join(dir, 'pred.npy'));
    expect(a.shape).toEqual([3, 1, 70, 70]);
    // Inference mode: a sample's prediction does not depend on the batch it came in.
    let max = 0;
    for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
    expect(max).toBeLessThan(1e-2);
  });

  it('names weights that are not a generator', async () => {
    const critic = path.join(dir, 'not_g.safetensors');
    fs.writeFileSync(critic, encodeSafetensors({ 'convblock1_1.layers.0.weight': { dtype: 'F32', shape: [4, 1, 3, 3], data: new Float32Array(36) } }));
    await expect(run(['--weights', critic, '--val', path.join(dir, 'val.txt')])).rejects.toThrow(`${critic}: holds critic (Discriminator) weights, not a generator`);
  });
});
