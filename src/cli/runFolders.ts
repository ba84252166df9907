/**
 * The CLI's `CheckpointStore`: the engine's file store (src/engine/session/fileCheckpointStore.ts)
 * over one folder per run under a root folder, named by the run's id. `fwi train --out
 * runs/flatvel-a` is the run "flatvel-a" in the root `runs/`, and its folder holds
 *
 *   run.json              the run record (name, config, data identity, state, latest checkpoint)
 *   config.json           the configuration, as the studio exports it
 *   metrics.jsonl         every step, validation, checkpoint and state event (one JSON object a line)
 *   metrics.csv           one row per critic step, generator step and validation
 *   checkpoint/           the latest checkpoint (PyTorch state dicts + checkpoint.json)
 *   checkpoint.previous/  the one before it
 *
 * Checkpoints, records and rewritten histories are written beside, read back, verified and
 * renamed into place (the engine store's protocol), so a crash never leaves half a file or the
 * run without a whole checkpoint. config.json and metrics.csv are views for people and pandas,
 * written here beside the store's own files.
 */
import * as path from 'node:path';
import { configToJson } from '../engine/config.ts';
import { FwiError } from '../engine/errors.ts';
import type { CheckpointStore, MetricEvent } from '../engine/session/checkpointStore.ts';
import { checkpointSlotName, fileCheckpointStore, RUN_STORE_FILES } from '../engine/session/fileCheckpointStore.ts';
import type { RunRecord } from '../engine/session/runRecord.ts';
import { folderFiles } from './folderFiles.ts';
import { CSV_COLUMNS, csvRows } from './metricsLog.ts';

export const RUN_FILES = {
  record: RUN_STORE_FILES.record,
  config: 'config.json',
  jsonl: RUN_STORE_FILES.metrics,
  csv: 'metrics.csv',
  checkpoint: checkpointSlotName('folder', 'latest'),
  previousCheckpoint: checkpointSlotName('folder', 'previous'),
} as const;

const text = new TextEncoder();

function csv(events: MetricEvent[]): string {
  return events.flatMap(csvRows).map((r) => `${r}\n`).join('');
}

/** Runs as folders under `root` (see the file comment). */
export function runFolders(root: string): CheckpointStore & { folderOf(id: string): string } {
  const files = folderFiles(root);
  const store = fileCheckpointStore(files, { layout: 'folder' });
  const folderOf = (id: string) => {
    if (!id || id === '.' || id === '..' || /[/\\]/.test(id)) throw new FwiError('usage', `"${id}" cannot name a run folder`);
    return path.join(root, id);
  };
  const writeView = async (id: string, name: string, content: string) => {
    await files.write(`${id}/${name}.partial`, text.encode(content));
    await files.rename(`${id}/${name}.partial`, `${id}/${name}`);
  };
  /** Runs whose metrics.csv has its header line (checked once per run). */
  const csvStarted = new Set<string>();
  const writeConfig = (record: RunRecord) => writeView(record.id, RUN_FILES.config, `${configToJson(record.config)}\n`);
  return {
    ...store,
    folderOf,
    async listRuns() {
      const listing = await store.listRuns();
      for (const u of listing.unreadable) {
        if (u.message.endsWith(`but no ${RUN_FILES.record}`)) {
          const dir = folderOf(u.id);
          u.message = `${dir} has a checkpoint but no ${RUN_FILES.record} (written before runs were kept): continue it into a new --out with fwi train --resume ${path.join(dir, RUN_FILES.checkpoint)}`;
        }
      }
      return listing;
    },
    async createRun(record) {
      const dir = folderOf(record.id);
      const names = new Set((await files.list(record.id)).map((e) => e.name));
      if (names.has(RUN_FILES.record) || names.has(RUN_FILES.checkpoint)) {
        throw new FwiError('usage', `${dir} already holds a run; a new run never replaces an old one: choose another --out, or continue it with --resume ${path.join(dir, RUN_FILES.checkpoint)}`);
      }
      await files.remove(`${record.id}/${RUN_FILES.csv}`);
      csvStarted.delete(record.id);
      await store.createRun(record);
      await writeConfig(record);
    },
    async saveRecord(record) {
      await store.saveRecord(record);
      await writeConfig(record);
    },
    async appendMetrics(id, events) {
      await store.appendMetrics(id, events);
      const started = csvStarted.has(id) || Boolean((await files.read(`${id}/${RUN_FILES.csv}`))?.length);
      const header = started ? '' : `${CSV_COLUMNS.join(',')}\n`;
      csvStarted.add(id);
      await files.append(`${id}/${RUN_FILES.csv}`, text.encode(header + csv(events)));
    },
    async replaceMetrics(id, events) {
      await store.replaceMetrics(id, events);
      await writeView(id, RUN_FILES.csv, `${CSV_COLUMNS.join(',')}\n${csv(events)}`);
      csvStarted.add(id);
    },
  };
}
