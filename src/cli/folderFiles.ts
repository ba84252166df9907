/**
 * The run store's files primitive (src/engine/session/runFiles.ts) over a Node folder. Renames
 * are the file system's own (atomic for files and for folders onto a name that does not exist);
 * written files are flushed to the disk before `write` resolves, so a switch that renames them
 * into place never points at data still in the page cache when the machine loses power.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, FwiError } from '../engine/errors.ts';
import { pathParts, type RunFileEntry, type RunFiles } from '../engine/session/runFiles.ts';

const FULL = new Set(['ENOSPC', 'EDQUOT']);

function failure(e: unknown, action: string, where: string): FwiError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (FULL.has(code)) return new FwiError('storage-full', `could not ${action}: the disk is full (${code})`, where);
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : errorMessage(e);
  return new FwiError('io', `could not ${action}: ${why}`, where);
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** Files under the folder `root` (created when first written to). */
export function folderFiles(root: string): RunFiles {
  const full = (p: string) => (p === '' ? root : path.join(root, ...pathParts(p)));
  return {
    where: full,
    async read(p) {
      try {
        const b = await fsp.readFile(full(p));
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        if (isMissing(e)) return null;
        throw failure(e, 'read', full(p));
      }
    },
    async write(p, bytes) {
      const file = full(p);
      try {
        await fsp.mkdir(path.dirname(file), { recursive: true });
        const handle = await fsp.open(file, 'w');
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch (e) {
        throw failure(e, 'write', file);
      }
    },
    async append(p, bytes) {
      const file = full(p);
      try {
        await fsp.mkdir(path.dirname(file), { recursive: true });
        await fsp.appendFile(file, bytes);
      } catch (e) {
        throw failure(e, 'append to', file);
      }
    },
    async remove(p) {
      try {
        await fsp.rm(full(p), { recursive: true, force: true });
      } catch (e) {
        throw failure(e, 'remove', full(p));
      }
    },
    async list(p): Promise<RunFileEntry[]> {
      try {
        const entries = await fsp.readdir(full(p), { withFileTypes: true });
        return entries.filter((e) => e.isFile() || e.isDirectory()).map((e) => ({ name: e.name, kind: e.isDirectory() ? 'folder' : 'file' }));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return [];
        throw failure(e, 'list', full(p));
      }
    },
    async rename(from, to) {
      try {
        await fsp.rename(full(from), full(to));
      } catch (e) {
        throw failure(e, `rename to ${full(to)}`, full(from));
      }
    },
  };
}
