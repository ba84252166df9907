/**
 * One live curve chart (Plotly, lazily loaded) with its own controls. Used by LossChart and
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
 * Behaviour: follows new data until the user zooms or pans; a zoom survives updates (Plotly
 * uirevision) until "Fit" (or a double-click). The y-range is outlier-robust and the chart says
 * how many points are off-scale; manual y-limits override it. Table view, summary text, and
 * exports (PNG, SVG via Plotly.downloadImage; CSV, JSON of the raw values).
 */
import { lazy, Suspense, useEffect, useId, useMemo, useRef, useState } from 'react';
import { seriesToCsv, seriesToJson } from './csv.ts';
import { buildCurveFigure, curveSummary, formatValue, SERIES_STYLES, tableRows, type CurveSeries } from './curveTraces.ts';
import { downloadText } from './download.ts';
import { useThrottledValue } from './useThrottledValue.ts';

const Plot = lazy(() => import('./plotly.ts'));

/**
 * Drawn points per curve. Plotly's SVG redraw grows with the points drawn: 8 curves of 2000 points
 * took 40–200 ms per chart on a 2-core machine, 8 of 500 about 20 ms. Min/max downsampling to
 * about two points per horizontal pixel loses nothing visible; the faint raw curve gets half.
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

type RelayoutEvent = Record<string, unknown>;

export function CurveChart(props: CurveChartProps) {
  const { title, x, xTitle, xName, series, revision, smoothing, logY, onLogYChange, filename, yTitle, markers = 'sparse', height = 240 } = props;
  const id = useId();
  const [showTable, setShowTable] = useState(false);
  // The y-range in force when the user zoomed (undefined: not zoomed, follow the data).
  const [frozenY, setFrozenY] = useState<[number, number] | null | undefined>(undefined);
  const zoomed = frozenY !== undefined;
  const [uiRevision, setUiRevision] = useState(0);
  const [yLimitText, setYLimitText] = useState<[string, string]>(['', '']);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set());
  const graphDiv = useRef<HTMLElement | null>(null);

  const yLimits = useMemo<[number, number] | null>(() => {
    const lo = Number(yLimitText[0]);
    const hi = Number(yLimitText[1]);
    return yLimitText[0] !== '' && yLimitText[1] !== '' && Number.isFinite(lo) && Number.isFinite(hi) && hi > lo ? [lo, hi] : null;
  }, [yLimitText]);
  const yLimitError = (yLimitText[0] !== '' || yLimitText[1] !== '') && !yLimits ? 'Enter both limits, with max greater than min (and > 0 on a log scale).' : null;
  const names = series.map((s) => s.name).join('\u0000');

  // Keyed on a throttled data version, not on array identity: arrays may grow in place, and a
  // live run must not make Plotly redraw on every event batch.
  const dataVersion = useThrottledValue(useMemo(() => ({ x, revision }), [x, revision]), REDRAW_MS);
  const figure = useMemo(
    () => buildCurveFigure(x, series, { smoothing, logY, maxPoints: MAX_POINTS, rawMaxPoints: RAW_MAX_POINTS, yLimits, markers, hidden }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [dataVersion, names, smoothing, logY, yLimits, markers, hidden],
  );

  const yRange = zoomed ? frozenY : figure.yRange;
  // A cleared history (a new run) starts unzoomed.
  useEffect(() => {
    if (x.length === 0) setFrozenY(undefined);
  }, [x.length]);

  const layout = useMemo(
    () => ({
      // Plotly keeps the user's zoom across updates while this value stays the same.
      uirevision: `${uiRevision}:${logY}`,
      height,
      autosize: true,
      margin: { l: 64, r: 16, t: 8, b: 44 },
      font: { family: 'system-ui, -apple-system, "Segoe UI", sans-serif', size: 12, color: '#1f2937' },
      paper_bgcolor: '#ffffff',
      plot_bgcolor: '#ffffff',
      // The legend is DOM (below): Plotly's own re-measures its text on every redraw.
      showlegend: false,
      hovermode: 'closest',
      xaxis: { title: { text: xTitle, standoff: 6 }, autorange: true, zeroline: false, gridcolor: '#e5e7eb', linecolor: '#9ca3af', ticks: 'outside' },
      yaxis: {
        title: { text: yTitle ?? '' },
        type: logY ? 'log' : 'linear',
        ...(yRange ? { range: yRange, autorange: false } : { autorange: true }),
        exponentformat: 'power',
        gridcolor: '#e5e7eb',
        linecolor: '#9ca3af',
        zerolinecolor: '#9ca3af',
        ticks: 'outside',
      },
    }),
    [uiRevision, logY, height, xTitle, yTitle, yRange?.[0], yRange?.[1]],
  );

  const config = useMemo(
    () => ({
      displaylogo: false,
      responsive: true,
      modeBarButtonsToRemove: ['lasso2d', 'select2d', 'toImage'],
    }),
    [],
  );

  const onRelayout = (ev: RelayoutEvent) => {
    const keys = Object.keys(ev);
    if (keys.some((k) => k.startsWith('xaxis.range') || k.startsWith('yaxis.range'))) {
      if (!zoomed) setFrozenY(figure.yRange);
    }
    else if (ev['xaxis.autorange'] === true || ev['yaxis.autorange'] === true) fit();
  };

  function fit() {
    setFrozenY(undefined);
    setUiRevision((r) => r + 1);
  }

  const table = () => ({ xName, x, columns: series.map((s) => ({ name: s.name, values: s.y })) });
  const exportImage = async (format: 'png' | 'svg') => {
    if (!graphDiv.current) return;
    const { Plotly } = await import('./plotly.ts');
    await Plotly.downloadImage(graphDiv.current, { format, filename, width: 1000, height: 500 });
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
          <Suspense fallback={<div className="vg-plot-loading">Loading chart…</div>}>
            <Plot
              data={figure.traces as unknown[]}
              layout={layout}
              config={config}
              style={{ width: '100%', height }}
              useResizeHandler
              onInitialized={(_, gd) => (graphDiv.current = gd)}
              onUpdate={(_, gd) => (graphDiv.current = gd)}
              onPurge={() => (graphDiv.current = null)}
              onRelayout={onRelayout}
            />
          </Suspense>
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
