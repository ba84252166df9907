import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/train.ts';
import { currentGpu, releaseBackend } from '../../../src/engine/train/backend.ts';
import { writeLayeredFiles } from '../cli/layeredFiles.ts';
import { useSwiftShader } from './swiftshader.ts';

describe('fwi train --backend webgpu in Node', () => {
  let dir: string;
  beforeAll(() => {
    useSwiftShader();
    dir = writeLayeredFiles({ train: [0, 2] });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    releaseBackend();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trains, checkpoints, and resumed gives exactly the uninterrupted run’s steps', { timeout: 900_000 }, async () => {
    // Narrow widths and one batch per epoch keep this to eight steps: slow work on a software GPU.
    const common = (out: string) => ['--train', path.join(dir, 'train.txt'), '--out', path.join(dir, out), '--backend', 'webgpu', '--quiet'];
    const fresh = ['--widths', '2,2,2,2,2', '--batch', '2', '--seed', '5'];
    expect(await run([...common('whole'), ...fresh, '--epochs', '2'])).toBe(0);
    expect(currentGpu()?.device).toBeDefined();
    expect(await run([...common('split'), ...fresh, '--epochs', '1'])).toBe(0);
    expect(fs.existsSync(path.join(dir, 'split', 'checkpoint', 'generator.safetensors'))).toBe(true);
    expect(await run([...common('split'), '--resume', path.join(dir, 'split', 'checkpoint'), '--epochs', '2'])).toBe(0);

    const rows = (out: string) => fs.readFileSync(path.join(dir, out, 'metrics.csv'), 'utf8').trim().split('\n');
    const whole = rows('whole');
    // Two epochs of one batch: a critic step, then the generator's (the epoch's last batch).
    expect(whole.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(['critic,1,0,1,', 'generator,1,0,,1', 'critic,2,0,2,', 'generator,2,0,,2']);
    expect(Number(whole[1].split(',')[5])).not.toBe(0);
    // Every loss and metric, to the last digit.
    expect(rows('split')).toEqual(whole);
    const weights = (out: string) => fs.readFileSync(path.join(dir, out, 'checkpoint', 'generator.safetensors'));
    expect(weights('split').equals(weights('whole'))).toBe(true);
  });
});
