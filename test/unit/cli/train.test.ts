import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSafetensors } from '../../../src/engine/io/safetensors.ts';
import { readEventFile } from '../../../src/engine/io/tensorboardEvents.ts';
import { configFromFlags, run } from '../../../src/cli/train.ts';
import { writeLayeredFiles } from './layeredFiles.ts';

describe('fwi train flags', () => {
  it('map width presets, custom widths and the PaddleScience schedule onto the config', () => {
    expect(configFromFlags({ widths: 'tiny' }).generatorWidths).toEqual([4, 8, 16, 32, 64]);
    const custom = configFromFlags({ widths: '8,16,32,64,128', epochs: '7', batch: '4', lr: '2e-4', 'lr-d': '3e-4' });
    expect(custom).toMatchObject({ widthPreset: 'custom', generatorWidths: [8, 16, 32, 64, 128], criticWidths: [8, 16, 32, 64], epochs: 7, batchSize: 4, lrGenerator: 2e-4, lrCritic: 3e-4 });
    expect(configFromFlags({ schedule: 'paddle' })).toMatchObject({ schedule: 'paddle', nCritic: 3, betas: [0.9, 0.999], shuffle: false, seed: 42 });
    expect(configFromFlags({ schedule: 'paddle', 'n-critic': '4' }).nCritic).toBe(4);
  });

  it('reject bad values with the field and the reason', () => {
    expect(() => configFromFlags({ batch: '1' })).toThrow('batchSize must be at least 2 (BatchNorm needs two samples)');
    expect(() => configFromFlags({ widths: '1,2' })).toThrow('--widths needs 5 comma-separated widths, got "1,2"');
    expect(() => configFromFlags({ epochs: 'many' })).toThrow('--epochs must be a number, got "many"');
    expect(() => configFromFlags({ schedule: 'keras' })).toThrow('--schedule must be openfwi or paddle');
  });
});

