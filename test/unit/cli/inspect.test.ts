import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../../src/cli/inspect.ts';
import { encodeNpy } from '../../../src/engine/io/npy.ts';
import { FwiError } from '../../../src/engine/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'fwi-inspect-'));
const cwd = process.cwd();

beforeAll(() => {
  mkdirSync(join(dir, 'lists'), { recursive: true });
  mkdirSync(join(dir, 'drop/flatvel-a/data'), { recursive: true });
  mkdirSync(join(dir, 'drop/flatvel-a/model'), { recursive: true });
  // seismic (n, 2, 4, 3) with values in [-26.95, 52.77]: the FlatVel-A limits
  const seis = (n: number) => Float32Array.from({ length: n * 24 }, (_, k) => (k % 24 === 0 ? -26.95 : k % 24 === 1 ? 52.77 : 1));
  const vel = (n: number) => Float32Array.from({ length: n * 9 }, (_, k) => 1500 + (k % 9) * 375);
  writeFileSync(join(dir, 'drop/flatvel-a/data/data1.npy'), encodeNpy([3, 2, 4, 3], seis(3)));
  writeFileSync(join(dir, 'drop/flatvel-a/model/model1.npy'), encodeNpy([3, 1, 3, 3], vel(3)));
  writeFileSync(join(dir, 'drop/flatvel-a/data/data2.npy'), encodeNpy([2, 2, 4, 3], seis(2)));
  writeFileSync(join(dir, 'drop/flatvel-a/model/model2.npy'), encodeNpy([2, 1, 3, 3], vel(2)));
  writeFileSync(
    join(dir, 'lists/train.txt'),
    '/global/cfs/openfwi/flatvel-a/data/data1.npy\t/global/cfs/openfwi/flatvel-a/model/model1.npy\r\n/global/cfs/openfwi/flatvel-a/data/data2.npy\t/global/cfs/openfwi/flatvel-a/model/model2.npy',
  );
  // A NaN and an Inf planted in a seismic file and in a velocity file, at known positions.
  mkdirSync(join(dir, 'drop/bad'), { recursive: true });
  const badSeis = seis(3);
  badSeis[((1 * 2 + 1) * 4 + 2) * 3 + 0] = NaN; // [sample 1, shot 1, time 2, receiver 0]
  badSeis[((2 * 2 + 0) * 4 + 3) * 3 + 2] = Infinity; // [sample 2, shot 0, time 3, receiver 2]
  const badVel = vel(3);
  badVel[0 * 9 + 1 * 3 + 2] = NaN; // [sample 0, channel 0, depth 1, offset 2]
  badVel[2 * 9 + 2 * 3 + 0] = -Infinity; // [sample 2, channel 0, depth 2, offset 0]
  writeFileSync(join(dir, 'drop/bad/data_bad.npy'), encodeNpy([3, 2, 4, 3], badSeis));
  writeFileSync(join(dir, 'drop/bad/model_bad.npy'), encodeNpy([3, 1, 3, 3], badVel));
  writeFileSync(join(dir, 'lists/bad.txt'), 'data1.npy\tmodel1.npy\nbad/data_bad.npy\tbad/model_bad.npy\n');
  writeFileSync(join(dir, 'lists/missing.txt'), 'data1.npy\tmodel1.npy\ndata7.npy\tmodel7.npy\n');
  writeFileSync(join(dir, 'broken.npy'), Uint8Array.from('\x93NUMPY\x01\x00\x10\x00{"descr": "<f4"', (c) => c.charCodeAt(0)));
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out: () => out.join('\n'), err: () => err.join('\n') };
}

