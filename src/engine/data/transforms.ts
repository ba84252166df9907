/**
 * OpenFWI's normalisation (reference, section 2): seismic goes through
 * `sign(x)·ln(1 + |k·x|)` then min-max to [−1, 1] between the log-transformed data limits;
 * velocity is min-maxed to [−1, 1] between the label limits. Every function returns a new
 * array unless given `out`: OpenFWI normalises its cache in place and so normalises a sample
 * twice when it is read twice; we write in place only into arrays the caller owns (a batch is a
 * copy), never into the dataset's cache.
 */
import type { TransformConfig } from '../config.ts';

export type { TransformConfig };

/** `sign(x)·ln(1 + |k·x|)`, in double precision. */
export function logTransform(x: number, k = 1): number {
  return Math.sign(x) * Math.log1p(Math.abs(k * x));
}

/** The inverse of `logTransform`: `sign(y)·(e^|y| − 1)/k`. */
export function expTransform(y: number, k = 1): number {
  return (Math.sign(y) * Math.expm1(Math.abs(y))) / k;
}

/** ln(1 + x) at every 2¹³th float32 bit pattern of x ≥ 0 (all exponents), built on first use. */
let log1pTable: Float64Array | null = null;
const TABLE_SHIFT = 13;

function getLog1pTable(): Float64Array {
  if (log1pTable) return log1pTable;
  const size = (1 << (31 - TABLE_SHIFT)) + 1;
  const table = new Float64Array(size);
  const f = new Float32Array(1);
  const b = new Int32Array(f.buffer);
  for (let i = 0; i < size - 1; i++) {
    b[0] = i << TABLE_SHIFT;
    table[i] = Math.log1p(f[0]);
  }
  table[size - 1] = Number.NaN;
  log1pTable = table;
  return table;
}

/**
 * The table above turned into `scale·sign(x)·ln(1 + |x|) + offset` at each node, for both signs,
 * as interleaved (value, slope per step) pairs indexed by the top 19 bits of x: the inner loop is
 * then one multiply-add with no branch on the sign, which is random in seismic data. Kept for the
 * last (scale, offset) used, since a run normalises with one transform throughout.
 */
let scaledTable: { scale: number; offset: number; values: Float64Array } | null = null;

function getScaledTable(scale: number, offset: number): Float64Array {
  if (scaledTable && scaledTable.scale === scale && scaledTable.offset === offset) return scaledTable.values;
  const base = getLog1pTable();
  const half = 1 << (31 - TABLE_SHIFT);
  const step = 1 / (1 << TABLE_SHIFT);
  const values = new Float64Array(4 * half);
  for (let j = 0; j < half; j++) {
    const f0 = base[j];
    const slope = (base[j + 1] - f0) * step;
    values[2 * j] = scale * f0 + offset;
    values[2 * j + 1] = scale * slope;
    values[2 * (half + j)] = -scale * f0 + offset; // sign bit set: x < 0 (or −0)
    values[2 * (half + j) + 1] = -scale * slope;
  }
  scaledTable = { scale, offset, values };
  return values;
}

/**
 * `out[i] = scale·sign(x)·ln(1 + |k·x|) + offset` over a whole array. `Math.log1p` costs ~30 ns an
 * element in V8, slower than reading the file; this interpolates linearly in a table of ln(1 + x)
 * over float32 bit patterns (1024 points per octave), which keeps the absolute error of the
 * logarithm below 1.2e-7, under float32 rounding of the normalised result, at a few ns an element.
 * `out` may be `raw`: each element is read before it is written.
 */
function scaledLogTransform(raw: Float32Array, k: number, scale: number, offset: number, out: Float32Array): Float32Array {
  const table = getScaledTable(scale, offset);
  let source = raw;
  if (k !== 1) {
    // The table is of ln(1 + x); |k|·x goes through float32 first (relative error 6e-8).
    source = new Float32Array(raw.length);
    const ak = Math.abs(k);
    for (let i = 0; i < raw.length; i++) source[i] = raw[i] * ak;
  }
  const bits = new Int32Array(source.buffer, source.byteOffset, source.length);
  const mask = (1 << TABLE_SHIFT) - 1;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if ((b & 0x7fffffff) < 0x7f800000) {
      const j = (b >>> TABLE_SHIFT) << 1;
      out[i] = table[j] + table[j + 1] * (b & mask);
    } else {
      // NaN, infinity, or k·x beyond float32
      const x = raw[i];
      out[i] = scale * Math.sign(x) * Math.log1p(Math.abs(x * k)) + offset;
    }
  }
  return out;
}

/** Seismic limits after the log transform: the min-max range of normalised seismic. */
export function seismicLogLimits(t: TransformConfig): { lo: number; hi: number } {
  return { lo: logTransform(t.dataMin, t.k), hi: logTransform(t.dataMax, t.k) };
}

function output(raw: Float32Array, out: Float32Array | undefined): Float32Array {
  if (!out) return new Float32Array(raw.length);
  if (out.length !== raw.length) throw new RangeError(`output has ${out.length} elements, input ${raw.length}`);
  return out;
}

/**
 * Raw seismic → network input: log transform with `k`, then min-max to [−1, 1] (no clipping).
 * A new array, or `out`, which may be `raw` itself when the caller owns it (a batch from
 * `Dataset.read` is a fresh copy; the dataset's cache is never handed out).
 */
export function normalizeSeismic(raw: Float32Array, t: TransformConfig, out?: Float32Array): Float32Array {
  const { lo, hi } = seismicLogLimits(t);
  const scale = 2 / (hi - lo);
  return scaledLogTransform(raw, t.k, scale, -lo * scale - 1, output(raw, out));
}

/** Normalised seismic → raw amplitudes (the inverse of `normalizeSeismic`). A new array. */
export function denormalizeSeismic(norm: Float32Array, t: TransformConfig): Float32Array {
  const { lo, hi } = seismicLogLimits(t);
  const out = new Float32Array(norm.length);
  for (let i = 0; i < norm.length; i++) out[i] = expTransform(((norm[i] + 1) / 2) * (hi - lo) + lo, t.k);
  return out;
}

/** Velocity in m/s → [−1, 1] between the label limits. A new array, or `out` (which may be `raw` when the caller owns it). */
export function normalizeVelocity(raw: Float32Array, t: TransformConfig, into?: Float32Array): Float32Array {
  const scale = 2 / (t.labelMax - t.labelMin);
  const out = output(raw, into);
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i] - t.labelMin) * scale - 1;
  return out;
}

/** [−1, 1] → velocity in m/s: `(y + 1)/2·(max − min) + min`. A new array. */
export function denormalizeVelocity(norm: Float32Array, t: TransformConfig): Float32Array {
  const half = (t.labelMax - t.labelMin) / 2;
  const out = new Float32Array(norm.length);
  for (let i = 0; i < norm.length; i++) out[i] = (norm[i] + 1) * half + t.labelMin;
  return out;
}
