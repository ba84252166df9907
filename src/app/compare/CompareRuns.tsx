/**
 * "Compare runs": pick kept runs, overlay one of their curves (one colour and one dash per run,
 * legend by run name), read their configurations side by side with the settings that differ
 * marked, and their final numbers with the best run marked; each table exports as its own CSV.
 *
 * Props (CompareRunsProps):
 * - runs: { id, name, state, config, updatedAt? }[]: the kept runs, newest first (the store's run
 *   records fit).
 * - histories: Record<id, { critic, generator, validation }>: the curves of runs loaded so far.
 * - onLoadHistory(id): asks for a run's curves (they arrive through `histories`); asked again for a
 *   picked run whose record changed since (it trained on).
 * - initialPicked?: ids of the runs picked at first (none by default).
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { TrainConfig } from '../../engine/config.ts';
import { CurveChart } from '../charts/CurveChart.tsx';
import { SmoothingSlider, XAxisSelect } from '../charts/CurveControls.tsx';
import type { CriticColumns, GeneratorColumns, ValidationPoint, XAxisKind } from '../charts/lossHistory.ts';
import { formatValue } from '../charts/curveTraces.ts';
import type { YScale } from '../charts/yScale.ts';
import { downloadText } from '../export/download.ts';
import { bestRun, COMPARE_METRICS, configCsv, configRows, FINAL_METRIC_ROWS, finalMetrics, finalMetricsCsv, overlayCsv, overlaySeries, runLabels, type ComparedRun } from './runComparison.ts';

export interface CompareRunsProps {
  runs: readonly { id: string; name: string; state: string; config: TrainConfig; updatedAt?: string }[];
  histories: Readonly<Record<string, { critic: CriticColumns; generator: GeneratorColumns; validation: readonly ValidationPoint[] } | undefined>>;
  onLoadHistory: (id: string) => void;
  initialPicked?: readonly string[];
}

export function CompareRuns({ runs, histories, onLoadHistory, initialPicked = [] }: CompareRunsProps) {
  const id = useId();
  const [picked, setPicked] = useState<readonly string[]>(initialPicked);
  const [metricId, setMetricId] = useState(COMPARE_METRICS[1].id);
  const [xAxis, setXAxis] = useState<XAxisKind>('criticStep');
  const [smoothing, setSmoothing] = useState(0.6);
  const [yScale, setYScale] = useState<YScale>('linear');
  const [onlyDifferences, setOnlyDifferences] = useState(false);
  // The record version (updatedAt) each run's curves were asked for at.
  const [asked, setAsked] = useState<ReadonlyMap<string, string>>(() => new Map());

  // Picked runs that are gone (deleted) drop out; picked runs ask for their curves when they have
  // none yet, or when their record changed since they were asked for (the run trained on).
  const present = picked.filter((p) => runs.some((r) => r.id === p));
  useEffect(() => {
    const due = present.filter((p) => {
      const version = runs.find((r) => r.id === p)?.updatedAt ?? '';
      return asked.has(p) ? asked.get(p) !== version : !histories[p];
    });
    if (due.length === 0) return;
    setAsked((a) => new Map([...a, ...due.map((p): [string, string] => [p, runs.find((r) => r.id === p)?.updatedAt ?? ''])]));
    for (const p of due) onLoadHistory(p);
  }, [present.join('\u0000'), runs, histories]); // eslint-disable-line react-hooks/exhaustive-deps

  const compared = useMemo<ComparedRun[]>(
    () =>
      present.flatMap((p) => {
        const r = runs.find((x) => x.id === p)!;
        const h = histories[p];
        return h ? [{ id: r.id, name: r.name, config: r.config, critic: h.critic, generator: h.generator, validation: h.validation }] : [];
      }),
    [present.join('\u0000'), runs, histories], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const loading = present.length - compared.length;
  const metric = COMPARE_METRICS.find((m) => m.id === metricId) ?? COMPARE_METRICS[0];
  const overlay = useMemo(() => overlaySeries(compared, metric, xAxis), [compared, metric, xAxis]);
  const rows = useMemo(() => configRows(compared), [compared]);
  const finals = useMemo(() => compared.map((r) => finalMetrics(r)), [compared]);
  const labels = runLabels(compared);
  const shownRows = onlyDifferences ? rows.filter((r) => r.differs) : rows;
  const differing = rows.filter((r) => r.differs).length;
  const headingId = `${id}-h`;
  const toggle = (runId: string, on: boolean) => setPicked((p) => (on ? [...p.filter((x) => x !== runId), runId] : p.filter((x) => x !== runId)));
  const valueName = metric.id.replace('.', '_');

  return (
    <section className="vg-card vg-compare" aria-labelledby={headingId} data-testid="compare-runs" data-compared={compared.length}>
      <h2 id={headingId}>Compare runs</h2>
      {runs.length === 0 ? (
        <p className="vg-empty">No kept runs yet: every run you train is kept in this browser and can be compared here.</p>
      ) : (
        <fieldset className="vg-compare-pick">
          <legend>Runs to compare</legend>
          <ul>
            {runs.map((r) => (
              <li key={r.id}>
                <label className="vg-check">
                  <input type="checkbox" checked={present.includes(r.id)} onChange={(e) => toggle(r.id, e.target.checked)} /> {r.name}{' '}
                  <span className="vg-muted">({r.state})</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {loading > 0 && <p className="vg-muted" role="status">Reading the curves of {loading} run{loading === 1 ? '' : 's'}…</p>}
      {compared.length > 0 && (
        <>
          <div className="vg-toolbar">
            <label className="vg-inline-field">
              Metric{' '}
              <select value={metric.id} onChange={(e) => setMetricId(e.target.value)}>
                {COMPARE_METRICS.map((m) => (
                  <option key={m.id} value={m.id}>{m.label}</option>
                ))}
              </select>
            </label>
            <XAxisSelect value={xAxis} onChange={setXAxis} disabled={metric.source === 'validation'} />
            <SmoothingSlider value={smoothing} onChange={setSmoothing} />
          </div>
          <CurveChart
            title={metric.label}
            x={[]}
            xTitle={overlay.xTitle}
            xName={overlay.xName}
            integerX={overlay.integerX}
            series={overlay.series}
            revision={compared.length}
            smoothing={metric.source === 'validation' ? 0 : smoothing}
            markers={metric.source === 'validation' ? 'all' : 'sparse'}
            yScale={yScale}
            onYScaleChange={setYScale}
            filename={`velocitygan-compare-${valueName}`}
            height={280}
          />

          <h3>Configurations</h3>
          <p className="vg-muted">
            {compared.length < 2 ? 'Pick another run to see what differs.' : differing === 0 ? 'The configurations are the same.' : `${differing} setting${differing === 1 ? '' : 's'} differ (marked ≠).`}{' '}
            <label className="vg-check">
              <input type="checkbox" checked={onlyDifferences} onChange={(e) => setOnlyDifferences(e.target.checked)} /> Only what differs
            </label>
          </p>
          <div className="vg-table-wrap">
            <table className="vg-table vg-compare-config" data-testid="compare-config">
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  {labels.map((l) => (
                    <th scope="col" key={l}>{l}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shownRows.map((row) => (
                  <tr key={row.key} className={row.differs ? 'vg-differs' : undefined} data-differs={row.differs}>
                    <th scope="row">
                      {row.differs && <span aria-label="differs">≠ </span>}
                      {row.key}
                    </th>
                    {row.values.map((v, k) => (
                      <td key={k}>{v}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h3>Final metrics</h3>
          <div className="vg-table-wrap">
            <table className="vg-table vg-compare-final" data-testid="compare-final">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  {labels.map((l) => (
                    <th scope="col" key={l}>{l}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {FINAL_METRIC_ROWS.map((m) => {
                  const values = finals.map((f) => f[m.key]);
                  const best = compared.length > 1 ? bestRun(values, m.better) : -1;
                  return (
                    <tr key={m.key}>
                      <th scope="row">{m.label}</th>
                      {values.map((v, k) => (
                        <td key={k} className={k === best ? 'vg-best' : undefined}>
                          {Number.isFinite(v) ? formatValue(v) : '—'}
                          {k === best && <span className="vg-best-mark"> ★ best</span>}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>

          <div className="vg-toolbar" role="group" aria-label="Export the comparison">
            <button type="button" className="vg-btn" onClick={() => downloadText(configCsv(compared), 'velocitygan-compare-configs.csv', 'text/csv')}>
              Configurations CSV
            </button>
            <button type="button" className="vg-btn" onClick={() => downloadText(finalMetricsCsv(compared), 'velocitygan-compare-final-metrics.csv', 'text/csv')}>
              Final metrics CSV
            </button>
            <button type="button" className="vg-btn" onClick={() => downloadText(overlayCsv(overlay, valueName), `velocitygan-compare-${valueName}.csv`, 'text/csv')}>
              Curves CSV
            </button>
          </div>
        </>
      )}
    </section>
  );
}
