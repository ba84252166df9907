/**
 * The dataset as the studio understood it: a list with one item per supplied file (name, kind,
 * shape, samples, size; a train/validation/inference/unused switch for annotation lists; every
 * problem beside its file), all problems again in one alert above the list (one announcement for
 * any number of broken files), then a summary (resolved pairs, samples per split, total size, memory
 * mode, detected preset) and problems that belong to no single file.
 *
 * Props (DataFileListProps):
 * - report: DataFileReport | null ({ files: [{ path, size, kind: 'seismic'|'velocity'|'npy'|
 *   'annotation'|'other', shape: number[] | null, dtype?, role: 'train'|'validation'|'inference'|
 *   'unused' | null, pairs?: { seismic, velocity | null, samples }[], samples: number | null,
 *   problems: string[] }], splits: [{ role, lists, samples, files, bytes, memoryMode:
 *   'preload'|'stream', labelled }], totalBytes, detectedPreset: { name, reason } | null, ready,
 *   problems: string[] }: the worker's DataReport fits).
 * - onRoleChange(path, role): the user reassigned an annotation list.
 * - onRemove?(path): shows a "Remove" button per file when given.
 *   A .npy's `values` says whether its values were checked for NaN/±Infinity: 'unchecked',
 *   'finite', or the engine's NonFiniteReport, shown in full under the file.
 * - disabled?: boolean: a run is active (switches locked).
 */
import { useId } from 'react';
import { describeReport, sampleListText, type NonFiniteReport } from '../../../engine/data/nonFinite.ts';
import { formatBytes } from './byteSize.ts';

export type ListRole = 'train' | 'validation' | 'inference' | 'unused';

export interface DataFileEntry {
  path: string;
  size: number;
  kind: 'seismic' | 'velocity' | 'npy' | 'annotation' | 'other';
  shape: number[] | null;
  dtype?: string | null;
  role: ListRole | null;
  pairs?: { seismic: string; velocity: string | null; samples: number }[];
  samples: number | null;
  problems: string[];
  values?: 'unchecked' | 'finite' | NonFiniteReport;
}

export interface DataSplitEntry {
  role: Exclude<ListRole, 'unused'>;
  lists: string[];
  samples: number;
  files: number;
  bytes: number;
  memoryMode: 'preload' | 'stream';
  labelled: boolean;
}

export interface DataFileReport {
  files: DataFileEntry[];
  splits: DataSplitEntry[];
  totalBytes: number;
  detectedPreset: { name: string; reason: string } | null;
  ready: boolean;
  problems: string[];
}

export interface DataFileListProps {
  report: DataFileReport | null;
  onRoleChange: (path: string, role: ListRole) => void;
  onRemove?: (path: string) => void;
  disabled?: boolean;
}

const ROLE_LABELS: Record<ListRole, string> = { train: 'Train', validation: 'Validation', inference: 'Inference', unused: 'Unused' };
const SPLIT_LABELS: Record<DataSplitEntry['role'], string> = { train: 'Train', validation: 'Validation', inference: 'Inference' };

function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

export function DataFileList({ report, onRoleChange, onRemove, disabled = false }: DataFileListProps) {
  const id = useId();
  if (!report || report.files.length === 0) {
    return <p className="vg-empty">No files yet. Add .npy files and annotation lists (.txt), or a folder.</p>;
  }
  const pairs = report.files.filter((f) => f.kind === 'annotation' && f.role !== 'unused').reduce((n, f) => n + (f.pairs?.length ?? 0), 0);
  const samples = report.splits.reduce((n, s) => n + s.samples, 0);
  const badFiles = report.files.filter((f) => f.problems.length > 0);

  return (
    <div className="vg-files">
      <FileProblems report={report} />
      <ul className="vg-file-list" aria-label="Dataset files">
        {report.files.map((f, i) => {
          const problemId = `${id}-p${i}`;
          const name = baseName(f.path);
          const nonFinite = typeof f.values === 'object' ? f.values : null;
          return (
            <li key={f.path} className={`vg-file${f.problems.length || nonFinite ? ' vg-row-bad' : ''}`} data-values={nonFinite ? 'nonfinite' : f.values} data-path={f.path}>
              <div className="vg-file-head">
                <span className="vg-file-name" title={f.path}>{f.path}</span>
                <span className={`vg-kind vg-kind-${f.kind}`}>{f.kind === 'npy' ? '.npy' : f.kind}</span>
              </div>
              <div className="vg-file-row">
                <p className="vg-file-facts">
                  {f.shape ? <span>shape ({f.shape.join(', ')}){f.dtype ? <span className="vg-muted"> {f.dtype}</span> : null}</span> : null}
                  {f.samples !== null ? <span>{f.samples} sample{f.samples === 1 ? '' : 's'}</span> : null}
                  <span>{formatBytes(f.size)}</span>
                </p>
                {(f.kind === 'annotation' && f.role) || onRemove ? (
                  <div className="vg-file-actions">
                    {f.kind === 'annotation' && f.role ? (
                      <label className="vg-inline-field">
                        Use{' '}
                        <select
                          aria-label={`Use of ${name}`}
                          aria-describedby={f.problems.length ? problemId : undefined}
                          value={f.role}
                          disabled={disabled}
                          onChange={(e) => onRoleChange(f.path, e.target.value as ListRole)}
                        >
                          {(Object.keys(ROLE_LABELS) as ListRole[]).map((r) => (
                            <option key={r} value={r}>{ROLE_LABELS[r]}</option>
                          ))}
                        </select>
                      </label>
                    ) : null}
                    {onRemove && (
                      <button type="button" className="vg-btn" aria-label={`Remove ${name}`} disabled={disabled} onClick={() => onRemove(f.path)}>
                        Remove
                      </button>
                    )}
                  </div>
                ) : null}
              </div>
              {f.problems.length > 0 && (
                <div id={problemId}>
                  {f.problems.map((p, k) => (
                    <p key={k} className="vg-problem">{p}</p>
                  ))}
                </div>
              )}
              {nonFinite && <NonFiniteMark report={nonFinite} />}
              {f.values === 'unchecked' && <p className="vg-muted vg-file-note">checking values…</p>}
            </li>
          );
        })}
      </ul>
      <dl className="vg-summary" aria-label="Dataset summary">
        <div>
          <dt>Resolved pairs</dt>
          <dd>{pairs}</dd>
        </div>
        {report.splits.map((s) => (
          <div key={s.role}>
            <dt>{SPLIT_LABELS[s.role]} samples</dt>
            <dd>
              {s.samples} <span className="vg-muted">({s.memoryMode === 'preload' ? 'in memory' : 'streamed'}{s.labelled ? '' : ', no labels'})</span>
            </dd>
          </div>
        ))}
        <div>
          <dt>Total samples</dt>
          <dd>{samples}</dd>
        </div>
        <div>
          <dt>Total size</dt>
          <dd>{formatBytes(report.totalBytes)}</dd>
        </div>
        <div>
          <dt>Memory mode</dt>
          <dd>{memoryModeText(report.splits)}</dd>
        </div>
        <div>
          <dt>Detected preset</dt>
          <dd title={report.detectedPreset?.reason}>{report.detectedPreset ? report.detectedPreset.name : 'none'}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd data-testid="data-status">{statusText(report, badFiles.length)}</dd>
        </div>
      </dl>
      {report.detectedPreset && <p className="vg-hint">Preset {report.detectedPreset.name}: {report.detectedPreset.reason}</p>}
    </div>
  );
}

