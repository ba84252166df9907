/**
 * One live curve chart with its own controls, drawn by Plotly (PlotlyPlot). Used by LossChart,
 * MetricsChart and the run comparison; not store-aware.
 *
 * Props (CurveChartProps):
 * - title: string: chart name, shown as its heading and accessible name ("Critic", "SSIM").
 * - x: ArrayLike<number>: shared x values of the series; xTitle: axis title; xName: CSV column name.
 * - series: { name, y, x?, style? }[]: y arrays the same length as their x (a series with its own x
 *   and style is a run in a comparison). Arrays may be appended in place:
 * - revision: number: bump it whenever x or any y changed (memoisation keys on it, not on identity).
 * - smoothing: number: TensorBoard weight 0–0.999 (0 = none; raw curve drawn faintly behind otherwise).
 * - yScale: 'linear' | 'log' | 'symlog', onYScaleChange(s): the per-chart y scale (the parent remembers it).
 * - filename: base name for PNG/SVG/CSV/JSON exports (no extension).
 * - yTitle?: string; markers?: 'sparse' | 'all' (one marker per point for per-epoch data); height?: px (240).
 * - integerX?: boolean: x counts steps (ticks at whole numbers only).
 *
 * Behaviour: follows new data until the user zooms (drag a box, or the keys + − and arrows while
 * the plot has focus); a zoom survives updates until "Fit" (or a double-click, or 0). The y-range
 * is outlier-robust and the chart says how many points are off-scale; manual y-limits override it.
 * Live redraws are throttled to two a second. Table view, summary text, and exports (PNG and SVG
 * of the view on screen, with the chart's title and a legend; CSV and JSON of the raw values).
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { seriesToCsv, seriesToJson } from '../export/csv.ts';
import { downloadText } from '../export/download.ts';
import { setChartKeysEnabled, useChartKeysEnabled } from './chartKeys.ts';
import { CHART_KEYS, extentOf, integerTickStep, padRange, viewForKey, type Range, type View } from './chartView.ts';
import { buildCurveFigure, curveSummary, formatValue, SERIES_STYLES, tableRows, type CurveSeries } from './curveTraces.ts';
import { loadPlotly, PlotlyPlot, type RelayoutChange } from './PlotlyPlot.tsx';
import { useThrottledValue } from './useThrottledValue.ts';
import { curveTraceType } from './webgl.ts';
import { symlogTicks, Y_SCALE_LABELS, Y_SCALES, type YScale } from './yScale.ts';

/**
 * Drawn points per curve. Min/max downsampling to about two points per horizontal pixel of a
 * chart in the grid loses nothing visible and bounds Plotly's SVG redraw (measured here: ~15–25 ms
 * at a few hundred points, up to ~100 ms at 1,200, idle machine); the faint raw curve gets half.
 */
const MAX_POINTS = 800;
const RAW_MAX_POINTS = 400;
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
  yScale: YScale;
  onYScaleChange: (scale: YScale) => void;
  filename: string;
  yTitle?: string;
  markers?: 'sparse' | 'all';
  height?: number;
  integerX?: boolean;
}

const FONT = { family: 'system-ui, -apple-system, "Segoe UI", sans-serif', size: 12, color: '#1f2937' };

