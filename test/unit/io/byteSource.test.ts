import { describe, expect, it, vi } from 'vitest';
import { blobSink, blobSource, bytesSource, memorySink } from '../../../src/engine/io/byteSource.ts';
import { FwiError } from '../../../src/engine/errors.ts';

describe('byte sources', () => {
  it('blobSource reads with slice only the requested bytes', async () => {
    const blob = new Blob([Uint8Array.from({ length: 100 }, (_, i) => i)]);
    const slice = vi.spyOn(blob, 'slice');
    const arrayBuffer = vi.spyOn(blob, 'arrayBuffer');
    const src = blobSource(blob, 'seis.npy');
    expect(src.size).toBe(100);
    expect(Array.from(await src.read(10, 5))).toEqual([10, 11, 12, 13, 14]);
    expect(slice).toHaveBeenCalledWith(10, 15);
    expect(arrayBuffer).not.toHaveBeenCalled();
  });

  it('blobSource takes the name of a File', () => {
    expect(blobSource(new File([new Uint8Array(3)], 'model1.npy')).name).toBe('model1.npy');
  });

  it('bytesSource returns copies the caller may modify', async () => {
    const bytes = Uint8Array.from([1, 2, 3, 4]);
    const src = bytesSource(bytes, 'mem');
    const a = await src.read(1, 2);
    a[0] = 99;
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4]);
    expect(a.byteOffset).toBe(0);
  });

  it('reads past the end fail with the file named', async () => {
    for (const src of [bytesSource(new Uint8Array(8), 'x.npy'), blobSource(new Blob([new Uint8Array(8)]), 'x.npy')]) {
      const err = await src.read(4, 5).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FwiError);
      expect((err as FwiError).message).toBe('x.npy: cannot read 5 bytes at offset 4: the file has 8 bytes');
    }
  });
});

describe('byte sinks', () => {
  it('memorySink joins chunks in order and refuses writes after close', async () => {
    const sink = memorySink();
    await sink.write(Uint8Array.from([1, 2]));
    await sink.write(Uint8Array.from([3]));
    await sink.close();
    expect(Array.from(sink.bytes())).toEqual([1, 2, 3]);
    expect(sink.length).toBe(3);
    await expect(sink.write(new Uint8Array(1))).rejects.toThrow(/after close/);
  });

  it('blobSink builds a Blob of the chunks', async () => {
    const sink = blobSink();
    await sink.write(Uint8Array.from([5, 6]));
    await sink.write(Uint8Array.from([7]));
    await sink.close();
    expect(Array.from(new Uint8Array(await sink.blob().arrayBuffer()))).toEqual([5, 6, 7]);
  });
});
