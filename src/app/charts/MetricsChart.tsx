/**
 * "Validation metrics": G on the validation set after each validated epoch, against epochs
 * completed. Three charts, because the quantities live on different scales: MAE and RMSE (on the
 * normalised scale or in m/s, the user's choice), SSIM, and OpenFWI's validation loss.
 *
 * Props (MetricsChartProps):
 * - validation: readonly ValidationPoint[] ({ epoch (0-based), generatorStep, loss, mae, rmse, ssim,
 *   maeMs, rmseMs }: the trainer's ValidationEvent fits).
 * - logY: Record<string, boolean>, onLogYChange(chartId, on): per-chart log-y; chart ids are
 *   'error', 'ssim', 'validationLoss'.
 * - unit?: 'normalised' | 'ms' (default 'normalised'), onUnitChange?(u): controlled when given.
 */
import { useId, useMemo, useState } from 'react';
import { CurveChart } from './CurveChart.tsx';
import { validationColumns, type ValidationPoint } from './lossHistory.ts';

export type ErrorUnit = 'normalised' | 'ms';

export interface MetricsChartProps {
  validation: readonly ValidationPoint[];
  logY: Record<string, boolean>;
  onLogYChange: (chartId: string, on: boolean) => void;
  unit?: ErrorUnit;
  onUnitChange?: (unit: ErrorUnit) => void;
}

export function MetricsChart({ validation, logY, onLogYChange, unit: unitProp, onUnitChange }: MetricsChartProps) {
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
  const common = { x: cols.epoch, xTitle: 'Epochs completed', xName: 'epoch', revision, smoothing: 0, markers: 'all' as const, height: 210 };

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
      {validation.length === 0 ? (
        <p className="vg-empty">No validation yet: it runs at the end of each validated epoch.</p>
      ) : (
      <div className="vg-chart-grid vg-chart-grid-3">
        <CurveChart
          {...common}
          title={unit === 'ms' ? 'MAE and RMSE (m/s)' : 'MAE and RMSE (normalised)'}
          series={errorSeries}
          yTitle={unit === 'ms' ? 'm/s' : 'normalised'}
          logY={!!logY.error}
          onLogYChange={(on) => onLogYChange('error', on)}
          filename={unit === 'ms' ? 'velocitygan-validation-error-ms' : 'velocitygan-validation-error'}
        />
        <CurveChart {...common} title="SSIM" series={ssimSeries} logY={!!logY.ssim} onLogYChange={(on) => onLogYChange('ssim', on)} filename="velocitygan-validation-ssim" />
        <CurveChart
          {...common}
          title="Validation loss"
          series={lossSeries}
          logY={!!logY.validationLoss}
          onLogYChange={(on) => onLogYChange('validationLoss', on)}
          filename="velocitygan-validation-loss"
        />
      </div>
      )}
    </section>
  );
}
