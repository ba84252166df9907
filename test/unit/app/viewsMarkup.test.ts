/**
 * The views rendered to static HTML (react-dom/server, no DOM): the labels, headings and ARIA the
 * studio's users and its browser tests rely on are present.
 */
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/engine/config.ts';
import { LossChart } from '../../../src/app/charts/LossChart.tsx';
import { MetricsChart } from '../../../src/app/charts/MetricsChart.tsx';
import { ConfigForm } from '../../../src/app/components/views/ConfigForm.tsx';
import { DataFileList } from '../../../src/app/components/views/DataFileList.tsx';
import { EvaluationReport } from '../../../src/app/components/views/EvaluationReport.tsx';
import { logClock, LogView, StatusLine } from '../../../src/app/components/views/LogView.tsx';
import { ShotGather } from '../../../src/app/components/views/ShotGather.tsx';
import { VelocityMaps } from '../../../src/app/components/views/VelocityMaps.tsx';
import { evaluationFixture } from './evaluationFixture.ts';

const noop = () => {};
const H = 70;
const W = 70;

function snapshot(step: number, withTruth: boolean) {
  const truth = new Float32Array(2 * H * W).map((_, i) => 1500 + Math.floor((i % (H * W)) / W) * 40);
  return { epoch: 0, generatorStep: step, indices: [3, 8], height: H, width: W, predicted: truth.map((v) => v + 10), truth: withTruth ? truth : null };
}

