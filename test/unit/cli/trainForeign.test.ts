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
