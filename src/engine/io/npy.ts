/**
 * NumPy `.npy` files over a random-access byte source: the header is parsed once, then any
 * row range of the first axis is read on demand and converted to float32, so a 700 MB
 * OpenFWI seismic file costs only the rows a batch needs. Plus a writer (format 1.0,
 * little-endian float32) that streams a file of any size to a byte sink.
 *
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { errorMessage, FwiError } from '../errors.ts';
import type { ByteSink, ByteSource } from './byteSource.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** Largest span a Fortran-order read fetches at once, so memory stays bounded for any file. */
const FORTRAN_SPAN_BYTES = 8 << 20;

export type NpyKind = 'f' | 'i' | 'u' | 'b';
export type ByteOrder = 'little' | 'big' | 'not-applicable';

/** A numeric dtype this reader converts to float32. */
export interface NpyDtype {
  readonly kind: NpyKind;
  readonly itemSize: number;
}

/** Everything the header says, and where the data lies. */
export interface NpyHeader {
  /** Format version, e.g. "1.0". */
  readonly version: string;
  /** The dtype string as written, e.g. "<f4". */
  readonly descr: string;
  readonly dtype: NpyDtype;
  readonly byteOrder: ByteOrder;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Length of the header dictionary (with its padding), as the length field states. */
  readonly headerBytes: number;
  /** Offset of the first data byte. */
  readonly dataOffset: number;
  /** Bytes of array data the header implies. */
  readonly dataBytes: number;
}

/** An opened `.npy` file whose rows (first axis) are read on demand. */
export interface NpyFile extends NpyHeader {
  readonly name: string;
  readonly source: ByteSource;
  /** Length of the first axis (1 for a 0-d array). */
  readonly rows: number;
  /** Shape of one row: the shape without its first axis. */
  readonly rowShape: readonly number[];
  /** Elements in one row. */
  readonly rowLength: number;
  /** Rows [i, j) as float32 in C order, whatever the file's dtype, byte order and memory order. */
  readRows(i: number, j: number): Promise<Float32Array>;
  /** The whole array as float32 in C order. */
  readAll(): Promise<Float32Array>;
  /**
   * Rows [i, j) as float32 in C order written into `out` from element `outOffset`; little-endian
   * float32 files are read straight into it when the source allows, with no intermediate buffer.
   */
  readRowsInto(i: number, j: number, out: Float32Array, outOffset?: number): Promise<void>;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Header: a Python dict literal. A tiny parser (not a regex) so key order, spacing, quotes,
// trailing commas and Python 2's `500L` all read, and anything else is a clear error.

type PyValue = string | number | boolean | null | PyValue[] | { [k: string]: PyValue };

class PyLiteralParser {
  private at = 0;
  constructor(private readonly text: string) {}

