/**
 * One live curve chart with its own controls, drawn on a canvas (CurveCanvas); Plotly, loaded on
 * first use, renders the PNG and SVG exports from the same traces. Used by LossChart and
 * MetricsChart; not store-aware.
 *
 * Props (CurveChartProps):
 * - title: string: chart name, shown as its heading and accessible name ("Critic", "SSIM").
 * - x: ArrayLike<number>: shared x values of every series; xTitle: axis title; xName: CSV column name.
 * - series: { name, y }[]: y arrays the same length as x. Arrays may be appended in place:
 * - revision: number: bump it whenever x or any y changed (memoisation keys on it, not on identity).
 * - smoothing: number: TensorBoard weight 0–0.999 (0 = none; raw curve drawn faintly behind otherwise).
 * - logY: boolean, onLogYChange(on): the per-chart log-scale toggle (the parent remembers it).
 * - filename: base name for PNG/SVG/CSV/JSON exports (no extension).
 * - yTitle?: string; markers?: 'sparse' | 'all' (one marker per point for per-epoch data); height?: px (240).
 *
 * Behaviour: follows new data until the user zooms (drags a box over the plot); a zoom survives
 * updates until "Fit" (or a double-click). The y-range is outlier-robust and the chart says how
 * many points are off-scale; manual y-limits override it. Hovering names the nearest point. Table
 * view, summary text, and exports (PNG, SVG of the view on screen via Plotly.downloadImage; CSV,
 * JSON of the raw values).
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { CurveCanvas } from './CurveCanvas.tsx';
import { seriesToCsv, seriesToJson } from '../export/csv.ts';
import { buildCurveFigure, curveSummary, formatValue, SERIES_STYLES, tableRows, type CurveSeries, type CurveTrace } from './curveTraces.ts';
import { downloadText } from '../export/download.ts';
import { extentOf, padRange } from './plotScale.ts';
import { useThrottledValue } from './useThrottledValue.ts';

/**
 * Drawn points per curve. Min/max downsampling to about two points per horizontal pixel loses
 * nothing visible and bounds the canvas redraw (and the exported SVG); the faint raw curve gets half.
 */
const MAX_POINTS = 1200;
const RAW_MAX_POINTS = 600;
/** Redraw a live chart at most this often. */
const REDRAW_MS = 500;
const TABLE_ROWS = 200;

export interface CurveChartProps {
  title: string;
  x: ArrayLike<number>;
  xTitle: string;
  xName: string;
  series: CurveSeries[];
  revision: number;
  smoothing: number;
  logY: boolean;
  onLogYChange: (on: boolean) => void;
  filename: string;
  yTitle?: string;
  markers?: 'sparse' | 'all';
  height?: number;
}

