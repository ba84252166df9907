/**
 * A Plotly plot that follows its props: each change of `data` or `layout` is drawn with
 * Plotly.react (a diff, not a new plot), and `layout.uirevision` keeps what the user did in the
 * plot across updates. Plotly (its strict bundle, 5 MB, with WebGL traces) is loaded once, when
 * the first plot mounts. Draws are queued page-wide and run one per task, so charts updated in the same render
 * never add up to one long main-thread task. Zoom, pan and double-click come back through
 * `onRelayout` as axis ranges, or 'fit' when the user asked Plotly to autorange.
 *
 * Props: data: Plotly traces; layout: Plotly layout; onRelayout?(change); className?.
 */
import { useEffect, useRef } from 'react';
import type { Range } from './chartView.ts';
import { curveTraceType } from './webgl.ts';

/** The part of Plotly's API the studio uses (the partial bundle ships no types). */
export interface PlotlyApi {
  react(el: HTMLElement, data: readonly object[], layout: object, config: object): Promise<unknown>;
  purge(el: HTMLElement): void;
  Plots: { resize(el: HTMLElement): Promise<unknown> };
  downloadImage(figure: { data: readonly object[]; layout: object }, options: { format: 'png' | 'svg'; filename: string; width: number; height: number }): Promise<string>;
}

/** What Plotly adds to an element it has drawn into. */
type PlottedElement = HTMLElement & { on(event: 'plotly_relayout', f: (e: Record<string, unknown>) => void): void };

let loading: Promise<PlotlyApi> | null = null;

/** Plotly, loaded on first use (and from then on at once), warmed up before it is handed out. */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('./plotly.ts').then(async (m) => {
    const plotly = m.Plotly as unknown as PlotlyApi;
    await warmUp(plotly);
    return plotly;
  });
  return loading;
}

/**
 * Plotly's first plot with points costs several times a later one (its drawing code and styles
 * are set up then, and for WebGL traces the shaders and buffers: ~300 ms against ~20 ms here). Paying that on a throwaway plot while the page
 * loads keeps it out of a training run, where the first points would otherwise pay it.
 */
async function warmUp(plotly: PlotlyApi): Promise<void> {
  if (typeof document === 'undefined') return;
  const div = document.createElement('div');
  div.setAttribute('aria-hidden', 'true');
  div.style.cssText = 'position:fixed;left:-10000px;top:0;width:400px;height:200px;visibility:hidden';
  document.body.appendChild(div);
  try {
    const trace = { type: curveTraceType(), mode: 'lines+markers', x: [1, 2, 3], y: [1, 3, 2], marker: { size: [7, 0, 7] } };
    await plotly.react(div, [trace, { ...trace, mode: 'lines', opacity: 0.25 }], { width: 400, height: 200, showlegend: false }, { displayModeBar: false });
  } finally {
    plotly.purge(div);
    div.remove();
  }
}

/** Draws waiting for their own task, in order; one element per plot (a newer draw replaces its waiting one). */
const queue = new Map<HTMLElement, () => void>();
let draining = false;

function enqueueDraw(el: HTMLElement, draw: () => void): void {
  queue.delete(el);
  queue.set(el, draw);
  if (draining) return;
  draining = true;
  const next = () => {
    const first = queue.entries().next();
    if (first.done) {
      draining = false;
      return;
    }
    const [key, run] = first.value;
    queue.delete(key);
    run();
    setTimeout(next, 0);
  };
  setTimeout(next, 0);
}

export interface RelayoutChange {
  x?: Range;
  y?: Range;
}

/** The axis ranges a plotly_relayout event set, 'fit' for an autorange, or null when it set neither. */
export function relayoutChange(e: Record<string, unknown>): RelayoutChange | 'fit' | null {
  if (e['xaxis.autorange'] === true || e['yaxis.autorange'] === true) return 'fit';
  const pair = (axis: 'xaxis' | 'yaxis'): Range | undefined => {
    const whole = e[`${axis}.range`];
    if (Array.isArray(whole) && whole.length === 2) return [Number(whole[0]), Number(whole[1])];
    const a = e[`${axis}.range[0]`];
    const b = e[`${axis}.range[1]`];
    return a !== undefined && b !== undefined ? [Number(a), Number(b)] : undefined;
  };
  const x = pair('xaxis');
  const y = pair('yaxis');
  if (!x && !y) return null;
  return { ...(x ? { x } : {}), ...(y ? { y } : {}) };
}

const CONFIG = { displaylogo: false, displayModeBar: false, responsive: true, doubleClick: 'autosize', showTips: false } as const;

export interface PlotlyPlotProps {
  data: readonly object[];
  layout: object;
  onRelayout?: (change: RelayoutChange | 'fit') => void;
  className?: string;
}

export function PlotlyPlot({ data, layout, onRelayout, className }: PlotlyPlotProps) {
  const el = useRef<HTMLDivElement>(null);
  const relayout = useRef(onRelayout);
  relayout.current = onRelayout;
  // Set once Plotly has drawn into the element (its event API exists from then on).
  const plotted = useRef<PlotlyApi | null>(null);

  useEffect(() => {
    const div = el.current;
    if (!div) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Plotly follows window resizes itself (responsive); a panel opening or closing is caught here.
    const resize = new ResizeObserver(() => {
      if (timer !== null || !plotted.current) return;
      timer = setTimeout(() => {
        timer = null;
        const plotly = plotted.current;
        if (plotly) enqueueDraw(div, () => div.isConnected && void plotly.Plots.resize(div));
      }, 200);
    });
    resize.observe(div);
    return () => {
      resize.disconnect();
      if (timer !== null) clearTimeout(timer);
      queue.delete(div);
      plotted.current?.purge(div);
      plotted.current = null;
    };
  }, []);

  useEffect(() => {
    const div = el.current;
    if (!div) return;
    let cancelled = false;
    void loadPlotly().then((Plotly) => {
      if (cancelled) return;
      enqueueDraw(div, () => {
        if (cancelled || !div.isConnected) return;
        void Plotly.react(div, data, layout, CONFIG);
        if (!plotted.current) {
          plotted.current = Plotly;
          (div as unknown as PlottedElement).on('plotly_relayout', (e) => {
            const change = relayoutChange(e);
            if (change) relayout.current?.(change);
          });
        }
      });
    });
    return () => {
      cancelled = true;
    };
  }, [data, layout]);

  return <div ref={el} className={className} />;
}
