/**
 * Mutations of valid files for the parser fuzzers: byte-level damage (truncation, bit flips,
 * overwritten, inserted, deleted and repeated bytes, absurd little-endian integers, special
 * tokens) and structured edits of a file's header (absurd shapes and offsets, wrong types,
 * deleted, duplicated and unknown keys, deep nesting), re-serialised so the file's framing
 * (length fields) stays consistent and the parser has to look at the content.
 * Every mutation is a plain record of integers, so fast-check can shrink a failure to a small one.
 */
import fc from 'fast-check';

/** A pre-serialised value (deep nesting, numbers JavaScript cannot hold). */
export class Raw {
  constructor(readonly text: string) {}
}
/** A dictionary as an ordered list of entries, so a key can appear twice. */
export class Dict {
  constructor(readonly entries: [string, Tree][]) {}
}
export type Tree = null | boolean | number | string | Raw | Dict | Tree[];
export type Syntax = 'json' | 'python';

/** A structured header inside a file: its value, how it is written, and how to rebuild the file around new header text. */
export interface Layer {
  readonly label: string;
  readonly syntax: Syntax;
  readonly value: unknown;
  rebuild(text: string): Uint8Array;
}

/** A valid file the mutations start from. */
export interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly layers?: readonly Layer[];
}

export function toTree(v: unknown): Tree {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toTree);
  if (typeof v === 'object') return new Dict(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toTree(x)]));
  throw new Error(`fuzz: cannot represent ${typeof v}`);
}

export function serialize(t: Tree, syntax: Syntax): string {
  if (t instanceof Raw) return t.text;
  if (t instanceof Dict) {
    const key = (k: string) => (syntax === 'json' ? JSON.stringify(k) : pyString(k));
    const body = t.entries.map(([k, v]) => `${key(k)}: ${serialize(v, syntax)}`);
    return syntax === 'json' ? `{${body.join(', ')}}` : `{${body.map((b) => `${b}, `).join('')}}`;
  }
  if (Array.isArray(t)) {
    const items = t.map((x) => serialize(x, syntax));
    if (syntax === 'json') return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (syntax === 'json') return JSON.stringify(t);
  if (t === null) return 'None';
  if (typeof t === 'boolean') return t ? 'True' : 'False';
  if (typeof t === 'string') return pyString(t);
  return Number.isInteger(t) ? BigInt(t).toString() : String(t);
}

function pyString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const deep = (d: number) => new Raw('['.repeat(d) + ']'.repeat(d));

/** Values a hostile or broken writer might put anywhere in a header. */
export const ABSURD_VALUES: readonly Tree[] = [
  0, -1, 1, 3, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 2 ** 53 + 2, 1e12, 1e300, 1.5, -0.5,
  new Raw('1e999'), new Raw('-1e999'), new Raw('99999999999999999999999'), new Raw('NaN'),
  '', 'x', 'F32', 'BF16', '<f4', '>f8', '|O', '<c8', '<U3', true, false, null,
  [], new Dict([]), [0], [-1], [1.5], ['a'], [1e12], [2 ** 31, 2 ** 31], [1e6, 1e6, 1e6], [0, 1e12], [1e12, 0],
  [2 ** 53, 2 ** 53], [0, 2 ** 53], [4, 0], [8, 4],
  deep(64), deep(5000), deep(100_000), 'a'.repeat(100_000),
];

/** Byte sequences with a meaning somewhere: separators, escapes, comments, paths, markers, bad UTF-8. */
const TOKENS: readonly Uint8Array[] = [
  '\t', '\n', '\r\n', '\r', '\0', '#', '..', '/', '\\', '.npy', '\uFEFF', '\t\t\t', ' ', 'C:', '"', "'", '{', '}', '[', ']',
  ',', ':', '(', ')', 'L', '\\u0000', '\\', 'a'.repeat(70_000),
].map((s) => new TextEncoder().encode(s)).concat([Uint8Array.of(0xff), Uint8Array.of(0xc3), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0x93)]);

/** Little-endian integers worth writing over a length or offset field. */
const ABSURD_INTS: readonly bigint[] = [0n, 1n, 2n, 7n, 0xffn, 0xffffn, 0x7fffffffn, 0xffffffffn, 2n ** 53n, 2n ** 63n - 1n, 2n ** 64n - 1n, 100_000_001n];

export type ByteOp =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; token: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'repeat'; at: number; length: number; times: number }
  | { op: 'integer'; at: number; width: number; value: number };

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(0, 0x7f, 0x80, 0xff), fc.integer({ min: 0, max: 255 })) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), token: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 2000 }) }),
  fc.record({ op: fc.constant('integer' as const), at: fc.nat(), width: fc.constantFrom(2, 4, 8), value: fc.nat() }),
);

