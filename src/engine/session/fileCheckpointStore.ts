/**
 * The one `CheckpointStore` over files: a folder per run under the root of a `RunFiles`
 * (a Node folder for the CLI, OPFS in the browser, memory in tests), holding
 *
 *   <id>/run.json             the run record
 *   <id>/metrics.jsonl        the metrics history (metricsJsonl.ts)
 *   <id>/checkpoint           the latest checkpoint: a folder of PyTorch files ('folder' layout,
 *                             the CLI) or one bundle file checkpoint.safetensors ('bundle', the browser)
 *   <id>/checkpoint.previous  the one before it, kept until a newer one is complete
 *
 * A checkpoint save never leaves the run without a whole checkpoint:
 *   1. write the new one as checkpoint.partial (a stale partial from a crash is removed first);
 *   2. read it back and verify it (every file parses, every tensor part matches its CRC-32, the
 *      steps are the ones saved); a failure removes the partial and keeps everything else;
 *   3. switch by renames: previous → old, latest → previous, partial → latest;
 *   4. remove old.
 * At every point in between, a reload finds the newest complete checkpoint: the latest, or (a
 * crash between the renames of step 3) the verified partial, which loading renames into place.
 * Loading verifies too. A damaged latest is refused by name, moved aside to checkpoint.damaged
 * (kept for inspection), and the one before takes its place; the caller is told, in words, which
 * checkpoint is used instead (`LoadedCheckpoint.fallback`).
 *
 * Records and rewritten histories go the same way: written beside as `<name>.partial`, read back
 * and parsed, then renamed over the old file. Metric events are appended (held in memory for
 * `metricsFlushMs`, and always written before a checkpoint or record is saved); an append cut
 * short by a crash leaves a last line without its line break, which reading skips and the next
 * append first removes. Metrics after the latest checkpoint are dropped when a run continues
 * anyway (`metricsUpTo`), so a crash loses nothing a continued run would keep.
 */
import { errorMessage, FwiError } from '../errors.ts';
import {
  CHECKPOINT_FILES,
  decodeCheckpointBundle,
  decodeCheckpointFiles,
  encodeCheckpointBundle,
  encodeCheckpointFiles,
  type Checkpoint,
} from '../train/checkpoint.ts';
import type { CheckpointStore, LoadedCheckpoint, MetricEvent, RunListing } from './checkpointStore.ts';
import { metricsJsonl, parseMetricsJsonl } from './metricsJsonl.ts';
import { parseRunRecord, type RunRecord } from './runRecord.ts';
import type { RunFiles } from './runFiles.ts';

export type CheckpointLayout = 'folder' | 'bundle';

export interface FileCheckpointStoreOptions {
  /** 'folder': PyTorch state dicts + checkpoint.json (the CLI); 'bundle': one safetensors file (the browser). */
  layout: CheckpointLayout;
  /** Metric events are held in memory at most this long (ms) before they are appended; 0 appends each at once. */
  metricsFlushMs?: number;
  /** Milliseconds clock for `metricsFlushMs`. */
  clock?: () => number;
}

export interface FileCheckpointStore extends CheckpointStore {
  /** Appends every metric event still held in memory. */
  flushMetrics(): Promise<void>;
}

export const RUN_STORE_FILES = { record: 'run.json', metrics: 'metrics.jsonl' } as const;

type Slot = 'latest' | 'previous' | 'old' | 'partial' | 'damaged';
const SLOT_NAMES: Record<Slot, string> = {
  latest: 'checkpoint',
  previous: 'checkpoint.previous',
  old: 'checkpoint.old',
  partial: 'checkpoint.partial',
  damaged: 'checkpoint.damaged',
};

/** The file or folder name of a checkpoint slot in this layout. */
export function checkpointSlotName(layout: CheckpointLayout, slot: Slot): string {
  return layout === 'bundle' ? `${SLOT_NAMES[slot]}.safetensors` : SLOT_NAMES[slot];
}

interface Steps {
  criticStep: number;
  generatorStep: number;
}

const text = new TextEncoder();
const untext = new TextDecoder();

function stepsOf(m: Steps): string {
  return `generator step ${m.generatorStep} (critic step ${m.criticStep})`;
}

