import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type TrainConfig } from '../../../src/engine/config.ts';
import { readPdparams } from '../../../src/engine/io/pdparams.ts';
import type { SafeTensor } from '../../../src/engine/io/safetensors.ts';
import { createCritic } from '../../../src/engine/model/critic.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { encodeNetworkPdparams } from '../../../src/engine/model/paddleWeights.ts';
import { stateDictOf } from '../../../src/engine/model/stateDict.ts';
import { readWeightsFile } from '../../../src/engine/model/weightsFile.ts';
import { widthPresets } from '../../../src/engine/model/widths.ts';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type Checkpoint } from '../../../src/engine/train/checkpoint.ts';
import { handOverFiles } from '../../../src/engine/train/handOver.ts';
import { encodeOpenFwiCheckpoint, parameterOrder } from '../../../src/engine/train/openfwiCheckpoint.ts';

type Tensors = Map<string, SafeTensor>;

async function tensorsOf(net: { dispose(): void }, dict: Awaited<ReturnType<typeof stateDictOf>>): Promise<Tensors> {
  net.dispose();
  return new Map(Object.entries(dict).map(([k, e]) => [k, { dtype: e.dtype, shape: e.shape, data: e.data as Float32Array }]));
}

/** Adam moments with distinct, recognisable values: m = index + 0.25, v = index + 0.5 (per parameter, per element offset). */
function moments(order: string[], weights: Tensors): Tensors {
  const out: Tensors = new Map();
  order.forEach((name, i) => {
    const t = weights.get(name)!;
    const n = t.data.length;
    out.set(`m.${name}`, { dtype: 'F32', shape: t.shape, data: Float32Array.from({ length: n }, (_, j) => i + 0.25 + j * 1e-3) });
    out.set(`v.${name}`, { dtype: 'F32', shape: t.shape, data: Float32Array.from({ length: n }, (_, j) => i + 0.5 + j * 1e-3) });
  });
  return out;
}

let checkpoint: Checkpoint;
const config: TrainConfig = {
  ...defaultConfig(),
  widthPreset: 'tiny',
  generatorWidths: [...widthPresets.tiny.generator],
  criticWidths: [...widthPresets.tiny.critic],
  batchSize: 4,
  epochs: 12,
  lrGenerator: 2e-4,
  lrCritic: 3e-4,
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  const g = createGenerator(widthPresets.tiny.generator, 1);
  g.batchesTracked.set('convblock1.layers.1.num_batches_tracked', 41);
  const d = createCritic(widthPresets.tiny.critic, 2);
  const generator = await tensorsOf(g, await stateDictOf(g));
  const critic = await tensorsOf(d, await stateDictOf(d));
  checkpoint = {
    meta: {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      config,
      position: { epoch: 3, iteration: 0 },
      criticStep: 30,
      generatorStep: 6,
      optimizerSteps: { generator: 6, critic: 30 },
      rngState: 1,
      elapsedSeconds: 1,
      validation: [],
      skipped: [],
      savedAt: '2026-11-30T00:00:00Z',
    },
    generator,
    critic,
    optimizerGenerator: moments(parameterOrder('generator', config), generator),
    optimizerCritic: moments(parameterOrder('critic', config), critic),
  };
});