/** Applies byte operations in order; positions wrap around the current length. */
export function applyByteOps(bytes: Uint8Array, ops: readonly ByteOp[]): Uint8Array {
  let b: Uint8Array = bytes.slice();
  for (const o of ops) {
    const n = b.length;
    const at = n === 0 ? 0 : o.at % (n + (o.op === 'insert' || o.op === 'truncate' ? 1 : 0));
    switch (o.op) {
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'flip':
        if (n) b[at] ^= 1 << o.bit;
        break;
      case 'set':
        if (n) b[at] = o.value;
        break;
      case 'insert':
        b = concat(b.subarray(0, at), TOKENS[o.token % TOKENS.length], b.subarray(at));
        break;
      case 'delete':
        b = concat(b.subarray(0, at), b.subarray(at + o.length));
        break;
      case 'repeat': {
        const chunk = b.subarray(at, at + o.length);
        b = concat(b.subarray(0, at), ...Array.from({ length: o.times }, () => chunk), b.subarray(at + o.length));
        break;
      }
      case 'integer': {
        if (at + o.width > n) break;
        let v = ABSURD_INTS[o.value % ABSURD_INTS.length] & ((1n << BigInt(8 * o.width)) - 1n);
        for (let i = 0; i < o.width; i++, v >>= 8n) b[at + i] = Number(v & 0xffn);
        break;
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type HeaderEdit = { op: 'replace' | 'delete' | 'duplicate-before' | 'duplicate-after' | 'add-key'; path: number; value: number };

export const headerEdit: fc.Arbitrary<HeaderEdit> = fc.record({
  op: fc.constantFrom('replace' as const, 'replace' as const, 'delete' as const, 'duplicate-before' as const, 'duplicate-after' as const, 'add-key' as const),
  path: fc.nat(),
  value: fc.nat(),
});

type Slot = { parent: Dict | Tree[]; index: number } | null; // null: the root

function slots(t: Tree, out: Slot[] = [null]): Slot[] {
  if (t instanceof Dict)
    t.entries.forEach(([, v], index) => {
      out.push({ parent: t, index });
      slots(v, out);
    });
  else if (Array.isArray(t))
    t.forEach((v, index) => {
      out.push({ parent: t, index });
      slots(v, out);
    });
  return out;
}

function copyTree(t: Tree): Tree {
  if (t instanceof Dict) return new Dict(t.entries.map(([k, v]) => [k, copyTree(v)]));
  return Array.isArray(t) ? t.map(copyTree) : t;
}

/** Applies structured edits to a copy of `value` and returns the header text. */
export function applyHeaderEdits(value: unknown, syntax: Syntax, edits: readonly HeaderEdit[]): string {
  let root = toTree(value);
  for (const e of edits) {
    const all = slots(root);
    const slot = all[e.path % all.length];
    const v = copyTree(ABSURD_VALUES[e.value % ABSURD_VALUES.length]); // later edits may change it in place
    if (slot === null) {
      if (e.op === 'replace') root = v;
      else if (e.op === 'add-key' && root instanceof Dict) root.entries.push([`unexpected_${e.value}`, v]);
      continue;
    }
    const { parent, index } = slot;
    if (parent instanceof Dict) {
      const [key] = parent.entries[index];
      if (e.op === 'replace') parent.entries[index] = [key, v];
      else if (e.op === 'delete') parent.entries.splice(index, 1);
      else if (e.op === 'duplicate-before') parent.entries.splice(index, 0, [key, v]);
      else if (e.op === 'duplicate-after') parent.entries.splice(index + 1, 0, [key, v]);
      else parent.entries.push([`unexpected_${e.value}`, v]);
    } else {
      if (e.op === 'replace') parent[index] = v;
      else if (e.op === 'delete') parent.splice(index, 1);
      else parent.splice(e.op === 'duplicate-after' ? index + 1 : index, 0, v);
    }
  }
  return serialize(root, syntax);
}

/** One fuzz case: which seed, and either byte damage or header edits (followed by optional byte damage). */
export type Mutation =
  | { kind: 'bytes'; seed: number; ops: ByteOp[] }
  | { kind: 'header'; seed: number; layer: number; edits: HeaderEdit[]; ops: ByteOp[] };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('bytes' as const), seed: fc.nat(), ops: fc.array(byteOp, { minLength: 1, maxLength: 4 }) }),
  fc.record({
    kind: fc.constant('header' as const),
    seed: fc.nat(),
    layer: fc.nat(),
    edits: fc.array(headerEdit, { minLength: 1, maxLength: 3 }),
    ops: fc.array(byteOp, { maxLength: 1 }),
  }),
);

/** The mutated file of a case (a seed without header layers gets byte damage only). */
export function mutate(seeds: readonly Seed[], m: Mutation): { name: string; bytes: Uint8Array } {
  const seed = seeds[m.seed % seeds.length];
  if (m.kind === 'header' && seed.layers?.length) {
    const layer = seed.layers[m.layer % seed.layers.length];
    return { name: seed.name, bytes: applyByteOps(layer.rebuild(applyHeaderEdits(layer.value, layer.syntax, m.edits)), m.ops) };
  }
  return { name: seed.name, bytes: applyByteOps(seed.bytes, m.kind === 'bytes' ? m.ops : [{ op: 'flip', at: m.layer, bit: m.seed % 8 }]) };
}
