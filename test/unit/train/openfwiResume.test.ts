import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type TrainConfig } from '../../../src/engine/config.ts';
import { createRng, mixSeed } from '../../../src/engine/data/random.ts';
import { getPreset, transformOf } from '../../../src/engine/data/presets.ts';
import { parseSafetensors, type SafeTensor } from '../../../src/engine/io/safetensors.ts';
import { createCritic } from '../../../src/engine/model/critic.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import type { Network } from '../../../src/engine/model/network.ts';
import { trainingOfArgs } from '../../../src/engine/model/openfwiArgs.ts';
import { loadStateDict, stateDictOf } from '../../../src/engine/model/stateDict.ts';
import { readWeightsFile, type WeightsFile } from '../../../src/engine/model/weightsFile.ts';
import { widthPresets } from '../../../src/engine/model/widths.ts';
import { AdamW } from '../../../src/engine/train/adamw.ts';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, momentsFromTorch, type Checkpoint, type TensorMap } from '../../../src/engine/train/checkpoint.ts';
import { encodeOpenFwiCheckpoint, parameterOrder } from '../../../src/engine/train/openfwiCheckpoint.ts';
import { checkpointFromOpenFwi, openFwiImport, type OpenFwiResumeOptions } from '../../../src/engine/train/openfwiResume.ts';
import { alphaStreamState } from '../../../src/engine/train/trainer.ts';

const fixtures = path.resolve('test/fixtures/pickle');
const read = (name: string): WeightsFile => readWeightsFile(new Uint8Array(fs.readFileSync(path.join(fixtures, name))), name);
const flat = { preset: 'flatvel-a', transform: transformOf(getPreset('flatvel-a')) };
const options = (o: Partial<OpenFwiResumeOptions> = {}): OpenFwiResumeOptions => ({ file: 'checkpoint.pth', iterationsPerEpoch: () => null, explicit: null, fallback: flat, ...o });

