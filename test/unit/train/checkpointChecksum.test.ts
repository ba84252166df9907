import { describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { crc32 } from '../../../src/engine/io/crc32.ts';
import type { SafeTensor } from '../../../src/engine/io/safetensors.ts';
import { checkpointChecksums, tensorsChecksum, verifyCheckpointChecksums } from '../../../src/engine/train/checkpointChecksum.ts';

const enc = new TextEncoder();
const tensor = (shape: number[], values: number[]): SafeTensor => ({ dtype: 'F32', shape, data: Float32Array.from(values) });

describe('CRC-32 and checkpoint checksums', () => {
  it('CRC-32 gives the standard check values, also when continued over pieces', () => {
    expect(crc32(enc.encode('123456789')).toString(16)).toBe('cbf43926');
    expect(crc32(enc.encode('The quick brown fox jumps over the lazy dog')).toString(16)).toBe('414fa339');
    expect(crc32(new Uint8Array(0))).toBe(0);
    const bytes = enc.encode('The quick brown fox jumps over the lazy dog');
    expect(crc32(bytes.subarray(7), crc32(bytes.subarray(0, 7))).toString(16)).toBe('414fa339');
  });

  it('a part\'s checksum covers names, shapes and every byte, in name order whatever the map order', () => {
    const a = new Map([['b.weight', tensor([2], [1, 2])], ['a.bias', tensor([1], [3])]]);
    const same = new Map([['a.bias', tensor([1], [3])], ['b.weight', tensor([2], [1, 2])]]);
    // The expected value: CRC-32 of "a.bias\0F32\01\0" + bytes of [3], then "b.weight\0F32\02\0" + bytes of [1, 2].
    const f32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
    let c = crc32(enc.encode('a.bias\0F32\x001\0'));
    c = crc32(f32([3]), c);
    c = crc32(enc.encode('b.weight\0F32\x002\0'), c);
    c = crc32(f32([1, 2]), c);
    expect(tensorsChecksum(a)).toBe(c.toString(16).padStart(8, '0'));
    expect(tensorsChecksum(same)).toBe(tensorsChecksum(a));
    expect(tensorsChecksum(new Map([['b.weight', tensor([1, 2], [1, 2])], ['a.bias', tensor([1], [3])]]))).not.toBe(tensorsChecksum(a));
    expect(tensorsChecksum(new Map([['b.weight', tensor([2], [1, 2.0000002])], ['a.bias', tensor([1], [3])]]))).not.toBe(tensorsChecksum(a));
  });

  it('verification names the file and each damaged part', () => {
    const parts = { generator: new Map([['w', tensor([2], [1, 2])]]), critic: new Map([['w', tensor([1], [5])]]), optimizerGenerator: new Map(), optimizerCritic: new Map() };
    const sums = checkpointChecksums(parts);
    expect(() => verifyCheckpointChecksums(parts, sums, 'run/checkpoint')).not.toThrow();
    (parts.critic.get('w')!.data as Float32Array)[0] = 5.5;
    expect(() => verifyCheckpointChecksums(parts, sums, 'run/checkpoint')).toThrow(
      new FwiError('checkpoint-damaged', 'damaged: the critic weights do not match the checksum saved with them', 'run/checkpoint'),
    );
    expect(() => verifyCheckpointChecksums(parts, { ...sums, generator: 'xyz' }, 'c.safetensors')).toThrow(new FwiError('checkpoint-damaged', 'damaged: its checksums are unreadable', 'c.safetensors'));
  });
});

describe('checkpoints carry their checksums', () => {
  it('a bundle and a folder saved now verify on load; a flipped data byte is refused by name, naming the damaged part', async () => {
    const { readFileSync } = await import('node:fs');
    const { decodeCheckpointBundle, decodeCheckpointFiles, encodeCheckpointBundle, encodeCheckpointFiles, CHECKPOINT_FILES } = await import('../../../src/engine/train/checkpoint.ts');
    // A checkpoint saved before checksums existed still loads (fixture made by test/fixtures/fuzz/makeCheckpointSeed.ts).
    const old = new Uint8Array(readFileSync(new URL('../../fixtures/fuzz/checkpoint-w1.safetensors', import.meta.url)));
    const c = decodeCheckpointBundle(old, 'old.safetensors');
    const bundle = encodeCheckpointBundle(c);
    const again = decodeCheckpointBundle(bundle, 'run.safetensors');
    expect(again.meta.checksums).toEqual(checkpointChecksums(c));
    const damaged = bundle.slice();
    damaged[damaged.length - 3] ^= 0x40; // inside the last tensor's data: the file still parses
    expect(() => decodeCheckpointBundle(damaged, 'run.safetensors')).toThrow(/^run\.safetensors: damaged: the (generator weights|critic weights|generator's optimiser state|critic's optimiser state) do not match the checksum saved with them$/);

    const files = encodeCheckpointFiles(c);
    expect(decodeCheckpointFiles(files, 'out/checkpoint').meta.checksums).toEqual(checkpointChecksums(c));
    const critic = files[CHECKPOINT_FILES.critic].slice();
    critic[critic.length - 1] ^= 0x01;
    expect(() => decodeCheckpointFiles({ ...files, [CHECKPOINT_FILES.critic]: critic }, 'out/checkpoint')).toThrow(
      new FwiError('checkpoint-damaged', 'damaged: the critic weights do not match the checksum saved with them', 'out/checkpoint'),
    );
  });
});
