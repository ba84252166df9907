/**
 * Colormaps for velocity maps, differences and shot gathers, as 256-entry RGB tables, and the
 * value → RGBA conversion that feeds a <canvas> ImageData. "rainbow256" is OpenFWI's map exactly
 * as VELOCITYGAN.md §5 gives it (parity with the published figures); viridis is the perceptual
 * alternative; the diverging map (blue – white – red, ColorBrewer RdBu) is for differences, with a
 * symmetric range so white means zero; grey is for seismic, as matplotlib's "gray".
 */

export type ColormapName = 'rainbow256' | 'viridis' | 'diverging' | 'gray';

/** 256 entries of [r, g, b], each component in [0, 1]. */
export type ColorTable = ReadonlyArray<readonly [number, number, number]>;

/** OpenFWI's rainbow256: blue → cyan → green → yellow → red in four linear ramps. */
export function rainbow256(): ColorTable {
  const t: [number, number, number][] = [];
  for (let i = 0; i < 256; i++) {
    if (i <= 63) t.push([0, i / 63, 1]);
    else if (i <= 127) t.push([0, 1, (127 - i) / 64]);
    else if (i <= 191) t.push([(i - 127) / 64, 1, 0]);
    else t.push([1, (255 - i) / 64, 0]);
  }
  return t;
}

function fromStops(stops: string[]): ColorTable {
  const rgb = stops.map((h) => [1, 3, 5].map((k) => parseInt(h.slice(k, k + 2), 16) / 255));
  const t: [number, number, number][] = [];
  for (let i = 0; i < 256; i++) {
    const pos = (i / 255) * (rgb.length - 1);
    const a = Math.min(Math.floor(pos), rgb.length - 2);
    const f = pos - a;
    t.push([0, 1, 2].map((c) => rgb[a][c] + (rgb[a + 1][c] - rgb[a][c]) * f) as [number, number, number]);
  }
  return t;
}

/** Matplotlib's viridis, piecewise linear through its values at 9 evenly spaced points. */
const VIRIDIS_STOPS = ['#440154', '#472c7a', '#3b518b', '#2c718e', '#21908d', '#27ad81', '#5cc863', '#aadc32', '#fde725'];
/** ColorBrewer RdBu (11 classes), reversed so negative is blue and positive red. */
const DIVERGING_STOPS = ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'];

const cache = new Map<ColormapName, ColorTable>();

/** The 256-entry table of a named colormap (built once). */
export function colorTable(name: ColormapName): ColorTable {
  let t = cache.get(name);
  if (!t) {
    if (name === 'rainbow256') t = rainbow256();
    else if (name === 'viridis') t = fromStops(VIRIDIS_STOPS);
    else if (name === 'diverging') t = fromStops(DIVERGING_STOPS);
    else t = Array.from({ length: 256 }, (_, i) => [i / 255, i / 255, i / 255] as const);
    cache.set(name, t);
  }
  return t;
}

/** The table entry for value v on [lo, hi] (clamped): floor((v − lo)/(hi − lo)·256), capped at 255. */
export function colorIndex(v: number, lo: number, hi: number): number {
  if (!(hi > lo)) return 128;
  const i = Math.floor(((v - lo) / (hi - lo)) * 256);
  return i < 0 ? 0 : i > 255 ? 255 : i;
}

/** The table as a CSS linear-gradient (bottom = low), for colour bars drawn without a canvas. */
export function cssGradient(name: ColormapName, direction = 'to top', steps = 16): string {
  const t = colorTable(name);
  const parts: string[] = [];
  for (let s = 0; s <= steps; s++) {
    const [r, g, b] = t[Math.round((s / steps) * 255)];
    parts.push(`rgb(${Math.round(r * 255)} ${Math.round(g * 255)} ${Math.round(b * 255)}) ${((s / steps) * 100).toFixed(2)}%`);
  }
  return `linear-gradient(${direction}, ${parts.join(', ')})`;
}

/**
 * RGBA bytes (row-major, 4 per value) for a canvas ImageData: each value coloured on [lo, hi];
 * non-finite values become transparent, so a broken prediction shows as a hole, not a colour.
 */
export function valuesToRgba(values: ArrayLike<number>, lo: number, hi: number, name: ColormapName, out?: Uint8ClampedArray): Uint8ClampedArray {
  const t = colorTable(name);
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    lut[i * 3] = Math.round(t[i][0] * 255);
    lut[i * 3 + 1] = Math.round(t[i][1] * 255);
    lut[i * 3 + 2] = Math.round(t[i][2] * 255);
  }
  const rgba = out ?? new Uint8ClampedArray(values.length * 4);
  const scale = hi > lo ? 256 / (hi - lo) : 0;
  for (let p = 0; p < values.length; p++) {
    const v = values[p];
    const o = p * 4;
    if (!Number.isFinite(v)) {
      rgba[o] = rgba[o + 1] = rgba[o + 2] = rgba[o + 3] = 0;
      continue;
    }
    let i = scale === 0 ? 128 : Math.floor((v - lo) * scale);
    i = i < 0 ? 0 : i > 255 ? 255 : i;
    rgba[o] = lut[i * 3];
    rgba[o + 1] = lut[i * 3 + 1];
    rgba[o + 2] = lut[i * 3 + 2];
    rgba[o + 3] = 255;
  }
  return rgba;
}

/** Smallest and largest finite values (NaN, NaN when there are none). */
export function finiteExtent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/** A symmetric range ±max|v| for a diverging map (±1 when all values are 0 or none are finite). */
export function symmetricRange(values: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (Number.isFinite(a) && a > m) m = a;
  }
  if (m === 0) m = 1;
  return [-m, m];
}