/** make_fixtures.py's resume_gradient: sin(0.37 j + 0.11 index) / 100 over the flat PyTorch-layout index, float64 then float32. */
function resumeGradient(index: number, t: SafeTensor): SafeTensor {
  return { dtype: 'F32', shape: [...t.shape], data: Float32Array.from({ length: t.data.length }, (_, j) => Math.sin(j * 0.37 + 0.11 * index) / 100) };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe("an OpenFWI checkpoint.pth PyTorch wrote, as a run to continue", () => {
  it('takes the AdamW states, step counts, rates, epoch/step and the args recipe and normalisation (curvefault-a, k 1.5)', () => {
    const { checkpoint: c, transform, openfwi, warnings } = checkpointFromOpenFwi(read('resume_checkpoint.pth'), options());
    expect(openfwi).toEqual({ epoch: 0, step: 3 });
    expect(c.meta).toMatchObject({ position: { epoch: 1, iteration: 0 }, criticStep: 3, generatorStep: 2, optimizerSteps: { generator: 2, critic: 3 }, skipped: [], validation: [], elapsedSeconds: 0 });
    expect(c.meta.config).toMatchObject({
      preset: 'curvefault-a',
      transform: { ...transformOf(getPreset('curvefault-a')), k: 1.5 },
      widthPreset: 'custom',
      generatorWidths: [3, 4, 5, 6, 7],
      criticWidths: [3, 4, 5, 6],
      // The optimisers' own rates and decay (param_groups), the rest from args.
      lrGenerator: 2e-4,
      lrCritic: 3e-4,
      weightDecay: 1e-3,
      betas: [0, 0.9],
      eps: 1e-8,
      batchSize: 2,
      nCritic: 2,
      epochs: 7,
      lambda: { g1v: 100, g2v: 100, adv: 1, gp: 10 },
      schedule: 'openfwi',
    });
    expect(transform).toMatchObject({ from: 'weights', message: null });
    expect(warnings).toEqual([]);
    // No α state in the file: the stream of seed 0 after 3 critic steps of 2 draws.
    const rng = createRng(mixSeed(0, 0x61706861));
    for (let i = 0; i < 6; i++) rng.next();
    expect(c.meta.rngState).toBe(rng.state);
  });

  it("continues both AdamW optimisers exactly as PyTorch's load_state_dict + step does (moments, step counts, rates, decay)", async () => {
    const { checkpoint: c } = checkpointFromOpenFwi(read('resume_checkpoint.pth'), options());
    const expected = parseSafetensors(new Uint8Array(fs.readFileSync(path.join(fixtures, 'resume_next.safetensors')))).tensors;
    const cases: [string, Network, TensorMap, TensorMap, number, number][] = [
      ['model.', createGenerator(c.meta.config.generatorWidths, 0), c.generator, c.optimizerGenerator, c.meta.optimizerSteps.generator, c.meta.config.lrGenerator],
      ['model_d.', createCritic(c.meta.config.criticWidths, 0), c.critic, c.optimizerCritic, c.meta.optimizerSteps.critic, c.meta.config.lrCritic],
    ];
    for (const [prefix, net, weights, moments, step, lr] of cases) {
      const kind = prefix === 'model.' ? 'generator' : 'critic';
      loadStateDict(net, weights);
      const opt = new AdamW(net.params, { lr, betas: c.meta.config.betas, eps: c.meta.config.eps, weightDecay: c.meta.config.weightDecay });
      opt.setState(momentsFromTorch(moments, step));
      // The gradient in PyTorch layout by parameter index, turned into the variables' layouts as moments are.
      const order = parameterOrder(kind, c.meta.config);
      const torchGrads: TensorMap = new Map(order.map((name, i) => [`m.${name}`, resumeGradient(i, weights.get(name)!)]));
      const grads = new Map(Object.entries(momentsFromTorch(torchGrads, 0).m).map(([name, g]) => [name, tf.tensor(g.data, g.shape)]));
      opt.step(grads);
      grads.forEach((g) => g.dispose());
      const after = await stateDictOf(net);
      let worst = 0;
      let moved = 0;
      for (const name of order) {
        const want = expected.get(prefix + name)!.data as Float32Array;
        const got = after[name].data as Float32Array;
        const before = weights.get(name)!.data as Float32Array;
        for (let i = 0; i < want.length; i++) {
          worst = Math.max(worst, Math.abs(got[i] - want[i]));
          moved = Math.max(moved, Math.abs(want[i] - before[i]));
        }
      }
      // The step moves weights by about lr (2e-4, 3e-4); the match is to float32 rounding.
      expect(moved, kind).toBeGreaterThan(1e-4);
      expect(worst, kind).toBeLessThan(2e-7);
      opt.dispose();
      net.dispose();
    }
  });

  it("custom_checkpoint.pth's args (a Namespace: flatvel-a, k 1.0) give its normalisation; an unknown dataset name says why none", () => {
    const state = read('custom_checkpoint.pth').openfwi!;
    const steps = { generatorStep: 2, criticStep: 2 };
    expect(trainingOfArgs(state.args, steps, 'c.pth').stored).toMatchObject({ preset: 'flatvel-a', transform: transformOf(getPreset('flatvel-a')) });
    const flatArgs = { ...state.args!, dataset: 'flat' };
    expect(trainingOfArgs(flatArgs, steps, 'c.pth')).toMatchObject({
      stored: null,
      note: 'its args name dataset "flat", which is neither a built-in preset nor an entry of the dataset_config.json given',
    });
    const entry = { name: 'flat', k: 1, dataMin: -5, dataMax: 9, labelMin: 1000, labelMax: 5000, fileSize: 4, extra: {} };
    expect(trainingOfArgs(flatArgs, steps, 'c.pth', [entry]).stored).toMatchObject({ preset: 'flat', transform: { k: 1, dataMin: -5, dataMax: 9, labelMin: 1000, labelMax: 5000 } });
    expect(() => trainingOfArgs({ ...state.args!, k: -1 }, steps, 'c.pth')).toThrow('c.pth: args.k is -1, not a positive number');
  });

  it('an explicit preset wins with a warning naming both; explicit seed, batch and n_critic that differ are warned about', () => {
    const r = checkpointFromOpenFwi(read('resume_checkpoint.pth'), options({ explicit: flat, settings: { batchSize: 4, seed: 9, epochs: 20 } }));
    expect(r.checkpoint.meta.config).toMatchObject({ preset: 'flatvel-a', batchSize: 4, seed: 9, epochs: 20 });
    expect(r.transform.message).toContain('the weights were trained with curvefault-a (k 1.5, seismic -26.48 … 52.32, velocity 1500 … 4500 m/s), but flatvel-a (k 1, seismic -26.95');
    expect(r.warnings).toEqual(['checkpoint.pth was trained with batch size 2, but 4 was chosen: using 4']);
    expect(r.checkpoint.meta.rngState).toBe(alphaStreamState({ seed: 9, batchSize: 4 }, 3));
  });

  it('refuses weights alone, AMSGrad, and optimiser states that do not fit the networks, naming the file and the part', () => {
    expect(() => checkpointFromOpenFwi(read('custom_legacy_names.pth'), options({ file: 'legacy.pth' }))).toThrow(
      'legacy.pth: not a training checkpoint to continue: it lacks model_d, optimizer_g, optimizer_d',
    );
    const w = read('resume_checkpoint.pth');
    const og = w.openfwi!.optimizerGenerator as { param_groups: Record<string, unknown>[]; state: Record<string, unknown> };
    const ams = { ...w, openfwi: { ...w.openfwi!, optimizerGenerator: { ...og, param_groups: [{ ...og.param_groups[0], amsgrad: true }] } } } as WeightsFile;
    expect(() => checkpointFromOpenFwi(ams, options())).toThrow("checkpoint.pth: optimizer_g: uses AMSGrad, which OpenFWI's AdamW (and the studio's) does not");
    // Found by fuzzing (a damaged name): a state dict without a parameter the optimiser state indexes.
    const model = new Map(w.generator!);
    model.delete('deconv3_2.layers.1.bias');
    expect(() => checkpointFromOpenFwi({ ...w, generator: model }, options())).toThrow('checkpoint.pth: "model" lacks deconv3_2.layers.1.bias');
    const swapped = { ...og.state, 0: og.state['1'], 1: og.state['0'] };
    const bad = { ...w, openfwi: { ...w.openfwi!, optimizerGenerator: { ...og, state: swapped } } } as WeightsFile;
    expect(() => checkpointFromOpenFwi(bad, options())).toThrow('checkpoint.pth: optimizer_g: state 0 is shaped [3], but parameter 0 of the network (convblock1.layers.0.weight) is [3, 5, 7, 1]');
  });
});

describe('the studio import of an OpenFWI checkpoint.pth', () => {
  it('offers it as a run to continue, named after the file, placed by the data, saying what the file does not store', () => {
    const r = openFwiImport(read('resume_checkpoint.pth'), 'resume_checkpoint.pth', { assumed: flat, iterationsPerEpoch: () => 2 })!;
    expect(r.checkpoint.meta.position).toEqual({ epoch: 1, iteration: 1 });
    expect(r.message).toBe(
      'Imported OpenFWI checkpoint resume_checkpoint.pth (epoch 0 done, step 3): press Train to continue it as the new run “resume_checkpoint.pth” from epoch 2, batch 2. ' +
        'From the file: both networks, both AdamW states (moments, step counts 2 and 3, lr 0.0002 and 0.0003), epoch and step; ' +
        'normalisation curvefault-a (k 1.5, seismic -26.48 … 52.32, velocity 1500 … 4500 m/s) (its args). ' +
        "Not in OpenFWI's file: the gradient-penalty random stream (recomputed from the seed and the critic step: exactly the stream of a run trained here from that seed), " +
        "the batch order (the studio shuffles by seed and epoch; OpenFWI's sampler order is not saved), the validation history (the curves start here), " +
        'the training time and the samples left out for non-finite values; the run uses seed 0.',
    );
    expect(r.warnings).toEqual([]);
    // Args naming an unknown dataset: the form's normalisation is assumed, and the warning says which and why.
    const w = read('resume_checkpoint.pth');
    const unknown = openFwiImport({ ...w, openfwi: { ...w.openfwi!, args: { ...w.openfwi!.args!, dataset: 'flat' } } }, 'c.pth', { assumed: flat, iterationsPerEpoch: () => null })!;
    expect(unknown.warnings[0]).toBe(
      'the weights store no normalisation (not written by this studio): assuming flatvel-a (k 1, seismic -26.95 … 52.77, velocity 1500 … 4500 m/s) ' +
        '(its args name dataset "flat", which is neither a built-in preset nor an entry of the dataset_config.json given)',
    );
    expect(openFwiImport(read('custom_legacy_names.pth'), 'g.pth', { assumed: flat, iterationsPerEpoch: () => null })).toBeNull();
  });
});

describe("the studio's own checkpoint.pth read back", () => {
  let checkpoint: Checkpoint;
  const config: TrainConfig = {
    ...defaultConfig(),
    preset: 'auto',
    transform: { k: 1, dataMin: -3.5, dataMax: 7.25, labelMin: 1400, labelMax: 4700 },
    widthPreset: 'tiny',
    generatorWidths: [...widthPresets.tiny.generator],
    criticWidths: [...widthPresets.tiny.critic],
    batchSize: 4,
    epochs: 12,
    seed: 5,
    nCritic: 3,
    lrGenerator: 2e-4,
    lrCritic: 3e-4,
  };

  beforeAll(async () => {
    const g = createGenerator(config.generatorWidths, 1);
    const d = createCritic(config.criticWidths, 2);
    const tensors = async (net: Network) => {
      const dict = await stateDictOf(net);
      net.dispose();
      return new Map(Object.entries(dict).map(([k, e]) => [k, { dtype: e.dtype, shape: e.shape, data: e.data } as SafeTensor]));
    };
    const generator = await tensors(g);
    const critic = await tensors(d);
    const moments = (kind: 'generator' | 'critic', w: TensorMap): TensorMap =>
      new Map(parameterOrder(kind, config).flatMap((name, i) => ['m', 'v'].map((m) => [`${m}.${name}`, resumeGradient(i + (m === 'v' ? 100 : 0), w.get(name)!)] as [string, SafeTensor])));
    // Stopped mid-epoch 4 (0-based 3) after batch 2 of 5: 17 critic steps, 5 generator steps.
    checkpoint = {
      meta: {
        format: CHECKPOINT_FORMAT,
        version: CHECKPOINT_VERSION,
        config,
        position: { epoch: 3, iteration: 2 },
        criticStep: 17,
        generatorStep: 5,
        optimizerSteps: { generator: 5, critic: 17 },
        rngState: alphaStreamState(config, 17),
        skipped: [],
        elapsedSeconds: 12,
        validation: [],
        savedAt: '2026-11-30T00:00:00.000Z',
      },
      generator,
      critic,
      optimizerGenerator: moments('generator', generator),
      optimizerCritic: moments('critic', critic),
    };
  });

  it('is the same checkpoint: weights, moments, steps, configuration, mid-epoch position and α stream', () => {
    const r = checkpointFromOpenFwi(readWeightsFile(encodeOpenFwiCheckpoint(checkpoint), 'run.pth'), options({ iterationsPerEpoch: (b) => (b === 4 ? 5 : null), now: () => new Date('2026-11-30T00:00:00Z') }));
    expect(r.fromStudio).toBe(true);
    expect(r.transform).toMatchObject({ preset: 'auto', transform: config.transform, from: 'weights' });
    expect(r.warnings).toEqual([]);
    // Only the history and the time are not in OpenFWI's file.
    expect(r.checkpoint.meta).toEqual({ ...checkpoint.meta, elapsedSeconds: 0 });
    for (const part of ['generator', 'critic', 'optimizerGenerator', 'optimizerCritic'] as const) {
      expect([...r.checkpoint[part].keys()].sort(), part).toEqual([...checkpoint[part].keys()].sort());
      for (const [k, t] of checkpoint[part]) expect(Array.from(r.checkpoint[part].get(k)!.data, Number), k).toEqual(Array.from(t.data, Number));
    }
  });

  it('a step that does not fit the data starts the next whole epoch, as gan_train does, and says so', () => {
    const r = checkpointFromOpenFwi(readWeightsFile(encodeOpenFwiCheckpoint(checkpoint), 'run.pth'), options({ iterationsPerEpoch: () => 9 }));
    expect(r.checkpoint.meta.position).toEqual({ epoch: 3, iteration: 0 });
    expect(r.warnings).toEqual(['step 17 is not 3 epochs of 9 batches of this data (batch 4): continuing at the start of epoch 4, as gan_train would']);
  });
});
