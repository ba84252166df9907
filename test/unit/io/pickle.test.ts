import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { numpyGlobals } from '../../../src/engine/io/numpyPickle.ts';
import { PyDict, PyFloat, PyGlobalRef, PyReduce, PyTuple, pickle, unpickle, type PyValue } from '../../../src/engine/io/pickle.ts';

const fixture = (f: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/pickle/${f}`, import.meta.url)));

const globals = { ...numpyGlobals('values.pkl', 'weights'), 'collections.OrderedDict': { call: () => new PyDict('collections.OrderedDict') } };

/** Python values as JSON-like JS, for comparing with the literal below. */
function plain(v: PyValue): unknown {
  if (v instanceof PyFloat) return { float: v.value };
  if (v instanceof PyTuple) return { tuple: v.items.map(plain) };
  if (v instanceof PyDict) return { dict: [...v.map].map(([k, x]) => [k, plain(x as PyValue)]) };
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (typeof v === 'bigint') return { bigint: v.toString() };
  return v;
}

// The values make_fixtures.py pickles (section 5), written out by hand.
const expected = {
  dict: [
    // Beyond 2^53 an int stays exact as a bigint.
    ['ints', [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, { bigint: (2n ** 62n).toString() }, { bigint: (-(2n ** 62n)).toString() }]],
    ['big', { bigint: (2n ** 70n).toString() }],
    ['floats', [{ float: 0.5 }, { float: -1e-8 }, { float: 1e300 }, { float: 3 }]],
    ['text', 'Grüße λ'],
    ['bytes', { bytes: [0, 255, 97, 98] }],
    ['tuple', { tuple: [1, 'a', null, true, false] }],
    ['empty', { tuple: [{ tuple: [] }, [], { dict: [] }] }],
    ['nested', { dict: [['a', { dict: [['b', [1, { tuple: [2, 3] }]]] }], [7, 'seven']] }],
    ['shared', [[1, 2], [1, 2]]],
  ],
};

describe('unpickle: what Python writes', () => {
  for (const protocol of [2, 3, 4, 5]) {
    it(`protocol ${protocol}: every value as Python pickled it`, () => {
      const bytes = fixture(`values_p${protocol}.pkl`);
      const { value, end } = unpickle(bytes, { file: 'values.pkl', code: 'weights', globals });
      expect(end).toBe(bytes.length);
      expect(plain(value)).toEqual(expected);
      // Memoised objects come back as one object, as in Python.
      const shared = (value as PyDict).get('shared') as PyValue[][];
      expect(shared[0]).toBe(shared[1]);
    });
  }
});

describe('unpickle: refusals name the file and the global, and run nothing', () => {
  const cases: [string, string][] = [
    ['refused_os_system.pkl', 'os.system'],
    ['refused_posix_system.pdparams', 'posix.system'],
    ['refused_builtins_eval.pdparams', 'builtins.eval'],
  ];
  for (const [file, name] of cases) {
    it(`${file}: ${name}`, () => {
      const err = (() => {
        try {
          unpickle(fixture(file), { file, code: 'weights', globals });
        } catch (e) {
          return e;
        }
      })() as FwiError;
      expect(err).toBeInstanceOf(FwiError);
      expect(err.message).toBe(`${file}: refused: the pickle refers to the global ${name}, which a weights file does not need (nothing was run)`);
    });
  }

  it('refuses protocol-0 instance creation, extensions and out-of-band buffers by opcode name', () => {
    const run = (b: number[]) => () => unpickle(Uint8Array.from(b), { file: 'x.pkl', code: 'weights', globals });
    expect(run([0x80, 2, 0x28, 0x69, ...Buffer.from('os\nsystem\n'), 0x2e])).toThrow('x.pkl: refused: opcode 0x69 (INST)');
    expect(run([0x80, 2, 0x82, 1, 0x2e])).toThrow('refused: opcode 0x82 (EXT1)');
    expect(run([0x80, 5, 0x97, 0x2e])).toThrow('refused: opcode 0x97 (NEXT_BUFFER)');
    // An allow-listed global that may only be referred to is not callable.
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x63, ...Buffer.from('numpy\nndarray\n'), 0x29, 0x52, 0x2e]), { file: 'x.pkl', code: 'weights', globals })).toThrow(
      'refused: numpy.ndarray may be referred to, not called',
    );
  });

  it('checks claimed lengths against the bytes left before allocating', () => {
    // BINBYTES8 claiming 2^40 bytes, BINUNICODE claiming 4 GiB, LONG4 of 1 MB.
    const huge = [0x80, 4, 0x8e, 0, 0, 0, 0, 0, 1, 0, 0, 0x2e];
    expect(() => unpickle(Uint8Array.from(huge), { file: 'x.pkl', code: 'weights', globals })).toThrow(/x\.pkl: length \d+ is larger than the file/);
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x58, 0xff, 0xff, 0xff, 0xff, 0x2e]), { file: 'x.pkl', code: 'weights', globals })).toThrow(
      'truncated: needs 4294967295 more bytes, the file has 1',
    );
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x8b, 0, 0, 0x10, 0, ...new Array(16).fill(0), 0x2e]), { file: 'x.pkl', code: 'weights', globals })).toThrow('truncated');
    expect(() => unpickle(Uint8Array.from([0x80, 2, 0x8a, 65, ...new Array(65).fill(1), 0x2e]), { file: 'x.pkl', code: 'weights', globals })).toThrow('an integer of 65 bytes (at most 64)');
  });
});

describe('pickle writer', () => {
  it('writes the opcodes of a known pickle byte for byte', () => {
    // Python: pickle.dumps({'a': (1, 0.5, None, True)}, protocol=2) without the memo (pickletools.optimize), dict as EMPTY_DICT MARK ... SETITEMS.
    const bytes = pickle(new PyDict('dict', [['a', new PyTuple([1, 0.5, null, true])]]), 2);
    const want = [0x80, 2, 0x7d, 0x28, 0x58, 1, 0, 0, 0, 0x61, 0x28, 0x4b, 1, 0x47, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0, 0x4e, 0x88, 0x74, 0x75, 0x2e];
    expect([...bytes]).toEqual(want);
  });

  it('round-trips through the reader: ints of every width, floats kept as floats, text, bytes, containers, reduces', () => {
    const value = new PyDict('collections.OrderedDict', [
      ['ints', [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2n ** 70n)]],
      ['float', new PyFloat(3)],
      ['text', 'λ'],
      ['bytes', Uint8Array.of(0, 255)],
      ['list', [new PyTuple([]), [], new PyDict()]],
      ['dtype', new PyReduce('numpy', 'dtype', ['f4', false, true], new PyTuple([3, '<', null, null, null, -1, -1, 0]))],
    ]);
    const { value: back } = unpickle(pickle(value, 3), { file: 'w.pkl', code: 'weights', globals });
    const d = back as PyDict;
    expect(d.className).toBe('collections.OrderedDict');
    expect(d.get('ints')).toEqual([0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, -(2n ** 70n)]);
    expect(d.get('float')).toEqual(new PyFloat(3));
    expect(d.get('text')).toBe('λ');
    expect([...(d.get('bytes') as Uint8Array)]).toEqual([0, 255]);
    expect(plain(d.get('list') as PyValue)).toEqual([{ tuple: [] }, [], { dict: [] }]);
    expect((d.get('dtype') as { code: string; byteOrder: string }).code).toBe('f4');
    expect(() => pickle(Uint8Array.of(1), 2)).toThrow('bytes need pickle protocol 3');
    expect(() => pickle(new PyGlobalRef('os', 'system'), 2)).not.toThrow();
  });
});

describe('unpickle fuzz: a value or a FwiError naming the file, never another exception', () => {
  const seeds = [fixture('values_p2.pkl'), fixture('values_p4.pkl'), fixture('model_dis_pairs.pdparams').slice(0, 4000)];
  const mutate = fc.record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    flips: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 6 }),
    length: fc.option(fc.record({ at: fc.nat(), bytes: fc.constantFrom([0xff, 0xff, 0xff, 0x7f], [0, 0, 0, 0x80], [0xff, 0xff, 0xff, 0xff]) }), { nil: undefined }),
  });
  it('300 mutated pickles', () => {
    fc.assert(
      fc.property(mutate, ({ seed, cut, flips, length }) => {
        let b = seeds[seed].slice();
        for (const { at, value } of flips) b[at % b.length] = value;
        if (length) b.set(length.bytes, length.at % Math.max(1, b.length - 4));
        if (cut !== undefined) b = b.slice(0, cut % (b.length + 1));
        try {
          unpickle(b, { file: 'fuzz.pkl', code: 'weights', globals });
        } catch (e) {
          expect(e).toBeInstanceOf(FwiError);
          expect((e as FwiError).file).toBe('fuzz.pkl');
        }
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });
});
