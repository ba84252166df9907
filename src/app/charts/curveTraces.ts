/**
 * The pure part of a live curve chart: from full-resolution series to what Plotly draws. Order
 * matters and is the one TensorBoard uses: smooth the whole series first, then downsample both the
 * raw and the smoothed curve (min/max-preserving, ≤ maxPoints each), then choose a robust y-range
 * from the smoothed curves (the raw ones are drawn faintly behind and may exceed it). Series are
 * told apart by dash pattern and marker symbol as well as colour.
 */
import { downsampleMinMax } from './downsample.ts';
import { robustRange } from './robustRange.ts';
import { smoothSeries } from './smoothing.ts';

export interface CurveSeries {
  /** Legend and column name ("Critic loss"). */
  name: string;
  y: ArrayLike<number>;
}

export interface CurveOptions {
  /** TensorBoard smoothing weight, 0 (off) to 0.999. */
  smoothing: number;
  logY: boolean;
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
}

/** Line styles cycled through series, so no two are told apart by colour alone. */
export const SERIES_STYLES: readonly { color: string; dash: string; symbol: string }[] = [
  { color: '#1f5fbf', dash: 'solid', symbol: 'circle' },
  { color: '#c2410c', dash: 'dash', symbol: 'square' },
  { color: '#15803d', dash: 'dot', symbol: 'diamond' },
  { color: '#7c3aed', dash: 'dashdot', symbol: 'triangle-up' },
  { color: '#b91c1c', dash: 'longdash', symbol: 'x' },
  { color: '#0e7490', dash: 'longdashdot', symbol: 'star' },
];

export interface CurveTrace {
  type: 'scatter';
  mode: 'lines' | 'lines+markers';
  name: string;
  x: Float64Array;
  y: Float64Array;
  line: { color: string; dash: string; width: number };
  marker?: { symbol: string; size: number; color: string; maxdisplayed?: number };
  opacity: number;
  showlegend: boolean;
  legendgroup: string;
  hoverinfo?: 'skip';
  connectgaps: false;
}

export interface CurveFigure {
  traces: CurveTrace[];
  /** y-axis range to draw, in axis units (log10 on a log axis); null = let Plotly autorange. */
  yRange: [number, number] | null;
  /** Points outside yRange per series (non-positive ones on a log axis included). */
  offScale: number[];
  offScaleTotal: number;
  /** Full-resolution smoothed series, for tables and export. */
  smoothed: Float64Array[];
  /** Points drawn per curve after downsampling. */
  drawnPoints: number;
}

/** Traces (faint raw behind, smoothed in front) and the y-range for a set of series on one x. */
export function buildCurveFigure(x: ArrayLike<number>, series: CurveSeries[], opts: CurveOptions): CurveFigure {
  const traces: CurveTrace[] = [];
  const smoothed: Float64Array[] = [];
  const smoothing = opts.smoothing > 0;
  let drawnPoints = 0;
  series.forEach((s, k) => {
    const style = SERIES_STYLES[k % SERIES_STYLES.length];
    const sm = smoothing ? smoothSeries(s.y, opts.smoothing) : Float64Array.from(s.y as ArrayLike<number>);
    smoothed.push(sm);
    if (opts.hidden?.has(s.name)) return;
    const group = `s${k}`;
    // A handful of markers per curve carry the shape cue without hiding the line.
    const marker = opts.markers === 'all' ? { symbol: style.symbol, size: 7, color: style.color } : { symbol: style.symbol, size: 7, color: style.color, maxdisplayed: 12 };
    if (smoothing) {
      const raw = downsampleMinMax(x, s.y, opts.rawMaxPoints ?? opts.maxPoints);
      traces.push({
        type: 'scatter', mode: 'lines', name: `${s.name} (raw)`, x: raw.x, y: raw.y,
        line: { color: style.color, dash: 'solid', width: 1 }, opacity: 0.25, showlegend: false,
        legendgroup: group, hoverinfo: 'skip', connectgaps: false,
      });
    }
    const d = downsampleMinMax(x, sm, opts.maxPoints);
    drawnPoints = Math.max(drawnPoints, d.x.length);
    traces.push({
      type: 'scatter', mode: 'lines+markers', name: s.name, x: d.x, y: d.y,
      line: { color: style.color, dash: style.dash, width: 2 }, marker, opacity: 1, showlegend: true,
      legendgroup: group, connectgaps: false,
    });
  });
  if (opts.yLimits && opts.yLimits[1] > opts.yLimits[0]) {
    const [lo, hi] = opts.yLimits;
    const range: [number, number] = opts.logY ? [Math.log10(Math.max(lo, 1e-300)), Math.log10(Math.max(hi, 1e-300))] : [lo, hi];
    const offScale = smoothed.map((s, k) => (opts.hidden?.has(series[k].name) ? 0 : countOutside(s, range, opts.logY)));
    return { traces, yRange: range, offScale, offScaleTotal: offScale.reduce((a, b) => a + b, 0), smoothed, drawnPoints };
  }
  const shown = series.map((s) => !opts.hidden?.has(s.name));
  const r = robustRange(smoothed.filter((_, k) => shown[k]), opts.logY);
  let j = 0;
  const offScale = shown.map((v) => (v ? r.offScale[j++] : 0));
  return { traces, yRange: r.range, offScale, offScaleTotal: r.offScaleTotal, smoothed, drawnPoints };
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
  const n = x.length;
  if (n === 0) return `${title}: no data yet.`;
  const latest = series.map((s) => `${s.name} ${formatValue(s.y[s.y.length - 1])}`).join(', ');
  const off = offScaleTotal > 0 ? ` ${offScaleTotal} point${offScaleTotal === 1 ? '' : 's'} off-scale.` : '';
  return `${title}: ${n} point${n === 1 ? '' : 's'}, ${xTitle.toLowerCase()} ${formatValue(x[0])} to ${formatValue(x[n - 1])}. Latest: ${latest}.${off}`;
}

/** Row indices for a table view of at most `maxRows` rows: evenly strided, always ending at the last row. */
export function tableRows(n: number, maxRows: number): number[] {
  if (n <= maxRows) return Array.from({ length: n }, (_, i) => i);
  const stride = Math.ceil(n / maxRows);
  const rows: number[] = [];
  for (let i = (n - 1) % stride; i < n; i += stride) rows.push(i);
  return rows;
}