/**
 * Every problem of the dataset in one alert (one announcement, however many files are broken),
 * as an error summary: each line names its file; the same words stay beside the file below.
 */
function FileProblems({ report }: { report: DataFileReport }) {
  const lines: { file: string | null; text: string }[] = [];
  for (const f of report.files) {
    for (const p of f.problems) lines.push({ file: f.path, text: p });
    if (typeof f.values === 'object') lines.push({ file: f.path, text: nonFiniteText(f.values) });
  }
  for (const p of report.problems) lines.push({ file: null, text: p });
  if (lines.length === 0) return null;
  const files = new Set(lines.filter((l) => l.file !== null).map((l) => l.file)).size;
  const heading = files > 0 ? `${files} file${files === 1 ? ' has' : 's have'} problems` : 'The dataset is not complete';
  return (
    <div className="vg-problem-summary" role="alert" data-testid="data-problems">
      <p className="vg-problem-heading">{heading}</p>
      <ul>
        {lines.map((l, k) => (
          <li key={k}>
            {l.file ? <><span className="vg-file-name">{l.file}</span>: </> : null}
            {l.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The Status line: "Ready to train" only with nothing left out; files with problems are named as left out. */
function statusText(report: DataFileReport, badFiles: number) {
  if (!report.ready) {
    const problems = report.files.reduce((n, f) => n + f.problems.length, 0) + report.problems.length;
    return <span>{problems ? `${problems} problem${problems === 1 ? '' : 's'}` : 'Needs a train and a validation list'}</span>;
  }
  if (badFiles > 0) return <span className="vg-warn">Ready to train without the {badFiles} file{badFiles === 1 ? '' : 's'} with problems</span>;
  if (report.problems.length > 0) return <span className="vg-warn">Ready to train, with {report.problems.length} warning{report.problems.length === 1 ? '' : 's'} above</span>;
  return <span className="vg-ok">Ready to train</span>;
}

function nonFiniteText(report: NonFiniteReport): string {
  return `${report.count} NaN/infinite value${report.count === 1 ? '' : 's'} in ${report.samples.length} sample${report.samples.length === 1 ? '' : 's'} (${sampleListText(report.samples, 6)}); training asks before using them`;
}

/** A file's NaN/±Infinity: the count and samples at a glance, every detail `fwi inspect --scan` gives on opening. */
function NonFiniteMark({ report }: { report: NonFiniteReport }) {
  const [, ...detail] = describeReport(report);
  return (
    <div className="vg-nonfinite">
      <p className="vg-problem">{nonFiniteText(report)}</p>
      <details>
        <summary>Where</summary>
        <pre className="vg-mono">{detail.map((l) => l.trim()).join('\n')}</pre>
      </details>
    </div>
  );
}

function memoryModeText(splits: DataSplitEntry[]): string {
  if (splits.length === 0) return '—';
  const modes = new Set(splits.map((s) => s.memoryMode));
  if (modes.size === 1) return modes.has('preload') ? 'All in memory' : 'Streamed from files';
  return splits.map((s) => `${SPLIT_LABELS[s.role]}: ${s.memoryMode === 'preload' ? 'memory' : 'streamed'}`).join(', ');
}
