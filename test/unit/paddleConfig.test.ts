import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configToJson, defaultConfig, type TrainConfig } from '../../src/engine/config.ts';
import { encodePaddleConfig, looksLikeYaml, parsePaddleConfig } from '../../src/engine/paddleConfig.ts';

const EXAMPLE = fs.readFileSync('test/fixtures/paddle/velocitygan.yaml', 'utf8');

describe('PaddleScience VelocityGAN YAML', () => {
  it('maps every key with an equivalent and lists the ones it ignores', () => {
    const { config, ignored } = parsePaddleConfig(EXAMPLE, 'velocitygan.yaml');
    expect(config).toMatchObject({
      schedule: 'paddle',
      seed: 1234,
      preset: 'curvevel-a',
      nCritic: 4,
      widthPreset: 'half',
      generatorWidths: [16, 32, 64, 128, 256],
      criticWidths: [16, 32, 64, 128],
      epochs: 120,
      batchSize: 32,
      lrGenerator: 0.0002,
      lrCritic: 0.0002,
      weightDecay: 0.0005,
      lambda: { g1v: 50, g2v: 1, adv: 0.5, gp: 20 },
    });
    expect(config.transform.k).toBe(2);
    expect(ignored).toEqual(
      expect.arrayContaining(['hydra.run.dir', 'mode', 'output_dir', 'log_freq', 'DATASET_CONFIG', 'ANNO_PATH_TRAIN', 'ANNO_PATH_VAL', 'EVAL.batch_size', 'VIS.vis', 'VIS.vb', 'VIS.vsa', 'TRAIN.epochs_gen', 'MODEL.gen_net.sample_spatial']),
    );
    expect(ignored).not.toContain('seed');
    expect(ignored).not.toContain('MODEL.gen_net.dim1');
  });

  it('round trip: export over the imported file keeps every mapped value, every other key and the Hydra interpolations', () => {
    const first = parsePaddleConfig(EXAMPLE, 'velocitygan.yaml');
    const edited: TrainConfig = { ...first.config, epochs: 7, batchSize: 4, lambda: { ...first.config.lambda, gp: 5 } };
    const text = encodePaddleConfig(edited, first.source);
    const again = parsePaddleConfig(text, 'exported.yaml');
    expect(configToJson(again.config)).toBe(configToJson(edited));
    expect(again.ignored).toEqual(first.ignored);
    expect(text).toContain('output_dir: ${hydra:run.dir}');
    const raw = parse(text);
    expect(raw.hydra.run.dir).toBe(parse(EXAMPLE).hydra.run.dir);
    expect(raw.VIS).toEqual({ vis: true, vb: 3, vsa: 2 });
    expect(raw.TRAIN).toMatchObject({ epochs: 7, batch_size: 4, iters_per_epoch_dis: 4 });
  });

  it('exports a fresh configuration in the example layout, and reads it back the same', () => {
    const config: TrainConfig = { ...defaultConfig(), schedule: 'paddle', nCritic: 3, betas: [0.9, 0.999], shuffle: false, seed: 42, epochs: 9, generatorWidths: [8, 16, 32, 64, 128], criticWidths: [8, 16, 32, 64], widthPreset: 'small' };
    const text = encodePaddleConfig(config);
    const raw = parse(text);
    expect(raw.MODEL.gen_net).toMatchObject({ dim1: 8, dim5: 128, input_keys: ['data'], output_keys: ['fake_image'] });
    expect(raw.output_dir).toBe('${hydra:run.dir}');
    expect(raw.mode).toBe('train');
    expect(parsePaddleConfig(text).config).toEqual(config);
  });

  it('refuses bad values at the field, naming the YAML key', () => {
    const bad = EXAMPLE.replace('batch_size: 32', 'batch_size: 1').replace('lambda_gp: 20.0', 'lambda_gp: -1').replace('dim2: 32', 'dim2: "wide"');
    expect(() => parsePaddleConfig(bad, 'bad.yaml')).toThrow(/^bad\.yaml: MODEL\.gen_net\.dim2 \(generatorWidths\.1\) must be a number, got "wide"; .*TRAIN\.batch_size \(batchSize\) must be at least 2.*WEIGHT_DICT\.lambda_gp \(lambda\.gp\) must be ≥ 0/);
    expect(() => parsePaddleConfig('a: [1, 2', 'broken.yaml')).toThrow('broken.yaml: not valid YAML');
    expect(() => parsePaddleConfig('- 1\n- 2\n', 'list.yaml')).toThrow('list.yaml: the YAML is not a mapping of settings');
  });

  it('tells YAML from the studio JSON', () => {
    expect(looksLikeYaml(EXAMPLE)).toBe(true);
    expect(looksLikeYaml(`  ${configToJson(defaultConfig())}`)).toBe(false);
  });
});
