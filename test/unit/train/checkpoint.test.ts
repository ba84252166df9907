import { beforeAll, describe, expect, it } from 'vitest';
import { applyWidthPreset, defaultConfig } from '../../../src/engine/config.ts';
import { encodeSafetensors, parseSafetensors } from '../../../src/engine/io/safetensors.ts';
import {
  CHECKPOINT_FILES,
  decodeCheckpointBundle,
  decodeCheckpointFiles,
  encodeCheckpointBundle,
  encodeCheckpointFiles,
  isCheckpointBundle,
  type Checkpoint,
} from '../../../src/engine/train/checkpoint.ts';
import { initBackend } from '../../../src/engine/train/backend.ts';
import { Trainer } from '../../../src/engine/train/trainer.ts';
import { layeredDataset } from './layeredDataset.ts';

const config = { ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, seed: 11 };
let original: Checkpoint;

/** A checkpoint of fresh tiny nets whose moments, counters and position are made non-trivial. */
async function makeCheckpoint(): Promise<Checkpoint> {
  const trainer = new Trainer({ config, train: await layeredDataset(0, 2) });
  const c = await trainer.checkpoint();
  trainer.dispose();
  let k = 0;
  for (const t of [...c.optimizerGenerator.values(), ...c.optimizerCritic.values()]) {
    const d = t.data as Float32Array;
    for (let i = 0; i < d.length; i++) d[i] = Math.sin(++k) * (t.shape.length === 4 ? 1 : 0.5);
  }
  c.meta = { ...c.meta, position: { epoch: 3, iteration: 1 }, criticStep: 17, generatorStep: 4, optimizerSteps: { generator: 4, critic: 17 }, rngState: 123456789 };
  return c;
}

function expectSameTensors(a: Checkpoint, b: Checkpoint): void {
  for (const part of ['generator', 'critic', 'optimizerGenerator', 'optimizerCritic'] as const) {
    expect([...b[part].keys()]).toEqual([...a[part].keys()]);
    for (const [key, t] of a[part]) {
      const u = b[part].get(key)!;
      expect(u.shape, key).toEqual(t.shape);
      expect(u.dtype, key).toBe(t.dtype);
      const x = t.data as ArrayLike<number | bigint>;
      const y = u.data as ArrayLike<number | bigint>;
      let firstDiff = -1;
      for (let i = 0; i < x.length && firstDiff < 0; i++) if (!Object.is(x[i], y[i])) firstDiff = i;
      expect(y.length, key).toBe(x.length);
      expect(firstDiff, key).toBe(-1);
    }
  }
}

describe('checkpoint format', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    original = await makeCheckpoint();
  });

  it('writes PyTorch state-dict names and layouts, and AdamW moments as m./v.<param>', () => {
    const files = encodeCheckpointFiles(original);
    expect(Object.keys(files).sort()).toEqual(Object.values(CHECKPOINT_FILES).sort());
    const g = parseSafetensors(files[CHECKPOINT_FILES.generator]).tensors;
    // Conv2d [out, in, kh, kw]; ConvTranspose2d [in, out, kh, kw]; counts int64.
    expect(g.get('convblock1.layers.0.weight')!.shape).toEqual([4, 5, 7, 1]);
    expect(g.get('deconv2_1.layers.0.weight')!.shape).toEqual([64, 32, 4, 4]);
    expect(g.get('convblock1.layers.1.num_batches_tracked')!.dtype).toBe('I64');
    const d = parseSafetensors(files[CHECKPOINT_FILES.critic]).tensors;
    expect(d.get('convblock5.layers.0.weight')!.shape).toEqual([1, 32, 5, 5]);
    const og = parseSafetensors(files[CHECKPOINT_FILES.optimizerGenerator]).tensors;
    expect(og.get('m.convblock1.layers.0.weight')!.shape).toEqual([4, 5, 7, 1]);
    expect(og.get('v.deconv6.layers.1.bias')!.shape).toEqual([1]);
    // Moments exist for parameters only, not for running statistics.
    expect(og.has('m.convblock1.layers.1.running_mean')).toBe(false);
    expect(og.size).toBe(2 * [...g.keys()].filter((k) => !/running_|num_batches/.test(k)).length);
  });

  it('round-trips through the folder form and the single-file bundle', () => {
    const fromFiles = decodeCheckpointFiles(encodeCheckpointFiles(original));
    const bundle = encodeCheckpointBundle(original);
    const fromBundle = decodeCheckpointBundle(bundle);
    expectSameTensors(original, fromFiles);
    expectSameTensors(original, fromBundle);
    for (const c of [fromFiles, fromBundle]) {
      expect(c.meta.config).toEqual(config);
      expect(c.meta.position).toEqual({ epoch: 3, iteration: 1 });
      expect(c.meta.rngState).toBe(123456789);
      expect(c.meta.optimizerSteps).toEqual({ generator: 4, critic: 17 });
    }
    expect(isCheckpointBundle(bundle)).toBe(true);
  });

  it('restores nets, optimiser moments and counters into a trainer exactly', async () => {
    const trainer = Trainer.fromCheckpoint(decodeCheckpointBundle(encodeCheckpointBundle(original)), { train: await layeredDataset(0, 2) });
    const again = await trainer.checkpoint();
    trainer.dispose();
    expectSameTensors(original, again);
    expect(again.meta.criticStep).toBe(17);
    expect(again.meta.generatorStep).toBe(4);
    expect(again.meta.rngState).toBe(123456789);
    expect(trainer.status.position).toEqual({ epoch: 3, iteration: 1 });
  });

  it('refuses bare weights, other versions and incomplete folders with a clear message', () => {
    const bare = encodeSafetensors({ 'convblock1.layers.0.bias': { dtype: 'F32', shape: [1], data: [0] } });
    expect(isCheckpointBundle(bare)).toBe(false);
    expect(() => decodeCheckpointBundle(bare, 'g.safetensors')).toThrow('g.safetensors: not a VelocityGAN Studio checkpoint bundle');

    const files = encodeCheckpointFiles(original);
    const meta = JSON.parse(new TextDecoder().decode(files[CHECKPOINT_FILES.meta]));
    const future = { ...files, [CHECKPOINT_FILES.meta]: new TextEncoder().encode(JSON.stringify({ ...meta, version: 2 })) };
    expect(() => decodeCheckpointFiles(future, 'run')).toThrow('checkpoint version 2 is not supported');
    const broken = { ...files, [CHECKPOINT_FILES.meta]: new TextEncoder().encode(JSON.stringify({ ...meta, rngState: -1, config: { ...meta.config, batchSize: 0 } })) };
    expect(() => decodeCheckpointFiles(broken, 'run')).toThrow("the checkpoint's configuration is invalid: batchSize must be a whole number ≥ 1");

    const partial: Record<string, Uint8Array> = { ...files };
    delete partial[CHECKPOINT_FILES.optimizerCritic];
    expect(() => decodeCheckpointFiles(partial, 'run')).toThrow('run: the checkpoint has no optimizer_critic.safetensors');
  });
});