describe('fwi inspect', () => {
  it('describes a .npy file: version, dtype, byte order, shape, samples, size', async () => {
    const io = capture();
    expect(await run(['drop/flatvel-a/model/model1.npy'])).toBe(0);
    expect(io.out()).toBe(
      ['drop/flatvel-a/model/model1.npy', '  .npy 1.0, <f4 (float32, little-endian)', '  shape (3, 1, 3, 3): 3 samples of (1, 3, 3), 236 B'].join('\n'),
    );
  });

  it('resolves an annotation list with cluster paths against --root, totals the samples and names the memory mode', async () => {
    const io = capture();
    expect(await run(['lists/train.txt', '--root', 'drop', '--memory-budget', '0.0001'])).toBe(0);
    const out = io.out();
    expect(out).toContain('lists/train.txt: annotation list, 2 file pairs');
    expect(out).toContain('  line 1: 3 samples\n    drop/flatvel-a/data/data1.npy');
    expect(out).toContain('  line 2: 2 samples\n    drop/flatvel-a/data/data2.npy');
    expect(out).toContain('  total: 5 samples; seismic (2, 4, 3), velocity (1, 3, 3)');
    expect(out).toContain('  memory: stream (660 B as float32 > budget 100 B)');
  });

  it('--scan adds value ranges and the matching preset', async () => {
    const io = capture();
    expect(await run(['lists/train.txt', '--root', 'drop', '--scan'])).toBe(0);
    const out = io.out();
    expect(out).toContain('memory: preload (660 B as float32 ≤ budget 256.0 MB)');
    expect(out).toContain('  seismic values: -26.95 … 52.77');
    expect(out).toContain('  velocity values: 1500 … 4500 m/s');
    expect(out).toContain('  suggested preset: flatvel-a (matches: data -26.95…52.77)');
  });

  it('--scan names each NaN and infinity by file, sample and position, counts them per file, and exits 1', async () => {
    const io = capture();
    expect(await run(['lists/bad.txt', '--root', 'drop', '--scan'])).toBe(1);
    const out = io.out();
    expect(out).toContain('  seismic values: -26.95 … 52.77');
    expect(out).toContain(
      [
        '  problem: 4 NaN/infinite values in 2 files (4 samples); training stops on them unless run with --skip-nonfinite',
        '    drop/bad/data_bad.npy: 2 non-finite values (1 NaN, 1 +Infinity) in 2 samples: 1–2',
        '      sample 1, shot 1, time 2, receiver 0: NaN',
        '      sample 2, shot 0, time 3, receiver 2: Infinity',
        '    drop/bad/model_bad.npy: 2 non-finite values (1 NaN, 1 -Infinity) in 2 samples: 0, 2',
        '      sample 0, depth 1, offset 2: NaN',
        '      sample 2, depth 2, offset 0: -Infinity',
      ].join('\n'),
    );
    expect(out).not.toContain('data1.npy: ');

    const one = capture();
    expect(await run(['drop/bad/model_bad.npy', '--scan'])).toBe(1);
    expect(one.out()).toContain('  values: 1500 … 4500 (finite values; 2 NaN/infinite)\n  problem: 2 NaN/infinite values in 1 file (2 samples)');
    expect(one.out()).toContain('      sample 2, depth 2, offset 0: -Infinity');
  });

  it('reports every bad input with its file and exits 1, still describing the good ones', async () => {
    const io = capture();
    expect(await run(['lists/missing.txt', '--root', 'drop', 'broken.npy', 'nope.npy', 'drop/flatvel-a/data/data2.npy'])).toBe(1);
    expect(io.err()).toContain('fwi: lists/missing.txt: line 2: no supplied file matches "data7.npy"');
    expect(io.err()).toContain('fwi: broken.npy: truncated header');
    expect(io.err()).toContain('fwi: nope.npy: cannot open: no such file');
    expect(io.out()).toContain('shape (2, 2, 4, 3): 2 samples of (2, 4, 3)');
  });

  it('usage errors are FwiErrors', async () => {
    await expect(run([])).rejects.toBeInstanceOf(FwiError);
    await expect(run(['--bogus'])).rejects.toThrow(/Unknown option/);
  });

  it('the real command prints the message without a stack trace and exits 1', async () => {
    const bin = join(cwd, 'node_modules/.bin/fwi');
    const r = await promisify(execFile)(bin, ['inspect', 'broken.npy'], { cwd: dir }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(r!.code).toBe(1);
    expect(r!.stderr.trim()).toBe('fwi: broken.npy: truncated header (it claims 16 bytes, the file ends before)');
  });
});