  parseDocument(): PyValue {
    const v = this.value();
    this.skipSpace();
    if (this.at !== this.text.length) this.fail('unexpected text after the dictionary');
    return v;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at character ${this.at}`);
  }

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private value(): PyValue {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '{') return this.dict();
    if (c === '(' || c === '[') return this.sequence(c === '(' ? ')' : ']');
    if (c === "'" || c === '"') return this.string();
    if (c !== undefined && /[-+0-9]/.test(c)) return this.number();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return v;
      }
    }
    return this.fail(c === undefined ? 'unexpected end' : `unexpected "${c}"`);
  }

  private dict(): { [k: string]: PyValue } {
    // No prototype: a key such as "__proto__" is a plain key, never an inherited "descr" or "shape".
    const out: { [k: string]: PyValue } = Object.create(null);
    this.at++; // {
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === '}') {
        this.at++;
        return out;
      }
      const key = this.value();
      if (typeof key !== 'string') this.fail('dictionary key is not a string');
      this.skipSpace();
      if (this.text[this.at] !== ':') this.fail('expected ":"');
      this.at++;
      out[key] = this.value();
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') this.fail('expected "," or "}"');
    }
  }

  private sequence(close: string): PyValue[] {
    const out: PyValue[] = [];
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === close) {
        this.at++;
        return out;
      }
      out.push(this.value());
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== close) this.fail(`expected "," or "${close}"`);
    }
  }

  private string(): string {
    const quote = this.text[this.at++];
    const start = this.at;
    while (this.at < this.text.length && this.text[this.at] !== quote) {
      if (this.text[this.at] === '\\') this.at++;
      this.at++;
    }
    if (this.at >= this.text.length) this.fail('unterminated string');
    return this.text.slice(start, this.at++);
  }

  private number(): number {
    const m = /^[-+]?\d+L?/.exec(this.text.slice(this.at));
    if (!m) return this.fail('bad number');
    this.at += m[0].length;
    return Number.parseInt(m[0], 10);
  }
}

function describeDtype(descr: string): string {
  const kind = descr.replace(/^[<>|=]/, '')[0];
  const words: Record<string, string> = {
    O: 'Python objects',
    c: 'complex numbers',
    S: 'byte strings',
    a: 'byte strings',
    U: 'unicode strings',
    V: 'raw void records',
    M: 'datetimes',
    m: 'timedeltas',
  };
  return words[kind] ?? 'an unknown type';
}

function parseDtype(descr: PyValue, name: string): { dtype: NpyDtype; byteOrder: ByteOrder } {
  if (typeof descr !== 'string') {
    throw new FwiError('npy-dtype', 'unsupported dtype: structured arrays (record fields) cannot be read as numbers', name);
  }
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  const sizes: Record<string, number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
  if (!m || !sizes[m[2]].includes(Number(m[3]))) {
    throw new FwiError(
      'npy-dtype',
      `unsupported dtype "${descr}" (${m ? 'unsupported width' : describeDtype(descr)}); expected floats f2/f4/f8, integers i1-i8/u1-u8 or bool`,
      name,
    );
  }
  const itemSize = Number(m[3]);
  const order = m[1];
  const byteOrder: ByteOrder = itemSize === 1 ? 'not-applicable' : order === '>' ? 'big' : order === '|' ? 'not-applicable' : 'little';
  if (order === '|' && itemSize > 1) throw new FwiError('npy-dtype', `dtype "${descr}" has no byte order but ${itemSize}-byte items`, name);
  return { dtype: { kind: m[2] as NpyKind, itemSize }, byteOrder };
}

/** Parses the header of a `.npy` file from its first bytes (at least the whole header); throws FwiError naming `name`. */
export function parseNpyHeader(prefix: Uint8Array, name: string, fileSize: number): NpyHeader {
  if (prefix.length < 8 || MAGIC.some((b, i) => prefix[i] !== b)) {
    throw new FwiError('npy-magic', 'not a .npy file (bad magic: it does not start with \\x93NUMPY)', name);
  }
  const major = prefix[6];
  const minor = prefix[7];
  const version = `${major}.${minor}`;
  if (!(major >= 1 && major <= 3) || minor !== 0) {
    throw new FwiError('npy-version', `unsupported .npy format version ${version} (this reader knows 1.0, 2.0 and 3.0)`, name);
  }
  const lengthBytes = major === 1 ? 2 : 4;
  if (prefix.length < 8 + lengthBytes) throw new FwiError('npy-header', 'truncated header (the file ends inside it)', name);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const headerBytes = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lengthBytes + headerBytes;
  if (dataOffset > fileSize || dataOffset > prefix.length) {
    throw new FwiError('npy-header', `truncated header (it claims ${headerBytes} bytes, the file ends before)`, name);
  }
  const raw = prefix.subarray(8 + lengthBytes, dataOffset);
  let text = '';
  if (major === 3) text = new TextDecoder('utf-8').decode(raw);
  else for (let i = 0; i < raw.length; i++) text += String.fromCharCode(raw[i]); // latin-1

  let dict: PyValue;
  try {
    dict = new PyLiteralParser(text).parseDocument();
  } catch (e) {
    throw new FwiError('npy-header', `malformed header (${errorMessage(e)}): ${JSON.stringify(text.trim().slice(0, 120))}`, name);
  }
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw new FwiError('npy-header', 'malformed header (not a dictionary)', name);
  }
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in dict)) throw new FwiError('npy-header', `malformed header (no "${key}" key)`, name);
  }
  const { dtype, byteOrder } = parseDtype(dict.descr, name);
  const fortran = dict.fortran_order;
  if (typeof fortran !== 'boolean') throw new FwiError('npy-header', 'malformed header ("fortran_order" is not True or False)', name);
  const shapeValue = dict.shape;
  if (!Array.isArray(shapeValue) || !shapeValue.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new FwiError('npy-header', 'malformed header ("shape" is not a tuple of non-negative integers)', name);
  }
  const shape = shapeValue as number[];
  return {
    version,
    descr: dict.descr as string,
    dtype,
    byteOrder,
    fortranOrder: fortran,
    shape,
    headerBytes,
    dataOffset,
    dataBytes: product(shape) * dtype.itemSize,
  };
}

// ---------------------------------------------------------------------------------------------
// Conversion to float32.

const halfTable = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return t;
})();

/** Converts one IEEE half-precision bit pattern to a number. */
export function halfToFloat(bits: number): number {
  return halfTable[bits & 0xffff];
}

/** Decodes `count` items of `dtype` from `bytes` (fresh, owned by us) into float32. */
function decode(bytes: Uint8Array, dtype: NpyDtype, byteOrder: ByteOrder, count: number): Float32Array {
  const { kind, itemSize } = dtype;
  const little = byteOrder !== 'big';
  if (kind === 'f' && itemSize === 4 && little === littleEndianHost) {
    // The hot path (every OpenFWI file): no copy when the buffer is aligned, which fresh reads are.
    if (bytes.byteOffset % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, count);
    return new Float32Array(bytes.slice(0, count * 4).buffer);
  }
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (`${kind}${itemSize}`) {
    case 'f2':
      for (let i = 0; i < count; i++) out[i] = halfTable[view.getUint16(2 * i, little)];
      break;
    case 'f4':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, little);
      break;
    case 'f8':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, little);
      break;
    case 'i1':
      for (let i = 0; i < count; i++) out[i] = view.getInt8(i);
      break;
    case 'u1':
    case 'b1':
      for (let i = 0; i < count; i++) out[i] = bytes[i];
      break;
    case 'i2':
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, little);
      break;
    case 'u2':
      for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, little);
      break;
    case 'i4':
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, little);
      break;
    case 'u4':
      for (let i = 0; i < count; i++) out[i] = view.getUint32(4 * i, little);
      break;
    case 'i8':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, little));
      break;
    case 'u8':
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigUint64(8 * i, little));
      break;
    default:
      throw new Error(`unreachable dtype ${kind}${itemSize}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Opening and reading.

/** Opens a `.npy` file: reads and validates its header and checks the data size; throws FwiError naming the file. */
export async function openNpy(src: ByteSource): Promise<NpyFile> {
  const name = src.name;
  if (src.size < 10) {
    const head = await src.read(0, src.size);
    if (head.length < 6 || MAGIC.some((b, i) => head[i] !== b)) {
      throw new FwiError('npy-magic', 'not a .npy file (bad magic: it does not start with \\x93NUMPY)', name);
    }
    throw new FwiError('npy-header', 'truncated header (the file ends inside it)', name);
  }
  const first = await src.read(0, Math.min(src.size, 4096));
  let prefix = first;
  const header0 = peekHeaderEnd(first);
  if (header0 !== null && header0 > first.length && header0 <= src.size) prefix = await src.read(0, header0);
  const header = parseNpyHeader(prefix, name, src.size);

  const available = src.size - header.dataOffset;
  if (available < header.dataBytes) {
    throw new FwiError('npy-size', `data is shorter than the header says: shape (${header.shape.join(', ')}) of ${header.descr} needs ${header.dataBytes} bytes, the file holds ${available} (truncated download?)`, name);
  }
  if (available > header.dataBytes) {
    throw new FwiError('npy-size', `data is longer than the header says: shape (${header.shape.join(', ')}) of ${header.descr} needs ${header.dataBytes} bytes, the file holds ${available}`, name);
  }

  const rows = header.shape.length === 0 ? 1 : header.shape[0];
  const rowShape = header.shape.slice(1);
  const rowLength = product(rowShape);
  const itemSize = header.dtype.itemSize;

  const checkRows = (i: number, j: number) => {
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < i || j > rows) {
      throw new FwiError('npy-shape', `rows [${i}, ${j}) are out of range: the file has ${rows} rows`, name);
    }
  };

  async function readC(i: number, j: number): Promise<Float32Array> {
    const count = (j - i) * rowLength;
    if (count === 0) return new Float32Array(0);
    const bytes = await src.read(header.dataOffset + i * rowLength * itemSize, count * itemSize);
    return decode(bytes, header.dtype, header.byteOrder, count);
  }

  // Fortran order: element (r, k) of the (rows, rest) view lies at r + rows·kF, where kF is the
  // Fortran-linear index of the trailing axes. Each kF gives one contiguous run of (j − i)
  // elements; consecutive runs are fetched together in spans of bounded size.
  async function readFortran(i: number, j: number): Promise<Float32Array> {
    const n = j - i;
    const out = new Float32Array(n * rowLength);
    if (n === 0 || rowLength === 0) return out;
    const dims = rowShape;
    const cStrides = dims.map((_, a) => product(dims.slice(a + 1)));
    const index = new Array<number>(dims.length).fill(0); // multi-index of kF, first axis fastest
    let cIndex = 0;
    const runsPerSpan = Math.max(1, Math.floor(FORTRAN_SPAN_BYTES / (rows * itemSize)));
    for (let k0 = 0; k0 < rowLength; k0 += runsPerSpan) {
      const k1 = Math.min(rowLength, k0 + runsPerSpan);
      const startElem = k0 * rows + i;
      const endElem = (k1 - 1) * rows + j;
      const span = decode(
        await src.read(header.dataOffset + startElem * itemSize, (endElem - startElem) * itemSize),
        header.dtype,
        header.byteOrder,
        endElem - startElem,
      );
      for (let k = k0; k < k1; k++) {
        const base = k * rows + i - startElem;
        for (let r = 0; r < n; r++) out[r * rowLength + cIndex] = span[base + r];
        // advance the Fortran multi-index (first trailing axis fastest) and its C-linear index
        for (let a = 0; a < dims.length; a++) {
          index[a]++;
          cIndex += cStrides[a];
          if (index[a] < dims[a]) break;
          cIndex -= cStrides[a] * dims[a];
          index[a] = 0;
        }
      }
    }
    return out;
  }

  const file: NpyFile = {
    ...header,
    name,
    source: src,
    rows,
    rowShape,
    rowLength,
    async readRows(i, j) {
      checkRows(i, j);
      return header.fortranOrder && rowShape.length > 0 ? readFortran(i, j) : readC(i, j);
    },
    readAll() {
      return file.readRows(0, rows);
    },
    async readRowsInto(i, j, out, outOffset = 0) {
      checkRows(i, j);
      const count = (j - i) * rowLength;
      if (outOffset < 0 || outOffset + count > out.length) {
        throw new FwiError('npy-shape', `rows [${i}, ${j}) do not fit the output array at element ${outOffset}`, name);
      }
      const direct = src.readInto && !header.fortranOrder && header.dtype.kind === 'f' && header.dtype.itemSize === 4 && (header.byteOrder === 'little') === littleEndianHost;
      if (direct && count > 0) {
        await src.readInto!(header.dataOffset + i * rowLength * 4, new Uint8Array(out.buffer, out.byteOffset + outOffset * 4, count * 4));
        return;
      }
      out.set(await file.readRows(i, j), outOffset);
    },
  };
  return file;
}

/** Where the header ends according to the length field, or null if the prefix is too short to tell. */
function peekHeaderEnd(prefix: Uint8Array): number | null {
  if (prefix.length < 12 || MAGIC.some((b, i) => prefix[i] !== b) || prefix[6] < 1 || prefix[6] > 3) return null;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  return prefix[6] === 1 ? 10 + view.getUint16(8, true) : 12 + view.getUint32(8, true);
}

// ---------------------------------------------------------------------------------------------
// Writing: format 1.0, little-endian float32, C order.

function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function checkShape(shape: readonly number[]): void {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new FwiError('npy-shape', `cannot write shape (${shape.join(', ')}): dimensions must be non-negative integers`);
  }
}

/** The header bytes of a format 1.0 little-endian float32 file of `shape`, padded so data starts 64-byte aligned. */
export function encodeNpyHeader(shape: readonly number[]): Uint8Array {
  checkShape(shape);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;
  const unpadded = 10 + dict.length + 1;
  const total = Math.ceil(unpadded / ALIGN) * ALIGN;
  const text = dict + ' '.repeat(total - unpadded) + '\n';
  if (text.length > 0xffff) throw new FwiError('npy-shape', `shape (${shape.join(', ')}) does not fit a version 1.0 header`);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** Little-endian bytes of float32 values, a fresh buffer. */
function float32Bytes(data: Float32Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i], true);
  return out;
}

