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
// Uneven on purpose (a last file of 1 sample): the free layout; the OpenFWI layout has its own test below.
const args = (out: string, ...more: string[]) => ['--family', 'flat', '--n', '3', '--val', '2', '--per-file', '2', '--seed', '7', '--nt', '30', '--out', join(dir, out), '--no-openfwi-layout', ...more];

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
    expect(await synth(['--family', 'curve', '--n', '1', '--nt', '30', '--out', join(dir, 'b'), '--force', '--no-openfwi-layout'])).toBe(0);
    expect(readFileSync(join(dir, 'b/train.txt'), 'utf8')).toBe('data1.npy\tmodel1.npy\n');
    expect(existsSync(join(dir, 'b/val.txt'))).toBe(false);
  });

  it('answers bad options with FwiError usage', async () => {
    for (const bad of [['--family', 'dome', '--n', '1', '--out', dir], ['--family', 'flat', '--out', dir], ['--family', 'flat', '--n', '1'], ['--family', 'flat', '--n', '-2', '--out', dir]]) {
      await expect(synth(bad)).rejects.toSatisfy((e: unknown) => e instanceof FwiError && e.code === 'usage');
    }
  });
});

/**
 * The lists as OpenFWI's FWIDataset reads them (dataset.py): readlines(), split('\t'), the data path
 * is batch[0] (minus its last character when there is no label), the label path batch[1][:-1];
 * np.load opens them relative to the working directory, here the lists' folder. Its length is
 * lines · file_size and sample i is file i // file_size, row i % file_size.
 */
function openFwiPairs(listText: string): { data: string; label: string | null }[] {
  const lines = listText.split(/(?<=\n)/).filter((l) => l.length > 0);
  return lines.map((line) => {
    const batch = line.split('\t');
    return batch.length > 1 ? { data: batch[0], label: batch[1].slice(0, -1) } : { data: batch[0].slice(0, -1), label: null };
  });
}

describe('fwi synth in the OpenFWI layout (the default)', () => {
  it("picks one sample count for every file, and FWIDataset's indexing finds every sample", async () => {
    capture();
    expect(await synth(['--family', 'flat', '--n', '6', '--val', '4', '--seed', '3', '--nt', '30', '--out', join(dir, 'o')])).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'o/dataset_config.json'), 'utf8'));
    const entry = config['synth-flat'];
    expect(entry).toMatchObject({ label_min: 1500, label_max: 4500, file_size: 2, nbc: 120, dx: 10, nt: 30, dt: 0.001, f: 15, n_grid: 70, ns: 5, ng: 70, sz: 10, gz: 10 });
    let first = 0;
    for (const [list, samples] of [['train.txt', 6], ['val.txt', 4]] as const) {
      const pairs = openFwiPairs(readFileSync(join(dir, 'o', list), 'utf8'));
      expect(pairs.length * entry.file_size, list).toBe(samples);
      for (const p of pairs) {
        const data = await openNpy(bytesSource(new Uint8Array(readFileSync(join(dir, 'o', p.data))), p.data));
        const label = await openNpy(bytesSource(new Uint8Array(readFileSync(join(dir, 'o', p.label!))), p.label!));
        expect([data.shape[0], label.shape[0]], p.data).toEqual([entry.file_size, entry.file_size]);
        // Sample first + row is the seeded map at that index.
        const expected = velocityMaps('flat', 3, first, entry.file_size);
        const values = await label.readAll();
        expect(values.every((v, i) => v === expected[i])).toBe(true);
        const seismic = await data.readAll();
        const lo = Math.min(...seismic);
        const hi = Math.max(...seismic);
        expect(lo).toBeGreaterThanOrEqual(entry.data_min);
        expect(hi).toBeLessThanOrEqual(entry.data_max);
        first += entry.file_size;
      }
    }
  });

  it('refuses an explicit --per-file that leaves a short file, with the count that would work', async () => {
    await expect(synth(['--family', 'flat', '--n', '6', '--val', '4', '--per-file', '4', '--nt', '30', '--out', join(dir, 'p')])).rejects.toThrow(
      "--per-file 4 does not divide --n 6: OpenFWI's FWIDataset reads every file of both lists as holding file_size samples; use --per-file 2, leave --per-file out to pick one, or pass --no-openfwi-layout",
    );
  });
});
