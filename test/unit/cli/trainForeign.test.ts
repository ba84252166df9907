import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/train.ts';
import { readCheckpoint } from '../../../src/cli/checkpointFolder.ts';
import { readWeightsFile } from '../../../src/engine/model/weightsFile.ts';
import { writeLayeredFiles } from './layeredFiles.ts';

describe('fwi train --pth --pdparams', () => {
  let dir: string;
  beforeAll(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    dir = writeLayeredFiles({ train: [0, 4] });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes OpenFWI's checkpoint.pth and PaddleScience's model_gen/model_dis.pdparams holding the saved checkpoint", async () => {
    const out = path.join(dir, 'out');
    expect(await run(['--train', path.join(dir, 'train.txt'), '--out', out, '--quiet', '--widths', 'tiny', '--epochs', '1', '--batch', '2', '--pth', '--pdparams'])).toBe(0);
    expect(fs.readdirSync(out).filter((f) => /\.(pth|pdparams|partial)$/.test(f)).sort()).toEqual(['checkpoint.pth', 'model_dis.pdparams', 'model_gen.pdparams']);
    const saved = readCheckpoint(path.join(out, 'checkpoint'));
    const pth = readWeightsFile(new Uint8Array(fs.readFileSync(path.join(out, 'checkpoint.pth'))), 'checkpoint.pth');
    const gen = readWeightsFile(new Uint8Array(fs.readFileSync(path.join(out, 'model_gen.pdparams'))), 'model_gen.pdparams');
    const dis = readWeightsFile(new Uint8Array(fs.readFileSync(path.join(out, 'model_dis.pdparams'))), 'model_dis.pdparams');
    for (const [k, t] of saved.generator) {
      expect(Array.from(pth.generator!.get(k)!.data, Number), k).toEqual(Array.from(t.data, Number));
      if (!k.endsWith('num_batches_tracked')) expect(Array.from(gen.generator!.get(k)!.data, Number), k).toEqual(Array.from(t.data, Number));
    }
    for (const [k, t] of saved.critic) if (!k.endsWith('num_batches_tracked')) expect(Array.from(dis.critic!.get(k)!.data, Number), k).toEqual(Array.from(t.data, Number));
    // One finished epoch of two batches: OpenFWI's epoch 0 done, step 2; the generator stepped once, the critic twice.
    expect([pth.openfwi!.epoch, pth.openfwi!.step]).toEqual([0, 2]);
    const og = pth.openfwi!.optimizerGenerator as unknown as { state: Record<string, { step: { data: Float32Array } }> };
    const od = pth.openfwi!.optimizerCritic as unknown as { state: Record<string, { step: { data: Float32Array } }> };
    expect([og.state['0'].step.data[0], od.state['0'].step.data[0]]).toEqual([saved.meta.optimizerSteps.generator, saved.meta.optimizerSteps.critic]);
  });
});

