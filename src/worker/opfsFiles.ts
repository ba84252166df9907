/**
 * The run store's files primitive (src/engine/session/runFiles.ts) over the browser's origin
 * private file system, for `fileCheckpointStore` in the worker (bundle layout: each checkpoint is
 * one file, so the store only ever renames files).
 *
 * - Writes go through `createWritable()` … `close()`: the browser writes a swap file and puts it
 *   in place on `close`, so a tab that dies mid-write leaves the old file (or none) behind. The
 *   store does not count on it (it writes beside and renames), but nothing is ever half-replaced.
 * - A rename is `FileSystemHandle.move()` where the browser has it. Where it has not, or where
 *   its `move` does not replace an existing file, the file is copied to its new name (itself an
 *   atomic `createWritable` write) and only then removed from the old: a crash in between leaves
 *   both names whole, never neither.
 * - A full quota is FwiError('storage-full') naming the file, the bytes the write needed and how
 *   much of the site's quota is taken.
 */
import { errorMessage, FwiError } from '../engine/errors.ts';
import { pathParts, type RunFileEntry, type RunFiles } from '../engine/session/runFiles.ts';

/** `move` is in Chromium, Firefox and Safari for OPFS handles but not yet in TypeScript's DOM types. */
type Movable = FileSystemHandle & { move?: (parent: FileSystemDirectoryHandle, name: string) => Promise<void> };
type Listable = FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> };

const isNotFound = (e: unknown) => (e as { name?: string } | null)?.name === 'NotFoundError';
const isTypeMismatch = (e: unknown) => (e as { name?: string } | null)?.name === 'TypeMismatchError';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The quota failure in numbers the user can act on: what the write needed, what is used of what is allowed. */
async function quotaFailure(action: string, where: string, bytes: number | undefined): Promise<FwiError> {
  const need = bytes === undefined ? '' : `this write needed ${mb(bytes)}`;
  let usage = '';
  try {
    const { usage: used, quota } = await navigator.storage.estimate();
    if (used !== undefined && quota !== undefined) usage = `${mb(used)} of the ${mb(quota)} this site may use are taken`;
  } catch {
    // Without an estimate the message still names the file and the write's size.
  }
  const detail = [need, usage].filter(Boolean).join('; ');
  return new FwiError('storage-full', `could not ${action}: browser storage is full${detail ? ` (${detail})` : ''}`, where);
}

/** What browser storage refused, as a FwiError naming `where`: a full quota ('storage-full'), a denied permission, a file in use, or the browser's own message. */
export function opfsFailure(e: unknown, action: string, where: string, bytes?: number): FwiError {
  const name = (e as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError') {
    const need = bytes === undefined ? '' : ` (this write needed ${mb(bytes)})`;
    return new FwiError('storage-full', `could not ${action}: browser storage is full${need}`, where);
  }
  if (name === 'NotAllowedError' || name === 'SecurityError') return new FwiError('io', `could not ${action}: browser storage refused permission (${errorMessage(e)})`, where);
  if (name === 'NoModificationAllowedError') return new FwiError('io', `could not ${action}: the file is in use (another tab may have this run open)`, where);
  return new FwiError('io', `could not ${action}: ${errorMessage(e)}`, where);
}

/** The folder `name` of the origin private file system (created when missing). */
export async function opfsFolder(name: string): Promise<FileSystemDirectoryHandle> {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') {
    throw new FwiError('io', 'this browser gives pages no private file system (OPFS) to keep runs in', 'browser storage');
  }
  try {
    return await (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
  } catch (e) {
    throw opfsFailure(e, 'open the folder', `browser storage: ${name}`);
  }
}

