import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesSource, memorySink } from '../../../src/engine/io/byteSource.ts';
import { encodeNpy, encodeNpyHeader, NpyWriter, openNpy } from '../../../src/engine/io/npy.ts';
import { FwiError } from '../../../src/engine/errors.ts';
import { encodeValues, headerDict, npyBytes } from './npyBuild.ts';

const fixture = (f: string) => new URL(`../../fixtures/parity/${f}`, import.meta.url);

async function open(bytes: Uint8Array, name = 'test.npy') {
  return openNpy(bytesSource(bytes, name));
}

async function expectFwiError(p: Promise<unknown>, code: string, pattern: RegExp, file = 'bad.npy') {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FwiError);
  expect((err as FwiError).code).toBe(code);
  expect((err as FwiError).file).toBe(file);
  expect((err as FwiError).message).toMatch(pattern);
  expect((err as FwiError).message.startsWith(`${file}: `)).toBe(true);
}

describe('npy reader: headers of every version, dtype and byte order', () => {
  const floatValues = [0, 1, -2, 0.5, 65504, -0.25];
  const intValues = [0, 1, 2, 3, 100, 120];
  const signedValues = [0, 1, -2, 3, -100, 120];
  const cases: { descr: string; values: number[] }[] = [];
  for (const order of ['<', '>']) {
    for (const f of ['f2', 'f4', 'f8']) cases.push({ descr: `${order}${f}`, values: floatValues });
    for (const i of ['i2', 'i4', 'i8']) cases.push({ descr: `${order}${i}`, values: signedValues });
    for (const u of ['u2', 'u4', 'u8']) cases.push({ descr: `${order}${u}`, values: intValues });
  }
  cases.push({ descr: '|i1', values: signedValues }, { descr: '|u1', values: intValues }, { descr: '|b1', values: [0, 1, 1, 0, 0, 1] });

  for (const version of [1, 2, 3] as const) {
    for (const { descr, values } of cases) {
      it(`v${version}.0 ${descr} converts to float32 exactly`, async () => {
        const file = await open(npyBytes({ version, header: headerDict(descr, [3, 2]), data: encodeValues(descr, values) }));
        expect(file.version).toBe(`${version}.0`);
        expect(file.descr).toBe(descr);
        expect(file.byteOrder).toBe(descr.startsWith('|') ? 'not-applicable' : descr.startsWith('>') ? 'big' : 'little');
        expect(file.shape).toEqual([3, 2]);
        expect(file.rows).toBe(3);
        expect(file.rowShape).toEqual([2]);
        expect(file.dataOffset % 64).toBe(0);
        expect(file.dataOffset).toBe((version === 1 ? 10 : 12) + file.headerBytes);
        expect(Array.from(await file.readAll())).toEqual(values);
        expect(Array.from(await file.readRows(1, 3))).toEqual(values.slice(2));
      });
    }
  }

  it('readRowsInto fills a slice of a larger array, directly for <f4 and by conversion otherwise', async () => {
    for (const descr of ['<f4', '>f4', '<i2']) {
      const file = await open(npyBytes({ header: headerDict(descr, [3, 2]), data: encodeValues(descr, [1, 2, 3, -4, 5, 6]) }));
      const out = new Float32Array(8).fill(9);
      await file.readRowsInto(1, 3, out, 2);
      expect(Array.from(out)).toEqual([9, 9, 3, -4, 5, 6, 9, 9]);
      await expect(file.readRowsInto(0, 3, out, 4)).rejects.toThrow(/do not fit/);
    }
  });

  it('reads f2 subnormals and large values exactly', async () => {
    const values = [5.960464477539063e-8, 65504, 3];
    const file = await open(npyBytes({ header: headerDict('<f2', [3]), data: encodeValues('<f2', values) }));
    expect(Array.from(await file.readAll())).toEqual(values.map(Math.fround));
  });

  it('reads 64-bit integers beyond 2^31', async () => {
    const file = await open(npyBytes({ header: headerDict('<i8', [2]), data: encodeValues('<i8', [2 ** 40, -(2 ** 33)]) }));
    expect(Array.from(await file.readAll())).toEqual([2 ** 40, -(2 ** 33)]);
  });

  it('reads a version 3.0 header with a utf-8 field and double quotes in any key order', async () => {
    const header = `{"shape": (2,), "fortran_order": False, "descr": "<f4", "note": "µs"}`;
    const file = await open(npyBytes({ version: 3, header, data: encodeValues('<f4', [1.5, -3]) }));
    expect(Array.from(await file.readAll())).toEqual([1.5, -3]);
  });

  it("reads Python 2 long shapes (500L) and 0-d arrays", async () => {
    const longs = await open(npyBytes({ header: `{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 1L), }`, data: encodeValues('<f4', [7, 8]) }));
    expect(longs.shape).toEqual([2, 1]);
    const scalar = await open(npyBytes({ header: headerDict('<f8', []), data: encodeValues('<f8', [2.5]) }));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(await scalar.readAll())).toEqual([2.5]);
  });

  it('reads an empty array (0 rows)', async () => {
    const file = await open(npyBytes({ header: headerDict('<f4', [0, 5, 3]) }));
    expect(file.rows).toBe(0);
    expect(file.rowLength).toBe(15);
    expect((await file.readAll()).length).toBe(0);
  });

  it('reads the parity fixture as numpy wrote it', async () => {
    const file = await openNpy(bytesSource(new Uint8Array(readFileSync(fixture('alpha.npy'))), 'alpha.npy'));
    expect(file.shape).toEqual([4, 1, 1, 1]);
    const data = await file.readAll();
    expect(data.every((a) => a >= 0 && a < 1)).toBe(true);
  });
});

