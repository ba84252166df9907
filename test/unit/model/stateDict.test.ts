import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { encodeSafetensors, parseSafetensors, type SafeTensor } from '../../../src/engine/io/safetensors.ts';
import { createCritic } from '../../../src/engine/model/critic.ts';
import { createGenerator } from '../../../src/engine/model/generator.ts';
import { loadStateDict, permute4d, stateDictOf, widthsFromStateDict } from '../../../src/engine/model/stateDict.ts';
import { widthPresets } from '../../../src/engine/model/widths.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const fixture = (name: string) => parseSafetensors(new Uint8Array(readFileSync(`test/fixtures/parity/${name}`)), name).tensors;

describe('PyTorch state dict', () => {
  it('round-trips through safetensors into a differently seeded network, buffers and counts included', async () => {
    const a = createGenerator(widthPresets.tiny.generator, 1);
    a.apply(tf.randomNormal([2, 1000, 70, 5], 0, 1, 'float32', 3) as tf.Tensor4D, true).dispose(); // move running stats and counts
    const bytes = encodeSafetensors(await stateDictOf(a));
    const b = createGenerator(widthPresets.tiny.generator, 2);
    loadStateDict(b, parseSafetensors(bytes).tensors);
    for (const [k, v] of [...a.params, ...a.buffers]) {
      const other = b.params.get(k) ?? b.buffers.get(k)!;
      expect(Array.from(other.dataSync()), k).toEqual(Array.from(v.dataSync()));
    }
    expect([...b.batchesTracked.values()]).toEqual(new Array(25).fill(1));
    a.dispose();
    b.dispose();
  });

  it('writes Conv2d as [out, in, kh, kw] and ConvTranspose2d as [in, out, kh, kw], in state-dict order', async () => {
    const g = createGenerator(widthPresets.tiny.generator, 1);
    const dict = await stateDictOf(g);
    const keys = Object.keys(dict);
    expect(keys.slice(0, 7)).toEqual([
      'convblock1.layers.0.weight',
      'convblock1.layers.0.bias',
      'convblock1.layers.1.weight',
      'convblock1.layers.1.bias',
      'convblock1.layers.1.running_mean',
      'convblock1.layers.1.running_var',
      'convblock1.layers.1.num_batches_tracked',
    ]);
    expect(dict['convblock1.layers.0.weight'].shape).toEqual([4, 5, 7, 1]);
    expect(dict['deconv2_1.layers.0.weight'].shape).toEqual([64, 32, 4, 4]); // d5 → d4
    expect(dict['convblock1.layers.1.num_batches_tracked']).toMatchObject({ dtype: 'I64', shape: [] });
    // Element [o, i, h, w] of the PyTorch weight is element [h, w, i, o] of ours.
    const ours = g.params.get('convblock5_1.layers.0.weight')!; // [3, 3, 16, 16]
    const tfValues = ours.dataSync();
    const torch = dict['convblock5_1.layers.0.weight'].data as Float32Array;
    const [o, i, h, w] = [7, 3, 2, 1];
    expect(torch[((o * 16 + i) * 3 + h) * 3 + w]).toBe(tfValues[((h * 3 + w) * 16 + i) * 16 + o]);
    g.dispose();
  });

  it('loads the PyTorch-written fixture weights (counts saved as [1]) and reads their widths', () => {
    const tensors = fixture('d_init.safetensors');
    expect(widthsFromStateDict('critic', tensors)).toEqual([4, 8, 16, 32]);
    const d = createCritic([4, 8, 16, 32], 0);
    loadStateDict(d, tensors);
    const torch = tensors.get('convblock2_1.layers.0.weight')!;
    const back = permute4d(d.params.get('convblock2_1.layers.0.weight')!.dataSync(), [3, 3, 4, 8], [3, 2, 0, 1]);
    expect(back.shape).toEqual(torch.shape);
    expect(Array.from(back.data)).toEqual(Array.from(torch.data as Float32Array));
    d.dispose();
  });

  it('refuses weights that do not fit, listing every missing, unexpected and misshapen key, and changes nothing', () => {
    const d = createCritic([4, 8, 16, 32], 0);
    const before = d.params.get('convblock1_1.layers.0.weight')!.dataSync().slice();
    const tensors = new Map<string, SafeTensor>(fixture('d_init.safetensors'));
    tensors.delete('convblock3_2.layers.1.running_var');
    tensors.set('convblock9.layers.0.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) });
    tensors.set('convblock2_2.layers.0.bias', { dtype: 'F32', shape: [9], data: new Float32Array(9) });
    tensors.set('convblock2_1.layers.1.weight', { dtype: 'I32', shape: [8], data: new Int32Array(8) });
    let error: unknown;
    try {
      loadStateDict(d, tensors, 'critic.safetensors');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FwiError);
    const message = (error as FwiError).message;
    expect((error as FwiError).code).toBe('weights');
    expect(message).toContain('critic.safetensors');
    expect(message).toContain('missing (1): convblock3_2.layers.1.running_var');
    expect(message).toContain('unexpected (1): convblock9.layers.0.weight');
    expect(message).toContain('convblock2_2.layers.0.bias: shape [9], expected [8]');
    expect(message).toContain('convblock2_1.layers.1.weight: dtype I32');
    expect(Array.from(d.params.get('convblock1_1.layers.0.weight')!.dataSync())).toEqual(Array.from(before));
    d.dispose();
  });

  it('refuses generator weights for a critic of other widths', () => {
    const d = createCritic([8, 8, 16, 32], 0);
    expect(() => loadStateDict(d, fixture('d_init.safetensors'))).toThrow(/convblock1_1.layers.0.weight: shape \[4, 1, 3, 3\], expected \[8, 1, 3, 3\]/);
    expect(() => widthsFromStateDict('generator', fixture('d_init.safetensors'))).toThrow(FwiError);
    d.dispose();
  });
});
