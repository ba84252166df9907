import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeDatasetConfig, newPresets, parseDatasetConfig } from '../../../src/engine/data/datasetConfig.ts';
import { PRESETS, resolvePreset } from '../../../src/engine/data/presets.ts';

const PUBLISHED = 'test/fixtures/openfwi/dataset_config.json';

describe("OpenFWI's dataset_config.json", () => {
  const entries = parseDatasetConfig(fs.readFileSync(PUBLISHED, 'utf8'), PUBLISHED);

  it('the 11 built-in presets hold exactly the published limits and file sizes', () => {
    expect(entries.map((e) => e.name).sort()).toEqual(PRESETS.map((p) => p.name).sort());
    for (const p of PRESETS) {
      const e = entries.find((x) => x.name === p.name)!;
      expect({ k: p.k, dataMin: p.dataMin, dataMax: p.dataMax, labelMin: p.labelMin, labelMax: p.labelMax, fileSize: p.fileSize }, p.name).toEqual({
        k: e.k,
        dataMin: e.dataMin,
        dataMax: e.dataMax,
        labelMin: e.labelMin,
        labelMax: e.labelMax,
        fileSize: e.fileSize,
      });
      expect(e.extra).toMatchObject({ nbc: 120, dx: 10, nt: 1000, dt: 1e-3, f: 15, n_grid: 70, ns: 5, ng: 70 });
    }
    // The published file adds nothing beside the built-ins.
    expect(newPresets(entries)).toEqual([]);
  });

  it('writes entries back in the same keys and values', () => {
    const again = parseDatasetConfig(encodeDatasetConfig(entries), 'again.json');
    expect(again).toEqual(entries);
    expect(JSON.parse(encodeDatasetConfig(entries))).toEqual(JSON.parse(fs.readFileSync(PUBLISHED, 'utf8')));
  });
});

describe('imported dataset_config.json entries as presets', () => {
  const mine = parseDatasetConfig(JSON.stringify({ 'marmousi-70': { data_min: -30.5, data_max: 60.25, label_min: 1400, label_max: 5000, file_size: 100, nt: 1000 } }), 'mine.json');

  it('resolve beside the built-ins, and unknown names list them', async () => {
    const r = await resolvePreset('marmousi-70', { datasetConfig: mine });
    expect(r).toMatchObject({ choice: 'marmousi-70', transform: { k: 1, dataMin: -30.5, dataMax: 60.25, labelMin: 1400, labelMax: 5000 } });
    expect((await resolvePreset('curvevel-b', { datasetConfig: mine })).transform.dataMax).toBe(57.03);
    await expect(resolvePreset('marmousi-71', { datasetConfig: mine })).rejects.toThrow('unknown dataset preset "marmousi-71" (have: flatvel-a, flatvel-b, curvevel-a, curvevel-b, flatfault-a, flatfault-b, curvefault-a, curvefault-b, style-a, style-b, flatvel-tutorial, marmousi-70, custom, auto)');
  });

  it('refuses bad entries, naming the file and the entry', () => {
    const bad = (v: unknown) => () => parseDatasetConfig(JSON.stringify(v), 'ds.json');
    expect(bad({ x: { data_min: 1, data_max: 0, label_min: 1500, label_max: 4500 } })).toThrow('ds.json: entry "x": dataMin (1) must be below dataMax (0)');
    expect(bad({ x: { data_min: 1 } })).toThrow('ds.json: entry "x": needs numbers for data_max, label_min, label_max');
    expect(bad({ x: { data_min: -1, data_max: 1, label_min: 1500, label_max: 4500, file_size: 2.5 } })).toThrow('entry "x": file_size must be a whole number ≥ 1, got 2.5');
    expect(bad({ auto: { data_min: -1, data_max: 1, label_min: 1500, label_max: 4500 } })).toThrow('entry "auto": "auto" cannot name a dataset (reserved)');
    expect(bad({ 'flatvel-a': { data_min: -20, data_max: 52.77, label_min: 1500, label_max: 4500 } })).toThrow(
      'entry "flatvel-a": has other limits than the built-in preset of that name (dataMin -20 here, -26.95 built in): rename the entry',
    );
    expect(bad({})).toThrow('ds.json: names no datasets');
    expect(() => parseDatasetConfig('{', 'ds.json')).toThrow('ds.json: not valid JSON');
  });
});
