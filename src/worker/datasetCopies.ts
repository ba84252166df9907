/**
 * Copies of the datasets runs trained on, in browser storage, so that a reload can continue a run
 * without asking for its files again. A copy is keyed by the data's identity (the header hash of
 * its run record): runs on the same data share it, and it goes with the last of them. Each copy is
 * a folder of the files (named by their encoded paths) and `manifest.json` (the paths and the
 * lists' roles), written last, so a manifest that says the files are kept is never ahead of them.
 * Files are written from and read back as Blobs: a copy is never held in memory whole.
 */
import { errorMessage, FwiError } from '../engine/errors.ts';
import { opfsFailure, opfsFolder } from './opfsFiles.ts';
import type { ListRole } from './protocol.ts';

/** Datasets up to this size are copied into browser storage with their run. */
export const STORE_DATA_LIMIT_BYTES = 512 * 1024 * 1024;

const ROOT = 'velocitygan-datasets';
const MANIFEST = 'manifest.json';
const ROLES: readonly ListRole[] = ['train', 'validation', 'inference', 'unused'];

/** What is kept for a dataset: the files' paths and the lists' roles always, the files themselves when small enough. */
export interface DatasetManifest {
  files: string[];
  lists: { path: string; role: ListRole }[];
  /** True when the files themselves are kept. */
  stored: boolean;
}

export interface DatasetCopies {
  /** Keeps the manifest and, within STORE_DATA_LIMIT_BYTES, the files (those already kept at the same size are not written again). */
  keep(key: string, files: { path: string; file: Blob }[], lists: { path: string; role: ListRole }[]): Promise<DatasetManifest>;
  /** The manifest, or null when nothing is kept under `key`. */
  manifest(key: string): Promise<DatasetManifest | null>;
  /** The kept files with their original paths and the lists' roles, or null when the files are not kept. */
  read(key: string): Promise<{ files: { path: string; file: File }[]; lists: { path: string; role: ListRole }[] } | null>;
  remove(key: string): Promise<void>;
}

/** A stored manifest, checked at the edge like a file; FwiError('io') naming `file` and what is wrong. */
export function parseDatasetManifest(text: string, file: string): DatasetManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FwiError('io', `not valid JSON (${errorMessage(e)})`, file);
  }
  const m = raw as Partial<DatasetManifest> | null;
  if (typeof m !== 'object' || m === null) throw new FwiError('io', 'not a JSON object', file);
  if (!Array.isArray(m.files) || !m.files.every((f) => typeof f === 'string')) throw new FwiError('io', 'files must be a list of paths', file);
  if (!Array.isArray(m.lists)) throw new FwiError('io', 'lists must be a list of annotation lists and their roles', file);
  for (const l of m.lists) {
    if (typeof l !== 'object' || l === null || typeof l.path !== 'string' || !ROLES.includes(l.role)) throw new FwiError('io', `lists holds ${JSON.stringify(l)}, not a path and a role (${ROLES.join(', ')})`, file);
  }
  if (typeof m.stored !== 'boolean') throw new FwiError('io', 'stored must be true or false', file);
  return { files: m.files, lists: m.lists.map((l) => ({ path: l.path, role: l.role })), stored: m.stored };
}

const isNotFound = (e: unknown) => (e as { name?: string } | null)?.name === 'NotFoundError';

/** OPFS names cannot hold '/': paths are encoded one to one. */
const storedName = (path: string) => encodeURIComponent(path);

/** Dataset copies in the origin private file system. */
export function opfsDatasetCopies(): DatasetCopies {
  const where = (key: string, name?: string) => `browser storage: ${ROOT}/${key}${name ? `/${name}` : ''}`;
  const folder = async (key: string, create: boolean): Promise<FileSystemDirectoryHandle | null> => {
    const root = await opfsFolder(ROOT);
    try {
      return await root.getDirectoryHandle(key, { create });
    } catch (e) {
      if (!create && isNotFound(e)) return null;
      throw opfsFailure(e, 'open the dataset copy', where(key));
    }
  };
  const readFile = async (dir: FileSystemDirectoryHandle, name: string, key: string): Promise<File | null> => {
    try {
      return await (await dir.getFileHandle(name)).getFile();
    } catch (e) {
      if (isNotFound(e)) return null;
      throw opfsFailure(e, 'read', where(key, name));
    }
  };
  const writeFile = async (dir: FileSystemDirectoryHandle, name: string, data: Blob | string, key: string): Promise<void> => {
    let w: FileSystemWritableFileStream;
    try {
      w = await (await dir.getFileHandle(name, { create: true })).createWritable();
    } catch (e) {
      throw opfsFailure(e, 'open for writing', where(key, name));
    }
    try {
      await w.write(data);
      await w.close();
    } catch (e) {
      await w.abort().catch(() => undefined); // the write is abandoned whole; the abort's own failure adds nothing
      throw opfsFailure(e, 'write', where(key, name), typeof data === 'string' ? data.length : data.size);
    }
  };
  const manifest = async (key: string): Promise<DatasetManifest | null> => {
    const dir = await folder(key, false);
    const file = dir ? await readFile(dir, MANIFEST, key) : null;
    return file ? parseDatasetManifest(await file.text(), where(key, MANIFEST)) : null;
  };
  return {
    manifest,
    async keep(key, files, lists) {
      const total = files.reduce((n, f) => n + f.file.size, 0);
      const kept: DatasetManifest = { files: files.map((f) => f.path), lists, stored: total <= STORE_DATA_LIMIT_BYTES };
      const dir = (await folder(key, true))!;
      if (kept.stored) {
        for (const f of files) {
          const existing = await readFile(dir, storedName(f.path), key);
          if (existing?.size !== f.file.size) await writeFile(dir, storedName(f.path), f.file, key);
        }
      }
      await writeFile(dir, MANIFEST, JSON.stringify(kept), key);
      return kept;
    },
    async read(key) {
      const m = await manifest(key);
      if (!m?.stored) return null;
      const dir = (await folder(key, false))!;
      const files = [];
      for (const path of m.files) {
        const file = await readFile(dir, storedName(path), key);
        if (!file) throw new FwiError('io', `the kept copy of ${path} is missing`, where(key));
        files.push({ path, file: new File([file], path.replace(/^.*\//, '')) });
      }
      return { files, lists: m.lists };
    },
    async remove(key) {
      const root = await opfsFolder(ROOT);
      try {
        await root.removeEntry(key, { recursive: true });
      } catch (e) {
        if (!isNotFound(e)) throw opfsFailure(e, 'remove the dataset copy', where(key));
      }
    },
  };
}
