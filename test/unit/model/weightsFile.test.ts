import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeSeismic, normalizeVelocity } from '../../../src/engine/data/transforms.ts';
import { FwiError } from '../../../src/engine/errors.ts';
import { bytesSource } from '../../../src/engine/io/byteSource.ts';
import { openNpy } from '../../../src/engine/io/npy.ts';
import { readPdparams } from '../../../src/engine/io/pdparams.ts';
import { parseSafetensors, type SafeTensor } from '../../../src/engine/io/safetensors.ts';
import { readTorchSave } from '../../../src/engine/io/torchSave.ts';
import { createCritic } from '../../../src/engine/model/critic.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { loadStateDict } from '../../../src/engine/model/stateDict.ts';
import { paddleName, readWeightsFile, torchName } from '../../../src/engine/model/weightsFile.ts';
import { parseParityManifest } from '../../../src/engine/parity/manifest.ts';
import { initBackend } from '../../../src/engine/train/backend.ts';
import { nchwToNhwc, nhwcToNchw } from '../../../src/engine/train/steps.ts';

const bytesOf = (path: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url)));
const pickleFixture = (f: string) => bytesOf(`pickle/${f}`);
const parity = (f: string) => parseSafetensors(bytesOf(`parity/${f}`), f).tensors;
const npy = async (path: string) => (await openNpy(bytesSource(bytesOf(path), path))).readAll();
const manifest = parseParityManifest(new TextDecoder().decode(bytesOf('parity/manifest.json')));
const tolerance = manifest.tolerances.forwardMaxAbs;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(Number(a[i]) - Number(b[i])));
  return max;
}

