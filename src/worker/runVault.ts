/**
 * The run's safe in browser storage (the origin private file system): the latest checkpoint
 * bundle, a small description of the run for the "resume previous run?" offer, and copies of the
 * dataset files when they are small enough, so a reload or a crashed tab loses at most a few
 * minutes of training and the run can continue without asking for the files again.
 * Writes go through `createWritable`, which replaces a file only when the write completes: a
 * tab that dies mid-save leaves the previous checkpoint intact.
 */
import type { SavedRunInfo } from './protocol.ts';

/** Datasets up to this size are copied into browser storage with the run. */
export const STORE_DATA_LIMIT_BYTES = 512 * 1024 * 1024;

const RUN_DIR = 'velocitygan-run';
const DATA_DIR = 'data';
const CHECKPOINT = 'checkpoint.bin';
const INFO = 'run.json';
const HISTORY = 'history.json';

async function runDir(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  try {
    const root = await navigator.storage.getDirectory();
    return await root.getDirectoryHandle(RUN_DIR, { create });
  } catch {
    return null;
  }
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, data: Blob | BufferSource | string): Promise<void> {
  const handle = await dir.getFileHandle(name, { create: true });
  const w = await handle.createWritable();
  try {
    await w.write(data);
    await w.close();
  } catch (e) {
    await w.abort().catch(() => undefined);
    throw e;
  }
}

async function readFile(dir: FileSystemDirectoryHandle, name: string): Promise<File | null> {
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch {
    return null;
  }
}

/** File names in OPFS cannot hold '/': dataset paths are encoded one to one. */
function storedName(path: string): string {
  return encodeURIComponent(path);
}

/** True when this browser gives the worker a private file system to save runs in. */
export async function vaultAvailable(): Promise<boolean> {
  return (await runDir(true)) !== null;
}

/** Saves the checkpoint bundle, then the description that points at it. */
export async function saveCheckpoint(bundle: Blob | Uint8Array, info: SavedRunInfo): Promise<void> {
  const dir = await runDir(true);
  if (!dir) throw new Error('browser storage (OPFS) is not available');
  await writeFile(dir, CHECKPOINT, bundle as Blob | BufferSource);
  await writeFile(dir, INFO, JSON.stringify(info));
}

/** The saved run's description, or null when there is none (or it is unreadable). */
export async function savedRunInfo(): Promise<SavedRunInfo | null> {
  const dir = await runDir(false);
  if (!dir) return null;
  const file = await readFile(dir, INFO);
  if (!file || !(await readFile(dir, CHECKPOINT))) return null;
  try {
    return JSON.parse(await file.text()) as SavedRunInfo;
  } catch {
    return null;
  }
}

/** The saved checkpoint bundle, or null. */
export async function loadCheckpoint(): Promise<File | null> {
  const dir = await runDir(false);
  return dir ? readFile(dir, CHECKPOINT) : null;
}

/** Saves the run's curve history (JSON), so a resumed run shows its past. */
export async function saveHistory(json: string): Promise<void> {
  const dir = await runDir(true);
  if (dir) await writeFile(dir, HISTORY, json);
}

/** The saved curve history, or null. */
export async function loadHistory(): Promise<string | null> {
  const dir = await runDir(false);
  const file = dir ? await readFile(dir, HISTORY) : null;
  return file ? file.text() : null;
}

/**
 * Copies the dataset files into storage (skipping ones already there with the same size) and
 * removes stale copies; resolves to false, copying nothing, when they are over the limit.
 */
export async function storeDataset(files: { path: string; file: Blob }[]): Promise<boolean> {
  const total = files.reduce((n, f) => n + f.file.size, 0);
  const dir = await runDir(true);
  if (!dir || total > STORE_DATA_LIMIT_BYTES) return false;
  const data = await dir.getDirectoryHandle(DATA_DIR, { create: true });
  const wanted = new Set(files.map((f) => storedName(f.path)));
  for await (const name of (data as unknown as { keys(): AsyncIterable<string> }).keys()) {
    if (!wanted.has(name)) await data.removeEntry(name).catch(() => undefined);
  }
  for (const f of files) {
    const existing = await readFile(data, storedName(f.path));
    if (existing && existing.size === f.file.size) continue;
    await writeFile(data, storedName(f.path), f.file);
  }
  return true;
}

/** The stored dataset files with their original paths (empty when none were kept). */
export async function storedDataset(paths: string[]): Promise<{ path: string; file: File }[]> {
  const dir = await runDir(false);
  if (!dir) return [];
  let data: FileSystemDirectoryHandle;
  try {
    data = await dir.getDirectoryHandle(DATA_DIR);
  } catch {
    return [];
  }
  const out: { path: string; file: File }[] = [];
  for (const path of paths) {
    const file = await readFile(data, storedName(path));
    if (!file) return [];
    out.push({ path, file: new File([file], path.replace(/^.*\//, '')) });
  }
  return out;
}

/** Deletes the saved run, its checkpoint, history and dataset copies. */
export async function discardRun(): Promise<void> {
  try {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(RUN_DIR, { recursive: true });
  } catch {
    // Nothing saved: nothing to delete.
  }
}
