import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/engine/train/backend.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('wasm Identity and Cast (installed by initBackend)', () => {
  it('share the buffer of a clone and of a same-dtype cast, and keep it while either tensor lives', () => {
    const x = tf.tensor1d([1.5, -2.25, 3]);
    const buffers = tf.memory().numDataBuffers;
    const clone = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    // Stock tf.js-wasm copies both: two more buffers.
    expect(tf.memory().numDataBuffers).toBe(buffers);
    x.dispose();
    expect(Array.from(clone.dataSync())).toEqual([1.5, -2.25, 3]);
    clone.dispose();
    expect(Array.from(cast.dataSync())).toEqual([1.5, -2.25, 3]);
    cast.dispose();
    expect(tf.memory().numDataBuffers).toBe(buffers - 1);
  });

  it('still converts a cast to another dtype', () => {
    const x = tf.tensor1d([1.5, -2.75, 3]);
    const ints = tf.cast(x, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([x, ints]);
  });
});
