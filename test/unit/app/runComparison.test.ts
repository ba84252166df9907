import { describe, expect, it } from 'vitest';
import { applyWidthPreset, defaultConfig } from '../../../src/engine/config.ts';
import { bestRun, COMPARE_METRICS, configCsv, configRows, finalMetrics, finalMetricsCsv, overlayCsv, overlaySeries, runLabels, runStyle, type ComparedRun } from '../../../src/app/compare/runComparison.ts';

function run(id: string, name: string, over: { lr?: number; seed?: number; steps: number; mae: number[] }): ComparedRun {
  const config = { ...applyWidthPreset(defaultConfig(), 'tiny'), lrCritic: over.lr ?? 1e-4, seed: over.seed ?? 0 };
  const n = over.steps;
  const steps = Array.from({ length: n }, (_, i) => i + 1);
  return {
    id,
    name,
    config,
    // Critic loss −10/s at step s; Wasserstein 5/s; GP 0.1·s; elapsed 2 s per critic step.
    critic: { step: steps, epoch: steps.map(() => 0), loss: steps.map((s) => -10 / s), wasserstein: steps.map((s) => 5 / s), gp: steps.map((s) => 0.1 * s), gpWeighted: steps.map((s) => s), elapsed: steps.map((s) => 2 * s) },
    // A generator step after every second critic step.
    generator: { step: steps.filter((s) => s % 2 === 0).map((s) => s / 2), criticStep: steps.filter((s) => s % 2 === 0), epoch: steps.filter((s) => s % 2 === 0).map(() => 0), loss: steps.filter((s) => s % 2 === 0).map((s) => 100 / s), l1: steps.filter((s) => s % 2 === 0).map((s) => 1 / s), adv: steps.filter((s) => s % 2 === 0).map(() => 0.5), elapsed: steps.filter((s) => s % 2 === 0).map((s) => 2 * s + 1) },
    validation: over.mae.map((mae, e) => ({ epoch: e, generatorStep: e + 1, loss: 2 * mae, mae, mse: mae * mae, rmse: 1.5 * mae, ssim: 1 - mae, maeMs: 1500 * mae, rmseMs: 2250 * mae })),
  };
}

const a = run('r1', 'baseline', { steps: 4, mae: [0.3, 0.2, 0.25] });
const b = run('r2', 'lr 1e-3', { lr: 1e-3, seed: 7, steps: 6, mae: [0.28, 0.15] });

