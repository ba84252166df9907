import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as evaluate } from '../../../src/cli/eval.ts';
import { run as runs } from '../../../src/cli/runs.ts';
import { run as train } from '../../../src/cli/train.ts';
import { writeLayeredFiles } from './layeredFiles.ts';

describe('fwi runs', () => {
  let dir: string;
  let printed: string[];
  beforeAll(() => {
    dir = writeLayeredFiles({ train: [0, 4], val: [100, 2] });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const capture = () => {
    printed = [];
    vi.spyOn(console, 'log').mockImplementation((...a) => void printed.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a) => void printed.push(a.join(' ')));
  };

  it('keeps each --out as a run: never replaced, listed, renamed, deleted one at a time, evaluated by its folder', async () => {
    capture();
    const root = path.join(dir, 'runs');
    const args = (out: string) => ['--train', path.join(dir, 'train.txt'), '--val', path.join(dir, 'val.txt'), '--out', path.join(root, out), '--quiet', '--widths', 'tiny', '--epochs', '1', '--batch', '2'];
    expect(await train(args('first'))).toBe(0);
    const generator = fs.readFileSync(path.join(root, 'first', 'checkpoint', 'generator.safetensors'));
    const record = JSON.parse(fs.readFileSync(path.join(root, 'first', 'run.json'), 'utf8'));
    expect(record).toMatchObject({ id: 'first', name: 'first', state: 'finished', latest: { epoch: 1, iteration: 0, criticStep: 2, generatorStep: 1, reason: 'end' } });
    expect(record.data.train.map((f: { name: string; size: number }) => [path.basename(f.name), f.size])).toEqual([
      ['train_seis.npy', fs.statSync(path.join(dir, 'data', 'train_seis.npy')).size],
      ['train_vel.npy', fs.statSync(path.join(dir, 'data', 'train_vel.npy')).size],
    ]);
    expect(record.data.headerHash).toMatch(/^[0-9a-f]{64}$/);

    // A second new run into the same folder is refused and the first is untouched.
    await expect(train(args('first'))).rejects.toThrow('already holds a run; a new run never replaces an old one');
    expect(fs.readFileSync(path.join(root, 'first', 'checkpoint', 'generator.safetensors')).equals(generator)).toBe(true);

    expect(await train([...args('second'), '--seed', '9'])).toBe(0);
    fs.mkdirSync(path.join(root, 'broken'));
    fs.writeFileSync(path.join(root, 'broken', 'run.json'), '{"format": "velocitygan-studio-run", ');

    printed = [];
    expect(await runs([root])).toBe(1);
    const ids = printed.filter((l) => /^(first|second) /.test(l)).map((l) => l.split(' ')[0]);
    expect(ids.sort()).toEqual(['first', 'second']);
    expect(printed.find((l) => l.startsWith('first '))).toContain('finished (1 epochs), latest checkpoint: the end of epoch 1, critic step 2, generator step 1');
    expect(printed.find((l) => l.startsWith('broken:'))).toContain('run.json: the saved run could not be read: not valid JSON');

    expect(await runs([root, '--rename', 'second', '--name', 'seed nine'])).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'second', 'run.json'), 'utf8')).name).toBe('seed nine');
    await expect(runs([root, '--delete', 'second'])).rejects.toThrow('add --yes to confirm');
    expect(await runs([root, '--delete', 'second', '--yes'])).toBe(0);
    expect(fs.existsSync(path.join(root, 'second'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'first', 'run.json'))).toBe(true);

    // The run folder evaluates its latest checkpoint with the run's own preset: the same numbers as its checkpoint folder.
    const viaRun = path.join(dir, 'run-eval.json');
    const viaCheckpoint = path.join(dir, 'checkpoint-eval.json');
    expect(await evaluate(['--weights', path.join(root, 'first'), '--val', path.join(dir, 'val.txt'), '--out', viaRun, '--physics', '0'])).toBe(0);
    expect(await evaluate(['--weights', path.join(root, 'first', 'checkpoint'), '--val', path.join(dir, 'val.txt'), '--preset', 'flatvel-a', '--out', viaCheckpoint, '--physics', '0'])).toBe(0);
    const a = JSON.parse(fs.readFileSync(viaRun, 'utf8'));
    const b = JSON.parse(fs.readFileSync(viaCheckpoint, 'utf8'));
    expect([a.mae, a.rmse, a.ssim, a.samples]).toEqual([b.mae, b.rmse, b.ssim, b.samples]);
    expect(a.preset).toBe('flatvel-a');
  }, 180_000);
});
