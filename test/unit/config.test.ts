import { describe, expect, it } from 'vitest';
import { applySchedulePreset, configToJson, defaultConfig, parseConfigJson, validateConfig } from '../../src/engine/config.ts';

describe('training configuration', () => {
  it('defaults to OpenFWI ℓ1 VelocityGAN settings', () => {
    const c = defaultConfig();
    expect(c.lambda).toEqual({ g1v: 100, g2v: 0, adv: 1, gp: 10 });
    expect(c.betas).toEqual([0, 0.9]);
    expect(c.eps).toBe(1e-8);
    expect(c.weightDecay).toBe(1e-4);
    expect(c.nCritic).toBe(5);
    expect(c.batchSize).toBe(64);
    expect(c.generatorWidths).toEqual([32, 64, 128, 256, 512]);
    expect(validateConfig(c).errors).toEqual({});
  });

  it('applies the PaddleScience schedule preset', () => {
    const c = applySchedulePreset(defaultConfig(), 'paddle');
    expect([c.nCritic, c.betas, c.shuffle, c.seed]).toEqual([3, [0.9, 0.999], false, 42]);
  });

  it('rejects each bad field with its reason', () => {
    const { errors } = validateConfig({ ...defaultConfig(), batchSize: 1, betas: [1.2, 0.9], transform: { ...defaultConfig().transform, dataMax: -30 }, lrCritic: -1, bogus: 3 });
    expect(errors.batchSize).toMatch(/at least 2/);
    expect(errors['betas.0']).toMatch(/\[0, 1\)/);
    expect(errors['transform.dataMax']).toMatch(/greater/);
    expect(errors.lrCritic).toMatch(/> 0/);
    expect(errors.bogus).toBe('unknown setting');
  });

  it('round-trips through JSON and names the file on a parse error', () => {
    const c = { ...defaultConfig(), seed: 1234, epochs: 7 };
    expect(parseConfigJson(configToJson(c))).toEqual(c);
    expect(() => parseConfigJson('{', 'run.json')).toThrow(/^run\.json: not valid JSON/);
    expect(() => parseConfigJson('{"epochs": 0}', 'run.json')).toThrow(/epochs must be a whole number/);
  });
});
