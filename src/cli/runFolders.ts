/**
 * The CLI's `CheckpointStore`: one folder per run under a root folder, named by the run's id.
 * `fwi train --out runs/flatvel-a` is the run "flatvel-a" in the root `runs/`, and its folder holds
 *
 *   run.json          the run record (name, config, data identity, state, latest checkpoint)
 *   config.json       the configuration, as the studio exports it
 *   metrics.jsonl     every step, validation, checkpoint and state event (one JSON object a line)
 *   metrics.csv       one row per critic step, generator step and validation
 *   checkpoint/       the latest checkpoint (PyTorch state dicts + checkpoint.json)
 *
 * `fwi runs runs/` lists them. Records and metrics are written beside and renamed into place, so
 * a crash never leaves half a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configToJson } from '../engine/config.ts';
import { FwiError } from '../engine/errors.ts';
import type { CheckpointStore, MetricEvent, RunListing } from '../engine/session/checkpointStore.ts';
import { parseRunRecord, type RunRecord } from '../engine/session/runRecord.ts';
import { CHECKPOINT_FILES } from '../engine/train/checkpoint.ts';
import { readCheckpoint, writeCheckpointFolder } from './checkpointFolder.ts';
import { CSV_COLUMNS, csvRows, jsonlRecord } from './metricsLog.ts';

export const RUN_FILES = { record: 'run.json', config: 'config.json', jsonl: 'metrics.jsonl', csv: 'metrics.csv', checkpoint: 'checkpoint' } as const;

const METRIC_TYPES = new Set(['critic-step', 'generator-step', 'validation', 'checkpoint', 'state', 'config', 'nonfinite-data']);

function writeAtomic(file: string, text: string): void {
  const next = `${file}.partial`;
  fs.writeFileSync(next, text);
  fs.renameSync(next, file);
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FwiError('io', code === 'ENOENT' ? 'no such file' : `cannot read (${(e as Error).message})`, file);
  }
}

/** A metrics.jsonl line as an event; FwiError naming the file and line when it is not one. */
function parseMetricLine(line: string, file: string, n: number): MetricEvent {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch (err) {
    throw new FwiError('io', `line ${n} is not JSON (${(err as Error).message})`, file);
  }
  const type = (e as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !METRIC_TYPES.has(type)) throw new FwiError('io', `line ${n} is not a metrics event (type ${JSON.stringify(type)})`, file);
  // The log's epochs are 1-based (as printed and in the CSV); the engine's are 0-based.
  const { time: _time, ...event } = e as MetricEvent & { time?: string };
  return ('epoch' in event && typeof event.epoch === 'number' ? { ...event, epoch: event.epoch - 1 } : event) as MetricEvent;
}

function jsonl(events: MetricEvent[]): string {
  return events.map((e) => `${JSON.stringify(jsonlRecord(e))}\n`).join('');
}

function csv(events: MetricEvent[]): string {
  return events.flatMap(csvRows).map((r) => `${r}\n`).join('');
}