/** A complete `.npy` file (format 1.0, `<f4`, C order) holding `data` with `shape`. */
export function encodeNpy(shape: readonly number[], data: Float32Array): Uint8Array {
  const header = encodeNpyHeader(shape);
  if (data.length !== product(shape)) {
    throw new FwiError('npy-shape', `cannot write ${data.length} values as shape (${shape.join(', ')}), which holds ${product(shape)}`);
  }
  const out = new Uint8Array(header.length + data.length * 4);
  out.set(header, 0);
  out.set(float32Bytes(data), header.length);
  return out;
}

/**
 * Writes a float32 `.npy` file of a shape known up front, rows of the first axis at a time, to a
 * byte sink: exports, predictions and synthetic datasets of any size never exist whole in memory.
 */
export class NpyWriter {
  readonly shape: readonly number[];
  readonly rowLength: number;
  private rowsWritten = 0;
  private headerWritten = false;
  private closed = false;

  /** `name` is used in error messages. */
  constructor(
    private readonly sink: ByteSink,
    shape: readonly number[],
    readonly name = 'output.npy',
  ) {
    if (shape.length === 0) throw new FwiError('npy-shape', 'a streamed .npy file needs at least one axis', name);
    checkShape(shape);
    this.shape = [...shape];
    this.rowLength = product(shape.slice(1));
  }

