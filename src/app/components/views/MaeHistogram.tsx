/**
 * A histogram of per-sample MAE (m/s), drawn by Plotly (loaded on first use, like every Plotly
 * figure in the studio); its accessible name gives the count, range and median in words.
 */
import { useEffect, useRef } from 'react';

export interface MaeHistogramProps {
  /** Per-sample MAE in m/s. */
  values: readonly number[];
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function MaeHistogram({ values }: MaeHistogramProps) {
  const plot = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    const el = plot.current;
    void import('../../charts/plotly.ts').then(({ Plotly }) => {
      if (cancelled || !el) return;
      void Plotly.react(
        el,
        [{ type: 'histogram', x: [...values], marker: { color: '#3b6ea5' }, hovertemplate: '%{x} m/s: %{y} samples<extra></extra>' }],
        {
          margin: { l: 44, r: 12, t: 8, b: 40 },
          height: 180,
          xaxis: { title: { text: 'MAE per sample (m/s)' }, rangemode: 'tozero' },
          yaxis: { title: { text: 'Samples' }, dtick: values.length <= 10 ? 1 : undefined },
          bargap: 0.05,
        },
        { displayModeBar: false, responsive: true },
      );
    });
    return () => {
      cancelled = true;
    };
  }, [values]);
  const finite = values.filter(Number.isFinite);
  const label = finite.length
    ? `Histogram of MAE per sample: ${finite.length} samples from ${Math.min(...finite).toFixed(1)} to ${Math.max(...finite).toFixed(1)} m/s, median ${median(finite).toFixed(1)} m/s`
    : 'Histogram of MAE per sample: no samples';
  return <div ref={plot} className="vg-histogram" role="img" aria-label={label} data-testid="mae-histogram" />;
}
