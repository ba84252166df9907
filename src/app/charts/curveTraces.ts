/**
 * The pure part of a live curve chart: from full-resolution series to the traces Plotly draws.
 * Order matters and is the one TensorBoard uses: smooth the whole series first, then downsample
 * both the raw and the smoothed curve (min/max-preserving, ≤ maxPoints each), then choose a robust
 * y-range from the smoothed curves (the raw ones are drawn faintly behind and may exceed it). On a
 * symlog scale the values are transformed after downsampling (the transform keeps order, so the
 * kept extremes are the same). Series are told apart by dash pattern and marker symbol as well as
 * colour; a series may bring its own x and style (runs overlaid in a comparison).
 */
import { downsampleMinMax } from './downsample.ts';
import { robustRange } from './robustRange.ts';
import { smoothSeries } from './smoothing.ts';
import { symlog, symlogConstant, symlogSeries, type YScale } from './yScale.ts';

export interface CurveStyle {
  color: string;
  dash: string;
  symbol: string;
}

export interface CurveSeries {
  /** Legend and column name ("Critic loss"). */
  name: string;
  y: ArrayLike<number>;
  /** Its own x values; otherwise the chart's shared x. */
  x?: ArrayLike<number>;
  /** Its own line style; otherwise the k-th of SERIES_STYLES. */
  style?: CurveStyle;
}

export interface CurveOptions {
  /** TensorBoard smoothing weight, 0 (off) to 0.999. */
  smoothing: number;
  yScale: YScale;
  /** Points per drawn smoothed curve at most. */
  maxPoints: number;
  /** Points per faint raw curve at most (default maxPoints): it is context, so fewer will do. */
  rawMaxPoints?: number;
  /** Manual y-limits in data units; when given they replace the robust range. */
  yLimits?: [number, number] | null;
  /** Series names the user hid: no traces, and they do not shape the y-range. */
  hidden?: ReadonlySet<string>;
  /** 'sparse': a dozen shape markers per curve (long step series); 'all': one per point (per-epoch series). */
  markers?: 'sparse' | 'all';
  /** Plotly trace type (default 'scatter'): 'scattergl' where the browser has WebGL. */
  traceType?: CurveTraceType;
}

/** Line styles cycled through series, so no two are told apart by colour alone. */
export const SERIES_STYLES: readonly CurveStyle[] = [
  { color: '#1f5fbf', dash: 'solid', symbol: 'circle' },
  { color: '#c2410c', dash: 'dash', symbol: 'square' },
  { color: '#15803d', dash: 'dot', symbol: 'diamond' },
  { color: '#7c3aed', dash: 'dashdot', symbol: 'triangle-up' },
  { color: '#b91c1c', dash: 'longdash', symbol: 'x' },
  { color: '#0e7490', dash: 'longdashdot', symbol: 'star' },
];

/**
 * Plotly's trace types for live curves: 'scattergl' (WebGL: the points are drawn by the GPU, and a
 * redraw's main-thread work no longer grows with them) wherever the browser gives a WebGL context,
 * 'scatter' (SVG) otherwise. The studio loads Plotly's strict bundle, whose WebGL traces come with
 * precompiled shaders, so the CSP needs no 'unsafe-eval' for them.
 */
export type CurveTraceType = 'scattergl' | 'scatter';

/** Markers per curve where they only cue its shape ('sparse'). */
export const SPARSE_MARKERS = 12;

export interface CurveTrace {
  type: CurveTraceType;
  mode: 'lines' | 'lines+markers';
  name: string;
  x: Float64Array;
  y: Float64Array;
  line: { color: string; dash: string; width: number };
  /** size is one number, or one per point (WebGL traces have no maxdisplayed: sparse markers are size 0 between). */
  marker?: { symbol: string; size: number | number[]; color: string; maxdisplayed?: number };
  opacity: number;
  showlegend: boolean;
  legendgroup: string;
  hoverinfo?: 'skip';
  /** Hover text: the value in data units (on a symlog axis y is transformed). */
  customdata?: Float64Array;
  hovertemplate?: string;
  connectgaps: false;
}

export interface CurveFigure {
  traces: CurveTrace[];
  /** y-axis range to draw, in axis units (log10 on a log axis, symlog units on a symlog one); null = no finite data. */
  yRange: [number, number] | null;
  /** Points outside yRange per series (non-positive ones on a log axis included). */
  offScale: number[];
  offScaleTotal: number;
  /** Full-resolution smoothed series, for tables and export. */
  smoothed: Float64Array[];
  /** Points drawn per curve after downsampling. */
  drawnPoints: number;
  /** The symlog constant c (linear within ±c) on a symlog scale; null otherwise. */
  symlogC: number | null;
}