describe('fwi train --resume checkpoint.pth', () => {
  let dir: string;
  let logs: string[];
  let errors: string[];
  const fixtures = path.resolve('test/fixtures/pickle');

  beforeAll(() => {
    logs = [];
    errors = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    dir = writeLayeredFiles({ train: [0, 6], val: [100, 2] });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const data = () => ['--train', path.join(dir, 'train.txt'), '--val', path.join(dir, 'val.txt'), '--quiet'];

  it('our .pth export at the end of epoch 1, resumed, trains on exactly as our own checkpoint does (all but the history)', async () => {
    const own = path.join(dir, 'own');
    const viaPth = path.join(dir, 'via-pth');
    expect(await run([...data(), '--out', own, '--widths', 'tiny', '--epochs', '1', '--batch', '2', '--seed', '3', '--preset', 'auto', '--pth'])).toBe(0);
    const exported = path.join(dir, 'exported.pth');
    fs.copyFileSync(path.join(own, 'checkpoint.pth'), exported);
    expect(await run([...data(), '--out', own, '--resume', path.join(own, 'checkpoint'), '--epochs', '2'])).toBe(0);
    logs.length = 0;
    expect(await run([...data(), '--out', viaPth, '--resume', exported, '--epochs', '2'])).toBe(0);
    expect(logs[0]).toContain(`resuming OpenFWI checkpoint ${exported} (epoch 0 done, step 3) at epoch 2, batch 1 (critic step 3, generator step 1) as the new run ${viaPth}`);
    expect(logs[0]).toContain('normalisation auto (k 1, seismic');
    expect(logs[0]).toContain('(its args, written by this studio)');
    expect(logs[0]).toContain('not in the file: the gradient-penalty random stream (recomputed from the seed and the critic step');
    expect(logs[0]).toContain('the run uses seed 3 (its own, from the args)');

    const a = readCheckpoint(path.join(own, 'checkpoint'));
    const b = readCheckpoint(path.join(viaPth, 'checkpoint'));
    // Equal: the weights, running statistics and AdamW moments after epoch 2, bit for bit…
    for (const part of ['generator', 'critic', 'optimizerGenerator', 'optimizerCritic'] as const) {
      expect([...b[part].keys()], part).toEqual([...a[part].keys()]);
      for (const [k, t] of a[part]) expect(Array.from(b[part].get(k)!.data, Number), `${part} ${k}`).toEqual(Array.from(t.data, Number));
    }
    // …the configuration, position, step counts and α stream…
    const same = (c: typeof a) => ({ config: c.meta.config, position: c.meta.position, criticStep: c.meta.criticStep, generatorStep: c.meta.generatorStep, optimizerSteps: c.meta.optimizerSteps, rngState: c.meta.rngState });
    expect(same(b)).toEqual(same(a));
    expect(same(b)).toMatchObject({ position: { epoch: 2, iteration: 0 }, criticStep: 6, generatorStep: 2 });
    // …and epoch 2's validation. Not equal: the history before the file (epoch 1's validation) and the time.
    expect(a.meta.validation.map((v) => v.epoch)).toEqual([0, 1]);
    expect(b.meta.validation).toEqual([a.meta.validation[1]]);
  });

  it("PyTorch's checkpoint.pth (args: curvefault-a, k 1.5, batch 2, n_critic 2) trains on from its epoch and steps", async () => {
    const out = path.join(dir, 'from-torch');
    errors.length = 0;
    logs.length = 0;
    expect(await run([...data(), '--out', out, '--resume', path.join(fixtures, 'resume_checkpoint.pth'), '--epochs', '2', '--preset', 'flatvel-a'])).toBe(0);
    expect(errors.join('\n')).toContain('warning: the weights were trained with curvefault-a (k 1.5, seismic -26.48 … 52.32, velocity 1500 … 4500 m/s), but flatvel-a');
    expect(logs[0]).toContain('(epoch 0 done, step 3) at epoch 2, batch 1 (critic step 3, generator step 2)');
    expect(logs[0]).toContain('the run uses seed 0 (the default; --seed sets it)');
    const c = readCheckpoint(path.join(out, 'checkpoint'));
    // Epoch 2: 3 batches, critic steps on each, generator steps on batches 2 and 3 (n_critic 2, and the last).
    expect(c.meta).toMatchObject({ position: { epoch: 2, iteration: 0 }, criticStep: 6, generatorStep: 4, optimizerSteps: { generator: 4, critic: 6 } });
    expect(c.meta.config).toMatchObject({ preset: 'flatvel-a', generatorWidths: [3, 4, 5, 6, 7], lrGenerator: 2e-4, lrCritic: 3e-4, weightDecay: 1e-3, batchSize: 2, nCritic: 2 });
  });

  it('refuses flags the file decides and files without optimiser state, saying why', async () => {
    await expect(run([...data(), '--out', path.join(dir, 'x'), '--resume', path.join(fixtures, 'resume_checkpoint.pth'), '--lr', '1e-3'])).rejects.toThrow(
      'an OpenFWI checkpoint continues with its own networks and optimiser settings; it cannot change --lr',
    );
    const legacy = path.join(fixtures, 'custom_legacy_names.pth');
    await expect(run([...data(), '--out', path.join(dir, 'y'), '--resume', legacy])).rejects.toThrow(`${legacy}: holds network weights without optimiser state, so there is no run to continue`);
  });
});