describe("OpenFWI's checkpoint.pth out", () => {
  it('lays out the torch.save archive: data.pkl, one storage record per tensor, version 3', () => {
    const entries = unzipSync(encodeOpenFwiCheckpoint(checkpoint));
    const names = Object.keys(entries);
    expect(names[0]).toBe('checkpoint/data.pkl');
    expect(new TextDecoder().decode(entries['checkpoint/version'])).toBe('3\n');
    expect(new TextDecoder().decode(entries['checkpoint/byteorder'])).toBe('little');
    // 25 + 9 blocks × 7 state-dict entries, 100 + 36 parameters × 3 AdamW entries (step, exp_avg, exp_avg_sq).
    expect(names.filter((n) => n.startsWith('checkpoint/data/'))).toHaveLength(34 * 7 + 136 * 3);
    // Stored, not deflated, as torch.save writes it; the first storage is convblock1's weight, float32 little-endian.
    const w = checkpoint.generator.get('convblock1.layers.0.weight')!.data as Float32Array;
    expect(new Float32Array(entries['checkpoint/data/0'].slice().buffer)).toEqual(w);
  });

  it('reads back as OpenFWI checkpoint: weights, AdamW states by parameter index, schedulers, epoch, step', () => {
    const back = readWeightsFile(encodeOpenFwiCheckpoint(checkpoint), 'checkpoint.pth');
    for (const [k, t] of checkpoint.generator) expect(Array.from(back.generator!.get(k)!.data, Number), k).toEqual(Array.from(t.data, Number));
    for (const [k, t] of checkpoint.critic) expect(Array.from(back.critic!.get(k)!.data, Number), k).toEqual(Array.from(t.data, Number));
    expect(Number(back.generator!.get('convblock1.layers.1.num_batches_tracked')!.data[0])).toBe(41);
    const s = back.openfwi!;
    expect([s.epoch, s.step]).toEqual([2, 30]);
    const og = s.optimizerGenerator as { state: Record<string, Record<string, SafeTensor>>; param_groups: Record<string, unknown>[] };
    expect(Object.keys(og.state)).toHaveLength(100);
    // Parameter 5 is convblock2_1's conv bias: PyTorch's parameters() order.
    expect(parameterOrder('generator', config)[5]).toBe('convblock2_1.layers.0.bias');
    expect(og.state['5'].exp_avg.data[0]).toBeCloseTo(5.25, 6);
    expect(og.state['5'].exp_avg_sq.data[1]).toBeCloseTo(5.501, 6);
    expect(og.state['5'].step).toMatchObject({ dtype: 'F32', shape: [] });
    expect(og.state['5'].step.data[0]).toBe(6);
    expect(og.param_groups).toEqual([
      { lr: 2e-4, betas: [0, 0.9], eps: 1e-8, weight_decay: 1e-4, amsgrad: false, foreach: null, maximize: false, capturable: false, initial_lr: 2e-4, params: Array.from({ length: 100 }, (_, i) => i) },
    ]);
    const od = s.optimizerCritic as { state: Record<string, Record<string, SafeTensor>> };
    expect(od.state['0'].step.data[0]).toBe(30);
    // args: gan_train's field names as a plain dict (no Namespace, so weights_only loads it), and the whole configuration.
    expect(s.args).toMatchObject({ dataset: 'flatvel-a', k: 1, batch_size: 4, lr_g: 2e-4, lr_d: 3e-4, n_critic: 5, lambda_g1v: 100, lambda_g2v: 0, epochs: 12 });
    expect(JSON.parse(s.args!.studio_config as string)).toEqual(config);
    expect(s.lrSchedulers).toEqual([
      { milestones: [], gamma: 0.1, warmup_factor: 1e-5, warmup_iters: 0, warmup_method: 'linear', base_lrs: [2e-4], last_epoch: 30, verbose: false, _step_count: 31, _get_lr_called_within_step: false, _last_lr: [2e-4] },
      expect.objectContaining({ base_lrs: [3e-4], last_epoch: 30 }),
    ]);
  });

  it('writes only what torch.load(weights_only=True) reads: its opcodes (no memo), its allowed globals', () => {
    const pkl = unzipSync(encodeOpenFwiCheckpoint(checkpoint))['checkpoint/data.pkl'];
    // Walk the opcodes; argument sizes as in pickletools.
    const fixed: Record<number, number> = { 0x80: 1, 0x4b: 1, 0x4d: 2, 0x4a: 4, 0x47: 8 };
    const ops = new Set<string>();
    const globals = new Set<string>();
    const view = new DataView(pkl.buffer, pkl.byteOffset);
    let at = 0;
    while (at < pkl.length) {
      const op = pkl[at++];
      ops.add(String.fromCharCode(op));
      if (op in fixed) at += fixed[op];
      else if (op === 0x58) at += 4 + view.getUint32(at, true);
      else if (op === 0x8a) at += 1 + pkl[at];
      else if (op === 0x63) {
        const end = pkl.indexOf(0x0a, pkl.indexOf(0x0a, at) + 1);
        globals.add(new TextDecoder().decode(pkl.subarray(at, end)).replace('\n', '.'));
        at = end + 1;
      }
    }
    expect(at).toBe(pkl.length);
    // PyTorch 1.13's weights_only opcode set (torch/_weights_only_unpickler.py) plus BINFLOAT ('G'), which it reads from 2.0 on.
    const allowed = new Set(['\x80', 'c', 'R', 'Q', ']', '(', 'e', 'a', '}', 's', 'u', ')', 't', '\x85', '\x86', '\x87', 'N', '\x88', '\x89', 'J', 'K', 'M', 'X', '\x8a', 'G', '.', 'b', '\x81']);
    expect([...ops].filter((o) => !allowed.has(o))).toEqual([]);
    expect([...globals].sort()).toEqual(['collections.OrderedDict', 'torch.FloatStorage', 'torch.LongStorage', 'torch._utils._rebuild_tensor_v2']);
  });
});

