import { describe, expect, it } from 'vitest';
import { closestPreset, getPreset, PRESETS, PRESET_NAMES, resolvePreset } from '../../../src/engine/data/presets.ts';
import { FwiError } from '../../../src/engine/errors.ts';

describe('dataset presets', () => {
  it('holds the 11 OpenFWI presets of the reference table', () => {
    expect(PRESETS.map((p) => p.name)).toEqual([...PRESET_NAMES]);
    expect(PRESETS).toHaveLength(11);
    const table: Record<string, [number, number]> = {
      'flatvel-a': [-26.95, 52.77],
      'flatvel-b': [-27.17, 56.05],
      'curvevel-a': [-27.11, 55.1],
      'curvevel-b': [-29.04, 57.03],
      'flatfault-a': [-26.1, 50.86],
      'flatfault-b': [-24.86, 50.28],
      'curvefault-a': [-26.48, 52.32],
      'curvefault-b': [-24.93, 50.98],
      'style-a': [-24.96, 48.93],
      'style-b': [-23.76, 46.01],
      'flatvel-tutorial': [-26.95, 52.77],
    };
    for (const p of PRESETS) {
      expect([p.dataMin, p.dataMax]).toEqual(table[p.name]);
      expect([p.labelMin, p.labelMax, p.k]).toEqual([1500, 4500, 1]);
      expect(p.fileSize).toBe(p.name === 'flatvel-tutorial' ? 120 : 500);
    }
  });

  it('an unknown name is a config error listing the valid ones', () => {
    expect(() => getPreset('flatvel-c')).toThrow(/unknown dataset preset "flatvel-c" \(have: flatvel-a, .*custom, auto\)/);
  });

  it('finds the closest named preset, first in table order on ties', () => {
    expect(closestPreset({ dataMin: -26.95, dataMax: 52.77 })).toEqual({ preset: getPreset('flatvel-a'), relativeGap: 0 });
    const c = closestPreset({ dataMin: -23.8, dataMax: 46.2 });
    expect(c.preset.name).toBe('style-b');
    expect(c.relativeGap).toBeCloseTo(0.19 / 46.01, 6);
  });

  it('resolves named, custom and auto choices', async () => {
    const named = await resolvePreset('curvevel-b');
    expect(named.transform).toEqual({ k: 1, dataMin: -29.04, dataMax: 57.03, labelMin: 1500, labelMax: 4500 });
    const custom = await resolvePreset('custom', { custom: { k: 2, dataMin: -10, dataMax: 20, labelMin: 1000, labelMax: 5000 } });
    expect(custom.transform.k).toBe(2);
    await expect(resolvePreset('custom', { custom: { k: 1, dataMin: 5, dataMax: 5, labelMin: 0, labelMax: 1 } })).rejects.toThrow(/dataMin \(5\) must be below dataMax/);
    await expect(resolvePreset('custom')).rejects.toBeInstanceOf(FwiError);

    let scans = 0;
    const auto = await resolvePreset('auto', {
      scan: async () => {
        scans++;
        return { dataMin: -27.0, dataMax: 56.0, labelMin: 1520, labelMax: 4480, samples: 10 };
      },
    });
    expect(scans).toBe(1);
    expect(auto.transform).toEqual({ k: 1, dataMin: -27, dataMax: 56, labelMin: 1520, labelMax: 4480 });
    expect(auto.preset.name).toBe('flatvel-b');
    const seismicOnly = await resolvePreset('auto', { scan: async () => ({ dataMin: -26, dataMax: 50.8, labelMin: null, labelMax: null, samples: 3 }) });
    expect([seismicOnly.transform.labelMin, seismicOnly.transform.labelMax]).toEqual([1500, 4500]);
    expect(seismicOnly.preset.name).toBe('flatfault-a');
  });
});
