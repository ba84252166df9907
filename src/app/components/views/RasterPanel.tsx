/**
 * A raster (velocity map, shot gather) on a <canvas> with axes in physical units: the canvas holds
 * one pixel per cell (putImageData, no scaling work on the main thread) and CSS scales it; ticks
 * and labels are DOM text over a grid so they stay sharp and findable. Used by VelocityMaps and
 * ShotGather.
 *
 * Props (RasterPanelProps):
 * - title: string: the panel's heading ("Predicted velocity").
 * - values: ArrayLike<number>: rows × cols, row-major, first row drawn at the top (depth/time down).
 * - rows, cols: number; lo, hi: colour limits; colormap: ColormapName.
 * - label: string: the canvas's accessible description (role="img").
 * - xLabel, yLabel: axis titles; xTicks, yTicks: AxisTick[] (fractions along each axis).
 * - aspect?: CSS aspect-ratio of the plot area (cols/rows by default; pass e.g. 0.7 to stretch).
 * - markerFraction?: draws a vertical guide line at this fraction of the width (profile offset).
 * - headingLevel?: 3 (default) or 4.
 * - pixelated?: true (default) shows cells as crisp squares (maps are magnified); false lets the
 *   browser filter, for rasters shrunk on screen (a 1000-sample gather) where nearest-neighbour
 *   would drop whole rows.
 */
import { useLayoutEffect, useRef } from 'react';
import type { AxisTick } from '../../charts/axisTicks.ts';
import { valuesToRgba, type ColormapName } from '../../charts/colormap.ts';

export interface RasterPanelProps {
  title: string;
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  lo: number;
  hi: number;
  colormap: ColormapName;
  label: string;
  xLabel: string;
  yLabel: string;
  xTicks: AxisTick[];
  yTicks: AxisTick[];
  aspect?: number;
  markerFraction?: number | null;
  headingLevel?: 3 | 4;
  pixelated?: boolean;
}

export function RasterPanel(p: RasterPanelProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || p.values.length < p.rows * p.cols) return;
    const image = ctx.createImageData(p.cols, p.rows);
    valuesToRgba(p.values, p.lo, p.hi, p.colormap, image.data);
    ctx.putImageData(image, 0, 0);
  }, [p.values, p.rows, p.cols, p.lo, p.hi, p.colormap]);
  const Heading = p.headingLevel === 4 ? 'h4' : 'h3';
  const aspect = p.aspect ?? p.cols / p.rows;
  return (
    <figure className="vg-raster">
      <Heading className="vg-raster-title">{p.title}</Heading>
      <div className="vg-raster-grid">
        <div className="vg-axis-label vg-axis-label-y" aria-hidden="true">{p.yLabel}</div>
        <div className="vg-ticks-y" aria-hidden="true">
          {p.yTicks.map((t) => (
            <span key={t.value} style={{ top: `${t.fraction * 100}%` }}>{t.value}</span>
          ))}
        </div>
        <div className="vg-raster-plot" style={{ aspectRatio: String(aspect) }}>
          <canvas ref={canvas} width={p.cols} height={p.rows} role="img" aria-label={p.label} className={p.pixelated === false ? 'vg-raster-canvas vg-raster-smooth' : 'vg-raster-canvas'} />
          {p.markerFraction != null && <div className="vg-raster-marker" style={{ left: `${p.markerFraction * 100}%` }} aria-hidden="true" />}
        </div>
        <div />
        <div />
        <div className="vg-ticks-x" aria-hidden="true">
          {p.xTicks.map((t) => (
            <span key={t.value} style={{ left: `${t.fraction * 100}%` }}>{t.value}</span>
          ))}
        </div>
        <div />
        <div />
        <div className="vg-axis-label vg-axis-label-x">{p.xLabel}</div>
      </div>
    </figure>
  );
}
