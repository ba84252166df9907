/**
 * Python pickles, read and written safely: the one unpickler behind `.pth` (torch.save) and
 * `.pdparams` (paddle.save) files, and the writer their exporters use.
 *
 * Reading runs nothing. A global is looked up in the caller's allow-list when its opcode is read
 * and refused there, by name, if absent; REDUCE/NEWOBJ call only the allow-list's own JS
 * constructors, BUILD only sets the state of objects those made. Python values become plain JS
 * values (`PyTuple`, `PyDict`, `PyObject` where JS has no equivalent). Lengths are checked against
 * the bytes left before anything is allocated, so a hostile file cannot claim more memory than its
 * own size, and every opcode consumes at least a byte, so parsing is linear.
 *
 * Protocols 0-5 as far as a state dict or a checkpoint needs them; out-of-band buffers, the
 * extension registry and the protocol-0 instance opcodes are refused.
 * Format: https://github.com/python/cpython/blob/main/Lib/pickletools.py
 */
import { FwiError, type FwiErrorCode } from '../errors.ts';

export type PyKey = string | number | boolean | null;
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyObject | PyFloat | object;

/** A Python tuple (JS arrays are lists). */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

/** A Python dict or OrderedDict, insertion-ordered; `attributes` holds what BUILD set on it (a state dict's `_metadata`). */
export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  attributes: PyDict | null = null;
  constructor(readonly className: 'dict' | 'collections.OrderedDict' = 'dict', entries?: Iterable<[PyKey, PyValue]>) {
    if (entries) for (const [k, v] of entries) this.map.set(k, v);
  }
  get(key: PyKey): PyValue | undefined {
    return this.map.get(key);
  }
}

/** An instance of an allow-listed plain class (e.g. argparse.Namespace): its class and its fields, never run. */
export class PyObject {
  fields = new PyDict();
  constructor(readonly className: string) {}
}

/** A float the writer must write as a float even when it is a whole number (JS numbers do not say). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A reference to an allow-listed global, on the stack until it is called or passed along. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly entry: GlobalEntry,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An object whose state BUILD may set (numpy arrays and dtypes under construction). */
export interface Buildable {
  setState(state: PyValue): void;
}

function isBuildable(v: unknown): v is Buildable {
  return typeof v === 'object' && v !== null && typeof (v as Buildable).setState === 'function';
}

/** What an allow-listed global may do: be called (REDUCE or NEWOBJ) with its arguments, or only be referred to. */
export interface GlobalEntry {
  call?: (args: PyValue[]) => PyValue;
}

export interface UnpickleOptions {
  /** Named in every error. */
  file: string;
  /** The error code to raise (the format being read). */
  code: FwiErrorCode;
  /** Allowed globals by `module.name`; anything else is refused. */
  globals: Record<string, GlobalEntry>;
  /** Resolves BINPERSID/PERSID ids (torch storages); without it a persistent id is refused. */
  persistentLoad?: (id: PyValue) => PyValue;
  /** Where to start in the bytes (a file may hold several pickles); the end offset is returned. */
  offset?: number;
}

