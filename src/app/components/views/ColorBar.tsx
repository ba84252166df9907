/**
 * A vertical colour bar: the colormap as a CSS gradient (low at the bottom) with its limits and
 * three inner ticks, and a title such as "Velocity (m/s)".
 *
 * Props: colormap: ColormapName; lo, hi: the limits the rasters use; label: string (title, also
 * the accessible name); format?: (v) => string for tick text (default: rounded to whole numbers).
 */
import { cssGradient, type ColormapName } from '../../charts/colormap.ts';

export interface ColorBarProps {
  colormap: ColormapName;
  lo: number;
  hi: number;
  label: string;
  format?: (v: number) => string;
}

const defaultFormat = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toString() : Number(v.toPrecision(3)).toString()).replace('-', '−');

export function ColorBar({ colormap, lo, hi, label, format = defaultFormat }: ColorBarProps) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ f, v: lo + (hi - lo) * f }));
  return (
    <figure className="vg-colorbar" role="img" aria-label={`${label}: colour scale from ${format(lo)} to ${format(hi)}`}>
      <figcaption className="vg-colorbar-label">{label}</figcaption>
      <div className="vg-colorbar-body">
        <div className="vg-colorbar-ramp" style={{ background: cssGradient(colormap) }} />
        <div className="vg-colorbar-ticks" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t.f} style={{ bottom: `${t.f * 100}%` }}>{format(t.v)}</span>
          ))}
        </div>
      </div>
    </figure>
  );
}
