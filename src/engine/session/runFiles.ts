/**
 * The few file operations a run store needs, over bytes under one root folder: the Node folder of
 * the CLI (src/cli/folderFiles.ts), the browser's origin private file system
 * (src/worker/opfsFiles.ts), and `memoryRunFiles` here (tests). Paths are relative to the root,
 * '/'-separated, without '.' or '..'.
 *
 * What `fileCheckpointStore` relies on, and nothing more:
 * - `write` and `append` need not be atomic: a crash may leave the file truncated. The store
 *   writes beside, reads back, and only then renames into place.
 * - `rename` of a file is atomic and replaces the file at `to`: afterwards exactly one of the two
 *   names holds the bytes, whole. Folders are renamed only onto a name that does not exist, and
 *   only by stores whose checkpoints are folders (Node, where a folder rename is atomic too).
 * Failures are FwiErrors naming the path; a full disk or quota is FwiError('storage-full').
 */
import { FwiError } from '../errors.ts';

export interface RunFileEntry {
  name: string;
  kind: 'file' | 'folder';
}

export interface RunFiles {
  /** How the path is named to the user ("runs/flat-a/checkpoint", "browser storage: runs/…"). */
  where(path: string): string;
  /** The file's bytes, or null when there is no such file. */
  read(path: string): Promise<Uint8Array | null>;
  /** Creates or replaces the file (and the folders above it). */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** Adds bytes at the end of the file, creating it (and the folders above it) when needed. */
  append(path: string, bytes: Uint8Array): Promise<void>;
  /** Removes the file or folder (with everything in it); nothing when there is none. */
  remove(path: string): Promise<void>;
  /** The folder's entries (empty when there is no such folder). */
  list(path: string): Promise<RunFileEntry[]>;
  /** Renames a file (replacing `to`) or a folder (onto a name that does not exist); see the file comment. */
  rename(from: string, to: string): Promise<void>;
}

/** The path's parts; FwiError('usage') for an empty part, '.' or '..'. */
export function pathParts(path: string): string[] {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new FwiError('usage', `"${path}" is not a path inside the run store`);
  return parts;
}

/** Files kept in memory: what the tests' stores write, and what a reload of them would find. */
export interface MemoryRunFiles extends RunFiles {
  /** Every file, by path (the live map: tests corrupt or inspect it). */
  readonly files: Map<string, Uint8Array>;
  /** An independent copy of everything held now. */
  copy(): MemoryRunFiles;
}

/**
 * The entries directly in folder `path` ('' for the root) of a flat store whose keys are whole file
 * paths ("run-a/checkpoint.safetensors"): a key with more parts below the folder makes a folder entry.
 */
export function entriesIn(keys: Iterable<string>, path: string): RunFileEntry[] {
  const prefix = path === '' ? '' : `${pathParts(path).join('/')}/`;
  const seen = new Map<string, RunFileEntry['kind']>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length).split('/');
    seen.set(rest[0], rest.length > 1 ? 'folder' : (seen.get(rest[0]) ?? 'file'));
  }
  return [...seen].map(([name, kind]) => ({ name, kind }));
}

export function memoryRunFiles(from: ReadonlyMap<string, Uint8Array> = new Map()): MemoryRunFiles {
  const files = new Map([...from].map(([p, b]) => [p, b.slice()]));
  const under = (path: string) => [...files.keys()].filter((p) => p.startsWith(`${path}/`));
  return {
    files,
    where: (path) => path,
    async read(path) {
      pathParts(path);
      const b = files.get(path);
      return b ? b.slice() : null;
    },
    async write(path, bytes) {
      pathParts(path);
      if (under(path).length) throw new FwiError('io', 'is a folder, not a file', path);
      files.set(path, bytes.slice());
    },
    async append(path, bytes) {
      pathParts(path);
      const old = files.get(path) ?? new Uint8Array(0);
      const next = new Uint8Array(old.length + bytes.length);
      next.set(old);
      next.set(bytes, old.length);
      files.set(path, next);
    },
    async remove(path) {
      pathParts(path);
      files.delete(path);
      for (const p of under(path)) files.delete(p);
    },
    async list(path) {
      return entriesIn(files.keys(), path);
    },
    async rename(from, to) {
      pathParts(from);
      pathParts(to);
      const file = files.get(from);
      if (file) {
        files.delete(from);
        files.set(to, file);
        return;
      }
      const inside = under(from);
      if (!inside.length) throw new FwiError('io', 'cannot rename: no such file or folder', from);
      if (files.has(to) || under(to).length) throw new FwiError('io', `cannot rename a folder onto ${to}, which exists`, from);
      for (const p of inside) {
        files.set(to + p.slice(from.length), files.get(p)!);
        files.delete(p);
      }
    },
    copy() {
      return memoryRunFiles(files);
    },
  };
}
