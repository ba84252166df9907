import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/engine/config.ts';
import { chooseTransform, readStoredTraining, weightsMetadata } from '../../../src/engine/model/weightsMetadata.ts';
import { decodeCheckpointBundle, encodeCheckpointBundle, type Checkpoint } from '../../../src/engine/train/checkpoint.ts';
import { parseSafetensors } from '../../../src/engine/io/safetensors.ts';

const config = { ...defaultConfig(), preset: 'auto', transform: { k: 1, dataMin: -12.5, dataMax: 40.25, labelMin: 1600, labelMax: 4400 } };

describe('weights metadata', () => {
  it('writes string values only and reads back the same facts', () => {
    const m = weightsMetadata('critic', config, { generatorStep: 7, criticStep: 35 });
    expect(Object.values(m).every((v) => typeof v === 'string')).toBe(true);
    expect(m).toMatchObject({ format: 'pt', network: 'critic', preset: 'auto', generator_step: '7', critic_step: '35', generator_widths: '[32,64,128,256,512]', critic_widths: '[32,64,128,256]' });
    expect(JSON.parse(m.transform)).toEqual({ k: 1, data_min: -12.5, data_max: 40.25, label_min: 1600, label_max: 4400 });
    const s = readStoredTraining(m, 'critic.safetensors')!;
    expect(s).toMatchObject({ preset: 'auto', transform: config.transform, generatorWidths: [32, 64, 128, 256, 512], criticWidths: [32, 64, 128, 256], generatorStep: 7, criticStep: 35 });
    expect(s.config).toEqual(config);
  });

  it('treats files without a transform as foreign, and names a malformed entry', () => {
    expect(readStoredTraining({ format: 'pt' }, 'g.safetensors')).toBeNull();
    const m = weightsMetadata('generator', config, { generatorStep: 1, criticStep: 5 });
    expect(() => readStoredTraining({ ...m, transform: '{"k":1}' }, 'g.safetensors')).toThrow('g.safetensors: metadata "transform" is invalid: transform limit dataMin must be a finite number');
    expect(() => readStoredTraining({ ...m, transform: 'flat' }, 'g.safetensors')).toThrow('metadata "transform" is not JSON');
    expect(() => readStoredTraining({ ...m, generator_widths: '[1,2]' }, 'g.safetensors')).toThrow('metadata "generator_widths" must be a list of 5 whole widths');
    expect(() => readStoredTraining({ ...m, critic_step: '-1' }, 'g.safetensors')).toThrow('metadata "critic_step" must be a whole number');
    expect(() => readStoredTraining({ ...m, config: '{"batchSize":0}' }, 'g.safetensors')).toThrow('metadata "config" is not a valid configuration: batchSize must be a whole number ≥ 1');
  });

  it('chooses stored, explicit (warning when different) or the assumed fallback', () => {
    const stored = readStoredTraining(weightsMetadata('generator', config, { generatorStep: 1, criticStep: 5 }), 'g')!;
    const flat = { preset: 'flatvel-a', transform: defaultConfig().transform };
    expect(chooseTransform(stored, null, flat)).toEqual({ preset: 'auto', transform: config.transform, from: 'weights', message: null });
    expect(chooseTransform(stored, { preset: 'custom', transform: { ...config.transform } }, flat)).toMatchObject({ from: 'explicit', message: null });
    const over = chooseTransform(stored, flat, flat);
    expect(over).toMatchObject({ preset: 'flatvel-a', from: 'explicit' });
    expect(over.message).toBe(
      'the weights were trained with auto (k 1, seismic -12.5 … 40.25, velocity 1600 … 4400 m/s), but flatvel-a (k 1, seismic -26.95 … 52.77, velocity 1500 … 4500 m/s) was chosen: using the chosen one (leave the preset unset to use the stored one)',
    );
    expect(chooseTransform(null, null, flat)).toMatchObject({ preset: 'flatvel-a', from: 'assumed' });
  });

  it('a checkpoint bundle carries the same keys beside its checkpoint description', () => {
    const t = { dtype: 'F32', shape: [1], data: new Float32Array([1]) };
    const c: Checkpoint = {
      meta: { format: 'velocitygan-studio-checkpoint', version: 1, config, position: { epoch: 1, iteration: 0 }, criticStep: 10, generatorStep: 2, optimizerSteps: { generator: 2, critic: 10 }, rngState: 1, skipped: [], elapsedSeconds: 0, validation: [], savedAt: '' },
      generator: new Map([['w', t]]),
      critic: new Map([['w', t]]),
      optimizerGenerator: new Map([['m.w', t]]),
      optimizerCritic: new Map([['m.w', t]]),
    };
    const bytes = encodeCheckpointBundle(c);
    const { metadata } = parseSafetensors(bytes);
    expect(metadata).toMatchObject({ format: 'velocitygan-studio-checkpoint', network: 'checkpoint', preset: 'auto', generator_step: '2', critic_step: '10' });
    expect(readStoredTraining(metadata, 'bundle')!.transform).toEqual(config.transform);
    expect(decodeCheckpointBundle(bytes).meta.config).toEqual(config);
  });
});
