/**
 * The files the user supplied (File handles, never copied into the worker's memory) and what they
 * make: the data report, the value check of the training and validation files, and the splits
 * opened as datasets. A newer change always wins over a report still being worked out. The
 * datasets read each file through its path, so a file re-attached (the same file, picked again
 * after the browser stopped letting it be read) is read on by the datasets already open.
 */
import { openDataset, type Dataset, type DatasetOptions } from '../engine/data/dataset.ts';
import type { NonFiniteReport } from '../engine/data/nonFinite.ts';
import { errorMessage, FwiError } from '../engine/errors.ts';
import type { SuppliedFile } from '../engine/io/annotation.ts';
import { blobSource, type ByteSource } from '../engine/io/byteSource.ts';
import { buildDataState, checkValues, filesToCheck, splitPairs, type DataState } from './dataReport.ts';
import type { DataReport, ListRole, UnreadableFile } from './protocol.ts';
import { checkSameFile, reattachTarget, unreadableFiles } from './reattach.ts';

export class SuppliedData {
  private files: SuppliedFile<Blob>[] = [];
  private roles = new Map<string, ListRole>();
  private state: DataState | null = null;
  private version = 0;
  /** The preset the data imitates (the demo dataset says which), shown with the report. */
  presetHint: { name: string; reason: string } | null = null;

  constructor(private readonly report: (report: DataReport) => void) {}

  async add(files: { path: string; file: Blob }[]): Promise<void> {
    const byPath = new Map(this.files.map((f) => [f.path, f]));
    for (const f of files) byPath.set(f.path, { path: f.path, file: f.file });
    this.files = [...byPath.values()];
    await this.refresh();
  }

  async remove(path: string): Promise<void> {
    this.files = this.files.filter((f) => f.path !== path);
    this.roles.delete(path);
    await this.refresh();
  }

  async setRole(path: string, role: ListRole): Promise<void> {
    this.roles.set(path, role);
    await this.refresh();
  }

  /** Replaces every file and role (a kept run's dataset, read back from browser storage). */
  async replace(files: { path: string; file: Blob }[], roles: { path: string; role: ListRole }[]): Promise<void> {
    this.files = files.map((f) => ({ path: f.path, file: f.file }));
    this.roles = new Map(roles.map((l) => [l.path, l.role]));
    this.presetHint = null;
    await this.refresh();
  }

  /**
   * Puts picked files in place of the supplied files of the same name, each checked to be the same
   * file (size, and a .npy's shape and dtype) before any is replaced; resolves to the paths replaced.
   */
  async reattach(picked: { path: string; file: Blob }[]): Promise<string[]> {
    const state = await this.current();
    const rows = new Map(state.report.files.map((r) => [r.path, r]));
    const swaps = new Map<string, Blob>();
    for (const p of picked) {
      const path = reattachTarget(p.path, [...rows.keys()]);
      await checkSameFile(rows.get(path)!, p.file);
      swaps.set(path, p.file);
    }
    this.files = this.files.map((f) => (swaps.has(f.path) ? { path: f.path, file: swaps.get(f.path)! } : f));
    await this.refresh();
    return [...swaps.keys()];
  }

  /** The training and validation files the browser refuses to read now. */
  async unreadable(): Promise<UnreadableFile[]> {
    return unreadableFiles((await this.trainingFiles()).files);
  }

  /** The current data, worked out if it is not yet. */
  async current(): Promise<DataState> {
    if (!this.state) await this.refresh();
    return this.state!;
  }

  /** The files training and validation use (lists and the .npy files they name), and the lists' roles. */
  async trainingFiles(): Promise<{ files: { path: string; file: Blob }[]; lists: { path: string; role: ListRole }[] }> {
    const state = await this.current();
    const lists = state.lists.filter((l) => l.role === 'train' || l.role === 'validation');
    const used = new Set(lists.flatMap((l) => [l.path, ...l.pairs.flatMap((p) => [p.seismic.path, ...(p.velocity ? [p.velocity.path] : [])])]));
    return { files: this.files.filter((f) => used.has(f.path)), lists: lists.map((l) => ({ path: l.path, role: l.role })) };
  }

  /** The split's pairs as a dataset, or null when no list of that role resolves. */
  async openSplit(role: ListRole, options: DatasetOptions = {}): Promise<Dataset | null> {
    const pairs = splitPairs((await this.current()).lists, role);
    if (pairs.length === 0) return null;
    return openDataset(
      pairs.map((p) => ({ seismic: this.source(p.seismic.path, p.seismic.file), velocity: p.velocity ? this.source(p.velocity.path, p.velocity.file) : null, label: `line ${p.line}` })),
      options,
    );
  }

  /** The seismic files of one annotation list (inference and its gathers). */
  async openList(listPath: string, options: DatasetOptions = {}): Promise<Dataset> {
    const list = (await this.current()).lists.find((l) => l.path === listPath);
    if (!list) throw new FwiError('usage', `${listPath} is not a usable annotation list`);
    return openDataset(
      list.pairs.map((p) => ({ seismic: this.source(p.seismic.path, p.seismic.file), velocity: null, label: `${listPath} line ${p.line}` })),
      options,
    );
  }

  /** Reads the file supplied at `path` now (a re-attached one once it is), else `file`, the one the dataset opened. */
  private source(path: string, file: Blob): ByteSource {
    const opened = blobSource(file, path);
    return {
      name: opened.name,
      size: opened.size,
      read: (offset, length) => {
        const now = this.files.find((f) => f.path === path)?.file;
        return now && now !== file && now.size === file.size ? blobSource(now, path).read(offset, length) : opened.read(offset, length);
      },
    };
  }

  /** The reports of the training files that hold NaN or ±Infinity (waits for their value check). */
  async trainingNonFinite(): Promise<NonFiniteReport[]> {
    const found: NonFiniteReport[] = [];
    for (const [path, { file, kind, roles }] of filesToCheck(await this.current())) {
      if (!roles.has('train')) continue;
      const r = await checkValues(file, path, kind);
      if (r.count) found.push(r);
    }
    return found;
  }

  private async refresh(): Promise<void> {
    const version = ++this.version;
    const state = await buildDataState(this.files, this.roles, this.presetHint);
    if (version !== this.version) return; // a newer change is being worked out
    this.state = state;
    const check = filesToCheck(state);
    for (const row of state.report.files) if (check.has(row.path)) row.values = 'unchecked';
    this.report(state.report);
    void this.checkValues(state, version);
  }

  /** Reads the training and validation files' values in the background and marks those holding NaN or ±Infinity. */
  private async checkValues(state: DataState, version: number): Promise<void> {
    const rows = new Map(state.report.files.map((r) => [r.path, r]));
    for (const [path, { file, kind }] of filesToCheck(state)) {
      const row = rows.get(path)!;
      try {
        const r = await checkValues(file, path, kind);
        row.values = r.count ? r : 'finite';
      } catch (e) {
        row.problems.push(`its values could not be read: ${errorMessage(e)}`);
        row.values = undefined;
      }
      if (version !== this.version) return;
    }
    this.report({ ...state.report, files: state.report.files.map((r) => ({ ...r })) });
  }
}