/** The steps a checkpoint's description claims, read without trusting the rest; null when unreadable. */
function claimedSteps(files: Record<string, Uint8Array> | Uint8Array): Steps | null {
  try {
    let json: string;
    if (files instanceof Uint8Array) {
      const n = Number(new DataView(files.buffer, files.byteOffset, files.byteLength).getBigUint64(0, true));
      if (n < 2 || 8 + n > files.byteLength) return null;
      json = (JSON.parse(untext.decode(files.subarray(8, 8 + n))) as { __metadata__?: { checkpoint?: string } }).__metadata__?.checkpoint ?? '';
    } else {
      json = untext.decode(files[CHECKPOINT_FILES.meta] ?? new Uint8Array(0));
    }
    const m = JSON.parse(json) as Partial<Steps>;
    return Number.isInteger(m.criticStep) && Number.isInteger(m.generatorStep) ? { criticStep: m.criticStep!, generatorStep: m.generatorStep! } : null;
  } catch {
    return null;
  }
}

/** What reading a slot found. */
type SlotRead = { kind: 'absent' } | { kind: 'whole'; checkpoint: Checkpoint } | { kind: 'damaged'; error: string; steps: Steps | null };

/** The store over `files` (see the file comment). */
export function fileCheckpointStore(files: RunFiles, options: FileCheckpointStoreOptions): FileCheckpointStore {
  const { layout } = options;
  const flushMs = options.metricsFlushMs ?? 0;
  const clock = options.clock ?? (() => Date.now());
  const slot = (id: string, s: Slot) => `${id}/${checkpointSlotName(layout, s)}`;
  const recordPath = (id: string) => `${id}/${RUN_STORE_FILES.record}`;
  const metricsPath = (id: string) => `${id}/${RUN_STORE_FILES.metrics}`;
  const SLOT_FILE_NAMES = new Set((Object.keys(SLOT_NAMES) as Slot[]).map((s) => checkpointSlotName(layout, s)));

  /** Metric events not appended yet, per run, and when the oldest arrived. */
  const pending = new Map<string, { events: MetricEvent[]; since: number }>();
  /** Runs whose metrics file this store has checked for a torn last line. */
  const tailChecked = new Set<string>();

  const checkId = (id: string) => {
    if (!id || id === '.' || id === '..' || /[/\\]/.test(id)) throw new FwiError('usage', `"${id}" cannot name a run`);
    return id;
  };

  async function existing(id: string): Promise<void> {
    checkId(id);
    if (!(await files.list(id)).some((e) => e.name === RUN_STORE_FILES.record && e.kind === 'file')) {
      throw new FwiError('io', `there is no run "${id}" (no ${RUN_STORE_FILES.record})`, files.where(id));
    }
  }

  /** Writes beside, reads back and checks with `verify`, then renames over `path`. */
  async function writeSafely(path: string, bytes: Uint8Array, verify: (bytes: Uint8Array, where: string) => void): Promise<void> {
    const partial = `${path}.partial`;
    await files.write(partial, bytes);
    const back = await files.read(partial);
    try {
      if (!back) throw new FwiError('io', 'vanished right after it was written', files.where(partial));
      verify(back, files.where(partial));
    } catch (e) {
      await files.remove(partial);
      throw new FwiError('io', `was not saved: it did not read back whole (${errorMessage(e)}); the previous version is kept`, files.where(path));
    }
    await files.rename(partial, path);
  }

  async function writeRecord(record: RunRecord): Promise<void> {
    await writeSafely(recordPath(record.id), text.encode(`${JSON.stringify(record, null, 1)}\n`), (b, where) => {
      const back = parseRunRecord(untext.decode(b), where);
      if (back.updatedAt !== record.updatedAt || back.id !== record.id) throw new FwiError('io', 'read back a different record', where);
    });
  }

  async function writeMetricsFile(id: string, events: readonly MetricEvent[]): Promise<void> {
    await writeSafely(metricsPath(id), text.encode(metricsJsonl(events)), (b, where) => {
      const back = parseMetricsJsonl(untext.decode(b), where);
      if (back.torn || back.events.length !== events.length) throw new FwiError('io', `read back ${back.events.length} events of ${events.length}`, where);
    });
  }

  async function flush(id: string): Promise<void> {
    const p = pending.get(id);
    if (!p || !p.events.length) return;
    if (!tailChecked.has(id)) {
      // An append cut short by a crash leaves a torn last line: drop it before appending after it.
      const bytes = await files.read(metricsPath(id));
      if (bytes && bytes.length && bytes[bytes.length - 1] !== 0x0a) {
        await writeMetricsFile(id, parseMetricsJsonl(untext.decode(bytes), files.where(metricsPath(id))).events);
      }
      tailChecked.add(id);
    }
    const events = p.events;
    pending.delete(id);
    try {
      await files.append(metricsPath(id), text.encode(metricsJsonl(events)));
    } catch (e) {
      // Kept for the next try; what part of them reached the file is cut off then.
      const later = pending.get(id)?.events ?? [];
      pending.set(id, { events: [...events, ...later], since: p.since });
      tailChecked.delete(id);
      throw e;
    }
  }

  /**
   * What the slot holds: nothing, a whole checkpoint (checksums verified), or a damaged one and
   * why. Only what was read is judged: a failure to read (storage refused, a file in use) is thrown.
   */
  async function readSlot(id: string, s: Slot): Promise<SlotRead> {
    const where = files.where(slot(id, s));
    if (layout === 'bundle') {
      const bytes = await files.read(slot(id, s));
      if (!bytes) return { kind: 'absent' };
      try {
        return { kind: 'whole', checkpoint: decodeCheckpointBundle(bytes, where) };
      } catch (e) {
        return { kind: 'damaged', error: errorMessage(e), steps: claimedSteps(bytes) };
      }
    }
    const entries = await files.list(slot(id, s));
    if (!entries.length) return { kind: 'absent' };
    const parts: Record<string, Uint8Array> = {};
    for (const name of Object.values(CHECKPOINT_FILES)) {
      const bytes = await files.read(`${slot(id, s)}/${name}`);
      if (bytes) parts[name] = bytes;
    }
    try {
      return { kind: 'whole', checkpoint: decodeCheckpointFiles(parts, where) };
    } catch (e) {
      return { kind: 'damaged', error: errorMessage(e), steps: claimedSteps(parts) };
    }
  }

  async function writeSlot(id: string, s: Slot, c: Checkpoint): Promise<void> {
    if (layout === 'bundle') {
      await files.write(slot(id, s), encodeCheckpointBundle(c));
      return;
    }
    for (const [name, bytes] of Object.entries(encodeCheckpointFiles(c))) await files.write(`${slot(id, s)}/${name}`, bytes);
  }

  async function slotsPresent(id: string): Promise<Set<string>> {
    return new Set((await files.list(id)).map((e) => e.name).filter((n) => SLOT_FILE_NAMES.has(n)));
  }

  const store: FileCheckpointStore = {
    async listRuns() {
      const listing: RunListing = { runs: [], unreadable: [] };
      for (const entry of await files.list('')) {
        if (entry.kind !== 'folder') continue;
        const id = entry.name;
        const names = new Set((await files.list(id)).map((e) => e.name));
        if (names.has(RUN_STORE_FILES.record)) {
          try {
            const bytes = await files.read(recordPath(id));
            if (!bytes) throw new FwiError('io', 'vanished while the runs were listed', files.where(recordPath(id)));
            listing.runs.push(parseRunRecord(untext.decode(bytes), files.where(recordPath(id))));
          } catch (e) {
            listing.unreadable.push({ id, message: errorMessage(e) });
          }
        } else if ([...names].some((n) => SLOT_FILE_NAMES.has(n))) {
          listing.unreadable.push({ id, message: `${files.where(id)} has a checkpoint but no ${RUN_STORE_FILES.record}` });
        }
      }
      listing.runs.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      return listing;
    },

    async readRecord(id) {
      const bytes = await files.read(recordPath(checkId(id)));
      if (!bytes) throw new FwiError('io', `there is no run "${id}" (no ${RUN_STORE_FILES.record})`, files.where(id));
      return parseRunRecord(untext.decode(bytes), files.where(recordPath(id)));
    },

    async createRun(record) {
      const id = checkId(record.id);
      const names = new Set((await files.list(id)).map((e) => e.name));
      if (names.has(RUN_STORE_FILES.record) || [...names].some((n) => SLOT_FILE_NAMES.has(n))) {
        throw new FwiError('usage', `a run "${id}" exists already (${files.where(id)}); a new run never replaces an old one`);
      }
      await files.remove(metricsPath(id));
      pending.delete(id);
      tailChecked.add(id);
      await writeRecord(record);
    },

    async saveRecord(record) {
      await existing(record.id);
      await flush(record.id);
      await writeRecord(record);
    },

    async saveCheckpoint(id, checkpoint) {
      await existing(id);
      await flush(id); // the history on storage is never behind the checkpoint
      const partial = slot(id, 'partial');
      const what = `the checkpoint of ${stepsOf(checkpoint.meta)}`;
      await files.remove(partial);
      try {
        await writeSlot(id, 'partial', checkpoint);
      } catch (e) {
        await files.remove(partial).catch(() => undefined); // the write's own error is the one to tell
        throw e;
      }
      const back = await readSlot(id, 'partial');
      const m = back.kind === 'whole' ? back.checkpoint.meta : null;
      if (!m || m.criticStep !== checkpoint.meta.criticStep || m.generatorStep !== checkpoint.meta.generatorStep) {
        await files.remove(partial);
        const why = back.kind === 'damaged' ? back.error : back.kind === 'absent' ? 'nothing was there' : `it holds ${stepsOf(m!)}`;
        throw new FwiError('checkpoint-damaged', `${what} did not read back whole (${why}); the previous checkpoint is kept`, files.where(partial));
      }
      const present = await slotsPresent(id);
      if (present.has(checkpointSlotName(layout, 'latest'))) {
        if (present.has(checkpointSlotName(layout, 'previous'))) {
          await files.remove(slot(id, 'old'));
          await files.rename(slot(id, 'previous'), slot(id, 'old'));
        }
        await files.rename(slot(id, 'latest'), slot(id, 'previous'));
      }
      await files.rename(partial, slot(id, 'latest'));
      // Saved: the switch is done. An old one that cannot be removed now is removed before the next switch.
      await files.remove(slot(id, 'old')).catch(() => undefined);
    },

    async loadCheckpoint(id): Promise<LoadedCheckpoint | null> {
      await existing(id);
      const latest = await readSlot(id, 'latest');
      if (latest.kind === 'whole') return { checkpoint: latest.checkpoint, fallback: null };
      const refused: string[] = [];
      if (latest.kind === 'damaged') refused.push(`${latest.steps ? `checkpoint of ${stepsOf(latest.steps)}` : 'the latest checkpoint'} is damaged (${latest.error})`);
      // Without a latest, a crash came between the renames of a switch: the partial was verified then.
      const candidates: Slot[] = latest.kind === 'absent' ? ['partial', 'previous', 'old'] : ['previous', 'old'];
      let unsaved: string | null = null;
      for (const s of candidates) {
        const r = await readSlot(id, s);
        if (r.kind === 'absent') continue;
        if (r.kind === 'damaged') {
          // A partial that does not read back whole was never switched to: the first save of a run cut short.
          if (s === 'partial') unsaved = r.error;
          else refused.push(`${r.steps ? `checkpoint of ${stepsOf(r.steps)}` : `the ${SLOT_NAMES[s]} checkpoint`} is damaged (${r.error})`);
          continue;
        }
        if (latest.kind === 'damaged') {
          await files.remove(slot(id, 'damaged'));
          await files.rename(slot(id, 'latest'), slot(id, 'damaged'));
        }
        await files.rename(slot(id, s), slot(id, 'latest'));
        if (s === 'partial') await files.remove(slot(id, 'old'));
        if (unsaved !== null) refused.unshift(`the newest checkpoint was not completely saved (${unsaved})`);
        const kept = latest.kind === 'damaged' ? `; the damaged one is kept as ${files.where(slot(id, 'damaged'))}` : '';
        return {
          checkpoint: r.checkpoint,
          fallback: refused.length ? `${refused.join('; ')}; using ${stepsOf(r.checkpoint.meta)}${kept}` : null,
        };
      }
      if (!refused.length) return null;
      throw new FwiError('checkpoint-damaged', `no whole checkpoint is left: ${refused.join('; ')}`, files.where(id));
    },

    async appendMetrics(id, events) {
      if (!events.length) return;
      if (!pending.has(id)) await existing(id);
      const p = pending.get(id) ?? { events: [], since: clock() };
      p.events.push(...events);
      pending.set(id, p);
      if (clock() - p.since >= flushMs) await flush(id);
    },

    async readMetrics(id) {
      await existing(id);
      const bytes = await files.read(metricsPath(id));
      const stored = bytes ? parseMetricsJsonl(untext.decode(bytes), files.where(metricsPath(id))).events : [];
      return [...stored, ...(pending.get(id)?.events ?? [])];
    },

    async replaceMetrics(id, events) {
      await existing(id);
      pending.delete(id);
      await writeMetricsFile(id, events);
      tailChecked.add(id);
    },

    async deleteRun(id) {
      await existing(id);
      pending.delete(id);
      // The record first: a delete cut short leaves no half-run in the listing.
      await files.remove(recordPath(id));
      await files.remove(id);
    },

    async flushMetrics() {
      for (const id of [...pending.keys()]) await flush(id);
    },
  };
  return store;
}