describe('npy reader: Fortran order', () => {
  // value at C index (i, j, k) = 100·i + 10·j + k
  const shape = [4, 3, 5];
  const fortranValues: number[] = [];
  for (let k = 0; k < shape[2]; k++) for (let j = 0; j < shape[1]; j++) for (let i = 0; i < shape[0]; i++) fortranValues.push(100 * i + 10 * j + k);
  const expectedRows = (i0: number, i1: number) => {
    const out: number[] = [];
    for (let i = i0; i < i1; i++) for (let j = 0; j < shape[1]; j++) for (let k = 0; k < shape[2]; k++) out.push(100 * i + 10 * j + k);
    return out;
  };

  for (const descr of ['<f4', '>f8', '<i2']) {
    it(`returns rows in C order (${descr})`, async () => {
      const file = await open(npyBytes({ header: headerDict(descr, shape, true), data: encodeValues(descr, fortranValues) }));
      expect(file.fortranOrder).toBe(true);
      expect(Array.from(await file.readAll())).toEqual(expectedRows(0, 4));
      expect(Array.from(await file.readRows(1, 3))).toEqual(expectedRows(1, 3));
      expect(Array.from(await file.readRows(3, 4))).toEqual(expectedRows(3, 4));
    });
  }

  it('reads a Fortran file larger than one read span, row by row', async () => {
    // rows·itemSize·(trailing elements) > 8 MiB, so the reader must split its reads
    const rows = 3;
    const rest = [1000, 701];
    const n = rows * rest[0] * rest[1];
    const data = new Float32Array(n);
    for (let f = 0; f < n; f++) data[f] = f; // Fortran linear index
    const file = await open(npyBytes({ header: headerDict('<f4', [rows, ...rest], true), data: new Uint8Array(data.buffer) }));
    const row = await file.readRows(2, 3);
    // C element (2, a, b) has Fortran index 2 + 3·(a + 1000·b)
    for (const [a, b] of [[0, 0], [999, 700], [500, 350], [1, 699]]) expect(row[a * 701 + b]).toBe(2 + 3 * (a + 1000 * b));
  });

  it('reads the 2-D rainbow-style colormap layout (256, 3) stored Fortran order', async () => {
    const rgb: number[] = [];
    for (let c = 0; c < 3; c++) for (let i = 0; i < 256; i++) rgb.push(c === 0 ? i / 255 : c === 1 ? 1 - i / 255 : 0.5);
    const file = await open(npyBytes({ header: headerDict('<f8', [256, 3], true), data: encodeValues('<f8', rgb) }));
    const row = await file.readRows(255, 256);
    expect(Array.from(row)).toEqual([1, 0, 0.5]);
  });
});