export function CurveChart(props: CurveChartProps) {
  const { title, x, xTitle, xName, series, revision, smoothing, yScale, onYScaleChange, filename, yTitle, markers = 'sparse', height = 240, integerX = false } = props;
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  // The view the user zoomed or panned to (axis units); null follows the data.
  const [view, setView] = useState<View | null>(null);
  const [yLimitText, setYLimitText] = useState<[string, string]>(['', '']);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const keysOn = useChartKeysEnabled();
  const exportMenu = useRef<HTMLDetailsElement>(null);

  const yLimits = useMemo<[number, number] | null>(() => {
    const lo = Number(yLimitText[0]);
    const hi = Number(yLimitText[1]);
    const ok = yLimitText[0] !== '' && yLimitText[1] !== '' && Number.isFinite(lo) && Number.isFinite(hi) && hi > lo && (yScale !== 'log' || lo > 0);
    return ok ? [lo, hi] : null;
  }, [yLimitText, yScale]);
  const yLimitError = (yLimitText[0] !== '' || yLimitText[1] !== '') && !yLimits ? 'Enter both limits, with max greater than min (and > 0 on a log scale).' : null;
  const names = series.map((s) => s.name).join('\u0000');

  // Keyed on a throttled data version, not on array identity: arrays may grow in place, and a
  // live run must not redraw on every event batch.
  const dataVersion = useThrottledValue(useMemo(() => ({ x, revision }), [x, revision]), REDRAW_MS);
  const figure = useMemo(
    () => buildCurveFigure(x, series, { smoothing, yScale, maxPoints: MAX_POINTS, rawMaxPoints: RAW_MAX_POINTS, yLimits, markers, hidden, traceType: curveTraceType() }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [dataVersion, names, smoothing, yScale, yLimits, markers, hidden],
  );
  const fitted = useMemo<View>(() => {
    const xr = extentOf(figure.traces.map((t) => t.x));
    return { x: xr ? padRange(xr, 0.02) : [0, 1], y: figure.yRange ?? [0, 1] };
  }, [figure]);
  const shown = view ?? fitted;
  // A cleared history (a new run) starts unzoomed; so does a change of scale.
  useEffect(() => {
    if (x.length === 0) setView(null);
  }, [x.length]);
  useEffect(() => setView(null), [yScale]);

  const layout = useMemo(() => plotLayout({ xTitle, yTitle, yScale, view: shown, integerX, symlogC: figure.symlogC, height }), [xTitle, yTitle, yScale, shown, integerX, figure.symlogC, height]);

  const onRelayout = (change: RelayoutChange | 'fit') => {
    if (change === 'fit') setView(null);
    else setView((v) => ({ x: change.x ?? (v ?? fitted).x, y: change.y ?? (v ?? fitted).y }));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!keysOn || e.altKey || e.ctrlKey || e.metaKey) return;
    const next = viewForKey(e.key, shown);
    if (next === null) return;
    e.preventDefault();
    setView(next === 'fit' ? null : next);
  };

  const table = () => ({ xName, x, columns: series.map((s) => ({ name: s.name, values: s.y })) });
  const closeExportMenu = () => {
    const menu = exportMenu.current;
    if (!menu) return;
    menu.open = false;
    menu.querySelector('summary')?.focus();
  };
  const exportImage = async (format: 'png' | 'svg') => {
    const Plotly = await loadPlotly();
    const exported = { ...plotLayout({ xTitle, yTitle, yScale, view: shown, integerX, symlogC: figure.symlogC, height: 500 }), title: { text: title, x: 0.02, xanchor: 'left' }, showlegend: true, margin: { l: 72, r: 24, t: 56, b: 52 } };
    await Plotly.downloadImage({ data: figure.traces, layout: exported }, { format, filename, width: 1000, height: 500 });
  };
  const choose = (run: () => void) => () => {
    closeExportMenu();
    run();
  };

  const summary = curveSummary(title, xTitle, x, series, figure.offScaleTotal);
  // The table follows the drawn (throttled) figure, so raw and smoothed columns always line up.
  const sharedX = series.every((s) => !s.x);
  const tableLength = Math.min(x.length, figure.smoothed[0]?.length ?? x.length);
  const rows = showTable && sharedX ? tableRows(tableLength, TABLE_ROWS) : [];
  const headingId = `${id}-title`;
  const summaryId = `${id}-summary`;
  const keysId = `${id}-keys`;
  const empty = series.every((s) => (s.x ?? x).length === 0);

  return (
    <figure className="vg-chart" role="group" aria-labelledby={headingId} aria-describedby={summaryId}>
      <div className="vg-chart-head">
        <h3 id={headingId} className="vg-chart-title">{title}</h3>
        <div className="vg-toolbar" role="toolbar" aria-label={`${title} chart controls`}>
          <label className="vg-inline-field">
            Y scale{' '}
            <select value={yScale} onChange={(e) => onYScaleChange(e.target.value as YScale)}>
              {Y_SCALES.map((s) => (
                <option key={s} value={s}>{Y_SCALE_LABELS[s]}</option>
              ))}
            </select>
          </label>
          <button type="button" className="vg-btn" onClick={() => setView(null)} disabled={!view && !yLimits} title="Fit the axes to the data and follow new points (key 0)">
            Fit
          </button>
          {sharedX && (
            <button type="button" className="vg-btn" aria-pressed={showTable} onClick={() => setShowTable((s) => !s)}>
              Table
            </button>
          )}
          <details className="vg-menu" ref={exportMenu}>
            <summary className="vg-btn">Export</summary>
            <div className="vg-menu-body">
              <button type="button" className="vg-btn" onClick={choose(() => void exportImage('png'))}>PNG</button>
              <button type="button" className="vg-btn" onClick={choose(() => void exportImage('svg'))}>SVG</button>
              {sharedX && (
                <>
                  <button type="button" className="vg-btn" onClick={choose(() => downloadText(seriesToCsv(table()), `${filename}.csv`, 'text/csv'))}>CSV</button>
                  <button type="button" className="vg-btn" onClick={choose(() => downloadText(seriesToJson(table()), `${filename}.json`, 'application/json'))}>JSON</button>
                </>
              )}
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
      <div
        className="vg-plot"
        role="img"
        tabIndex={0}
        aria-label={summary}
        aria-describedby={keysOn ? keysId : undefined}
        aria-keyshortcuts={keysOn ? CHART_KEYS : undefined}
        onKeyDown={onKeyDown}
        style={{ height }}
        data-testid="curve-plot"
        data-renderer={figure.traces[0]?.type ?? curveTraceType()}
        data-view={view ? 'zoomed' : 'fit'}
        data-x-range={shown.x.map((v) => v.toPrecision(6)).join(' ')}
      >
        <PlotlyPlot data={figure.traces} layout={layout} onRelayout={onRelayout} className="vg-plotly" />
        {empty && <div className="vg-plot-empty">No data yet.</div>}
      </div>
      <ul className="vg-chart-legend" aria-label={`${title} series (press to hide or show)`}>
        {series.map((s, k) => {
          const style = s.style ?? SERIES_STYLES[k % SERIES_STYLES.length];
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
        {figure.symlogC !== null && <span> Symlog: linear within ±{formatValue(figure.symlogC)}, logarithmic beyond.</span>}
        {view && <span className="vg-zoomed"> Zoomed: not following new data. Fit to follow again.</span>}
      </figcaption>
      <p className="vg-chart-keys">
        <span id={keysId}>{keysOn ? 'Keys on the focused plot: + and − zoom, arrows pan, 0 fits.' : 'Chart keys are off.'}</span>{' '}
        <label className="vg-check">
          <input type="checkbox" checked={keysOn} onChange={(e) => setChartKeysEnabled(e.target.checked)} /> Chart keys
        </label>
      </p>
      {showTable && sharedX && (
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

interface LayoutOptions {
  xTitle: string;
  yTitle?: string;
  yScale: YScale;
  view: View;
  integerX: boolean;
  symlogC: number | null;
  height: number;
}

/** The Plotly layout of a chart: our ranges (axis units), whole-step ticks on step axes, symlog tick labels. */
export function plotLayout({ xTitle, yTitle, yScale, view, integerX, symlogC, height }: LayoutOptions): object {
  // Fixed margins, no automargin: automargin makes Plotly lay the plot out twice on every update.
  // Tick labels may overflow (ticklabeloverflow 'allow'): otherwise Plotly measures every label's box
  // on every redraw to hide those past the plot (a tenth of a redraw in a CPU profile here), and with
  // the fixed margins and ranges set by the chart, none is.
  const axis = { gridcolor: '#e5e7eb', linecolor: '#9ca3af', zerolinecolor: '#9ca3af', ticks: 'outside', automargin: false, ticklabeloverflow: 'allow' };
  const xRange: Range = view.x;
  const symTicks = yScale === 'symlog' && symlogC !== null ? symlogTicks(view.y, symlogC, formatValue) : null;
  return {
    font: FONT,
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#ffffff',
    margin: { l: 68, r: 16, t: 8, b: 44 },
    height,
    autosize: true,
    showlegend: false,
    dragmode: 'zoom',
    hovermode: 'closest',
    uirevision: 'chart',
    xaxis: {
      ...axis,
      title: { text: xTitle },
      range: xRange,
      autorange: false,
      zeroline: false,
      ...(integerX ? { tickmode: 'linear', tick0: 0, dtick: integerTickStep(xRange), tickformat: 'd' } : {}),
    },
    yaxis: {
      ...axis,
      title: { text: yTitle ?? '' },
      type: yScale === 'log' ? 'log' : 'linear',
      range: view.y,
      autorange: false,
      exponentformat: 'power',
      ...(symTicks ? { tickmode: 'array', tickvals: symTicks.values, ticktext: symTicks.labels } : {}),
    },
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
