/**
 * A curve chart's plot area drawn on one canvas: grid, axes with round ticks (linear or log y),
 * faint raw curves behind, smoothed curves with their dash patterns and shape markers, gaps at
 * non-finite values. A redraw is a few milliseconds however the data grew, unlike an SVG chart
 * library's relayout, so a live run never holds the page's main thread for long.
 *
 * Props (CurveCanvasProps):
 * - traces: CurveTrace[] (from buildCurveFigure; y in data units).
 * - xRange: [lo, hi] in data units; yRange: [lo, hi] in axis units (log10 of the data on a log axis).
 * - logY: boolean; xTitle, yTitle: axis titles; height: px.
 * - onZoom(x, y): the user dragged a box (y in axis units; a flat drag keeps the y-range).
 * - onFit(): the user double-clicked to fit the data again.
 *
 * Hovering shows the nearest point's series, x and value.
 */
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import { formatValue, type CurveTrace } from './curveTraces.ts';
import { axisMap, linearTicks, logTicks } from './plotScale.ts';

export interface CurveCanvasProps {
  traces: readonly CurveTrace[];
  xRange: [number, number];
  yRange: [number, number];
  logY: boolean;
  xTitle: string;
  yTitle?: string;
  height: number;
  onZoom: (x: [number, number], y: [number, number]) => void;
  onFit: () => void;
}

const MARGIN = { l: 64, r: 16, t: 8, b: 44 };
const FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
const DASH_PATTERNS: Record<string, number[]> = { solid: [], dash: [6, 3], dot: [2, 2], dashdot: [6, 2, 2, 2], longdash: [10, 3], longdashdot: [10, 2, 2, 2] };
/** Markers on a long curve: about this many, evenly spread (the shape cue, not every point). */
const SPARSE_MARKERS = 12;

interface Frame {
  width: number;
  x: ReturnType<typeof axisMap>;
  y: ReturnType<typeof axisMap>;
}

export function CurveCanvas({ traces, xRange, yRange, logY, xTitle, yTitle, height, onZoom, onFit }: CurveCanvasProps) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<Frame | null>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ left: number; top: number; text: string } | null>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.clientWidth));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    if (!c || width <= MARGIN.l + MARGIN.r) return;
    frame.current = draw(c, width, height, traces, xRange, yRange, logY, xTitle, yTitle ?? '');
  }, [width, height, traces, xRange[0], xRange[1], yRange[0], yRange[1], logY, xTitle, yTitle]);

  const local = (e: ReactPointerEvent) => {
    const r = box.current!.getBoundingClientRect();
    return { px: e.clientX - r.left, py: e.clientY - r.top };
  };

  const onPointerDown = (e: ReactPointerEvent) => {
    if (e.button !== 0) return;
    const { px, py } = local(e);
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    setDrag({ x0: px, y0: py, x1: px, y1: py });
    setHover(null);
  };

  const onPointerMove = (e: ReactPointerEvent) => {
    const { px, py } = local(e);
    if (drag) {
      setDrag({ ...drag, x1: px, y1: py });
      return;
    }
    setHover(nearest(frame.current, traces, logY, px, py));
  };

  const onPointerUp = () => {
    const f = frame.current;
    if (!drag || !f) return setDrag(null);
    const dx = Math.abs(drag.x1 - drag.x0);
    const dy = Math.abs(drag.y1 - drag.y0);
    setDrag(null);
    if (dx < 5) return;
    const xs = [f.x.fromPx(drag.x0), f.x.fromPx(drag.x1)].sort((a, b) => a - b) as [number, number];
    const ys = dy < 5 ? yRange : ([f.y.fromPx(drag.y0), f.y.fromPx(drag.y1)].sort((a, b) => a - b) as [number, number]);
    onZoom(xs, ys);
  };

  return (
    <div
      ref={box}
      className="vg-curve-canvas"
      style={{ position: 'relative', height, touchAction: 'none', cursor: 'crosshair' }}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerLeave={() => setHover(null)}
      onDoubleClick={onFit}
    >
      <canvas ref={canvas} style={{ display: 'block', width: '100%', height }} />
      {drag && Math.abs(drag.x1 - drag.x0) >= 5 ? (
        <div
          className="vg-zoom-box"
          style={{
            left: Math.min(drag.x0, drag.x1),
            width: Math.abs(drag.x1 - drag.x0),
            top: Math.abs(drag.y1 - drag.y0) < 5 ? MARGIN.t : Math.min(drag.y0, drag.y1),
            height: Math.abs(drag.y1 - drag.y0) < 5 ? height - MARGIN.t - MARGIN.b : Math.abs(drag.y1 - drag.y0),
          }}
        />
      ) : null}
      {hover ? (
        <div className="vg-hover" style={{ left: hover.left, top: hover.top }}>
          {hover.text}
        </div>
      ) : null}
    </div>
  );
}

