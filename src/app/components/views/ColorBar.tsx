/**
 * A vertical colour bar: the colormap as a CSS gradient (low at the bottom) with ticks on round
 * numbers inside its limits (1-2-5 steps), and a title such as "Velocity (m/s)". The exact limits
 * are in its accessible name.
 *
 * Props: colormap: ColormapName; lo, hi: the limits the rasters use; label: string (title, also
 * the accessible name); format?: (v) => string for tick text (default: the number, with a true
 * minus sign).
 */
import { rangeTicks } from '../../charts/axisTicks.ts';
import { cssGradient, type ColormapName } from '../../charts/colormap.ts';

export interface ColorBarProps {
  colormap: ColormapName;
  lo: number;
  hi: number;
  label: string;
  format?: (v: number) => string;
}

const defaultFormat = (v: number) => String(v).replace('-', '−');
const limit = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toString() : Number(v.toPrecision(3)).toString()).replace('-', '−');

export function ColorBar({ colormap, lo, hi, label, format = defaultFormat }: ColorBarProps) {
  const ticks = rangeTicks(lo, hi, 5);
  return (
    <figure className="vg-colorbar" role="img" aria-label={`${label}: colour scale from ${limit(lo)} to ${limit(hi)}`}>
      <figcaption className="vg-colorbar-label">{label}</figcaption>
      <div className="vg-colorbar-body">
        <div className="vg-colorbar-ramp" style={{ background: cssGradient(colormap) }} />
        <div className="vg-colorbar-ticks" aria-hidden="true">
          {ticks.map((t) => (
            <span key={t.value} style={{ bottom: `${t.fraction * 100}%` }}>
              {format(t.value)}
            </span>
          ))}
        </div>
      </div>
    </figure>
  );
}