  /** Rows written so far. */
  get rows(): number {
    return this.rowsWritten;
  }

  /** Appends whole rows (a multiple of the row length, C order); never more than the shape allows. */
  async writeRows(data: Float32Array): Promise<void> {
    if (this.closed) throw new FwiError('io', 'write after close', this.name);
    const rows = this.rowLength === 0 ? 0 : data.length / this.rowLength;
    if (this.rowLength === 0 ? data.length !== 0 : !Number.isInteger(rows)) {
      throw new FwiError('npy-shape', `${data.length} values are not whole rows of (${this.shape.slice(1).join(', ')})`, this.name);
    }
    if (this.rowsWritten + rows > this.shape[0]) {
      throw new FwiError('npy-shape', `too many rows: the shape says ${this.shape[0]}, this write would make ${this.rowsWritten + rows}`, this.name);
    }
    await this.writeHeader();
    if (data.length) await this.sink.write(float32Bytes(data));
    this.rowsWritten += rows;
  }

  /** Finishes the file; throws if fewer rows were written than the shape promised. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.writeHeader();
    if (this.rowsWritten !== this.shape[0] && this.rowLength !== 0) {
      this.closed = true;
      await this.sink.close();
      throw new FwiError('npy-shape', `closed after ${this.rowsWritten} rows, but the header promises ${this.shape[0]}: the file is incomplete`, this.name);
    }
    this.closed = true;
    await this.sink.close();
  }

  private async writeHeader(): Promise<void> {
    if (this.headerWritten) return;
    this.headerWritten = true;
    await this.sink.write(encodeNpyHeader(this.shape));
  }
}
