/**
 * safetensors, the weight format of the whole studio: an 8-byte little-endian header length, a
 * JSON header `{name: {dtype, shape, data_offsets}, __metadata__: {..}}`, then the raw bytes.
 * Names and layouts are PyTorch's state-dict ones (Conv2d OIHW, ConvTranspose2d (in, out, kh, kw)),
 * so files move between the studio and PyTorch unchanged.
 *
 * Format: https://github.com/huggingface/safetensors#format
 */
import { describeValue, errorMessage, FwiError } from '../errors.ts';
import { halfToFloat } from './npy.ts';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32';
export type TensorData = Float32Array | Float64Array | BigInt64Array | Int32Array;

/** One tensor as read: F16/BF16 widened to Float32Array, integers of 32 bits or fewer as Int32Array. */
export interface SafeTensor {
  /** The dtype as stored in the file (e.g. "BF16", "I64"). */
  readonly dtype: string;
  readonly shape: number[];
  readonly data: TensorData;
}

export interface Safetensors {
  readonly tensors: Map<string, SafeTensor>;
  readonly metadata: Record<string, string>;
}

/** A tensor to write; I64 data may be numbers (must be integers) or a BigInt64Array. */
export interface SafeTensorEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  data: ArrayLike<number> | BigInt64Array;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bytes per value of each safetensors dtype. */
export const itemSizes: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
/** The header may not exceed this; also guards against reading a random file's first 8 bytes as a length. */
const MAX_HEADER = 100_000_000;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `count` little-endian values of a safetensors dtype; `bytes` must be a fresh copy (typed views alias it, aligned). */
export function decodeTensor(dtype: string, bytes: Uint8Array, count: number): TensorData {
  // `bytes` is a fresh copy starting at offset 0, so typed views on its buffer are aligned.
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      if (littleEndianHost) return new Float32Array(bytes.buffer, bytes.byteOffset, count);
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
    case 'F64':
      if (littleEndianHost) return new Float64Array(bytes.buffer, bytes.byteOffset, count);
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true));
    case 'I64':
      if (littleEndianHost) return new BigInt64Array(bytes.buffer, bytes.byteOffset, count);
      return BigInt64Array.from({ length: count }, (_, i) => view.getBigInt64(8 * i, true));
    case 'I32':
      if (littleEndianHost) return new Int32Array(bytes.buffer, bytes.byteOffset, count);
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
    case 'F16':
      return Float32Array.from({ length: count }, (_, i) => halfToFloat(view.getUint16(2 * i, true)));
    case 'BF16': {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return out;
    }
    case 'I16':
      return Int32Array.from({ length: count }, (_, i) => view.getInt16(2 * i, true));
    case 'I8':
      return Int32Array.from({ length: count }, (_, i) => view.getInt8(i));
    case 'U8':
    case 'BOOL':
      return Int32Array.from(bytes.subarray(0, count));
    default:
      throw new Error(`unreachable dtype ${dtype}`);
  }
}

