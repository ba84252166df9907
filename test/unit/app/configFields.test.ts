import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/engine/config.ts';
import { getPath, parseFieldText, setPath, tryEdit } from '../../../src/app/components/views/configFields.ts';

describe('configuration form edits', () => {
  it('reads and writes dotted paths without touching the original', () => {
    const c = defaultConfig();
    const d = setPath(c, 'betas.1', 0.99);
    expect(d.betas).toEqual([0, 0.99]);
    expect(c.betas).toEqual([0, 0.9]);
    expect(getPath(setPath(c, 'lambda.gp', 5), 'lambda.gp')).toBe(5);
    expect(setPath(c, 'generatorWidths.4', 64).generatorWidths).toEqual([32, 64, 128, 256, 64]);
  });

  it('parses field text, treating empty and malformed text as NaN', () => {
    expect(parseFieldText(' 1e-4 ')).toBe(1e-4);
    expect(parseFieldText('−3.5')).toBe(-3.5);
    expect(parseFieldText('')).toBeNaN();
    expect(parseFieldText('abc')).toBeNaN();
  });

  it('accepts a valid edit and rejects an invalid one with the reason', () => {
    const c = defaultConfig();
    const ok = tryEdit(c, 'batchSize', '16');
    expect(ok.config?.batchSize).toBe(16);
    expect(tryEdit(c, 'batchSize', '1').error).toMatch(/at least 2/);
    expect(tryEdit(c, 'betas.0', '1.5').error).toMatch(/\[0, 1\)/);
    expect(tryEdit(c, 'lrCritic', '').error).toMatch(/finite number/);
    expect(tryEdit(c, 'epochs', '2.5').error).toMatch(/whole number/);
  });

  it('names the other field when an edit breaks a cross-field rule', () => {
    const r = tryEdit(defaultConfig(), 'transform.dataMin', '60');
    expect(r.config).toBeNull();
    expect(r.error).toBe('Seismic max (data_max) must be greater than the data minimum');
  });
});