describe('fwi train', () => {
  let dir: string;
  const quiet = () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
  };

  beforeAll(() => {
    // bad: a NaN planted in sample 1's seismic, an Inf in sample 4's velocity.
    dir = writeLayeredFiles({ train: [0, 4], val: [100, 2], bad: [0, 6, { seismic: [{ at: [1, 3, 999, 69], value: NaN }], velocity: [{ at: [4, 69, 0], value: Infinity }] }] });
  });
  afterAll(() => {
    vi.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trains, logs every step and validation, checkpoints in PyTorch names, and resumes where it stopped', async () => {
    quiet();
    const out = path.join(dir, 'out');
    const common = ['--train', path.join(dir, 'train.txt'), '--val', path.join(dir, 'val.txt'), '--out', out, '--quiet'];
    expect(await run([...common, '--widths', 'tiny', '--epochs', '1', '--batch', '2', '--seed', '5'])).toBe(0);

    // One epoch of 2 batches, n_critic 5: critic steps on both, the generator on the last.
    const csv = fs.readFileSync(path.join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('kind,epoch,iteration,critic_step,generator_step,loss,loss_real,loss_fake,wasserstein,gp,l1,l2,adv,mae,rmse,ssim,mae_ms,rmse_ms,sample,file,file_sample,position,value');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(['critic,1,0,1,', 'critic,1,1,2,', 'generator,1,1,,1', 'validation,1,,,1']);
    const events = fs.readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(['config', 'checkpoint', 'state', 'critic-step', 'critic-step', 'generator-step', 'validation', 'checkpoint', 'state']);
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => `${e.reason}@${e.criticStep}`)).toEqual(['start@0', 'end@2']);
    const validation = events.find((e) => e.type === 'validation');
    expect(validation.maeMs).toBeCloseTo(validation.mae * 1500, 6);
    // The CSV holds the same numbers as the JSON log.
    expect(Number(csv[1].split(',')[5])).toBe(events[3].loss);
    // One epoch numbering: 1-based in the JSON log as in the CSV and the printout.
    expect(events.filter((e) => 'epoch' in e).map((e) => `${e.type} ${e.epoch}`)).toEqual(['checkpoint 1', 'critic-step 1', 'critic-step 1', 'generator-step 1', 'validation 1', 'checkpoint 2']);

    // TensorBoard, as OpenFWI's gan_train.py logs: train/ by global batch step, val/ at the step after the epoch.
    const board = (split: string) => {
      const folder = path.join(out, 'logs', split);
      const files = fs.readdirSync(folder);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^events\.out\.tfevents\.\d{10}\./);
      return readEventFile(new Uint8Array(fs.readFileSync(path.join(folder, files[0]))));
    };
    const f32 = Math.fround;
    const train = board('train');
    expect(train[0].fileVersion).toBe('brain.Event:2');
    expect(train.slice(1).map((e) => [e.step, e.scalars.map((x) => x.tag).join(' ')])).toEqual([
      [0, 'loss_diff loss_gp loss_d'],
      [1, 'loss_diff loss_gp loss_d'],
      [1, 'loss_g1v loss_g2v loss_g loss_adv'],
    ]);
    expect(train[1].scalars.map((x) => x.value)).toEqual([f32(events[3].wasserstein), f32(events[3].gp), f32(events[3].loss)]);
    expect(train[3].scalars.map((x) => x.value)).toEqual([f32(events[5].l1), f32(events[5].l2), f32(events[5].loss), f32(events[5].adv)]);
    const val = board('val');
    expect(val.slice(1).map((e) => e.step)).toEqual([2]);
    expect(Object.fromEntries(val[1].scalars.map((x) => [x.tag, x.value]))).toEqual({
      loss: f32(validation.loss),
      loss_g1v: f32(validation.mae),
      loss_g2v: f32(validation.mse),
      rmse: f32(validation.rmse),
      ssim: f32(validation.ssim),
      mae_ms: f32(validation.maeMs),
      rmse_ms: f32(validation.rmseMs),
    });

    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ generatorWidths: [4, 8, 16, 32, 64], batchSize: 2, epochs: 1, seed: 5, preset: 'flatvel-a' });
    const g = parseSafetensors(new Uint8Array(fs.readFileSync(path.join(out, 'checkpoint', 'generator.safetensors')))).tensors;
    expect(g.get('convblock1.layers.0.weight')!.shape).toEqual([4, 5, 7, 1]);
    expect(Number(g.get('convblock1.layers.1.num_batches_tracked')!.data[0])).toBe(3); // two critic-step forwards of G, one generator-step forward

    expect(await run([...common, '--resume', path.join(out, 'checkpoint'), '--epochs', '2'])).toBe(0);
    const csv2 = fs.readFileSync(path.join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv2.slice(5).map((l) => l.split(',').slice(0, 5).join(','))).toEqual(['critic,2,0,3,', 'critic,2,1,4,', 'generator,2,1,,2', 'validation,2,,,2']);
    const meta = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint', 'checkpoint.json'), 'utf8'));
    expect(meta).toMatchObject({ position: { epoch: 2, iteration: 0 }, criticStep: 4, generatorStep: 2, optimizerSteps: { critic: 4, generator: 2 } });
    expect(meta.validation).toHaveLength(2);

    await expect(run([...common, '--resume', path.join(out, 'checkpoint'), '--batch', '4'])).rejects.toThrow('--resume continues the saved configuration; it cannot change --batch');
  });

  it('stops on non-finite data naming file, sample and position, or with --skip-nonfinite trains on the rest and lists the skipped samples', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    const common = ['--train', path.join(dir, 'bad.txt'), '--widths', 'tiny', '--epochs', '1', '--batch', '2', '--seed', '5', '--schedule', 'paddle', '--quiet'];
    const seis = `${path.join(dir, 'data', 'bad_seis.npy')}`;
    const vel = `${path.join(dir, 'data', 'bad_vel.npy')}`;

    // The PaddleScience schedule keeps file order: batches [0, 1], [2, 3], [4, 5].
    const stopped = path.join(dir, 'stopped');
    expect(await run([...common, '--out', stopped])).toBe(1);
    expect(err.join('\n')).toContain(`fwi: training stopped before critic step 1 (epoch 1, batch 1 of 3): the batch holds non-finite data: ${seis} sample 1 (shot 3, time 999, receiver 69) is NaN. No weight`);
    const csv = fs.readFileSync(path.join(stopped, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('kind,epoch,iteration,critic_step,generator_step,loss,loss_real,loss_fake,wasserstein,gp,l1,l2,adv,mae,rmse,ssim,mae_ms,rmse_ms,sample,file,file_sample,position,value');
    expect(csv.slice(1).map((l) => l.replace(/^(\w+),(\d*),(\d*),*/, '$1,$2,$3,'))).toEqual([`nonfinite,1,0,1,${seis},1,shot 3 time 999 receiver 69,NaN`]);
    // The only checkpoint is the run's step-0 one, and the message says its weights are the ones in use.
    expect(JSON.parse(fs.readFileSync(path.join(stopped, 'checkpoint', 'checkpoint.json'), 'utf8'))).toMatchObject({ criticStep: 0, generatorStep: 0, position: { epoch: 0, iteration: 0 } });
    expect(err.join('\n')).toContain("The weights in use are now the last good checkpoint's (step 0, before the first batch).");

    err.length = 0;
    const skipped = path.join(dir, 'skipped');
    expect(await run([...common, '--out', skipped, '--skip-nonfinite'])).toBe(0);
    expect(err).toEqual([
      `skipping sample 1 for the rest of the run: ${seis} sample 1 (shot 3, time 999, receiver 69) is NaN`,
      `skipping sample 4 for the rest of the run: ${vel} sample 4 (depth 69, offset 0) is Infinity`,
    ]);
    const rows = fs.readFileSync(path.join(skipped, 'metrics.csv'), 'utf8').trim().split('\n').slice(1);
    // Without samples 1 and 4: batches [0, 2], [3, 5] (critic, generator); sample 4 was found in batch 2 as cut the first time.
    expect(rows.map((l) => l.replace(/^(\w+),(\d*),(\d*),.*?,*(\d*,\/.*)?$/, (_, k, e, i, tail) => `${k},${e},${i}${tail ? `,${tail}` : ''}`))).toEqual([
      `skipped,1,0,1,${seis},1,shot 3 time 999 receiver 69,NaN`,
      'critic,1,0',
      `skipped,1,1,4,${vel},4,depth 69 offset 0,Infinity`,
      'generator,1,1',
    ]);
    const events = fs.readFileSync(path.join(skipped, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'nonfinite-data').map((e) => [e.action, e.samples.map((s: { index: number }) => s.index)])).toEqual([
      ['skip', [1]],
      ['skip', [4]],
    ]);
    const meta = JSON.parse(fs.readFileSync(path.join(skipped, 'checkpoint', 'checkpoint.json'), 'utf8'));
    expect(meta.skipped.map((s: { index: number; file: string }) => [s.index, s.file])).toEqual([
      [1, seis],
      [4, vel],
    ]);
    vi.restoreAllMocks();
  });

  it("starts from PaddleScience's YAML and a dataset_config.json entry it names", async () => {
    quiet();
    const out = path.join(dir, 'paddle');
    const yaml = path.join(dir, 'velocitygan.yaml');
    const example = fs.readFileSync('test/fixtures/paddle/velocitygan.yaml', 'utf8');
    fs.writeFileSync(
      yaml,
      example
        .replace('DATASET: "curvevel-a"', 'DATASET: "layered"')
        .replace(/dim1: 16\n    dim2: 32\n    dim3: 64\n    dim4: 128\n    dim5: 256/, 'dim1: 4\n    dim2: 8\n    dim3: 16\n    dim4: 32\n    dim5: 64')
        .replace(/dim1: 16\n    dim2: 32\n    dim3: 64\n    dim4: 128\n\nTRAIN/, 'dim1: 4\n    dim2: 8\n    dim3: 16\n    dim4: 32\n\nTRAIN')
        .replace('epochs: 120', 'epochs: 1')
        .replace('batch_size: 32', 'batch_size: 2'),
    );
    const datasets = path.join(dir, 'dataset_config.json');
    fs.writeFileSync(datasets, JSON.stringify({ layered: { data_min: -3.5, data_max: 7.25, label_min: 1400, label_max: 4600, file_size: 4 } }));
    const args = ['--train', path.join(dir, 'train.txt'), '--out', out, '--quiet', '--backend', 'cpu', '--config', yaml, '--dataset-config', datasets];
    expect(await run(args)).toBe(0);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      schedule: 'paddle',
      preset: 'layered',
      transform: { k: 2, dataMin: -3.5, dataMax: 7.25, labelMin: 1400, labelMax: 4600 },
      generatorWidths: [4, 8, 16, 32, 64],
      criticWidths: [4, 8, 16, 32],
      epochs: 1,
      batchSize: 2,
      seed: 1234,
      nCritic: 4,
      lambda: { g1v: 50, g2v: 1, adv: 0.5, gp: 20 },
    });
    const said = vi.mocked(console.log).mock.calls.map((c) => c.join(' ')).join('\n');
    expect(said).toContain('velocitygan.yaml: PaddleScience settings without a studio equivalent, not used: hydra.run.dir, hydra.job.name');
  });

  it('names a missing training list', async () => {
    await expect(run(['--val', 'v.txt'])).rejects.toThrow('--train is required');
    await expect(run(['--train', path.join(dir, 'nope.txt'), '--backend', 'cpu'])).rejects.toThrow('nope.txt: cannot open: no such file');
  });
});