/** Parses a whole safetensors file; every tensor is copied out, none aliases `bytes`. Throws FwiError naming `name`. */
export function parseSafetensors(bytes: Uint8Array, name = 'weights.safetensors'): Safetensors {
  const fail = (msg: string): never => {
    throw new FwiError('safetensors', msg, name);
  };
  if (bytes.byteLength < 8) fail(`not a safetensors file (${bytes.byteLength} bytes, shorter than the 8-byte header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER || headerLength < 2) fail(`not a safetensors file (header length ${headerLength} is implausible)`);
  if (8 + headerLength > bytes.byteLength) fail(`truncated: the header claims ${headerLength} bytes, the file has ${bytes.byteLength - 8} after the length`);

  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (e) {
    fail(`malformed header (not JSON: ${errorMessage(e)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('malformed header (not a JSON object)');

  const dataStart = 8 + headerLength;
  const dataBytes = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const tensors = new Map<string, SafeTensor>();
  const extents: [number, number, string][] = [];

  for (const [key, value] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('"__metadata__" is not an object');
      for (const [mk, mv] of Object.entries(value as Record<string, unknown>)) {
        if (typeof mv !== 'string') fail(`metadata "${mk}" is not a string`);
        metadata[mk] = mv as string;
      }
      continue;
    }
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof t !== 'object' || t === null) fail(`tensor "${key}" is not an object`);
    if (typeof t.dtype !== 'string' || !Object.hasOwn(itemSizes, t.dtype)) fail(`tensor "${key}" has unsupported dtype ${describeValue(t.dtype)} (supported: ${Object.keys(itemSizes).join(', ')})`);
    const dtype = t.dtype as string;
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor "${key}" has a malformed shape`);
    const shape = t.shape as number[];
    const off = t.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[1] < off[0]) {
      fail(`tensor "${key}" has malformed data_offsets`);
    }
    const [begin, end] = off as [number, number];
    const count = product(shape);
    if (end - begin !== count * itemSizes[dtype]) {
      fail(`tensor "${key}": shape [${shape.join(', ')}] of ${dtype} needs ${count * itemSizes[dtype]} bytes, data_offsets give ${end - begin}`);
    }
    if (end > dataBytes) fail(`truncated: tensor "${key}" ends at byte ${end} of the data, which has ${dataBytes}`);
    extents.push([begin, end, key]);
    const copy = bytes.slice(dataStart + begin, dataStart + end);
    tensors.set(key, { dtype, shape, data: decodeTensor(dtype, copy, count) });
  }

  // As the reference implementation: tensors tile the data exactly, no overlaps, no holes.
  extents.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let at = 0;
  for (const [begin, end, key] of extents) {
    if (begin !== at) fail(begin < at ? `tensor "${key}" overlaps another tensor` : `hole in the data before tensor "${key}"`);
    at = end;
  }
  if (at !== dataBytes) fail(`data is longer than the tensors (${dataBytes - at} bytes left over)`);
  return { tensors, metadata };
}

/** The tensor's values as float32 (a copy for other dtypes; the same array for F32/F16/BF16). */
export function toFloat32(t: SafeTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  if (t.data instanceof BigInt64Array) return Float32Array.from(t.data, (v) => Number(v));
  return Float32Array.from(t.data);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half bits of a number, rounded to nearest even (overflow to ±Inf, NaN kept). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let h = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++; // a carry into the exponent is the right answer
  return sign | h;
}

/** bfloat16 bits of a number: the top half of its float32, rounded to nearest even. */
export function floatToBf16(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return (bits >>> 16) | 0x40;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

function encodeTensor(key: string, e: SafeTensorEntry, out: DataView, at: number): void {
  const n = product(e.shape);
  const data = e.data;
  const num = (i: number) => (typeof data[i] === 'bigint' ? Number(data[i]) : (data[i] as number));
  switch (e.dtype) {
    case 'F32':
      if (littleEndianHost && data instanceof Float32Array) {
        new Uint8Array(out.buffer, out.byteOffset + at, n * 4).set(new Uint8Array(data.buffer, data.byteOffset, n * 4));
        break;
      }
      for (let i = 0; i < n; i++) out.setFloat32(at + 4 * i, num(i), true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out.setFloat64(at + 8 * i, num(i), true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out.setUint16(at + 2 * i, floatToHalf(num(i)), true);
      break;
    case 'BF16':
      for (let i = 0; i < n; i++) out.setUint16(at + 2 * i, floatToBf16(num(i)), true);
      break;
    case 'I32':
      for (let i = 0; i < n; i++) {
        const v = num(i);
        if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new FwiError('safetensors', `tensor "${key}": ${v} is not a 32-bit integer`);
        out.setInt32(at + 4 * i, v, true);
      }
      break;
    case 'I64':
      for (let i = 0; i < n; i++) {
        const v = data[i];
        if (typeof v === 'bigint') out.setBigInt64(at + 8 * i, v, true);
        else {
          if (!Number.isSafeInteger(v)) throw new FwiError('safetensors', `tensor "${key}": ${v} is not an integer`);
          out.setBigInt64(at + 8 * i, BigInt(v), true);
        }
      }
      break;
    default:
      throw new FwiError('safetensors', `tensor "${key}": unsupported dtype ${String(e.dtype)}`);
  }
}

/** A complete safetensors file of `entries`, in their order, with optional string metadata. */
export function encodeSafetensors(entries: Record<string, SafeTensorEntry>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const layout: [string, SafeTensorEntry, number][] = [];
  for (const [key, e] of Object.entries(entries)) {
    if (key === '__metadata__') throw new FwiError('safetensors', 'a tensor may not be named "__metadata__"');
    if (!(e.dtype in itemSizes)) throw new FwiError('safetensors', `tensor "${key}": unsupported dtype ${String(e.dtype)}`);
    const n = product(e.shape);
    if (e.data.length !== n) throw new FwiError('safetensors', `tensor "${key}": ${e.data.length} values for shape [${e.shape.join(', ')}] (${n})`);
    const size = n * itemSizes[e.dtype];
    header[key] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + size] };
    layout.push([key, e, offset]);
    offset += size;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const jsonBytes0 = new TextEncoder().encode(json).length;
  json += ' '.repeat((8 - (jsonBytes0 % 8)) % 8);
  const jsonBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  for (const [key, e, at] of layout) encodeTensor(key, e, view, 8 + jsonBytes.length + at);
  return out;
}