describe('run comparison', () => {
  it('overlays one curve per run, named by run, with its own colour and dash', () => {
    const o = overlaySeries([a, b], COMPARE_METRICS.find((m) => m.id === 'critic.wasserstein')!, 'criticStep');
    expect(o.series.map((s) => s.name)).toEqual(['baseline', 'lr 1e-3']);
    expect(o.series[1].x).toEqual([1, 2, 3, 4, 5, 6]);
    expect(o.series[1].y).toEqual([5, 2.5, 5 / 3, 1.25, 1, 5 / 6]);
    expect(o.series[0].style).toEqual(runStyle(0));
    expect(runStyle(0).color).not.toBe(runStyle(1).color);
    expect(runStyle(0).dash).not.toBe(runStyle(1).dash);
    expect(o).toMatchObject({ xTitle: 'Critic step', xName: 'critic_step', integerX: true });
    // Generator metrics on the generator-step axis; validation metrics against epochs completed.
    const g = overlaySeries([a], COMPARE_METRICS.find((m) => m.id === 'generator.loss')!, 'generatorStep');
    expect(g.series[0].x).toEqual([1, 2]);
    expect(g.series[0].y).toEqual([50, 25]);
    const v = overlaySeries([a, b], COMPARE_METRICS.find((m) => m.id === 'validation.maeMs')!, 'time');
    expect(v.series[1].x).toEqual([1, 2]);
    expect(v.series[1].y).toEqual([1500 * 0.28, 1500 * 0.15]);
    expect(v.xTitle).toBe('Epochs completed');
  });

  it('names runs that share a name apart', () => {
    expect(runLabels([{ name: 'x' }, { name: 'y' }, { name: 'x' }])).toEqual(['x', 'y', 'x (2)']);
  });

  it('lists every setting once and marks those that differ', () => {
    const rows = configRows([a, b]);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    expect(byKey.get('lrCritic')).toEqual({ key: 'lrCritic', values: ['0.0001', '0.001'], differs: true });
    expect(byKey.get('seed')).toEqual({ key: 'seed', values: ['0', '7'], differs: true });
    expect(byKey.get('lambda.gp')).toEqual({ key: 'lambda.gp', values: ['10', '10'], differs: false });
    expect(byKey.get('generatorWidths')).toEqual({ key: 'generatorWidths', values: ['4, 8, 16, 32, 64', '4, 8, 16, 32, 64'], differs: false });
    expect(rows.filter((r) => r.differs).map((r) => r.key)).toEqual(['lrCritic', 'seed']);
  });

  it('takes the final numbers from the last step and the last validation, and the best MAE with its epoch', () => {
    const f = finalMetrics(b);
    expect(f).toMatchObject({ criticSteps: 6, generatorSteps: 3, trainingSeconds: 13, epochsValidated: 2, criticLoss: -10 / 6, wasserstein: 5 / 6, generatorLoss: 100 / 6, mae: 0.15, ssim: 0.85, bestMae: 0.15, bestMaeEpoch: 2 });
    // baseline's best MAE came at epoch 2, not its last.
    expect(finalMetrics(a)).toMatchObject({ mae: 0.25, bestMae: 0.2, bestMaeEpoch: 2 });
    const empty = finalMetrics({ critic: { ...a.critic, step: [], loss: [], elapsed: [] }, generator: { ...a.generator, step: [], elapsed: [] }, validation: [] });
    expect(empty.criticSteps).toBe(0);
    expect(empty.mae).toBeNaN();
  });

  it('marks the best run on ordered rows only, and no run on a tie', () => {
    expect(bestRun([0.25, 0.15], 'lower')).toBe(1);
    expect(bestRun([0.75, 0.85], 'higher')).toBe(1);
    expect(bestRun([NaN, 0.4], 'lower')).toBe(1);
    expect(bestRun([0.2, 0.2], 'lower')).toBe(-1);
    expect(bestRun([3, 4], null)).toBe(-1);
  });

  it('exports each table as its own CSV file', () => {
    const cfg = configCsv([a, b]).split('\n');
    expect(cfg[0]).toBe('setting,baseline,lr 1e-3,differs');
    expect(cfg).toContain('lrCritic,0.0001,0.001,yes');
    expect(cfg).toContain('generatorWidths,"4, 8, 16, 32, 64","4, 8, 16, 32, 64",no');
    const metrics = finalMetricsCsv([a, b]).trim().split('\n');
    expect(metrics).toHaveLength(3);
    const header = metrics[0].split(',');
    expect(header.slice(0, 4)).toEqual(['run', 'run_id', 'critic_steps', 'generator_steps']);
    const row = metrics[2].split(',');
    expect(row[0]).toBe('lr 1e-3');
    expect(Number(row[header.indexOf('mae_ms')])).toBeCloseTo(225, 9);
    expect(row[header.indexOf('best_mae_epoch')]).toBe('2');
    const curves = overlayCsv(overlaySeries([a, b], COMPARE_METRICS[0], 'criticStep'), 'critic_loss').trim().split('\n');
    expect(curves[0]).toBe('run,critic_step,critic_loss');
    expect(curves).toHaveLength(1 + 4 + 6);
    expect(curves[5]).toBe('lr 1e-3,1,-10');
  });
});

describe('CompareRuns markup', () => {
  it('overlays the picked runs, marks the differing settings and the best run, and offers one CSV per table', async () => {
    const { createElement: h } = await import('react');
    const { renderToStaticMarkup } = await import('react-dom/server');
    const { CompareRuns } = await import('../../../src/app/compare/CompareRuns.tsx');
    const runs = [a, b].map((r) => ({ id: r.id, name: r.name, state: 'finished', config: r.config }));
    const histories = Object.fromEntries([a, b].map((r) => [r.id, { critic: r.critic, generator: r.generator, validation: r.validation }]));
    const html = renderToStaticMarkup(h(CompareRuns, { runs, histories, onLoadHistory: () => {}, initialPicked: ['r1', 'r2'] }));
    expect(html).toContain('data-compared="2"');
    // The overlay's legend names the runs; its summary counts each run's points.
    expect(html).toMatch(/Wasserstein estimate \(real − fake\): up to 6 points per series, critic step 1 to 6\. Latest: baseline 1\.25, lr 1e-3 0\.8333\./);
    expect(html).toContain('2 settings differ (marked ≠).');
    expect(html).toMatch(/<tr class="vg-differs" data-differs="true"><th scope="row"><span aria-label="differs">≠ <\/span>lrCritic<\/th><td>0\.0001<\/td><td>0\.001<\/td><\/tr>/);
    // Validation MAE: 0.25 vs 0.15, the second run is best.
    expect(html).toContain('<th scope="row">Validation MAE (normalised)</th><td>0.25</td><td class="vg-best">0.15<span class="vg-best-mark"> ★ best</span></td>');
    for (const label of ['Configurations CSV', 'Final metrics CSV', 'Curves CSV']) expect(html).toContain(label);
  });
});