/** Files under the OPFS folder `root`, named to the user as "browser storage: <label>/…". */
export function opfsFiles(root: FileSystemDirectoryHandle, label = root.name): RunFiles {
  const where = (p: string) => `browser storage: ${p === '' ? label : `${label}/${p}`}`;

  /** The folder holding `parts` (all but the last), or null when some folder on the way is missing and `create` is false. */
  async function folderOf(parts: string[], create: boolean): Promise<FileSystemDirectoryHandle | null> {
    let dir = root;
    for (const part of parts) {
      try {
        dir = await dir.getDirectoryHandle(part, { create });
      } catch (e) {
        if ((isNotFound(e) || isTypeMismatch(e)) && !create) return null;
        throw e;
      }
    }
    return dir;
  }

  async function parentOf(p: string, create: boolean): Promise<{ dir: FileSystemDirectoryHandle | null; name: string }> {
    const parts = pathParts(p);
    return { dir: await folderOf(parts.slice(0, -1), create), name: parts[parts.length - 1] };
  }

  async function fileHandle(p: string): Promise<FileSystemFileHandle | null> {
    const { dir, name } = await parentOf(p, false);
    if (!dir) return null;
    try {
      return await dir.getFileHandle(name);
    } catch (e) {
      if (isNotFound(e) || isTypeMismatch(e)) return null;
      throw e;
    }
  }

  async function writeTo(dir: FileSystemDirectoryHandle, name: string, data: Blob | Uint8Array, keepExisting: boolean, p: string): Promise<void> {
    let w: FileSystemWritableFileStream;
    try {
      w = await (await dir.getFileHandle(name, { create: true })).createWritable({ keepExistingData: keepExisting });
    } catch (e) {
      throw opfsFailure(e, 'open for writing', where(p));
    }
    try {
      if (keepExisting) await w.seek((await (await dir.getFileHandle(name)).getFile()).size);
      await w.write(data as Blob | BufferSource);
      await w.close();
    } catch (e) {
      // Abandoned whole: the file keeps what it had. The abort's own failure adds nothing to the write's.
      await w.abort().catch(() => undefined);
      const action = keepExisting ? 'append to' : 'write';
      if ((e as { name?: string } | null)?.name === 'QuotaExceededError') throw await quotaFailure(action, where(p), data instanceof Blob ? data.size : data.byteLength);
      throw opfsFailure(e, action, where(p));
    }
  }

  async function copyFolder(from: FileSystemDirectoryHandle, to: FileSystemDirectoryHandle, p: string): Promise<void> {
    for await (const [name, handle] of (from as Listable).entries()) {
      if (handle.kind === 'file') await writeTo(to, name, await (handle as FileSystemFileHandle).getFile(), false, `${p}/${name}`);
      else await copyFolder(handle as FileSystemDirectoryHandle, await to.getDirectoryHandle(name, { create: true }), `${p}/${name}`);
    }
  }

  return {
    where,
    async read(p) {
      try {
        const handle = await fileHandle(p);
        return handle ? new Uint8Array(await (await handle.getFile()).arrayBuffer()) : null;
      } catch (e) {
        if (isNotFound(e)) return null; // removed between finding and reading it
        throw opfsFailure(e, 'read', where(p));
      }
    },
    async write(p, bytes) {
      const { dir, name } = await parentOf(p, true).catch((e: unknown) => {
        throw opfsFailure(e, 'create the folder of', where(p));
      });
      await writeTo(dir!, name, bytes, false, p);
    },
    async append(p, bytes) {
      const { dir, name } = await parentOf(p, true).catch((e: unknown) => {
        throw opfsFailure(e, 'create the folder of', where(p));
      });
      await writeTo(dir!, name, bytes, true, p);
    },
    async remove(p) {
      try {
        const { dir, name } = await parentOf(p, false);
        await dir?.removeEntry(name, { recursive: true });
      } catch (e) {
        if (!isNotFound(e)) throw opfsFailure(e, 'remove', where(p));
      }
    },
    async list(p): Promise<RunFileEntry[]> {
      try {
        const dir = p === '' ? root : await folderOf(pathParts(p), false);
        if (!dir) return [];
        const out: RunFileEntry[] = [];
        for await (const [name, handle] of (dir as Listable).entries()) {
          // The browser's own swap files of writes in progress (or cut short) are not entries of the store.
          if (!name.endsWith('.crswap')) out.push({ name, kind: handle.kind === 'directory' ? 'folder' : 'file' });
        }
        return out;
      } catch (e) {
        if (isNotFound(e)) return [];
        throw opfsFailure(e, 'list', where(p));
      }
    },
    async rename(from, to) {
      try {
        const source = await parentOf(from, false);
        const target = await parentOf(to, true);
        if (!source.dir) throw new FwiError('io', 'cannot rename: no such file or folder', where(from));
        let handle: Movable;
        try {
          handle = (await source.dir.getFileHandle(source.name)) as Movable;
        } catch (e) {
          if (!isTypeMismatch(e)) throw e;
          handle = (await source.dir.getDirectoryHandle(source.name)) as Movable;
        }
        if (handle.kind === 'file') {
          const exists = (await target.dir!.getFileHandle(target.name).then(() => true, () => false));
          if (typeof handle.move === 'function' && !exists) {
            await handle.move(target.dir!, target.name);
            return;
          }
          // Copy (an atomic write of the new name), then remove the old name.
          await writeTo(target.dir!, target.name, await (handle as FileSystemFileHandle).getFile(), false, to);
          await source.dir.removeEntry(source.name);
          return;
        }
        if (typeof handle.move === 'function') {
          await handle.move(target.dir!, target.name);
          return;
        }
        // A folder without `move`: copied file by file, then removed (not atomic; the bundle layout never renames folders).
        await copyFolder(handle as FileSystemDirectoryHandle, await target.dir!.getDirectoryHandle(target.name, { create: true }), to);
        await source.dir.removeEntry(source.name, { recursive: true });
      } catch (e) {
        throw e instanceof FwiError ? e : opfsFailure(e, `rename to ${to}`, where(from));
      }
    },
  };
}