describe('npy reader: bad input names the file and the problem', () => {
  const good = () => npyBytes({ header: headerDict('<f4', [2, 3]), data: encodeValues('<f4', [1, 2, 3, 4, 5, 6]) });

  it('bad magic', async () => {
    await expectFwiError(open(new TextEncoder().encode('hello world, not numpy at all'), 'bad.npy'), 'npy-magic', /not a \.npy file/);
    await expectFwiError(open(new Uint8Array([1, 2, 3]), 'bad.npy'), 'npy-magic', /bad magic/);
  });

  it('unsupported version', async () => {
    const b = good();
    b[6] = 4;
    await expectFwiError(open(b, 'bad.npy'), 'npy-version', /version 4\.0/);
  });

  it('truncated header', async () => {
    await expectFwiError(open(good().slice(0, 9), 'bad.npy'), 'npy-header', /truncated header/);
    await expectFwiError(open(good().slice(0, 40), 'bad.npy'), 'npy-header', /truncated header/);
  });

  it('malformed header', async () => {
    await expectFwiError(open(npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3" }), 'bad.npy'), 'npy-header', /malformed header/);
    await expectFwiError(open(npyBytes({ header: "{'descr': '<f4', 'shape': (2, 3), }" }), 'bad.npy'), 'npy-header', /no "fortran_order"/);
    await expectFwiError(open(npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': 'big', }" }), 'bad.npy'), 'npy-header', /"shape" is not a tuple/);
    await expectFwiError(open(npyBytes({ header: "[1, 2]" }), 'bad.npy'), 'npy-header', /not a dictionary/);
  });

  it('data shorter or longer than the header says', async () => {
    const b = good();
    await expectFwiError(open(b.slice(0, b.length - 4), 'bad.npy'), 'npy-size', /shorter than the header says.*needs 24 bytes, the file holds 20/);
    const longer = new Uint8Array(b.length + 8);
    longer.set(b);
    await expectFwiError(open(longer, 'bad.npy'), 'npy-size', /longer than the header says.*needs 24 bytes, the file holds 32/);
  });

  it('unsupported dtypes: objects, complex, strings, records', async () => {
    await expectFwiError(open(npyBytes({ header: headerDict('|O', [2]) }), 'bad.npy'), 'npy-dtype', /"\|O" \(Python objects\)/);
    await expectFwiError(open(npyBytes({ header: headerDict('<c8', [2]) }), 'bad.npy'), 'npy-dtype', /complex numbers/);
    await expectFwiError(open(npyBytes({ header: headerDict('<U10', [2]) }), 'bad.npy'), 'npy-dtype', /unicode strings/);
    await expectFwiError(open(npyBytes({ header: headerDict('|S4', [2]) }), 'bad.npy'), 'npy-dtype', /byte strings/);
    await expectFwiError(open(npyBytes({ header: "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (2,), }" }), 'bad.npy'), 'npy-dtype', /structured/);
    await expectFwiError(open(npyBytes({ header: headerDict('<f16', [2]) }), 'bad.npy'), 'npy-dtype', /unsupported width/);
  });

  it('row ranges outside the file', async () => {
    const file = await open(good(), 'bad.npy');
    await expectFwiError(file.readRows(1, 3), 'npy-shape', /out of range: the file has 2 rows/);
  });
});

describe('npy writer', () => {
  it('writes byte-for-byte what numpy wrote for the parity fixtures', async () => {
    for (const f of ['alpha.npy', 'label_norm.npy', 'd_real_out.npy']) {
      const bytes = new Uint8Array(readFileSync(fixture(f)));
      const file = await openNpy(bytesSource(bytes, f));
      expect(encodeNpy(file.shape, await file.readAll())).toEqual(bytes);
    }
  });

  it('pads the header so data starts on a 64-byte boundary, for any rank', () => {
    for (const shape of [[], [7], [3, 4], [500, 5, 1000, 70], [123456789, 2, 3, 4, 5, 6]]) {
      const h = encodeNpyHeader(shape);
      expect(h.length % 64).toBe(0);
      expect(h[h.length - 1]).toBe(0x0a);
    }
  });

  it('rejects data that does not fill the shape', () => {
    expect(() => encodeNpy([2, 3], new Float32Array(5))).toThrow(/holds 6/);
  });

  it('streams rows in chunks and checks the row count at close', async () => {
    const sink = memorySink();
    const w = new NpyWriter(sink, [5, 2, 3], 'pred.npy');
    const all = Float32Array.from({ length: 30 }, (_, i) => i * 0.5 - 3);
    await w.writeRows(all.subarray(0, 6));
    await w.writeRows(all.subarray(6, 24));
    await w.writeRows(all.subarray(24));
    await w.close();
    expect(sink.closed).toBe(true);
    const file = await openNpy(bytesSource(sink.bytes(), 'pred.npy'));
    expect(file.shape).toEqual([5, 2, 3]);
    expect(Array.from(await file.readAll())).toEqual(Array.from(all));

    const short = new NpyWriter(memorySink(), [5, 2, 3], 'pred.npy');
    await short.writeRows(all.subarray(0, 12));
    await expect(short.close()).rejects.toThrow(/pred\.npy: closed after 2 rows, but the header promises 5/);

    const over = new NpyWriter(memorySink(), [1, 2, 3], 'pred.npy');
    await expect(over.writeRows(all.subarray(0, 12))).rejects.toThrow(/too many rows/);
    await expect(over.writeRows(all.subarray(0, 4))).rejects.toThrow(/not whole rows/);
  });

  it('round-trips any shape and any float32 values through chunked writes (property)', async () => {
    const arb = fc
      .record({
        rows: fc.integer({ min: 0, max: 6 }),
        rest: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
        cuts: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 }),
      })
      .chain(({ rows, rest, cuts }) => {
        const n = rows * rest.reduce((a, b) => a * b, 1);
        return fc.record({ rows: fc.constant(rows), rest: fc.constant(rest), cuts: fc.constant(cuts), data: fc.float32Array({ minLength: n, maxLength: n }) });
      });
    await fc.assert(
      fc.asyncProperty(arb, async ({ rows, rest, cuts, data }) => {
        const sink = memorySink();
        const w = new NpyWriter(sink, [rows, ...rest]);
        const rowLength = rest.reduce((a, b) => a * b, 1);
        const bounds = [...new Set([0, ...cuts.filter((c) => c <= rows), rows])].sort((a, b) => a - b);
        for (let b = 1; b < bounds.length; b++) await w.writeRows(data.subarray(bounds[b - 1] * rowLength, bounds[b] * rowLength));
        await w.close();
        const file = await openNpy(bytesSource(sink.bytes(), 'p.npy'));
        expect(file.shape).toEqual([rows, ...rest]);
        const back = await file.readAll();
        // bitwise equality, so NaN payloads and -0 survive too
        expect(new Uint32Array(back.buffer, back.byteOffset, back.length)).toEqual(new Uint32Array(data.buffer, data.byteOffset, data.length));
        if (rows > 1) {
          const mid = await file.readRows(1, rows);
          expect(new Uint32Array(mid.buffer, mid.byteOffset, mid.length)).toEqual(new Uint32Array(data.buffer, data.byteOffset + rowLength * 4, (rows - 1) * rowLength));
        }
      }),
      { numRuns: 150 },
    );
  });
});
