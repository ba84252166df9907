/**
 * "Validation metrics": G on the validation set after each validated epoch, against epochs
 * completed. Three charts, because the quantities live on different scales: MAE and RMSE (on the
 * normalised scale or in m/s, the user's choice), SSIM, and OpenFWI's validation loss.
 *
 * Props (MetricsChartProps):
 * - validation: readonly ValidationPoint[] ({ epoch (0-based), generatorStep, loss, mae, rmse, ssim,
 *   maeMs, rmseMs }: the trainer's ValidationEvent fits).
 * - yScale: Record<string, YScale>, onYScaleChange(chartId, scale): per-chart y scale; chart ids are
 *   'error', 'ssim', 'validationLoss'.
 * - unit?: 'normalised' | 'ms' (default 'normalised'), onUnitChange?(u): controlled when given.
 */
import { useId, useMemo, useState } from 'react';
import { CurveChart } from './CurveChart.tsx';
import { validationColumns, type ValidationPoint } from './lossHistory.ts';
import type { YScale } from './yScale.ts';

export type ErrorUnit = 'normalised' | 'ms';

export interface MetricsChartProps {
  validation: readonly ValidationPoint[];
  yScale: Record<string, YScale>;
  onYScaleChange: (chartId: string, scale: YScale) => void;
  unit?: ErrorUnit;
  onUnitChange?: (unit: ErrorUnit) => void;
}

export function MetricsChart({ validation, yScale, onYScaleChange, unit: unitProp, onUnitChange }: MetricsChartProps) {
  const id = useId();
  const [ownUnit, setOwnUnit] = useState<ErrorUnit>('normalised');
  const unit = unitProp ?? ownUnit;
  const setUnit = onUnitChange ?? setOwnUnit;
  const cols = useMemo(() => validationColumns(validation), [validation, validation.length]);
  const errorSeries = useMemo(
    () =>
      unit === 'ms'
        ? [{ name: 'MAE (m/s)', y: cols.maeMs }, { name: 'RMSE (m/s)', y: cols.rmseMs }]
        : [{ name: 'MAE', y: cols.mae }, { name: 'RMSE', y: cols.rmse }],
    [cols, unit],
  );
  const ssimSeries = useMemo(() => [{ name: 'SSIM', y: cols.ssim }], [cols]);
  const lossSeries = useMemo(() => [{ name: 'Validation loss', y: cols.loss }], [cols]);
  const revision = validation.length;
  const headingId = `${id}-h`;
  const common = { x: cols.epoch, xTitle: 'Epochs completed', xName: 'epoch', integerX: true, revision, smoothing: 0, markers: 'all' as const, height: 210 };

  return (
    <section className="vg-card vg-metrics" aria-labelledby={headingId}>
      <div className="vg-card-head">
        <h2 id={headingId}>Validation metrics</h2>
        <div className="vg-toolbar">
          <fieldset className="vg-segmented">
            <legend className="vg-sr-only">MAE and RMSE unit</legend>
            <label>
              <input type="radio" name={`${id}-unit`} checked={unit === 'normalised'} onChange={() => setUnit('normalised')} /> Normalised
            </label>
            <label>
              <input type="radio" name={`${id}-unit`} checked={unit === 'ms'} onChange={() => setUnit('ms')} /> m/s
            </label>
          </fieldset>
        </div>
      </div>
      {validation.length === 0 && <p className="vg-empty">No validation yet: it runs at the end of each validated epoch.</p>}
      {/* Mounted before the first validation, so Plotly's first (costliest) draw happens at page load, not during a run. */}
      <div className="vg-chart-grid vg-chart-grid-3">
        <CurveChart
          {...common}
          title={unit === 'ms' ? 'MAE and RMSE (m/s)' : 'MAE and RMSE (normalised)'}
          series={errorSeries}
          yTitle={unit === 'ms' ? 'm/s' : 'normalised'}
          yScale={yScale.error ?? 'linear'}
          onYScaleChange={(s) => onYScaleChange('error', s)}
          filename={unit === 'ms' ? 'velocitygan-validation-error-ms' : 'velocitygan-validation-error'}
        />
        <CurveChart {...common} title="SSIM" series={ssimSeries} yScale={yScale.ssim ?? 'linear'} onYScaleChange={(s) => onYScaleChange('ssim', s)} filename="velocitygan-validation-ssim" />
        <CurveChart
          {...common}
          title="Validation loss"
          series={lossSeries}
          yScale={yScale.validationLoss ?? 'linear'}
          onYScaleChange={(s) => onYScaleChange('validationLoss', s)}
          filename="velocitygan-validation-loss"
        />
      </div>
    </section>
  );
}