/** Same names and the same values (num_batches_tracked aside, which Paddle does not keep). */
function expectSameTensors(ours: Map<string, SafeTensor>, ref: Map<string, SafeTensor>, skipCounts = false): void {
  const keys = [...ref.keys()].filter((k) => !(skipCounts && k.endsWith('num_batches_tracked')));
  expect([...ours.keys()].sort()).toEqual(keys.sort());
  for (const k of keys) expect(maxAbsDiff(ours.get(k)!.data as Float32Array, ref.get(k)!.data as Float32Array), k).toBe(0);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('names from elsewhere', () => {
  it("strips DataParallel's module. and maps OpenFWI's legacy blocks as replace_legacy does", () => {
    expect(torchName('module.convblock1.Conv2DwithBN.0.weight')).toBe('convblock1.layers.0.weight');
    expect(torchName('module.module.deconv2_1.Deconv2DwithBN.1.running_var')).toBe('deconv2_1.layers.1.running_var');
    expect(torchName('deconv6.layers.1.bias')).toBe('deconv6.layers.1.bias');
  });
  it("maps PaddleScience's prefixes and BatchNorm buffers", () => {
    expect(paddleName('generator.deconv1_1.layers.1._mean')).toBe('deconv1_1.layers.1.running_mean');
    expect(paddleName('discriminator.convblock1_1.layers.1._variance')).toBe('convblock1_1.layers.1.running_var');
    expect(paddleName('convblock5.layers.0.weight')).toBe('convblock5.layers.0.weight');
  });
});

describe('.pdparams in (files laid out as paddle.save writes them)', () => {
  it('the generator gives the PyTorch reference predictions of the parity weights', async () => {
    const w = readWeightsFile(pickleFixture('model_gen.pdparams'), 'model_gen.pdparams');
    expect(w.format).toBe('pdparams');
    expect(w.critic).toBeNull();
    expectSameTensors(w.generator!, parity('g_init.safetensors'), true);
    const g = createGenerator(manifest.generatorWidths, 0);
    loadStateDict(g, w.generator!, 'model_gen.pdparams');
    const raw = await npy('parity/data_raw.npy');
    const x = nchwToNhwc(normalizeSeismic(raw, manifest.transform), [4, 5, 1000, 70]);
    const y = g.apply(x, false) as tf.Tensor4D;
    expect(maxAbsDiff(await nhwcToNchw(y), await npy('parity/g_eval_out.npy'))).toBeLessThan(tolerance);
    tf.dispose([x, y]);
    g.dispose();
  });

  it('the critic, as (name, ndarray) pairs and as plain values without its prefix, gives the reference scores', async () => {
    const pairs = readWeightsFile(pickleFixture('model_dis_pairs.pdparams'), 'model_dis_pairs.pdparams');
    const bare = readWeightsFile(pickleFixture('model_dis_noprefix.pdparams'), 'model_dis_noprefix.pdparams');
    expect(pairs.generator).toBeNull();
    expectSameTensors(pairs.critic!, parity('d_init.safetensors'), true);
    expectSameTensors(bare.critic!, parity('d_init.safetensors'), true);
    expect(readPdparams(pickleFixture('model_dis_pairs.pdparams'), 'p').parameterNames.get('discriminator.convblock1_1.layers.1._variance')).toBe('batch_norm2d_0.w_2');
    const d = createCritic(manifest.criticWidths, 0);
    loadStateDict(d, pairs.critic!, 'model_dis_pairs.pdparams');
    const label = nchwToNhwc(normalizeVelocity(await npy('parity/label_raw.npy'), manifest.transform), [4, 1, 70, 70]);
    const scores = d.apply(label, true);
    expect(maxAbsDiff((await scores.data()) as Float32Array, await npy('parity/d_real_out.npy'))).toBeLessThan(tolerance);
    tf.dispose([label, scores]);
    d.dispose();
  });
});

describe('.pth in (files written by PyTorch 1.13)', () => {
  it("OpenFWI's checkpoint.pth: both networks under module., the optimisers, schedulers, epoch, step and args as plain fields", () => {
    const w = readWeightsFile(pickleFixture('custom_checkpoint.pth'), 'checkpoint.pth');
    expect(w.format).toBe('pth');
    expect(w.generator!.get('convblock1.layers.0.weight')!.shape).toEqual([6, 5, 7, 1]);
    expect(w.generator!.get('convblock8.layers.0.weight')!.shape).toEqual([24, 20, 8, 9]);
    expect(w.generator!.get('deconv1_1.layers.0.weight')!.shape).toEqual([24, 24, 5, 5]);
    expect(w.generator!.get('deconv1_1.layers.1.num_batches_tracked')).toMatchObject({ dtype: 'I64', shape: [] });
    // randomise_bn set 7, then the two training steps ran three generator forwards each.
    expect(Number(w.generator!.get('deconv1_1.layers.1.num_batches_tracked')!.data[0])).toBe(7 + 6);
    expect(w.critic!.get('convblock4_1.layers.0.weight')!.shape).toEqual([20, 12, 3, 3]);
    const s = w.openfwi!;
    expect([s.epoch, s.step]).toEqual([3, 2]);
    expect(s.args).toMatchObject({ dataset: 'flatvel-a', model: 'InversionNet', batch_size: 4, lr_milestones: [], resume: null, distributed: false, k: 1 });
    const opt = s.optimizerGenerator as { state: Record<string, { step: SafeTensor; exp_avg: SafeTensor }>; param_groups: Record<string, unknown>[] };
    expect(Object.keys(opt.state)).toHaveLength(100); // 25 blocks × conv weight, bias, BN weight, bias
    expect(opt.state['0'].step.data[0]).toBe(2);
    expect(opt.state['0'].exp_avg.shape).toEqual([6, 5, 7, 1]);
    expect(opt.param_groups[0]).toMatchObject({ lr: 1e-4, betas: [0, 0.9], eps: 1e-8, weight_decay: 1e-4, amsgrad: false, initial_lr: 1e-4 });
    expect(s.lrSchedulers).toEqual([
      expect.objectContaining({ milestones: [], gamma: 0.1, warmup_iters: 0, warmup_method: 'linear', base_lrs: [1e-4], last_epoch: 2, _step_count: 3 }),
      expect.objectContaining({ last_epoch: 2 }),
    ]);
  });

  it('the legacy (non-zip) torch.save format with Conv2DwithBN names reads the same generator', () => {
    const legacy = readWeightsFile(pickleFixture('custom_legacy_names.pth'), 'model.pth');
    const ckpt = readWeightsFile(pickleFixture('custom_checkpoint.pth'), 'checkpoint.pth');
    expect(legacy.openfwi).toBeNull();
    expectSameTensors(legacy.generator!, ckpt.generator!);
  });

  it('refuses a torch.save of a callable by name, running nothing', () => {
    expect(() => readWeightsFile(pickleFixture('refused_system.pth'), 'evil.pth')).toThrow(
      'evil.pth: refused: the pickle refers to the global posix.system, which a weights file does not need (nothing was run)',
    );
  });

  it('says what a file of neither network holds', () => {
    expect(() => readWeightsFile(pickleFixture('values_p4.pkl'), 'v.pkl')).toThrow(/^v\.pkl: "ints" is a list, not a numpy array$/);
  });
});

/** Mutations that keep a file's framing plausible: truncation, byte flips, absurd 4-byte lengths. */
const mutation = fc.record({
  cut: fc.option(fc.nat(), { nil: undefined }),
  flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
  length: fc.option(fc.record({ at: fc.nat(), bytes: fc.constantFrom([0xff, 0xff, 0xff, 0x7f], [0, 0, 0, 0x80], [0xff, 0xff, 0xff, 0xff], [0, 0, 0x10, 0]) }), {
    nil: undefined,
  }),
});
function mutate(src: Uint8Array, m: { cut?: number; flips: { at: number; value: number }[]; length?: { at: number; bytes: readonly number[] } }): Uint8Array {
  let b = src.slice();
  for (const { at, value } of m.flips) b[at % b.length] = value;
  if (m.length) b.set(m.length.bytes, m.length.at % Math.max(1, b.length - 4));
  if (m.cut !== undefined) b = b.slice(0, m.cut % (b.length + 1));
  return b;
}
function readOrFwiError(read: () => unknown, file: string): void {
  try {
    read();
  } catch (e) {
    if (!(e instanceof FwiError)) throw e;
    expect(e.file).toBe(file);
  }
}

describe('fuzz: a correct read or a FwiError naming the file, never another exception or a hang', () => {
  it('.pth: 250 mutated archives and data.pkl pickles (zip and legacy layouts)', () => {
    const zip = pickleFixture('custom_checkpoint.pth');
    const entries = unzipSync(zip);
    const pkl = Object.keys(entries).find((k) => k.endsWith('data.pkl'))!;
    const legacy = pickleFixture('custom_legacy_names.pth');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), mutation, (which, m) => {
        const bytes =
          which === 0 ? mutate(zip.subarray(0, 20000), m) : which === 1 ? zipSync({ ...entries, [pkl]: mutate(entries[pkl], m) }, { level: 0 }) : mutate(legacy, m);
        readOrFwiError(() => readTorchSave(bytes, 'fuzz.pth'), 'fuzz.pth');
      }),
      { numRuns: 250, seed: 1130 },
    );
  });

  it('.pdparams: 250 mutated files (protocols 2 and 4, pairs and plain)', () => {
    const seeds = [pickleFixture('model_dis_pairs.pdparams'), pickleFixture('model_dis_noprefix.pdparams')];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 }), mutation, (which, m) => {
        readOrFwiError(() => readPdparams(mutate(seeds[which], m), 'fuzz.pdparams'), 'fuzz.pdparams');
      }),
      { numRuns: 250, seed: 1130 },
    );
  });
});
