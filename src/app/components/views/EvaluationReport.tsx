/**
 * The evaluation report: MAE, RMSE and SSIM of the generator on the validation set, on the
 * normalised scale and in m/s, in a table beside the published OpenFWI / PaddleScience numbers for
 * the chosen preset; optional physics check (relative L2 misfit of forward-modelled seismic);
 * "Download JSON" / "Download CSV" save the report directly.
 *
 * Props (EvaluationReportProps):
 * - report: EvaluationResult | null ({ samples, mae, rmse, ssim, maeMs, rmseMs, preset,
 *   generatorStep, physics: { indices, predicted, truth } | null, weightsSource, time }: the
 *   worker's EvaluationReport fits). null shows an empty state.
 * - preset?: string: preset whose published numbers to show (default report.preset).
 */
import { useId } from 'react';
import { downloadText } from '../../export/download.ts';
import { evaluationToCsv, evaluationToJson, publishedMs, type EvaluationResult } from '../../export/evaluationExport.ts';
import { publishedFor } from '../../charts/published.ts';

export interface EvaluationReportProps {
  report: EvaluationResult | null;
  preset?: string;
}

const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '—');
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');

export function EvaluationReport({ report, preset }: EvaluationReportProps) {
  const id = useId();
  const headingId = `${id}-h`;
  if (!report) {
    return (
      <section className="vg-card vg-eval" aria-labelledby={headingId}>
        <h2 id={headingId}>Evaluation</h2>
        <p className="vg-empty">No evaluation yet. Evaluate runs the generator over the validation set.</p>
      </section>
    );
  }
  const name = preset ?? report.preset;
  const published = publishedFor(name);
  const base = `velocitygan-evaluation-${name}-step${report.generatorStep}`;
  return (
    <section className="vg-card vg-eval" aria-labelledby={headingId}>
      <div className="vg-card-head">
        <h2 id={headingId}>Evaluation</h2>
        <div className="vg-toolbar">
          <button type="button" className="vg-btn" onClick={() => downloadText(evaluationToJson(report, published), `${base}.json`, 'application/json')}>
            Download JSON
          </button>
          <button type="button" className="vg-btn" onClick={() => downloadText(evaluationToCsv(report, published), `${base}.csv`, 'text/csv')}>
            Download CSV
          </button>
        </div>
      </div>
      <p className="vg-hint">
        {report.samples} validation samples · weights: {report.weightsSource} · generator step {report.generatorStep} · preset {report.preset} ·{' '}
        <time dateTime={report.time}>{report.time}</time>
      </p>
      <dl className="vg-metric-tiles" aria-label="This run's metrics">
        <div className="vg-metric-tile">
          <dt>MAE</dt>
          <dd>{f4(report.mae)}<small>{f1(report.maeMs)} m/s</small></dd>
        </div>
        <div className="vg-metric-tile">
          <dt>RMSE</dt>
          <dd>{f4(report.rmse)}<small>{f1(report.rmseMs)} m/s</small></dd>
        </div>
        <div className="vg-metric-tile">
          <dt>SSIM</dt>
          <dd>{f4(report.ssim)}<small>on (v + 1)/2</small></dd>
        </div>
      </dl>
      <div className="vg-table-wrap vg-table-plain">
        <table className="vg-table">
          <caption>Compared with published results{published.length ? ` on ${name}` : ''} (normalised scale [−1, 1]; m/s = × 1500)</caption>
          <thead>
            <tr>
              <th scope="col">System</th>
              <th scope="col">MAE</th>
              <th scope="col">RMSE</th>
              <th scope="col">SSIM</th>
              <th scope="col">MAE (m/s)</th>
              <th scope="col">RMSE (m/s)</th>
            </tr>
          </thead>
          <tbody>
            <tr className="vg-ours">
              <th scope="row">This run</th>
              <td>{f4(report.mae)}</td>
              <td>{f4(report.rmse)}</td>
              <td>{f4(report.ssim)}</td>
              <td>{f1(report.maeMs)}</td>
              <td>{f1(report.rmseMs)}</td>
            </tr>
            {published.map((p) => (
              <tr key={p.system}>
                <th scope="row">{p.system}</th>
                <td>{f4(p.mae)}</td>
                <td>{f4(p.rmse)}</td>
                <td>{f4(p.ssim)}</td>
                <td>{f1(publishedMs(p.mae))}</td>
                <td>{f1(publishedMs(p.rmse))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {published.length === 0 && <p className="vg-hint">No published VelocityGAN numbers for “{name}”; OpenFWI and PaddleScience report FlatVel-A, CurveVel-A and FlatFault-A.</p>}
      {report.physics && report.physics.indices.length > 0 && (
        <div className="vg-table-wrap vg-table-plain">
          <table className="vg-table">
            <caption>Physics check: relative L2 misfit ‖F(v) − d‖ / ‖d‖ of forward-modelled seismic against the input seismic</caption>
            <thead>
              <tr>
                <th scope="col">Sample</th>
                <th scope="col">Predicted velocity</th>
                <th scope="col">True velocity</th>
              </tr>
            </thead>
            <tbody>
              {report.physics.indices.map((idx, k) => (
                <tr key={idx}>
                  <th scope="row">{idx}</th>
                  <td>{f4(report.physics!.predicted[k])}</td>
                  <td>{f4(report.physics!.truth[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