/** Runs as folders under `root` (see the file comment). */
export function runFolders(root: string): CheckpointStore & { folderOf(id: string): string } {
  const folderOf = (id: string) => {
    if (!id || id === '.' || id === '..' || /[/\\]/.test(id)) throw new FwiError('usage', `"${id}" cannot name a run folder`);
    return path.join(root, id);
  };
  const recordFile = (id: string) => path.join(folderOf(id), RUN_FILES.record);
  const existing = (id: string) => {
    if (!fs.existsSync(recordFile(id))) throw new FwiError('io', `there is no run "${id}" (no ${RUN_FILES.record})`, folderOf(id));
    return folderOf(id);
  };
  const store = {
    folderOf,
    async listRuns(): Promise<RunListing> {
      const listing: RunListing = { runs: [], unreadable: [] };
      const entries = fs.existsSync(root) ? fs.readdirSync(root, { withFileTypes: true }) : [];
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        const dir = path.join(root, entry.name);
        if (fs.existsSync(path.join(dir, RUN_FILES.record))) {
          try {
            listing.runs.push(parseRunRecord(readText(path.join(dir, RUN_FILES.record)), path.join(dir, RUN_FILES.record)));
          } catch (e) {
            listing.unreadable.push({ id: entry.name, message: (e as Error).message });
          }
        } else if (fs.existsSync(path.join(dir, RUN_FILES.checkpoint, CHECKPOINT_FILES.meta))) {
          listing.unreadable.push({ id: entry.name, message: `${dir} has a checkpoint but no ${RUN_FILES.record} (written before runs were kept): continue it into a new --out with fwi train --resume ${path.join(dir, RUN_FILES.checkpoint)}` });
        }
      }
      listing.runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      return listing;
    },
    async readRecord(id: string): Promise<RunRecord> {
      return parseRunRecord(readText(recordFile(id)), recordFile(id));
    },
    async createRun(record: RunRecord): Promise<void> {
      const dir = folderOf(record.id);
      if (fs.existsSync(path.join(dir, RUN_FILES.record)) || fs.existsSync(path.join(dir, RUN_FILES.checkpoint))) {
        throw new FwiError('usage', `${dir} already holds a run; a new run never replaces an old one: choose another --out, or continue it with --resume ${path.join(dir, RUN_FILES.checkpoint)}`);
      }
      fs.mkdirSync(dir, { recursive: true });
      writeAtomic(path.join(dir, RUN_FILES.config), `${configToJson(record.config)}\n`);
      for (const f of [RUN_FILES.jsonl, RUN_FILES.csv]) fs.rmSync(path.join(dir, f), { force: true });
      writeAtomic(path.join(dir, RUN_FILES.record), `${JSON.stringify(record, null, 1)}\n`);
    },
    async saveRecord(record: RunRecord): Promise<void> {
      const dir = existing(record.id);
      writeAtomic(path.join(dir, RUN_FILES.config), `${configToJson(record.config)}\n`);
      writeAtomic(path.join(dir, RUN_FILES.record), `${JSON.stringify(record, null, 1)}\n`);
    },
    async saveCheckpoint(id: string, checkpoint): Promise<void> {
      writeCheckpointFolder(path.join(existing(id), RUN_FILES.checkpoint), checkpoint);
    },
    async loadCheckpoint(id: string) {
      const folder = path.join(existing(id), RUN_FILES.checkpoint);
      return fs.existsSync(folder) ? readCheckpoint(folder) : null;
    },
    async appendMetrics(id: string, events: MetricEvent[]): Promise<void> {
      const dir = existing(id);
      const csvFile = path.join(dir, RUN_FILES.csv);
      const header = !fs.existsSync(csvFile) || fs.statSync(csvFile).size === 0 ? `${CSV_COLUMNS.join(',')}\n` : '';
      fs.appendFileSync(path.join(dir, RUN_FILES.jsonl), jsonl(events));
      fs.appendFileSync(csvFile, header + csv(events));
    },
    async readMetrics(id: string): Promise<MetricEvent[]> {
      const file = path.join(existing(id), RUN_FILES.jsonl);
      if (!fs.existsSync(file)) return [];
      return readText(file)
        .split('\n')
        .map((line, i) => [line, i + 1] as const)
        .filter(([line]) => line.trim() !== '')
        .map(([line, n]) => parseMetricLine(line, file, n));
    },
    async replaceMetrics(id: string, events: MetricEvent[]): Promise<void> {
      const dir = existing(id);
      writeAtomic(path.join(dir, RUN_FILES.jsonl), jsonl(events));
      writeAtomic(path.join(dir, RUN_FILES.csv), `${CSV_COLUMNS.join(',')}\n${csv(events)}`);
    },
    async deleteRun(id: string): Promise<void> {
      fs.rmSync(existing(id), { recursive: true });
    },
  } satisfies CheckpointStore & { folderOf(id: string): string };
  return store;
}
