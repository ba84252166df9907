/**
 * The controls loss-curve views share: the x-axis choice and TensorBoard's smoothing slider.
 *
 * XAxisSelect props: value: XAxisKind; onChange(kind); disabled?.
 * SmoothingSlider props: value: number (0–0.999); onChange(weight).
 */
import { X_AXES, X_AXIS_LABELS, type XAxisKind } from './lossHistory.ts';

export function XAxisSelect({ value, onChange, disabled = false }: { value: XAxisKind; onChange: (kind: XAxisKind) => void; disabled?: boolean }) {
  return (
    <label className="vg-inline-field">
      X-axis{' '}
      <select value={value} onChange={(e) => onChange(e.target.value as XAxisKind)} disabled={disabled}>
        {X_AXES.map((k) => (
          <option key={k} value={k}>{X_AXIS_LABELS[k]}</option>
        ))}
      </select>
    </label>
  );
}

export function SmoothingSlider({ value, onChange }: { value: number; onChange: (weight: number) => void }) {
  return (
    <label className="vg-inline-field vg-slider-field">
      Smoothing
      <input type="range" min={0} max={0.999} step={0.001} value={value} onChange={(e) => onChange(Number(e.target.value))} aria-valuetext={value.toFixed(3)} />
      <output className="vg-num">{value.toFixed(3)}</output>
    </label>
  );
}
