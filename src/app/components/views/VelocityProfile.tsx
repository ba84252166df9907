/**
 * A 1-D vertical velocity profile at one offset: velocity across, depth down; truth solid,
 * prediction dashed (told apart by line style and by the legend, not colour alone). Plain SVG:
 * 70 points do not need a chart library.
 *
 * Props: predicted, truth (ArrayLike<number> | null): the column's values top to bottom, m/s;
 * dx: cell size (m); offset: the column's offset (m); range: [lo, hi] m/s for the velocity axis.
 */
import { physicalTicks } from '../../charts/axisTicks.ts';

export interface VelocityProfileProps {
  predicted: ArrayLike<number>;
  truth: ArrayLike<number> | null;
  dx: number;
  offset: number;
  range: [number, number];
}

const W = 220;
const H = 260;
const M = { l: 44, r: 18, t: 10, b: 34 };

export function VelocityProfile({ predicted, truth, dx, offset, range }: VelocityProfileProps) {
  const n = predicted.length;
  const depth = n * dx;
  const [lo, hi] = range[1] > range[0] ? range : [range[0] - 1, range[0] + 1];
  const px = (v: number) => M.l + ((v - lo) / (hi - lo)) * (W - M.l - M.r);
  const py = (d: number) => M.t + (d / depth) * (H - M.t - M.b);
  // Step lines: a cell's velocity holds over its whole depth interval.
  const path = (vals: ArrayLike<number>) => {
    let d = '';
    for (let i = 0; i < vals.length; i++) {
      const v = Math.min(Math.max(vals[i], lo), hi);
      if (!Number.isFinite(vals[i])) continue;
      d += `${d ? 'L' : 'M'}${px(v).toFixed(1)},${py(i * dx).toFixed(1)}L${px(v).toFixed(1)},${py((i + 1) * dx).toFixed(1)}`;
    }
    return d;
  };
  const yTicks = physicalTicks(n, dx, 100);
  const vStep = (hi - lo) / 3;
  const xTicks = [0, 1, 2, 3].map((k) => lo + k * vStep);
  const title = `Vertical profile at offset ${offset} m`;
  return (
    <figure className="vg-profile">
      <h3 className="vg-raster-title">{title}</h3>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={`${title}: true velocity solid line, predicted velocity dashed line, depth 0 to ${depth} m.`}>
        <rect x={M.l} y={M.t} width={W - M.l - M.r} height={H - M.t - M.b} fill="#fff" stroke="#9ca3af" />
        {yTicks.map((t) => (
          <g key={t.value}>
            <line x1={M.l - 4} x2={M.l} y1={py(t.value)} y2={py(t.value)} stroke="#6b7280" />
            <text x={M.l - 6} y={py(t.value) + 3} textAnchor="end" fontSize="10" fill="#374151">{t.value}</text>
          </g>
        ))}
        {xTicks.map((v) => (
          <g key={v}>
            <line x1={px(v)} x2={px(v)} y1={H - M.b} y2={H - M.b + 4} stroke="#6b7280" />
            <text x={px(v)} y={H - M.b + 14} textAnchor="middle" fontSize="10" fill="#374151">{Math.round(v)}</text>
          </g>
        ))}
        <text x={(M.l + W - M.r) / 2} y={H - 4} textAnchor="middle" fontSize="11" fill="#111827">Velocity (m/s)</text>
        <text transform={`translate(11 ${(M.t + H - M.b) / 2}) rotate(-90)`} textAnchor="middle" fontSize="11" fill="#111827">Depth (m)</text>
        {truth && <path d={path(truth)} fill="none" stroke="#111827" strokeWidth="2" />}
        <path d={path(predicted)} fill="none" stroke="#c2410c" strokeWidth="2" strokeDasharray="5 3" />
      </svg>
      <figcaption className="vg-legend">
        {truth && (
          <span><svg width="24" height="8" aria-hidden="true"><line x1="0" x2="24" y1="4" y2="4" stroke="#111827" strokeWidth="2" /></svg> True</span>
        )}
        <span><svg width="24" height="8" aria-hidden="true"><line x1="0" x2="24" y1="4" y2="4" stroke="#c2410c" strokeWidth="2" strokeDasharray="5 3" /></svg> Predicted</span>
      </figcaption>
    </figure>
  );
}