export function CurveChart(props: CurveChartProps) {
  const { title, x, xTitle, xName, series, revision, smoothing, logY, onLogYChange, filename, yTitle, markers = 'sparse', height = 240 } = props;
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  // The box the user zoomed to (y in axis units); null follows the data.
  const [zoom, setZoom] = useState<{ x: [number, number]; y: [number, number] } | null>(null);
  const zoomed = zoom !== null;
  const [yLimitText, setYLimitText] = useState<[string, string]>(['', '']);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());

  const yLimits = useMemo<[number, number] | null>(() => {
    const lo = Number(yLimitText[0]);
    const hi = Number(yLimitText[1]);
    return yLimitText[0] !== '' && yLimitText[1] !== '' && Number.isFinite(lo) && Number.isFinite(hi) && hi > lo ? [lo, hi] : null;
  }, [yLimitText]);
  const yLimitError = (yLimitText[0] !== '' || yLimitText[1] !== '') && !yLimits ? 'Enter both limits, with max greater than min (and > 0 on a log scale).' : null;
  const names = series.map((s) => s.name).join('\u0000');

  // Keyed on a throttled data version, not on array identity: arrays may grow in place, and a
  // live run must not redraw on every event batch. Off-screen charts still redraw (a few ms on a
  // canvas), so a printout or a full-page capture never shows a stale chart beside a fresh summary.
  const dataVersion = useThrottledValue(useMemo(() => ({ x, revision }), [x, revision]), REDRAW_MS);
  const figure = useMemo(
    () => buildCurveFigure(x, series, { smoothing, logY, maxPoints: MAX_POINTS, rawMaxPoints: RAW_MAX_POINTS, yLimits, markers, hidden }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [dataVersion, names, smoothing, logY, yLimits, markers, hidden],
  );

  const fitted = useMemo(() => fittedRanges(figure.traces, figure.yRange, logY), [figure, logY]);
  const xRange = zoom?.x ?? fitted.x;
  const yRange = zoom?.y ?? fitted.y;
  // A cleared history (a new run) starts unzoomed; so does a switch of scale.
  useEffect(() => {
    if (x.length === 0) setZoom(null);
  }, [x.length]);
  useEffect(() => setZoom(null), [logY]);

  function fit() {
    setZoom(null);
  }

  const table = () => ({ xName, x, columns: series.map((s) => ({ name: s.name, values: s.y })) });
  const exportImage = async (format: 'png' | 'svg') => {
    const { Plotly } = await import('./plotly.ts');
    const layout = exportLayout(xTitle, yTitle ?? '', logY, xRange, yRange);
    await Plotly.downloadImage({ data: figure.traces, layout } as unknown as HTMLElement, { format, filename, width: 1000, height: 500 });
  };

  const summary = curveSummary(title, xTitle, x, series, figure.offScaleTotal);
  // The table follows the drawn (throttled) figure, so raw and smoothed columns always line up.
  const tableLength = Math.min(x.length, figure.smoothed[0]?.length ?? x.length);
  const rows = showTable ? tableRows(tableLength, TABLE_ROWS) : [];
  const headingId = `${id}-title`;
  const summaryId = `${id}-summary`;

  return (
    <figure className="vg-chart" role="group" aria-labelledby={headingId} aria-describedby={summaryId}>
      <div className="vg-chart-head">
        <h3 id={headingId} className="vg-chart-title">{title}</h3>
        <div className="vg-toolbar" role="toolbar" aria-label={`${title} chart controls`}>
          <label className="vg-check">
            <input type="checkbox" checked={logY} onChange={(e) => onLogYChange(e.target.checked)} /> Log scale
          </label>
          <button type="button" className="vg-btn" onClick={fit} disabled={!zoomed && !yLimits} title="Fit the axes to the data and follow new points">
            Fit
          </button>
          <button type="button" className="vg-btn" aria-pressed={showTable} onClick={() => setShowTable((s) => !s)}>
            Table
          </button>
          <details className="vg-menu">
            <summary className="vg-btn">Export</summary>
            <div className="vg-menu-body">
              <button type="button" className="vg-btn" onClick={() => void exportImage('png')}>PNG</button>
              <button type="button" className="vg-btn" onClick={() => void exportImage('svg')}>SVG</button>
              <button type="button" className="vg-btn" onClick={() => downloadText(seriesToCsv(table()), `${filename}.csv`, 'text/csv')}>CSV</button>
              <button type="button" className="vg-btn" onClick={() => downloadText(seriesToJson(table()), `${filename}.json`, 'application/json')}>JSON</button>
            </div>
          </details>
          <details className="vg-menu">
            <summary className="vg-btn">Y limits</summary>
            <div className="vg-menu-body vg-ylimits">
              <label>
                Min <input type="number" inputMode="decimal" value={yLimitText[0]} aria-invalid={!!yLimitError} onChange={(e) => setYLimitText([e.target.value, yLimitText[1]])} />
              </label>
              <label>
                Max <input type="number" inputMode="decimal" value={yLimitText[1]} aria-invalid={!!yLimitError} onChange={(e) => setYLimitText([yLimitText[0], e.target.value])} />
              </label>
              <button type="button" className="vg-btn" onClick={() => setYLimitText(['', ''])}>Automatic</button>
              {yLimitError && <p className="vg-field-error">{yLimitError}</p>}
            </div>
          </details>
        </div>
      </div>
      {x.length === 0 ? (
        <div className="vg-plot-empty">No data yet.</div>
      ) : (
        <div className="vg-plot" role="img" aria-label={summary} style={{ height }}>
          <CurveCanvas
            traces={figure.traces}
            xRange={xRange}
            yRange={yRange}
            logY={logY}
            xTitle={xTitle}
            yTitle={yTitle}
            height={height}
            onZoom={(zx, zy) => setZoom({ x: zx, y: zy })}
            onFit={fit}
          />
        </div>
      )}
      <ul className="vg-chart-legend" aria-label={`${title} series (press to hide or show)`}>
        {series.map((s, k) => {
          const style = SERIES_STYLES[k % SERIES_STYLES.length];
          const on = !hidden.has(s.name);
          return (
            <li key={s.name}>
              <button
                type="button"
                className="vg-legend-item"
                aria-pressed={on}
                onClick={() =>
                  setHidden((h) => {
                    const next = new Set(h);
                    if (on) next.add(s.name);
                    else next.delete(s.name);
                    return next;
                  })
                }
              >
                <LineSwatch color={style.color} dash={style.dash} symbol={style.symbol} />
                {s.name}
              </button>
            </li>
          );
        })}
      </ul>
      <figcaption id={summaryId} className="vg-chart-summary">
        {curveSummary(title, xTitle, x, series, 0)}
        {figure.offScaleTotal > 0 && (
          <span className="vg-offscale"> {figure.offScaleTotal} point{figure.offScaleTotal === 1 ? '' : 's'} off-scale: set Y limits to see them.</span>
        )}
        {zoomed && <span className="vg-zoomed"> Zoomed: not following new data. Fit to follow again.</span>}
      </figcaption>
      {showTable && (
        <div className="vg-table-wrap">
          <table className="vg-table">
            <caption>
              {title}
              {rows.length < tableLength ? ` (every ${Math.ceil(tableLength / TABLE_ROWS)}th of ${tableLength} points; export CSV for all)` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">{xTitle}</th>
                {series.map((s) => (
                  <th scope="col" key={s.name}>{s.name}</th>
                ))}
                {smoothing > 0 && series.map((s) => <th scope="col" key={`${s.name}-s`}>{s.name} (smoothed)</th>)}
              </tr>
            </thead>
            <tbody>
              {rows.map((i) => (
                <tr key={i}>
                  <th scope="row">{formatValue(x[i])}</th>
                  {series.map((s) => (
                    <td key={s.name}>{formatValue(s.y[i])}</td>
                  ))}
                  {smoothing > 0 && figure.smoothed.map((s, k) => <td key={k}>{formatValue(s[i])}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
}

/** The ranges that show every drawn point: x padded 2%, y the figure's robust range (or the drawn extent, padded 5%). */
function fittedRanges(traces: readonly CurveTrace[], yRange: [number, number] | null, logY: boolean): { x: [number, number]; y: [number, number] } {
  const x = padRange(extentOf(traces.map((t) => t.x)) ?? [0, 1], 0.02);
  if (yRange) return { x, y: yRange };
  const ys = traces.map((t) => (logY ? Array.from(t.y, (v) => (v > 0 ? Math.log10(v) : NaN)) : t.y));
  const finite = ys.map((a) => Array.from(a).filter(Number.isFinite));
  return { x, y: padRange(extentOf(finite) ?? [0, 1], 0.05) };
}

/** The Plotly layout of an exported image: the view on screen, with Plotly's own legend. */
function exportLayout(xTitle: string, yTitle: string, logY: boolean, xRange: [number, number], yRange: [number, number]) {
  return {
    font: { family: 'system-ui, -apple-system, "Segoe UI", sans-serif', size: 12, color: '#1f2937' },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 64, r: 16, t: 16, b: 44 },
    showlegend: true,
    xaxis: { title: { text: xTitle }, range: xRange, zeroline: false, gridcolor: '#e5e7eb', linecolor: '#9ca3af', ticks: 'outside' },
    yaxis: { title: { text: yTitle }, type: logY ? 'log' : 'linear', range: yRange, exponentformat: 'power', gridcolor: '#e5e7eb', linecolor: '#9ca3af', zerolinecolor: '#9ca3af', ticks: 'outside' },
  };
}

const DASHES: Record<string, string | undefined> = { solid: undefined, dash: '6 3', dot: '2 2', dashdot: '6 2 2 2', longdash: '10 3', longdashdot: '10 2 2 2' };

/** The line style and marker of a series, drawn small for the DOM legend. */
function LineSwatch({ color, dash, symbol }: { color: string; dash: string; symbol: string }) {
  const marker =
    symbol === 'square' ? <rect x="10" y="3" width="6" height="6" fill={color} />
    : symbol === 'diamond' ? <path d="M13 1.5 L17 6 L13 10.5 L9 6 Z" fill={color} />
    : symbol === 'triangle-up' ? <path d="M13 2 L17 10 L9 10 Z" fill={color} />
    : symbol === 'x' ? <path d="M10 3 L16 9 M16 3 L10 9" stroke={color} strokeWidth="2" />
    : symbol === 'star' ? <path d="M13 1.5 L14.3 4.7 L17.6 4.9 L15 7 L15.9 10.3 L13 8.5 L10.1 10.3 L11 7 L8.4 4.9 L11.7 4.7 Z" fill={color} />
    : <circle cx="13" cy="6" r="3" fill={color} />;
  return (
    <svg width="26" height="12" viewBox="0 0 26 12" aria-hidden="true">
      <line x1="0" x2="26" y1="6" y2="6" stroke={color} strokeWidth="2" strokeDasharray={DASHES[dash]} />
      {marker}
    </svg>
  );
}
