/**
 * Copies of the datasets runs trained on, in browser storage, so that a reload can continue a run
 * without asking for its files again. A copy is keyed by the data's identity (the header hash of
 * its run record): runs on the same data share it, and it goes with the last of them.
 */
import type { ListRole } from './protocol.ts';

/** Datasets up to this size are copied into browser storage with their run. */
export const STORE_DATA_LIMIT_BYTES = 512 * 1024 * 1024;

/** What is kept for a dataset: the files' paths and the lists' roles always, the files themselves when small enough. */
export interface DatasetManifest {
  files: string[];
  lists: { path: string; role: ListRole }[];
  /** True when the files themselves are kept. */
  stored: boolean;
}

export interface DatasetCopies {
  /** Keeps the manifest and, within STORE_DATA_LIMIT_BYTES, the files (those already kept are not written again). */
  keep(key: string, files: { path: string; file: Blob }[], lists: { path: string; role: ListRole }[]): Promise<DatasetManifest>;
  /** The manifest, or null when nothing is kept under `key`. */
  manifest(key: string): Promise<DatasetManifest | null>;
  /** The kept files with their original paths and the lists' roles, or null when the files are not kept. */
  read(key: string): Promise<{ files: { path: string; file: File }[]; lists: { path: string; role: ListRole }[] } | null>;
  remove(key: string): Promise<void>;
}