/** Traces (faint raw behind, smoothed in front) and the y-range for a set of series on a shared (or their own) x. */
export function buildCurveFigure(x: ArrayLike<number>, series: CurveSeries[], opts: CurveOptions): CurveFigure {
  const traces: CurveTrace[] = [];
  const smoothing = opts.smoothing > 0;
  const shown = series.map((s) => !opts.hidden?.has(s.name));
  const smoothed = series.map((s) => (smoothing ? smoothSeries(s.y, opts.smoothing) : Float64Array.from(s.y as ArrayLike<number>)));
  const c = opts.yScale === 'symlog' ? symlogConstant(smoothed.filter((_, k) => shown[k])) : null;
  // What the axis draws: symlog units on a symlog scale, the values themselves otherwise.
  const axisValues = (y: Float64Array) => (c === null ? y : symlogSeries(y, c));
  let drawnPoints = 0;
  const type = opts.traceType ?? 'scatter';
  series.forEach((s, k) => {
    if (!shown[k]) return;
    const style = s.style ?? SERIES_STYLES[k % SERIES_STYLES.length];
    const sx = s.x ?? x;
    const group = `s${k}`;
    if (smoothing) {
      const raw = downsampleMinMax(sx, s.y, opts.rawMaxPoints ?? opts.maxPoints);
      traces.push({
        type, mode: 'lines', name: `${s.name} (raw)`, x: raw.x, y: axisValues(raw.y),
        line: { color: style.color, dash: 'solid', width: 1 }, opacity: 0.25, showlegend: false,
        legendgroup: group, hoverinfo: 'skip', connectgaps: false,
      });
    }
    const d = downsampleMinMax(sx, smoothed[k], opts.maxPoints);
    drawnPoints = Math.max(drawnPoints, d.x.length);
    const marker = { symbol: style.symbol, size: opts.markers === 'all' ? 7 : sparseMarkerSize(d.x.length, type), color: style.color, ...(opts.markers !== 'all' && type === 'scatter' ? { maxdisplayed: SPARSE_MARKERS } : {}) };
    traces.push({
      type, mode: 'lines+markers', name: s.name, x: d.x, y: axisValues(d.y),
      line: { color: style.color, dash: style.dash, width: 2 }, marker, opacity: 1, showlegend: true,
      legendgroup: group, connectgaps: false,
      ...(c === null ? {} : { customdata: d.y, hovertemplate: '%{customdata:.4g}<extra>%{fullData.name}</extra>' }),
    });
  });
  const toAxis = (v: number) => (opts.yScale === 'log' ? Math.log10(Math.max(v, 1e-300)) : c === null ? v : symlog(v, c));
  if (opts.yLimits && opts.yLimits[1] > opts.yLimits[0]) {
    const range: [number, number] = [toAxis(opts.yLimits[0]), toAxis(opts.yLimits[1])];
    const offScale = smoothed.map((sm, k) => (shown[k] ? countOutside(c === null ? sm : symlogSeries(sm, c), range, opts.yScale === 'log') : 0));
    return { traces, yRange: range, offScale, offScaleTotal: offScale.reduce((a, b) => a + b, 0), smoothed, drawnPoints, symlogC: c };
  }
  const visible = smoothed.filter((_, k) => shown[k]).map((sm) => (c === null ? sm : symlogSeries(sm, c)));
  const r = robustRange(visible, opts.yScale === 'log');
  let j = 0;
  const offScale = shown.map((v) => (v ? r.offScale[j++] : 0));
  return { traces, yRange: r.range, offScale, offScaleTotal: r.offScaleTotal, smoothed, drawnPoints, symlogC: c };
}

/**
 * A handful of markers per curve carry the shape cue without hiding the line. SVG traces thin
 * them out themselves (maxdisplayed); for WebGL ones the size is per point: 7 px at SPARSE_MARKERS
 * evenly spaced points (the first and last among them), 0 elsewhere.
 */
export function sparseMarkerSize(points: number, type: CurveTraceType): number | number[] {
  if (type === 'scatter' || points <= SPARSE_MARKERS) return 7;
  const size = new Array<number>(points).fill(0);
  for (let m = 0; m < SPARSE_MARKERS; m++) size[Math.round((m * (points - 1)) / (SPARSE_MARKERS - 1))] = 7;
  return size;
}

function countOutside(s: ArrayLike<number>, range: [number, number], log: boolean): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i];
    if (!Number.isFinite(v)) continue;
    const a = log ? (v > 0 ? Math.log10(v) : -Infinity) : v;
    if (a < range[0] || a > range[1]) n++;
  }
  return n;
}

/** A short number for summaries and tables: 4 significant digits, exponent form when tiny or huge. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e5 || a < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  return s.replace('-', '−');
}

/** A one-sentence text alternative for a chart: its size, each series' latest value, and what is off-scale. */
export function curveSummary(title: string, xTitle: string, x: ArrayLike<number>, series: CurveSeries[], offScaleTotal: number): string {
  const xs = series.some((s) => s.x) ? series.map((s) => s.x ?? x) : [x];
  const n = Math.max(0, ...xs.map((a) => a.length));
  if (n === 0) return `${title}: no data yet.`;
  const first = Math.min(...xs.filter((a) => a.length > 0).map((a) => a[0]));
  const last = Math.max(...xs.filter((a) => a.length > 0).map((a) => a[a.length - 1]));
  const latest = series.filter((s) => s.y.length > 0).map((s) => `${s.name} ${formatValue(s.y[s.y.length - 1])}`).join(', ');
  const off = offScaleTotal > 0 ? ` ${offScaleTotal} point${offScaleTotal === 1 ? '' : 's'} off-scale.` : '';
  const size = xs.length > 1 ? `up to ${n} point${n === 1 ? '' : 's'} per series` : `${n} point${n === 1 ? '' : 's'}`;
  return `${title}: ${size}, ${xTitle.toLowerCase()} ${formatValue(first)} to ${formatValue(last)}. Latest: ${latest}.${off}`;
}

/** Row indices for a table view of at most `maxRows` rows: evenly strided, always ending at the last row. */
export function tableRows(n: number, maxRows: number): number[] {
  if (n <= maxRows) return Array.from({ length: n }, (_, i) => i);
  const stride = Math.ceil(n / maxRows);
  const rows: number[] = [];
  for (let i = (n - 1) % stride; i < n; i += stride) rows.push(i);
  return rows;
}
