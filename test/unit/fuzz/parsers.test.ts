import { describe, expect, it } from 'vitest';
import { withAllocationLimit } from '../../fuzz/allocationGuard.ts';
import { applyByteOps, applyHeaderEdits, mutate } from '../../fuzz/mutations.ts';
import { FUZZ_PARSERS } from '../../fuzz/parsers.ts';
import { fuzzParser, runCase } from '../../fuzz/runFuzz.ts';

// 200 mutated files per parser on every `npm test` (a fixed seed, so a failure replays);
// `npm run fuzz -- --cases N` runs longer campaigns with fresh seeds.
const CASES = 200;

describe('parser fuzzing: a correct read or a FwiError naming the file, never anything else', () => {
  for (const parser of FUZZ_PARSERS) {
    it(`${parser.name}: ${CASES} mutated files`, async () => {
      const s = await fuzzParser(parser, { cases: CASES, seed: 20261130 });
      expect(s.failure).toBeNull();
      expect(s.cases).toBe(CASES);
      // The mutations must reach both outcomes, or they test nothing.
      // Except TensorBoard's: every TFRecord frame is CRC-protected, so every damaged byte is refused.
      if (parser.name !== 'tensorboard') expect(s.reads).toBeGreaterThan(0);
      expect(Object.values(s.refusals).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    });
  }
});

describe('the fuzz harness itself catches what it promises to catch', () => {
  const npy = FUZZ_PARSERS.find((p) => p.name === 'npy')!;

  it('flags an allocation sized from an unchecked header, even when the error is swallowed', async () => {
    const swallowing = { ...npy, parse: async () => { try { new Float32Array(1e9); } catch { /* a parser that hides it */ } return null; } };
    const r = await runCase(swallowing, { name: 'x.npy', bytes: new Uint8Array(100) }, 1000);
    expect(r.problem).toMatch(/allocation of 4000000000 bytes \(new Float32Array\) exceeds the 1050176-byte limit/);
    // Allocations within 16x the file (+1 MiB) pass, and the globals are restored afterwards.
    const ok = await withAllocationLimit(2000, async () => new Float32Array(500).length);
    expect(ok).toEqual({ value: 500, refused: [] });
    expect(new Float32Array(4e6).length).toBe(4e6);
  });

  it('flags another exception, a FwiError that does not name the file, a slow case and a failed check', async () => {
    const f = { name: 'model1.npy', bytes: npy.seeds()[1].bytes };
    expect((await runCase({ ...npy, parse: async () => { throw new TypeError('x is undefined'); } }, f, 1000)).problem).toBe('threw TypeError: x is undefined');
    const { FwiError } = await import('../../../src/engine/errors.ts');
    expect((await runCase({ ...npy, parse: async () => { throw new FwiError('io', 'bad'); } }, f, 1000)).problem).toBe('FwiError does not name model1.npy: bad');
    expect((await runCase({ ...npy, parse: async () => new Promise((r) => setTimeout(r, 200)) }, f, 20)).problem).toMatch(/^took \d+ ms \(bound 3\d ms for \d+ bytes\)$/);
    expect((await runCase({ ...npy, check: () => 'wrong values' }, f, 1000)).problem).toBe('wrong values');
    expect(await runCase(npy, f, 1000)).toMatchObject({ problem: null, code: null });
  });

  it('header edits keep the framing: an absurd shape reaches the shape check, not the length field', async () => {
    const seed = npy.seeds()[1]; // model1.npy, '<f4', shape (2, 1, 3, 3)
    const text = applyHeaderEdits(seed.layers![0].value, 'python', [{ op: 'replace', path: 4, value: 4 }]); // shape[0] → 2**31
    expect(text).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648, 1, 3, 3), }");
    const r = await runCase(npy, mutate([seed], { kind: 'header', seed: 0, layer: 0, edits: [{ op: 'replace', path: 4, value: 4 }], ops: [] }), 1000);
    expect(r).toMatchObject({ problem: null, code: 'npy-size' });
  });

  it('byte operations do what they say', () => {
    const b = Uint8Array.of(1, 2, 3, 4);
    expect([...applyByteOps(b, [{ op: 'truncate', at: 2 }])]).toEqual([1, 2]);
    expect([...applyByteOps(b, [{ op: 'flip', at: 1, bit: 7 }])]).toEqual([1, 130, 3, 4]);
    expect([...applyByteOps(b, [{ op: 'delete', at: 1, length: 2 }])]).toEqual([1, 4]);
    expect([...applyByteOps(b, [{ op: 'repeat', at: 2, length: 1, times: 3 }])]).toEqual([1, 2, 3, 3, 3, 4]);
    expect([...applyByteOps(b, [{ op: 'integer', at: 0, width: 2, value: 5 }])]).toEqual([0xff, 0xff, 3, 4]);
    expect([...b]).toEqual([1, 2, 3, 4]);
  });
});