/** The nearest drawn (non-raw) point to the pointer, within 30 px, as a tooltip. */
function nearest(f: Frame | null, traces: readonly CurveTrace[], logY: boolean, px: number, py: number): { left: number; top: number; text: string } | null {
  if (!f) return null;
  let best = 900;
  let found: { left: number; top: number; text: string } | null = null;
  for (const t of traces) {
    if (t.hoverinfo === 'skip') continue;
    for (let i = 0; i < t.x.length; i++) {
      const v = t.y[i];
      if (!Number.isFinite(v) || (logY && v <= 0)) continue;
      const qx = f.x.toPx(t.x[i]);
      const qy = f.y.toPx(logY ? Math.log10(v) : v);
      const d = (qx - px) ** 2 + (qy - py) ** 2;
      if (d < best) {
        best = d;
        found = { left: qx, top: qy, text: `${t.name}: ${formatValue(v)} at ${formatValue(t.x[i])}` };
      }
    }
  }
  return found;
}

/** Draws the whole plot and returns the pixel maps it used (for hover and zoom). */
function draw(
  c: HTMLCanvasElement,
  width: number,
  height: number,
  traces: readonly CurveTrace[],
  xRange: [number, number],
  yRange: [number, number],
  logY: boolean,
  xTitle: string,
  yTitle: string,
): Frame {
  const dpr = window.devicePixelRatio || 1;
  if (c.width !== Math.round(width * dpr) || c.height !== Math.round(height * dpr)) {
    c.width = Math.round(width * dpr);
    c.height = Math.round(height * dpr);
  }
  const ctx = c.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  const left = MARGIN.l;
  const right = width - MARGIN.r;
  const top = MARGIN.t;
  const bottom = height - MARGIN.b;
  const x = axisMap(xRange[0], xRange[1], left, right);
  const y = axisMap(yRange[0], yRange[1], bottom, top);

  ctx.font = FONT;
  ctx.lineWidth = 1;
  const xTicks = linearTicks(xRange[0], xRange[1], Math.max(2, Math.floor((right - left) / 80)));
  const yTicks = logY ? logTicks(yRange[0], yRange[1], 5) : linearTicks(yRange[0], yRange[1], 5);
  ctx.strokeStyle = '#e5e7eb';
  ctx.beginPath();
  for (const t of xTicks) {
    const p = Math.round(x.toPx(t.at)) + 0.5;
    ctx.moveTo(p, top);
    ctx.lineTo(p, bottom);
  }
  for (const t of yTicks) {
    const p = Math.round(y.toPx(t.at)) + 0.5;
    ctx.moveTo(left, p);
    ctx.lineTo(right, p);
  }
  ctx.stroke();
  if (!logY && yRange[0] < 0 && yRange[1] > 0) {
    ctx.strokeStyle = '#9ca3af';
    ctx.beginPath();
    const p = Math.round(y.toPx(0)) + 0.5;
    ctx.moveTo(left, p);
    ctx.lineTo(right, p);
    ctx.stroke();
  }

  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, right - left, bottom - top);
  ctx.clip();
  for (const t of traces) drawTrace(ctx, t, x.toPx, (v) => y.toPx(v), logY);
  ctx.restore();

  // Axes, ticks and labels.
  ctx.strokeStyle = '#9ca3af';
  ctx.fillStyle = '#1f2937';
  ctx.beginPath();
  ctx.moveTo(left + 0.5, top);
  ctx.lineTo(left + 0.5, bottom + 0.5);
  ctx.lineTo(right, bottom + 0.5);
  for (const t of xTicks) {
    const p = Math.round(x.toPx(t.at)) + 0.5;
    ctx.moveTo(p, bottom);
    ctx.lineTo(p, bottom + 5);
  }
  for (const t of yTicks) {
    const p = Math.round(y.toPx(t.at)) + 0.5;
    ctx.moveTo(left - 5, p);
    ctx.lineTo(left, p);
  }
  ctx.stroke();
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of xTicks) ctx.fillText(t.label, x.toPx(t.at), bottom + 7);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) ctx.fillText(t.label, left - 7, y.toPx(t.at));
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(xTitle, (left + right) / 2, height - 4);
  if (yTitle) {
    ctx.save();
    ctx.translate(14, (top + bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(yTitle, 0, 0);
    ctx.restore();
  }
  return { width, x, y };
}

function drawTrace(ctx: CanvasRenderingContext2D, t: CurveTrace, xPx: (v: number) => number, yPx: (v: number) => number, logY: boolean): void {
  const at = (i: number): number | null => {
    const v = t.y[i];
    if (!Number.isFinite(v) || (logY && v <= 0)) return null;
    return yPx(logY ? Math.log10(v) : v);
  };
  ctx.globalAlpha = t.opacity;
  ctx.strokeStyle = t.line.color;
  ctx.lineWidth = t.line.width;
  ctx.setLineDash(DASH_PATTERNS[t.line.dash] ?? []);
  ctx.beginPath();
  let pen = false;
  let lone: number[] = [];
  for (let i = 0; i < t.x.length; i++) {
    const py = at(i);
    if (py === null) {
      pen = false;
      continue;
    }
    const px = xPx(t.x[i]);
    if (pen) ctx.lineTo(px, py);
    else {
      ctx.moveTo(px, py);
      // A point with gaps on both sides draws no line: remember it for a dot.
      if (i + 1 >= t.x.length || at(i + 1) === null) lone.push(i);
    }
    pen = true;
  }
  ctx.stroke();
  ctx.setLineDash([]);
  if (t.mode === 'lines+markers' && t.marker) {
    const n = t.x.length;
    const every = t.marker.maxdisplayed ? Math.max(1, Math.ceil(n / t.marker.maxdisplayed)) : 1;
    ctx.fillStyle = t.marker.color;
    ctx.strokeStyle = t.marker.color;
    for (let i = 0; i < n; i += every) {
      const py = at(i);
      if (py !== null) drawMarker(ctx, t.marker.symbol, xPx(t.x[i]), py, t.marker.size / 2);
    }
    lone = [];
  }
  ctx.fillStyle = t.line.color;
  for (const i of lone) {
    const py = at(i)!;
    ctx.beginPath();
    ctx.arc(xPx(t.x[i]), py, Math.max(1.5, t.line.width), 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
}

function drawMarker(ctx: CanvasRenderingContext2D, symbol: string, x: number, y: number, r: number): void {
  ctx.beginPath();
  switch (symbol) {
    case 'square':
      ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      break;
    case 'diamond':
      ctx.moveTo(x, y - r * 1.2);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r * 1.2);
      ctx.lineTo(x - r, y);
      break;
    case 'triangle-up':
      ctx.moveTo(x, y - r * 1.1);
      ctx.lineTo(x + r * 1.1, y + r * 0.8);
      ctx.lineTo(x - r * 1.1, y + r * 0.8);
      break;
    case 'x':
      ctx.lineWidth = 2;
      ctx.moveTo(x - r, y - r);
      ctx.lineTo(x + r, y + r);
      ctx.moveTo(x + r, y - r);
      ctx.lineTo(x - r, y + r);
      ctx.stroke();
      return;
    case 'star':
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        const rr = k % 2 === 0 ? r * 1.2 : r * 0.5;
        if (k === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
        else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      }
      break;
    default:
      ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
  ctx.closePath();
  ctx.fill();
}