describe('.pdparams out', () => {
  it('PaddleScience names, _mean/_variance, no batch counts, float32 in PyTorch layouts, with the parameter-name table', () => {
    const bytes = encodeNetworkPdparams('generator', checkpoint.generator);
    const back = readPdparams(bytes, 'model_gen.pdparams');
    expect(back.tensors.size).toBe(25 * 6);
    expect([...back.tensors.keys()].slice(0, 6)).toEqual([
      'generator.convblock1.layers.0.weight',
      'generator.convblock1.layers.0.bias',
      'generator.convblock1.layers.1.weight',
      'generator.convblock1.layers.1.bias',
      'generator.convblock1.layers.1._mean',
      'generator.convblock1.layers.1._variance',
    ]);
    const deconv = back.tensors.get('generator.deconv1_1.layers.0.weight')!;
    expect(deconv.dtype).toBe('F32');
    expect(deconv.shape).toEqual([64, 64, 5, 5]);
    expect(Array.from(deconv.data, Number)).toEqual(Array.from(checkpoint.generator.get('deconv1_1.layers.0.weight')!.data, Number));
    expect(Array.from(back.tensors.get('generator.deconv6.layers.1._variance')!.data, Number)).toEqual(Array.from(checkpoint.generator.get('deconv6.layers.1.running_var')!.data, Number));
    expect(back.parameterNames.get('generator.deconv1_1.layers.0.weight')).toBe('conv2d_transpose_0.w_0');
    expect(back.parameterNames.get('generator.convblock1.layers.1._variance')).toBe('batch_norm2d_0.w_2');
    // And the whole file reads back as the same generator through the studio's import.
    const imported = readWeightsFile(bytes, 'model_gen.pdparams').generator!;
    for (const [k, t] of checkpoint.generator) if (!k.endsWith('num_batches_tracked')) expect(Array.from(imported.get(k)!.data, Number), k).toEqual(Array.from(t.data, Number));
    const critic = readWeightsFile(encodeNetworkPdparams('critic', checkpoint.critic), 'model_dis.pdparams');
    expect([...critic.critic!.keys()][0]).toBe('convblock1_1.layers.0.weight');
  });
});

describe('hand over to PyTorch', () => {
  const pairs = [{ seismic: 'data/data1.npy', velocity: 'data/model1.npy' }];
  it('bundles checkpoint.pth where --resume looks, the lists, the dataset entry and the exact command', () => {
    const files = new Map(handOverFiles({ checkpoint, train: pairs, val: pairs, fileSize: 500 }).map((f) => [f.name, new TextDecoder('latin1').decode(f.bytes)]));
    expect([...files.keys()]).toEqual(['models/flatvel-a/checkpoint.pth', 'train.txt', 'val.txt', 'dataset_config.json', 'run.sh', 'HANDOVER.md']);
    expect(files.get('train.txt')).toBe('data/data1.npy\tdata/model1.npy\n');
    expect(JSON.parse(files.get('dataset_config.json')!)).toEqual({ 'flatvel-a': { data_min: -26.95, data_max: 52.77, label_min: 1500, label_max: 4500, file_size: 500 } });
    expect(files.get('run.sh')).toBe(
      '#!/bin/sh\ntorchrun --standalone --nproc_per_node=1 gan_train.py \\\n' +
        '  -ds flatvel-a -o models -l models -n flatvel-a -m InversionNet -md Discriminator \\\n' +
        '  -ap . -t train.txt -v val.txt \\\n' +
        '  -b 4 --lr_g 0.0002 --lr_d 0.0003 --weight-decay 0.0001 -nc 5 \\\n' +
        '  -g1v 100 -g2v 0 -adv 1 -gp 10 --k 1 \\\n' +
        '  -eb 12 -nb 1 -r checkpoint.pth --tensorboard\n',
    );
    const notes = files.get('HANDOVER.md')!;
    expect(notes).toContain('epoch 2 done, step 30. gan_train resumes at epoch 3 (0-based)');
    expect(notes).toContain('model = network.InversionNet(*[4,8,16,32,64], sample_spatial=args.sample_spatial).to(device)');
    expect(notes).toContain('model_d = network.Discriminator(*[4,8,16,32]).to(device)');
  });
  it('refuses lists without velocity files', () => {
    expect(() => handOverFiles({ checkpoint, train: [{ seismic: 'a.npy', velocity: null }], val: pairs, fileSize: 500 })).toThrow('the training list has seismic without velocity (a.npy)');
  });
});