describe('views markup', () => {
  it('VelocityMaps: three labelled panels, canvases with role img, axes and colour bars with round ticks, samples from 1', () => {
    const html = renderToStaticMarkup(h(VelocityMaps, { snapshots: [snapshot(10, true), snapshot(20, false)] }));
    for (const text of ['Predicted velocity', 'True velocity', 'Difference (predicted − true)', 'Predicted − true (m/s)', 'Offset (m)', 'Depth (m)', 'Velocity (m/s)', 'Follow latest', 'Previous', 'Next', 'Validation sample 4'])
      expect(html).toContain(text);
    expect(html.match(/<canvas[^>]*role="img"/g)?.length).toBe(3);
    expect(html).toMatch(/aria-label="Predicted velocity map, sample 4, generator step 20; colour from 1500 m\/s to 4260 m\/s\."/);
    // Colour-bar ticks on round numbers (1500–4260 m/s: every 500), not quarters of the range (2190, 2880, 3570).
    const bar = html.slice(html.indexOf('Velocity (m/s)</figcaption>'), html.indexOf('</figure>', html.indexOf('Velocity (m/s)</figcaption>')));
    expect([...bar.matchAll(/>(\d+)<\/span>/g)].map((m) => m[1])).toEqual(['1500', '2000', '2500', '3000', '3500', '4000']);
    // The difference is +10 m/s everywhere: symmetric ±10, ticks every 5 with a true minus sign.
    const diff = html.slice(html.indexOf('Predicted − true (m/s)</figcaption>'));
    expect([...diff.matchAll(/>([−\d]+)<\/span>/g)].map((m) => m[1])).toEqual(['−10', '−5', '0', '5', '10']);
    // ticks every 100 m over 700 m
    expect(html).toContain('>700<');
    expect(html).toMatch(/type="range"[^>]*aria-valuetext="Generator step 20, epoch 1, snapshot 2 of 2"/);
  });

  it('VelocityMaps: the dataset colour range on offer, and an opened sample with its own controls', () => {
    const html = renderToStaticMarkup(
      h(VelocityMaps, { snapshots: [snapshot(10, true)], datasetRange: [1500, 4500], opened: { caption: 'Validation sample 9 of 16 (from the evaluation)', previous: noop, next: null, close: noop } }),
    );
    expect(html).toContain('Dataset colour range (1500–4500 m/s)');
    expect(html).toContain('Validation sample 9 of 16 (from the evaluation)');
    expect(html).toContain('Back to training snapshots');
    expect(html).not.toContain('Follow latest');
    expect(html).toMatch(/disabled="">Next ▶/);
  });

  it('VelocityMaps stays on a pinned snapshot', () => {
    const html = renderToStaticMarkup(h(VelocityMaps, { snapshots: [snapshot(10, true), snapshot(20, false), snapshot(30, false)], snapshotCursor: 0, onSnapshotCursorChange: noop }));
    expect(html).toContain('generator step 10;');
    expect(html).not.toMatch(/checked=""[^>]*> Follow latest/);
  });

  it('ShotGather: grey canvas with time and receiver axes and five sources', () => {
    const seismic = new Float32Array(5 * 1000 * 70).map((_, i) => Math.sin(i));
    const html = renderToStaticMarkup(h(ShotGather, { gather: { index: 4, seismic, shots: 5, timeSamples: 1000, receivers: 70 } }));
    for (const text of ['Receiver (m)', 'Time (ms)', 'Shot gather', '(340 m)']) expect(html).toContain(text);
    expect(html.match(/type="radio"/g)?.length).toBe(5);
    expect(html).toMatch(/<canvas[^>]*role="img"[^>]*aria-label="Shot gather of sample 5, shot 1, source at 0 m/);
  });

  it('ConfigForm: every input labelled, external errors shown at the field', () => {
    const html = renderToStaticMarkup(
      h(ConfigForm, { config: defaultConfig(), onChange: noop, presets: [{ name: 'flatvel-a', transform: { dataMin: -26.95, dataMax: 52.77, labelMin: 1500, labelMax: 4500 } }], errors: { batchSize: 'must be at least 2' } }),
    );
    const ids = [...html.matchAll(/<input[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(25);
    for (const i of ids) expect(html).toContain(`for="${i}"`);
    expect(html).toMatch(/aria-invalid="true" aria-describedby="[^"]*batchSize-err"/);
    expect(html).toContain('must be at least 2');
    for (const text of ['Reset to defaults', 'Export JSON', 'Export YAML', 'Import config…', 'Import configuration (JSON)', '.yaml', 'auto (scan the data)', 'custom limits', 'PaddleScience']) expect(html).toContain(text);
  });

  it('EvaluationReport: metrics, published rows with the caveat, physics references, per-sample table, downloads; no repeated step, a local time', () => {
    const report = evaluationFixture();
    const html = renderToStaticMarkup(h(EvaluationReport, { report, opened: 2, onOpenSample: noop }));
    for (const text of ['OpenFWI VelocityGAN (ℓ1)', 'OpenFWI InversionNet (ℓ1)', 'PaddleScience VelocityGAN', '0.0118', '17.7', 'Download JSON', 'Summary CSV', 'Per-sample CSV', '37.5'])
      expect(html).toContain(text);
    expect(html).toContain("3-sample synthetic demo; published numbers are FlatVel-A&#x27;s 6,000-sample test set");
    // The physics references as computed (means of the fixture's two samples) and the verdict.
    for (const text of ['Physics check on 2 samples (1, 3)', '0.4000', '0.2250', '1.1500', 'between the smoothed model (0.225) and the constant model (1.150)']) expect(html).toContain(text);
    // Worst MAE first; sample numbers 1-based; the opened sample marked.
    expect([...html.matchAll(/data-sample="(\d+)"/g)].map((m) => m[1])).toEqual(['2', '3', '1']);
    expect(html).toMatch(/class="vg-opened" data-sample="3"/);
    expect(html.match(/generator step 2/g)).toHaveLength(1);
    expect(html).toContain('dateTime="2026-11-30T10:42:07.000Z"');
    expect(html).not.toContain('>2026-11-30T10:42:07.000Z<');
  });

  it('DataFileList: problems inline as alerts, role switch for lists, summary', () => {
    const report = {
      files: [
        { path: 'data/data1.npy', size: 700_000_128, kind: 'seismic' as const, shape: [500, 5, 1000, 70], role: null, samples: 500, problems: [] },
        { path: 'model/bad.npy', size: 10, kind: 'npy' as const, shape: null, role: null, samples: null, problems: ['not a .npy file (bad magic)'] },
        { path: 'train.txt', size: 40, kind: 'annotation' as const, shape: null, role: 'train' as const, pairs: [{ seismic: 'a', velocity: 'b', samples: 500 }], samples: 500, problems: [] },
      ],
      splits: [{ role: 'train' as const, lists: ['train.txt'], samples: 500, files: 2, bytes: 709_800_256, memoryMode: 'stream' as const, labelled: true }],
      totalBytes: 709_800_266,
      detectedPreset: { name: 'flatvel-a', reason: 'data range matches' },
      ready: false,
      problems: ['no validation list'],
    };
    const html = renderToStaticMarkup(h(DataFileList, { report, onRoleChange: noop }));
    // One alert for every problem (one announcement), each line naming its file; the words stay beside the file too.
    expect(html.match(/role="alert"/g)).toHaveLength(1);
    expect(html).toMatch(/role="alert"[^]*model\/bad\.npy<\/span>: not a \.npy file \(bad magic\)<\/li>[^]*no validation list<\/li>/);
    expect(html).toContain('<p class="vg-problem">not a .npy file (bad magic)</p>');
    expect(html).toContain('1 file has problems');
    expect(html).toMatch(/aria-label="Use of train.txt"/);
    expect(html).toContain('<ul class="vg-file-list" aria-label="Dataset files">');
    expect(html).not.toContain('<table');
    for (const text of ['(500, 5, 1000, 70)', '668 MiB', 'Resolved pairs', 'Streamed from files', 'flatvel-a', 'no validation list', '2 problems']) expect(html).toContain(text);
  });

  it('DataFileList: "Ready to train" only when nothing is left out', () => {
    const file = (path: string, problems: string[] = []) => ({ path, size: 10, kind: 'npy' as const, shape: null, role: null, samples: null, problems });
    const base = { splits: [], totalBytes: 20, detectedPreset: null, ready: true, problems: [] as string[] };
    const status = (report: Parameters<typeof DataFileList>[0]['report']) => {
      const html = renderToStaticMarkup(h(DataFileList, { report, onRoleChange: noop }));
      return /data-testid="data-status"><span class="([^"]+)">([^<]+)/.exec(html)!.slice(1);
    };
    expect(status({ ...base, files: [file('a.npy')] })).toEqual(['vg-ok', 'Ready to train']);
    expect(status({ ...base, files: [file('a.npy'), file('b.npy', ['not a .npy file']), file('c.npy', ['truncated', 'bad dtype'])] })).toEqual(['vg-warn', 'Ready to train without the 2 files with problems']);
    expect(status({ ...base, files: [file('a.npy')], problems: ['No validation list: training will run without validation metrics or velocity maps.'] })).toEqual(['vg-warn', 'Ready to train, with 1 warning above']);
  });

  it('LogView and StatusLine carry their roles', () => {
    const html = renderToStaticMarkup(h('div', null, h(LogView, { entries: [{ time: 0, level: 'error', message: 'NaN loss' }] }), h(StatusLine, { text: 'Training', tone: 'running' })));
    expect(html).toContain('role="log"');
    expect(html).toContain('role="status"');
    expect(html).toContain('Error: </strong>NaN loss');
  });

  it('LogView: a line shows its local wall-clock time, 24-hour, through one shared formatter', () => {
    const t = new Date(2026, 10, 30, 13, 5, 9).getTime();
    expect(logClock(t).replace(/[^0-9]/g, ' ').trim().split(/\s+/).map(Number)).toEqual([13, 5, 9]);
    expect(logClock(new Date(2026, 10, 30, 0, 0, 1).getTime()).replace(/[^0-9]/g, ' ').trim().split(/\s+/).map(Number)).toEqual([0, 0, 1]);
    const html = renderToStaticMarkup(h(LogView, { entries: [{ time: t, level: 'info', message: 'Run started' }] }));
    expect(html).toContain(`>${logClock(t)}</time>Run started`);
  });

  it('LossChart and MetricsChart: headings, summaries and controls around the lazy plot', () => {
    const critic = { step: [1, 2, 3], epoch: [0, 0, 0], loss: [-5, -4, -3], wasserstein: [6, 5, 4], gp: [0.1, 0.2, 0.1], gpWeighted: [1, 2, 1], elapsed: [1, 2, 3] };
    const generator = { step: [1], criticStep: [3], epoch: [0], loss: [40], l1: [0.4], adv: [0.2], elapsed: [3] };
    const html = renderToStaticMarkup(h(LossChart, { critic, generator, yScale: {}, onYScaleChange: noop }));
    for (const text of ['Loss curves', 'Critic', 'Generator', 'Smoothing', 'Y scale', 'Symlog (signed log)', 'Generator step', 'Training time', 'Fit', 'Table', 'PNG', 'SVG', 'CSV', 'JSON', 'Pause live updates', 'Chart keys', 'aria-keyshortcuts="+ - ArrowLeft ArrowRight ArrowUp ArrowDown 0"']) expect(html).toContain(text);
    expect(html).toContain('Critic: 3 points, critic step 1 to 3. Latest: Critic loss −3, Wasserstein (real − fake) 4, GP 0.1, λ·GP 1.');
    const m = renderToStaticMarkup(h(MetricsChart, { validation: [{ epoch: 0, generatorStep: 1, loss: 3, mae: 0.1, mse: 0.04, rmse: 0.2, ssim: 0.7, maeMs: 150, rmseMs: 300 }], yScale: {}, onYScaleChange: noop }));
    for (const text of ['Validation metrics', 'MAE and RMSE (normalised)', 'SSIM', 'Validation loss']) expect(m).toContain(text);
  });
});
