/**
 * The run's safe in browser storage (the origin private file system): the latest checkpoint
 * bundle, a small description of the run for the "resume previous run?" offer, and copies of the
 * dataset files when they are small enough, so a reload or a crashed tab loses at most a few
 * minutes of training and the run can continue without asking for the files again.
 * Writes go through `createWritable`, which replaces a file only when the write completes: a
 * tab that dies mid-save leaves the previous checkpoint intact.
 */
import { errorMessage, FwiError } from '../engine/errors.ts';
import type { RunHistory, SavedRunInfo } from './protocol.ts';
import { parseRunHistory, parseSavedRunInfo } from './storedRun.ts';

/** Datasets up to this size are copied into browser storage with the run. */
export const STORE_DATA_LIMIT_BYTES = 512 * 1024 * 1024;

const RUN_DIR = 'velocitygan-run';
const DATA_DIR = 'data';
const CHECKPOINT = 'checkpoint.bin';
const INFO = 'run.json';
const HISTORY = 'history.json';

function isNotFound(e: unknown): boolean {
  return (e as { name?: string } | null)?.name === 'NotFoundError';
}

/**
 * What storage refused, in words the user can act on: a full quota, a denied permission, or the
 * browser's own message. `what` names the file or folder.
 */
function storageError(e: unknown, action: string, what: string): FwiError {
  const name = (e as { name?: string } | null)?.name;
  const why =
    name === 'QuotaExceededError'
      ? 'browser storage is full (quota exceeded): free space or delete saved runs'
      : name === 'NotAllowedError' || name === 'SecurityError'
        ? `browser storage refused permission (${errorMessage(e)})`
        : errorMessage(e);
  return new FwiError('io', `could not ${action}: ${why}`, what);
}

/** The run folder; null only when `create` is false and nothing was saved. Any other failure throws FwiError('io'). */
async function runDir(create: boolean): Promise<FileSystemDirectoryHandle | null> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') {
    throw new FwiError('io', 'this browser gives pages no private file system (OPFS) to save runs in', 'browser storage');
  }
  let root: FileSystemDirectoryHandle;
  try {
    root = await navigator.storage.getDirectory();
  } catch (e) {
    throw storageError(e, 'open the private file system', 'browser storage');
  }
  try {
    return await root.getDirectoryHandle(RUN_DIR, { create });
  } catch (e) {
    if (!create && isNotFound(e)) return null;
    throw storageError(e, create ? 'create the run folder' : 'open the run folder', RUN_DIR);
  }
}

async function createdRunDir(): Promise<FileSystemDirectoryHandle> {
  return (await runDir(true))!;
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, data: Blob | BufferSource | string): Promise<void> {
  let w: FileSystemWritableFileStream;
  try {
    w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  } catch (e) {
    throw storageError(e, 'open for writing', name);
  }
  try {
    await w.write(data);
    await w.close();
  } catch (e) {
    // The write is abandoned whole (the previous file stays); the abort's own failure adds nothing.
    await w.abort().catch(() => undefined);
    throw storageError(e, 'save', name);
  }
}

/** The file, or null when it does not exist; any other failure throws FwiError('io'). */
async function readFile(dir: FileSystemDirectoryHandle, name: string): Promise<File | null> {
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch (e) {
    if (isNotFound(e)) return null;
    throw storageError(e, 'read', name);
  }
}

/** File names in OPFS cannot hold '/': dataset paths are encoded one to one. */
function storedName(path: string): string {
  return encodeURIComponent(path);
}

/** Saves the checkpoint bundle, then the description that points at it. */
export async function saveCheckpoint(bundle: Blob | Uint8Array, info: SavedRunInfo): Promise<void> {
  const dir = await createdRunDir();
  await writeFile(dir, CHECKPOINT, bundle as Blob | BufferSource);
  await writeFile(dir, INFO, JSON.stringify(info));
}

/**
 * The saved run's description, or null when nothing was saved. Throws FwiError('io') when storage
 * fails or the run cannot be read (corrupt run.json, a description without its checkpoint).
 */
export async function savedRunInfo(): Promise<SavedRunInfo | null> {
  const dir = await runDir(false);
  if (!dir) return null;
  const file = await readFile(dir, INFO);
  const checkpoint = await readFile(dir, CHECKPOINT);
  if (!file && !checkpoint) return null;
  if (!file) throw new FwiError('io', 'the checkpoint has no description (run.json is missing)', CHECKPOINT);
  if (!checkpoint) throw new FwiError('io', `the description names a checkpoint that is missing (${CHECKPOINT})`, INFO);
  return parseSavedRunInfo(await file.text(), INFO);
}

/** The saved checkpoint bundle, or null. */
export async function loadCheckpoint(): Promise<File | null> {
  const dir = await runDir(false);
  return dir ? readFile(dir, CHECKPOINT) : null;
}

/** Saves the run's curve history (JSON), so a resumed run shows its past. */
export async function saveHistory(history: RunHistory): Promise<void> {
  await writeFile(await createdRunDir(), HISTORY, JSON.stringify(history));
}

/** The saved curve history, validated; null when none was saved; FwiError('io') when it cannot be read. */
export async function loadHistory(): Promise<RunHistory | null> {
  const dir = await runDir(false);
  const file = dir ? await readFile(dir, HISTORY) : null;
  return file ? parseRunHistory(await file.text(), HISTORY) : null;
}

/**
 * Copies the dataset files into storage (skipping ones already there with the same size) and
 * removes stale copies; resolves to false, copying nothing, when they are over the limit.
 */
export async function storeDataset(files: { path: string; file: Blob }[]): Promise<boolean> {
  const total = files.reduce((n, f) => n + f.file.size, 0);
  if (total > STORE_DATA_LIMIT_BYTES) return false;
  const dir = await createdRunDir();
  let data: FileSystemDirectoryHandle;
  try {
    data = await dir.getDirectoryHandle(DATA_DIR, { create: true });
  } catch (e) {
    throw storageError(e, 'create the dataset folder', `${RUN_DIR}/${DATA_DIR}`);
  }
  const wanted = new Set(files.map((f) => storedName(f.path)));
  for await (const name of (data as unknown as { keys(): AsyncIterable<string> }).keys()) {
    if (wanted.has(name)) continue;
    try {
      await data.removeEntry(name);
    } catch (e) {
      if (!isNotFound(e)) throw storageError(e, 'remove a stale dataset copy', decodeURIComponent(name));
    }
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
  } catch (e) {
    if (isNotFound(e)) return [];
    throw storageError(e, 'open the dataset copies', `${RUN_DIR}/${DATA_DIR}`);
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
  const root = await navigator.storage.getDirectory().catch((e: unknown) => {
    throw storageError(e, 'open the private file system', 'browser storage');
  });
  try {
    await root.removeEntry(RUN_DIR, { recursive: true });
  } catch (e) {
    if (!isNotFound(e)) throw storageError(e, 'delete the saved run', RUN_DIR);
  }
}