/** Largest integer (LONG1/LONG4) in bytes: a state dict holds counts and sizes, nothing near this. */
const MAX_LONG_BYTES = 64;

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Unpickles one pickle from `bytes` (at `options.offset`); returns the value and the offset after STOP. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): { value: PyValue; end: number } {
  const { file, code } = options;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = options.offset ?? 0;
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();

  const fail = (message: string): never => {
    throw new FwiError(code, `${message} (pickle byte ${at})`, file);
  };
  const need = (n: number): void => {
    if (n < 0 || at + n > bytes.byteLength) fail(`truncated: needs ${n} more bytes, the file has ${bytes.byteLength - at}`);
  };
  const u8 = (): number => {
    need(1);
    return bytes[at++];
  };
  const u16 = (): number => {
    need(2);
    at += 2;
    return view.getUint16(at - 2, true);
  };
  const u32 = (): number => {
    need(4);
    at += 4;
    return view.getUint32(at - 4, true);
  };
  const i32 = (): number => {
    need(4);
    at += 4;
    return view.getInt32(at - 4, true);
  };
  const u64 = (): number => {
    need(8);
    const v = view.getBigUint64(at, true);
    if (v > BigInt(bytes.byteLength)) fail(`length ${v} is larger than the file`);
    at += 8;
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    at += n;
    return bytes.subarray(at - n, at);
  };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) fail('truncated: a text argument has no end of line');
    const s = new TextDecoder('latin1').decode(bytes.subarray(at, end));
    at = end + 1;
    return s;
  };
  const utf8 = (b: Uint8Array): string => {
    try {
      return decoder.decode(b);
    } catch {
      return fail('a string is not valid UTF-8');
    }
  };
  const pop = (): PyValue => {
    if (stack.length === 0) fail('stack underflow');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) fail('stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const outer = marks.pop();
    if (!outer) fail('MARK expected');
    stack = outer as PyValue[];
    return items;
  };
  const key = (k: PyValue): PyKey => {
    if (typeof k === 'bigint') {
      if (k >= BigInt(Number.MIN_SAFE_INTEGER) && k <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(k);
      fail('a dict key is an integer too large');
    }
    if (k instanceof PyFloat) return k.value;
    if (k === null || typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean') return k;
    return fail(`a dict key of type ${typeName(k)} is not supported`);
  };
  const setItems = (target: PyValue, items: PyValue[]): void => {
    if (!(target instanceof PyDict)) fail(`SETITEMS on a ${typeName(target)}, not a dict`);
    if (items.length % 2) fail('SETITEMS with an odd number of items');
    for (let i = 0; i < items.length; i += 2) (target as PyDict).map.set(key(items[i]), items[i + 1]);
  };
  const appendItems = (target: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(target)) fail(`APPENDS on a ${typeName(target)}, not a list`);
    for (const item of items) (target as PyValue[]).push(item);
  };
  const global = (module: string, name: string): PyGlobal => {
    const qualified = `${module}.${name}`;
    const entry = Object.hasOwn(options.globals, qualified) ? options.globals[qualified] : undefined;
    if (!entry) {
      throw new FwiError(code, `refused: the pickle refers to the global ${qualified}, which a weights file does not need (nothing was run)`, file);
    }
    return new PyGlobal(module, name, entry);
  };
  const call = (callable: PyValue, args: PyValue): PyValue => {
    if (!(callable instanceof PyGlobal)) return fail(`cannot call a ${typeName(callable)}`);
    if (!callable.entry.call) return fail(`refused: ${callable.qualifiedName} may be referred to, not called`);
    if (!(args instanceof PyTuple)) return fail(`the arguments of ${callable.qualifiedName} are not a tuple`);
    return callable.entry.call(args.items);
  };
  const persistent = (id: PyValue): PyValue => {
    if (!options.persistentLoad) return fail('refused: a persistent id outside a torch.save archive');
    return options.persistentLoad(id);
  };
  const long = (b: Uint8Array): number | bigint => {
    if (b.length > MAX_LONG_BYTES) fail(`an integer of ${b.length} bytes (at most ${MAX_LONG_BYTES})`);
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };

  for (;;) {
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('pickle protocol above 5');
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: at };
      case 0x28: // MARK
        marks.push(stack);
        stack = [];
        break;
      case 0x30: // POP
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x8a: // LONG1
        stack.push(long(take(u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = i32();
        if (n < 0) fail('negative LONG4 length');
        stack.push(long(take(n)));
        break;
      }
      case 0x49: {
        // INT (text): also True/False as I01/I00
        const s = line();
        if (s === '01' || s === '00') stack.push(s === '01');
        else if (/^[-+]?\d{1,15}$/.test(s)) stack.push(Number(s));
        else fail(`INT argument ${JSON.stringify(s.slice(0, 20))} is not a small integer`);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(new PyFloat(view.getFloat64(at, false)));
        at += 8;
        break;
      case 0x46: {
        // FLOAT (text)
        const s = line();
        const v = Number(s);
        if (s.trim() === '' || Number.isNaN(v) && !/^[-+]?nan$/i.test(s)) fail(`FLOAT argument ${JSON.stringify(s.slice(0, 20))} is not a number`);
        stack.push(new PyFloat(v));
        break;
      }
      case 0x58: // BINUNICODE
        stack.push(utf8(take(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(utf8(take(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(utf8(take(u64())));
        break;
      case 0x54: // BINSTRING (Python 2 str): read as latin-1 text
        stack.push(new TextDecoder('latin1').decode(take(i32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(new TextDecoder('latin1').decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()).slice());
        break;
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice());
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push(new PyTuple([]));
        break;
      case 0x74: {
        // TUPLE (popMark replaces `stack`, so it runs before the push is looked up)
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      }
      case 0x85: // TUPLE1
        stack.push(new PyTuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push(new PyTuple([pop(), b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push(new PyTuple([pop(), b, c]));
        break;
      }
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: {
        // LIST
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x61: {
        // APPEND
        const item = pop();
        appendItems(top(), [item]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PyDict());
        break;
      case 0x64: {
        // DICT
        const d = new PyDict();
        const items = popMark();
        setItems(d, items);
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x8f: // EMPTY_SET: read as a list
        stack.push([]);
        break;
      case 0x90: {
        // ADDITEMS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x91: {
        // FROZENSET
        const items = popMark();
        stack.push(items);
        break;
      }
      case 0x63: {
        // GLOBAL
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const callable = pop();
        stack.push(call(callable, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        stack.push(call(cls, args));
        break;
      }
      case 0x92: {
        // NEWOBJ_EX
        const kwargs = pop();
        const args = pop();
        const cls = pop();
        if (!(kwargs instanceof PyDict) || kwargs.map.size) fail('NEWOBJ_EX with keyword arguments');
        stack.push(call(cls, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const target = top();
        if (isBuildable(target)) target.setState(state);
        else if (target instanceof PyObject && state instanceof PyDict) for (const [k, v] of state.map) target.fields.map.set(k, v);
        else if (target instanceof PyDict && target.className === 'collections.OrderedDict' && state instanceof PyDict) target.attributes = state;
        else fail(`refused: BUILD on a ${typeName(target)}`);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(persistent(pop()));
        break;
      case 0x50: // PERSID (text)
        stack.push(persistent(line()));
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x70: {
        // PUT (text)
        const s = line();
        if (!/^\d{1,9}$/.test(s)) fail('PUT argument is not an index');
        memo.set(Number(s), top());
        break;
      }
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: // LONG_BINGET
      case 0x67: {
        // GET (text)
        let i: number;
        if (op === 0x68) i = u8();
        else if (op === 0x6a) i = u32();
        else {
          const s = line();
          if (!/^\d{1,9}$/.test(s)) fail('GET argument is not an index');
          i = Number(s);
        }
        if (!memo.has(i)) fail(`memo entry ${i} was never stored`);
        stack.push(memo.get(i) as PyValue);
        break;
      }
      default:
        fail(`refused: opcode 0x${op.toString(16).padStart(2, '0')}${OPCODE_NAMES[op] ? ` (${OPCODE_NAMES[op]})` : ''} is not one a weights file needs`);
    }
  }
}

const OPCODE_NAMES: Record<number, string> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
  0x53: 'STRING',
  0x56: 'UNICODE',
  0x4c: 'LONG',
};

/** A short name of a value's Python type, for messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return v.className;
  if (v instanceof PyObject) return v.className;
  if (v instanceof PyGlobal) return v.qualifiedName;
  if (v instanceof PyFloat) return 'float';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  return (v as object).constructor?.name ?? 'object';
}

/** A Python int or float as a JS number (NaN if it is neither). */
export function pyNumber(v: PyValue | undefined): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number.NaN;
}

/** Plain-valued `argparse.Namespace`-like classes: constructed empty, their fields set by BUILD, never run. */
export function plainClass(className: string): GlobalEntry {
  return { call: () => new PyObject(className) };
}

// ---- writing --------------------------------------------------------------------------------------

/** A call the writer emits as GLOBAL + argument tuple + REDUCE (and BUILD with `state`, if given). */
export class PyReduce {
  constructor(
    readonly module: string,
    readonly name: string,
    readonly args: PyWritable[],
    readonly state?: PyWritable,
  ) {}
}

/** A global the writer emits as GLOBAL only (e.g. a storage type inside a persistent id). */
export class PyGlobalRef {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
}

/** A persistent id (BINPERSID): how torch.save refers to a storage record of its archive. */
export class PyPersistent {
  constructor(readonly id: PyWritable) {}
}

export type PyWritable =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyFloat
  | PyWritable[]
  | PyTuple
  | PyDict
  | PyReduce
  | PyGlobalRef
  | PyPersistent;

/** Opcodes a writer emits; protocol 2 writes no bytes objects, so torch's weights_only loader reads it. */
class PickleWriter {
  private chunks: Uint8Array[] = [];
  private scratch = new DataView(new ArrayBuffer(8));
  private readonly encoder = new TextEncoder();

  constructor(private readonly protocol: 2 | 3) {
    this.byte(0x80, protocol);
  }

  private byte(...b: number[]): void {
    this.chunks.push(Uint8Array.from(b));
  }
  private raw(b: Uint8Array): void {
    this.chunks.push(b);
  }
  private u32(v: number): void {
    this.scratch.setUint32(0, v, true);
    this.chunks.push(new Uint8Array(this.scratch.buffer.slice(0, 4)));
  }

  private int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) return this.byte(0x4b, v);
    if (typeof v === 'number' && v >= 0 && v < 65536) return this.byte(0x4d, v & 0xff, v >> 8);
    if (typeof v === 'number' && v >= -(2 ** 31) && v < 2 ** 31) {
      this.byte(0x4a);
      this.scratch.setInt32(0, v, true);
      this.chunks.push(new Uint8Array(this.scratch.buffer.slice(0, 4)));
      return;
    }
    // LONG1: little-endian two's complement, as short as the sign allows.
    let x = BigInt(v);
    const out: number[] = [];
    for (;;) {
      out.push(Number(x & 0xffn));
      x >>= 8n;
      if ((x === 0n && !(out[out.length - 1] & 0x80)) || (x === -1n && out[out.length - 1] & 0x80)) break;
    }
    this.byte(0x8a, out.length, ...out);
  }

  private str(s: string): void {
    const b = this.encoder.encode(s);
    this.byte(0x58);
    this.u32(b.length);
    this.raw(b);
  }

  write(v: PyWritable): void {
    if (v === null) return this.byte(0x4e);
    if (v === true) return this.byte(0x88);
    if (v === false) return this.byte(0x89);
    if (typeof v === 'bigint') return this.int(v);
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) return this.int(v);
      return this.write(new PyFloat(v));
    }
    if (v instanceof PyFloat) {
      this.byte(0x47);
      this.scratch.setFloat64(0, v.value, false);
      return this.raw(new Uint8Array(this.scratch.buffer.slice(0, 8)));
    }
    if (typeof v === 'string') return this.str(v);
    if (v instanceof Uint8Array) {
      if (this.protocol < 3) throw new FwiError('io', 'bytes need pickle protocol 3');
      this.byte(0x42);
      this.u32(v.length);
      return this.raw(v);
    }
    if (Array.isArray(v)) {
      this.byte(0x5d);
      if (v.length) {
        this.byte(0x28);
        for (const item of v) this.write(item);
        this.byte(0x65);
      }
      return;
    }
    if (v instanceof PyTuple) {
      if (v.items.length === 0) return this.byte(0x29);
      this.byte(0x28);
      for (const item of v.items as PyWritable[]) this.write(item);
      return this.byte(0x74);
    }
    if (v instanceof PyDict) {
      if (v.className === 'collections.OrderedDict') {
        this.global('collections', 'OrderedDict');
        this.byte(0x29, 0x52);
      } else this.byte(0x7d);
      if (v.map.size) {
        this.byte(0x28);
        for (const [k, item] of v.map) {
          this.write(k);
          this.write(item as PyWritable);
        }
        this.byte(0x75);
      }
      return;
    }
    if (v instanceof PyReduce) {
      this.global(v.module, v.name);
      this.write(new PyTuple(v.args));
      this.byte(0x52);
      if (v.state !== undefined) {
        this.write(v.state);
        this.byte(0x62);
      }
      return;
    }
    if (v instanceof PyGlobalRef) return this.global(v.module, v.name);
    if (v instanceof PyPersistent) {
      this.write(v.id);
      return this.byte(0x51);
    }
    throw new FwiError('io', `cannot pickle a ${typeName(v)}`);
  }

  private global(module: string, name: string): void {
    this.byte(0x63);
    this.raw(this.encoder.encode(`${module}\n${name}\n`));
  }

  finish(): Uint8Array {
    this.byte(0x2e);
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/**
 * Pickles `value` with the protocol's PROTO header and only the opcodes PyTorch's restricted
 * (weights_only) loader reads: BINUNICODE strings, GLOBAL, no memo. Protocol 3 adds bytes.
 */
export function pickle(value: PyWritable, protocol: 2 | 3 = 2): Uint8Array {
  const w = new PickleWriter(protocol);
  w.write(value);
  return w.finish();
}
