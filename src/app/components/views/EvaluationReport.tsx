/**
 * The evaluation report: MAE, RMSE and SSIM of the generator on the validation set (normalised and
 * in m/s); the published OpenFWI / PaddleScience numbers for the preset, with a caveat saying why
 * they do not compare when the data is not the preset's test set; a histogram of per-sample MAE;
 * the sortable per-sample table whose samples open in the maps and gather; the physics check with
 * its reference models. Downloads: the JSON record, the summary CSV and the per-sample CSV.
 *
 * Props (EvaluationReportProps):
 * - report: EvaluationResult | null (the engine's evaluation record, as the worker sends it);
 *   null shows an empty state.
 * - opened?: the 0-based index of the sample shown in the maps, marked in the table.
 * - onOpenSample?(index): opens a sample's maps and gather (without it the table is not shown).
 */
import { useId, useMemo } from 'react';
import { sampleRows, sampleRowsCsv } from '../../../engine/eval/evaluationRecord.ts';
import { downloadText } from '../../export/download.ts';
import { evaluationFileNames, evaluationSummaryCsv, evaluationToJson, publishedMs, type EvaluationResult } from '../../export/evaluationExport.ts';
import { comparisonFor } from '../../charts/published.ts';
import { MaeHistogram } from './MaeHistogram.tsx';
import { PhysicsGuide } from './PhysicsGuide.tsx';
import { SampleTable } from './SampleTable.tsx';

export interface EvaluationReportProps {
  report: EvaluationResult | null;
  opened?: number | null;
  onOpenSample?: (index: number) => void;
}

const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '—');
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
/** A readable local time: "30 Nov 2026, 10:42:07". */
const localTime = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function EvaluationReport({ report, opened = null, onOpenSample }: EvaluationReportProps) {
  const id = useId();
  const headingId = `${id}-h`;
  const rows = useMemo(() => (report ? sampleRows(report) : []), [report]);
  const maes = useMemo(() => rows.map((r) => r.maeMs), [rows]);
  if (!report) {
    return (
      <section className="vg-card vg-eval" aria-labelledby={headingId}>
        <h2 id={headingId}>Evaluation</h2>
        <p className="vg-empty">No evaluation yet. Evaluate runs the generator over the validation set.</p>
      </section>
    );
  }
  const comparison = comparisonFor({ preset: report.preset, samples: report.samples, synthetic: report.data.synthetic });
  const names = evaluationFileNames(report);
  return (
    <section className="vg-card vg-eval" aria-labelledby={headingId}>
      <div className="vg-card-head">
        <h2 id={headingId}>Evaluation</h2>
        <div className="vg-toolbar">
          <button type="button" className="vg-btn" onClick={() => downloadText(evaluationToJson(report, comparison), names.json, 'application/json')}>
            Download JSON
          </button>
          <button type="button" className="vg-btn" onClick={() => downloadText(evaluationSummaryCsv(report, comparison), names.summary, 'text/csv')}>
            Summary CSV
          </button>
          <button type="button" className="vg-btn" onClick={() => downloadText(sampleRowsCsv(report), names.samples, 'text/csv')}>
            Per-sample CSV
          </button>
        </div>
      </div>
      <p className="vg-hint" data-testid="evaluation-header">
        {report.samples} samples of the {report.data.description} · weights: {report.weights.source} · preset {report.preset} ·{' '}
        <time dateTime={report.time}>{localTime(report.time)}</time>
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
      {comparison.caveat && (
        <p className="vg-caveat" role="note" data-testid="published-caveat">
          <strong>Not comparable:</strong> {comparison.caveat}.
        </p>
      )}
      <div className="vg-table-wrap vg-table-plain">
        <table className="vg-table">
          <caption>
            {comparison.rows.length === 0 ? 'This run' : comparison.comparable ? `Compared with published results on ${report.preset}` : `Published results on ${report.preset}, for reference only`} (normalised scale [−1, 1]; m/s = × 1500)
          </caption>
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
            {comparison.rows.map((p) => (
              <tr key={p.system} className={comparison.comparable ? undefined : 'vg-not-comparable'}>
                <th scope="row">
                  {p.system}
                  {comparison.comparable ? '' : ' *'}
                </th>
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
      {comparison.rows.length > 0 && !comparison.comparable && <p className="vg-hint">* Measured on another test set: see the note above.</p>}
      {comparison.rows.length === 0 && <p className="vg-hint">No published VelocityGAN numbers for “{report.preset}”; OpenFWI and PaddleScience report FlatVel-A, CurveVel-A and FlatFault-A.</p>}
      {report.physics && report.physics.indices.length > 0 && <PhysicsGuide physics={report.physics} synthetic={report.data.synthetic} />}
      {rows.length > 0 && (
        <>
          <h3 className="vg-subhead">MAE per sample</h3>
          <MaeHistogram values={maes} />
          {onOpenSample && <SampleTable rows={rows} opened={opened} onOpen={onOpenSample} />}
        </>
      )}
    </section>
  );
}
