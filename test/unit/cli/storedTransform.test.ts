import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as evalRun } from '../../../src/cli/eval.ts';
import { run as trainRun } from '../../../src/cli/train.ts';
import { getPreset } from '../../../src/engine/data/presets.ts';
import { encodeSafetensors, parseSafetensors } from '../../../src/engine/io/safetensors.ts';
import { writeLayeredFiles } from './layeredFiles.ts';

/** Weights carry their transform: `fwi eval` of a `--preset auto` run scores it as its training did. */
describe('self-describing weights through the CLI', () => {
  let dir: string;
  let out: string;
  let errors: string[];

  beforeAll(async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    errors = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    dir = writeLayeredFiles({ train: [0, 4], val: [100, 3] });
    out = path.join(dir, 'run');
    const args = ['--train', path.join(dir, 'train.txt'), '--val', path.join(dir, 'val.txt'), '--out', out, '--quiet', '--backend', 'cpu'];
    expect(await trainRun([...args, '--preset', 'auto', '--widths', 'tiny', '--epochs', '1', '--batch', '2', '--seed', '3'])).toBe(0);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lastValidation = () =>
    fs
      .readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === 'validation')
      .at(-1);

  it('fwi eval --weights run/checkpoint (no --preset) reproduces the last validation exactly', async () => {
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config.preset).toBe('auto');
    // The scanned limits are not flatvel-a's, so the default preset would score differently.
    expect(config.transform.dataMax).not.toBe(getPreset('flatvel-a').dataMax);

    const file = path.join(dir, 'eval.json');
    expect(await evalRun(['--weights', path.join(out, 'checkpoint'), '--val', path.join(dir, 'val.txt'), '--out', file, '--backend', 'cpu', '--physics', '0'])).toBe(0);
    const result = JSON.parse(fs.readFileSync(file, 'utf8'));
    const v = lastValidation();
    expect(result).toMatchObject({ preset: 'auto', transformFrom: 'weights', transform: config.transform });
    for (const key of ['mae', 'rmse', 'ssim', 'maeMs', 'rmseMs', 'loss'] as const) expect(result[key], key).toBe(v[key]);
  });

  it('the generator file alone carries the transform, widths, steps, config and version', async () => {
    const { metadata } = parseSafetensors(new Uint8Array(fs.readFileSync(path.join(out, 'checkpoint', 'generator.safetensors'))));
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    const t = config.transform;
    expect(metadata).toMatchObject({
      format: 'pt',
      network: 'generator',
      preset: 'auto',
      generator_widths: '[4,8,16,32,64]',
      critic_widths: '[4,8,16,32]',
      generator_step: '1',
      critic_step: '2',
      producer_version: JSON.parse(fs.readFileSync('package.json', 'utf8')).version,
    });
    expect(JSON.parse(metadata.transform)).toEqual({ k: t.k, data_min: t.dataMin, data_max: t.dataMax, label_min: t.labelMin, label_max: t.labelMax });
    expect(JSON.parse(metadata.config)).toEqual(config);
    // Copied out of the folder, it still evaluates as trained.
    const lone = path.join(dir, 'generator_only.safetensors');
    fs.copyFileSync(path.join(out, 'checkpoint', 'generator.safetensors'), lone);
    const file = path.join(dir, 'eval_lone.json');
    expect(await evalRun(['--weights', lone, '--val', path.join(dir, 'val.txt'), '--out', file, '--backend', 'cpu', '--physics', '0'])).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).mae).toBe(lastValidation().mae);
  });

  it('an explicit --preset that differs is used, with a warning naming both', async () => {
    errors.length = 0;
    const file = path.join(dir, 'eval_flat.json');
    expect(await evalRun(['--weights', path.join(out, 'checkpoint'), '--val', path.join(dir, 'val.txt'), '--preset', 'flatvel-a', '--out', file, '--backend', 'cpu', '--physics', '0'])).toBe(0);
    const result = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(result).toMatchObject({ preset: 'flatvel-a', transformFrom: 'explicit' });
    expect(result.mae).not.toBe(lastValidation().mae);
    expect(errors.join('\n')).toMatch(/warning: the weights were trained with auto \(k 1, seismic .* but flatvel-a \(k 1, seismic -26\.95 … 52\.77, velocity 1500 … 4500 m\/s\) was chosen/);
  });

  it('weights without metadata keep the flatvel-a default and say so', async () => {
    errors.length = 0;
    const { tensors } = parseSafetensors(new Uint8Array(fs.readFileSync(path.join(out, 'checkpoint', 'generator.safetensors'))));
    const bare = path.join(dir, 'bare.safetensors');
    fs.writeFileSync(bare, encodeSafetensors(Object.fromEntries([...tensors].map(([k, t]) => [k, { dtype: t.dtype as 'F32', shape: t.shape, data: t.data }]))));
    const file = path.join(dir, 'eval_bare.json');
    expect(await evalRun(['--weights', bare, '--val', path.join(dir, 'val.txt'), '--out', file, '--backend', 'cpu', '--physics', '0'])).toBe(0);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ preset: 'flatvel-a', transformFrom: 'assumed' });
    expect(errors.join('\n')).toContain('the weights store no normalisation (not written by this studio): assuming flatvel-a (k 1, seismic -26.95 … 52.77, velocity 1500 … 4500 m/s)');
  });
});
