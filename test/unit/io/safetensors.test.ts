import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeSafetensors, floatToBf16, floatToHalf, parseSafetensors, toFloat32 } from '../../../src/engine/io/safetensors.ts';
import { halfToFloat } from '../../../src/engine/io/npy.ts';
import { FwiError } from '../../../src/engine/errors.ts';

const fixture = (f: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/parity/${f}`, import.meta.url)));

function rawFile(header: object | string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

describe('safetensors: the parity fixture weights by PyTorch name', () => {
  const g = parseSafetensors(fixture('g_init.safetensors'), 'g_init.safetensors');

  it('reads every tensor with PyTorch names, shapes and dtypes', () => {
    expect(g.tensors.size).toBe(175);
    const w = g.tensors.get('convblock1.layers.0.weight')!;
    expect(w.dtype).toBe('F32');
    expect(w.shape).toEqual([4, 5, 7, 1]);
    expect(w.data[0]).toBeCloseTo(0.011805973015725613, 7);
    expect(w.data[1]).toBeCloseTo(-0.1018231064081192, 7);
    expect(sum(w.data as Float32Array)).toBeCloseTo(-0.2327411455917172, 5);
    // ConvTranspose2d is (in, out, kh, kw)
    const t = g.tensors.get('deconv1_1.layers.0.weight')!;
    expect(t.shape).toEqual([64, 64, 5, 5]);
    expect(sum(t.data as Float32Array)).toBeCloseTo(6.468734773266462, 3);
    expect(g.tensors.get('deconv6.layers.1.running_var')!.data[0]).toBeCloseTo(1.4372304677963257, 7);
  });

  it('reads num_batches_tracked as I64', () => {
    const n = g.tensors.get('convblock1.layers.1.num_batches_tracked')!;
    expect(n.dtype).toBe('I64');
    expect(n.data).toBeInstanceOf(BigInt64Array);
    expect(n.data[0]).toBe(3n);
    expect(Array.from(toFloat32(n))).toEqual([3]);
  });

  it('re-encodes the fixture to a file that parses to the same tensors', () => {
    const entries = Object.fromEntries([...g.tensors].map(([k, t]) => [k, { dtype: t.dtype as 'F32' | 'I64', shape: t.shape, data: t.data as Float32Array | BigInt64Array }]));
    const again = parseSafetensors(encodeSafetensors(entries, { format: 'pt' }));
    expect(again.metadata).toEqual({ format: 'pt' });
    const bytes = (d: ArrayBufferView) => Buffer.from(d.buffer, d.byteOffset, d.byteLength);
    for (const [k, t] of g.tensors) {
      const back = again.tensors.get(k)!;
      expect(back.shape).toEqual(t.shape);
      expect(back.dtype).toBe(t.dtype);
      expect(bytes(back.data).equals(bytes(t.data))).toBe(true);
    }
  });

  it('reads every fixture file', () => {
    for (const f of ['d_init', 'd_after', 'd_final', 'd_step_grads', 'g_after', 'g_step_grads']) {
      const { tensors } = parseSafetensors(fixture(`${f}.safetensors`), f);
      expect(tensors.size).toBeGreaterThan(10);
    }
  });
});

describe('safetensors: round trips of every dtype', () => {
  it('F32, F64, I32, I64 round-trip exactly, with metadata', () => {
    const bytes = encodeSafetensors(
      {
        'a.weight': { dtype: 'F32', shape: [2, 3], data: [1.5, -2, 3.25, 0, 1e-30, 7] },
        b: { dtype: 'F64', shape: [2], data: [Math.PI, -1e300] },
        c: { dtype: 'I32', shape: [3], data: [-(2 ** 31), 0, 2 ** 31 - 1] },
        d: { dtype: 'I64', shape: [], data: [2 ** 40] },
        e: { dtype: 'I64', shape: [2], data: BigInt64Array.from([-5n, 9007199254740993n]) },
        empty: { dtype: 'F32', shape: [0, 4], data: [] },
      },
      { epoch: '3', note: 'x' },
    );
    const lengthField = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(lengthField % 8).toBe(0);
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata).toEqual({ epoch: '3', note: 'x' });
    expect(Array.from(tensors.get('a.weight')!.data as Float32Array)).toEqual([1.5, -2, 3.25, 0, Math.fround(1e-30), 7]);
    expect(Array.from(tensors.get('b')!.data as Float64Array)).toEqual([Math.PI, -1e300]);
    expect(Array.from(tensors.get('c')!.data as Int32Array)).toEqual([-(2 ** 31), 0, 2 ** 31 - 1]);
    expect(tensors.get('d')!.shape).toEqual([]);
    expect(tensors.get('d')!.data[0]).toBe(2n ** 40n);
    expect(Array.from(tensors.get('e')!.data as BigInt64Array)).toEqual([-5n, 9007199254740993n]);
    expect(tensors.get('empty')!.data.length).toBe(0);
  });

  it('F16 encodes every half value back to its own bits and rounds to nearest even', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const exp = (h >> 10) & 0x1f;
      if (exp === 31 && h & 0x3ff) continue; // NaN payloads
      if (floatToHalf(halfToFloat(h)) !== h) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie, to even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, to even (up)
    expect(floatToHalf(65520)).toBe(0x7c00); // rounds to infinity
    expect(floatToHalf(2 ** -25)).toBe(0); // tie below the smallest subnormal, to even (zero)
    expect(floatToHalf(1.5 * 2 ** -25)).toBe(1);
    expect(Number.isNaN(halfToFloat(floatToHalf(Number.NaN)))).toBe(true);
  });

  it('BF16 keeps the top half of float32, rounded to nearest even', () => {
    expect(floatToBf16(1)).toBe(0x3f80);
    expect(floatToBf16(-2)).toBe(0xc000);
    expect(floatToBf16(1 + 2 ** -8)).toBe(0x3f80); // tie, to even
    expect(floatToBf16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    const { tensors } = parseSafetensors(encodeSafetensors({ x: { dtype: 'BF16', shape: [3], data: [1, -2, 3.140625] } }));
    expect(Array.from(tensors.get('x')!.data as Float32Array)).toEqual([1, -2, 3.140625]);
  });

  it('any float32 tensors round-trip through F32 bit for bit, and through F16/BF16 within their precision (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.float32Array({ maxLength: 40, noNaN: true }), { minLength: 1, maxLength: 4 }), (arrays) => {
        const entries = Object.fromEntries(arrays.map((a, i) => [`t${i}.weight`, { dtype: 'F32' as const, shape: [a.length], data: a }]));
        const { tensors } = parseSafetensors(encodeSafetensors(entries));
        arrays.forEach((a, i) => expect(tensors.get(`t${i}.weight`)!.data).toEqual(a));
        const halves = parseSafetensors(encodeSafetensors(Object.fromEntries(arrays.map((a, i) => [`h${i}`, { dtype: 'BF16' as const, shape: [a.length], data: a }]))));
        arrays.forEach((a, i) => {
          const back = halves.tensors.get(`h${i}`)!.data as Float32Array;
          for (let j = 0; j < a.length; j++) {
            if (Number.isFinite(back[j]) && Number.isFinite(a[j])) expect(Math.abs(back[j] - a[j])).toBeLessThanOrEqual(Math.max(Math.abs(a[j]) * 2 ** -8, 2 ** -133));
          }
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe('safetensors: bad files name the file and the problem', () => {
  const bad = (bytes: Uint8Array, pattern: RegExp) => {
    let err: unknown;
    try {
      parseSafetensors(bytes, 'w.safetensors');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FwiError);
    expect((err as FwiError).code).toBe('safetensors');
    expect((err as FwiError).message).toMatch(/^w\.safetensors: /);
    expect((err as FwiError).message).toMatch(pattern);
  };

  it('rejects truncated, non-JSON and inconsistent files', () => {
    bad(new Uint8Array(5), /shorter than the 8-byte header length/);
    bad(new TextEncoder().encode('\x93NUMPY\x01\x00garbage garbage'), /implausible|truncated/);
    bad(rawFile('{"a": '), /not JSON/);
    bad(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(4)), /truncated: tensor "a"/);
    bad(rawFile({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes, data_offsets give 8/);
    bad(rawFile({ a: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /unsupported dtype "C64"/);
    bad(rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)), /longer than the tensors/);
    bad(rawFile({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /overlaps/);
    bad(rawFile({ __metadata__: { n: 3 } }), /metadata "n" is not a string/);
  });

  it('refuses to write values that do not fit', () => {
    expect(() => encodeSafetensors({ a: { dtype: 'F32', shape: [2, 2], data: [1, 2, 3] } })).toThrow(/3 values for shape \[2, 2\]/);
    expect(() => encodeSafetensors({ a: { dtype: 'I32', shape: [1], data: [2 ** 31] } })).toThrow(/not a 32-bit integer/);
  });
});
