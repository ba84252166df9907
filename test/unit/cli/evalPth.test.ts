import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/eval.ts';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';

const fixtures = path.resolve('test/fixtures');

async function readNpy(file: string): Promise<{ shape: readonly number[]; data: Float32Array }> {
  const npy = await openNpy(bytesSource(new Uint8Array(fs.readFileSync(file)), file));
  return { shape: npy.shape, data: await npy.readAll() };
}

describe('fwi eval --weights with PyTorch and PaddleScience files', () => {
  let dir: string;
  let list: string;

  beforeAll(() => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fwi-eval-pth-'));
    // The parity batch (4 FlatVel-A-like samples) as an OpenFWI annotation list.
    list = path.join(dir, 'val.txt');
    fs.writeFileSync(list, `${path.join(fixtures, 'parity/data_raw.npy')}\t${path.join(fixtures, 'parity/label_raw.npy')}\n`);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("OpenFWI's checkpoint.pth at custom widths under module.: the predictions PyTorch made, to float32 precision", async () => {
    const predFile = path.join(dir, 'pred.npy');
    const out = path.join(dir, 'eval.json');
    const weights = path.join(fixtures, 'pickle/custom_checkpoint.pth');
    expect(await run(['--weights', weights, '--val', list, '--preset', 'flatvel-a', '--predict', predFile, '--out', out, '--physics', '0'])).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ samples: 4, generatorWidths: [6, 10, 12, 20, 24] });
    const ours = await readNpy(predFile);
    const torch = await readNpy(path.join(fixtures, 'pickle/custom_checkpoint_pred.npy'));
    expect(ours.shape).toEqual([4, 1, 70, 70]);
    let max = 0;
    for (let i = 0; i < ours.data.length; i++) max = Math.max(max, Math.abs(ours.data[i] - torch.data[i]));
    // float32 precision: a few ulps of float32 at 4500 m/s (4.9e-4); measured 2.4e-4 m/s here.
    expect(max).toBeLessThan(2e-3);
  });

  it("an OpenFWI checkpoint's args name its normalisation (dataset, k); an explicit --preset that differs warns naming both", async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const weights = path.join(fixtures, 'pickle/resume_checkpoint.pth');
    const stored = path.join(dir, 'stored.json');
    expect(await run(['--weights', weights, '--val', list, '--out', stored])).toBe(0);
    expect(JSON.parse(fs.readFileSync(stored, 'utf8'))).toMatchObject({ preset: 'curvefault-a', transformFrom: 'weights', transform: { k: 1.5, dataMin: -26.48, dataMax: 52.32, labelMin: 1500, labelMax: 4500 } });
    expect(errors).toEqual([]);
    const chosen = path.join(dir, 'chosen.json');
    expect(await run(['--weights', weights, '--val', list, '--preset', 'flatvel-a', '--out', chosen])).toBe(0);
    expect(JSON.parse(fs.readFileSync(chosen, 'utf8'))).toMatchObject({ preset: 'flatvel-a', transformFrom: 'explicit' });
    expect(errors.join('\n')).toContain('warning: the weights were trained with curvefault-a (k 1.5, seismic -26.48 … 52.32, velocity 1500 … 4500 m/s), but flatvel-a (k 1, seismic -26.95 … 52.77, velocity 1500 … 4500 m/s) was chosen');
    // A dataset name this build does not know: the flatvel-a default, saying which and why.
    errors.length = 0;
    expect(await run(['--weights', path.join(fixtures, 'pickle/custom_legacy_names.pth'), '--val', list, '--out', path.join(dir, 'bare.json')])).toBe(0);
    expect(errors.join('\n')).toContain('the weights store no normalisation (not written by this studio): assuming flatvel-a');
    spy.mockRestore();
  });

  it('a .pdparams generator, and a critic file refused as a generator with what to use instead', async () => {
    const predFile = path.join(dir, 'pred_pd.npy');
    expect(await run(['--weights', path.join(fixtures, 'pickle/model_gen.pdparams'), '--val', list, '--predict', predFile, '--out', path.join(dir, 'e.json'), '--physics', '0'])).toBe(0);
    expect((await readNpy(predFile)).shape).toEqual([4, 1, 70, 70]);
    const critic = path.join(fixtures, 'pickle/model_dis_pairs.pdparams');
    await expect(run(['--weights', critic, '--val', list])).rejects.toThrow(`${critic}: holds critic (Discriminator) weights, not a generator`);
  });
});
