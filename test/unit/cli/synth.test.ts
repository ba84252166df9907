import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as inspect } from '../../../src/cli/inspect.ts';
import { run as synth } from '../../../src/cli/synth.ts';
import { FwiError } from '../../../src/engine/errors.ts';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import { velocityMaps } from '../../../src/engine/physics/velocityFamilies.ts';

const dir = mkdtempSync(join(tmpdir(), 'fwi-synth-'));
const args = (out: string, ...more: string[]) => ['--family', 'flat', '--n', '3', '--val', '2', '--per-file', '2', '--seed', '7', '--nt', '30', '--out', join(dir, out), ...more];

function capture() {
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  return () => out.join('\n');
}

beforeAll(async () => {
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  capture();
  expect(await synth(args('a'))).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.mocked(console.log).mockRestore?.());

describe('fwi synth', () => {
  it('writes the OpenFWI layout: data/model pairs numbered on from training to validation, and both lists', () => {
    expect(readFileSync(join(dir, 'a/train.txt'), 'utf8')).toBe('data1.npy\tmodel1.npy\ndata2.npy\tmodel2.npy\n');
    expect(readFileSync(join(dir, 'a/val.txt'), 'utf8')).toBe('data3.npy\tmodel3.npy\n');
  });

  it('then fwi inspect reads both lists: 3 training and 2 validation samples of the right shapes', async () => {
    const out = capture();
    expect(await inspect([join(dir, 'a/train.txt'), join(dir, 'a/val.txt')])).toBe(0);
    const text = out();
    expect(text).toContain('train.txt: annotation list, 2 file pairs');
    expect(text).toContain('total: 3 samples; seismic (5, 30, 70), velocity (1, 70, 70)');
    expect(text).toContain('val.txt: annotation list, 1 file pair');
    expect(text).toContain('total: 2 samples; seismic (5, 30, 70), velocity (1, 70, 70)');
  });

  it('holds the seeded flat maps: samples 3 and 4 (the validation file) are those of seed 7', async () => {
    const model = await openNpy(bytesSource(new Uint8Array(readFileSync(join(dir, 'a/model3.npy'))), 'model3.npy'));
    const values = await model.readAll();
    const expected = velocityMaps('flat', 7, 3, 2);
    expect(values.every((v, i) => v === expected[i])).toBe(true);
  });

  it('gives byte-identical files for the same seed, and refuses to overwrite without --force', async () => {
    capture();
    expect(await synth(args('b'))).toBe(0);
    for (const name of ['data1.npy', 'model2.npy', 'data3.npy', 'train.txt', 'val.txt']) {
      expect(Buffer.compare(readFileSync(join(dir, 'a', name)), readFileSync(join(dir, 'b', name))), name).toBe(0);
    }
    await expect(synth(args('b'))).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'usage' && e.message.includes('--force'));
    expect(await synth(['--family', 'curve', '--n', '1', '--nt', '30', '--out', join(dir, 'b'), '--force'])).toBe(0);
    expect(readFileSync(join(dir, 'b/train.txt'), 'utf8')).toBe('data1.npy\tmodel1.npy\n');
    expect(existsSync(join(dir, 'b/val.txt'))).toBe(false);
  });

  it('answers bad options with FwiError usage', async () => {
    for (const bad of [['--family', 'dome', '--n', '1', '--out', dir], ['--family', 'flat', '--out', dir], ['--family', 'flat', '--n', '1'], ['--family', 'flat', '--n', '-2', '--out', dir]]) {
      await expect(synth(bad)).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'usage');
    }
  });
});
