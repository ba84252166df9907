/**
 * The engine's byte sources and sinks over Node file paths, and the recursive file listing the
 * CLI resolves annotation lists against. Shared by every `fwi` command.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage, FwiError } from '../engine/errors.ts';
import { checkRange, type ByteSink, type ByteSource } from '../engine/io/byteSource.ts';
import { parseAnnotation, type SuppliedFile } from '../engine/io/annotation.ts';
import { openAnnotatedDataset, type Dataset, type DatasetOptions } from '../engine/data/dataset.ts';
import type { ResolvedPair } from '../engine/io/annotation.ts';

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'no such file';
  if (err?.code === 'EACCES' || err?.code === 'EPERM') return 'permission denied';
  if (err?.code === 'EISDIR') return 'is a folder, not a file';
  return errorMessage(e);
}

function readAt(fd: number, buffer: Uint8Array, offset: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.read(fd, buffer, offset, buffer.length - offset, position, (err, n) => (err ? reject(err) : resolve(n)));
  });
}

/** A byte source over a file path; the file is opened on the first read and kept open until `close()`. */
export function fileSource(filePath: string, name: string = filePath): ByteSource & { close(): Promise<void> } {
  let size: number;
  try {
    const st = fs.statSync(filePath);
    if (st.isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw new FwiError('io', `cannot open: ${describe(e)}`, name);
  }
  let fd: number | null = null;
  const readFully = async (target: Uint8Array, offset: number) => {
    try {
      fd ??= fs.openSync(filePath, 'r');
      let got = 0;
      while (got < target.byteLength) {
        const n = await readAt(fd, target, got, offset + got);
        if (n === 0) throw new Error(`the file ended after ${offset + got} bytes (changed while reading?)`);
        got += n;
      }
    } catch (e) {
      throw new FwiError('file-unreadable', `cannot read: ${describe(e)}`, name);
    }
  };
  return {
    name,
    size,
    async read(offset, length) {
      checkRange(name, size, offset, length);
      // A plain Uint8Array (not a pooled Buffer) so typed-array views on it are aligned.
      const out = new Uint8Array(length);
      await readFully(out, offset);
      return out;
    },
    async readInto(offset, target) {
      checkRange(name, size, offset, target.byteLength);
      await readFully(target, offset);
    },
    async close() {
      if (fd !== null) fs.closeSync(fd);
      fd = null;
    },
  };
}

/** A byte sink writing to a file path (created or truncated on the first write or close). */
export function fileSink(filePath: string): ByteSink {
  let handle: fs.promises.FileHandle | null = null;
  let closed = false;
  const open = async () => {
    try {
      handle ??= await fs.promises.open(filePath, 'w');
    } catch (e) {
      throw new FwiError('io', `cannot write: ${describe(e)}`, filePath);
    }
    return handle;
  };
  return {
    async write(chunk) {
      if (closed) throw new FwiError('io', 'write after close', filePath);
      const h = await open();
      try {
        let done = 0;
        while (done < chunk.byteLength) done += (await h.write(chunk, done, chunk.byteLength - done)).bytesWritten;
      } catch (e) {
        throw new FwiError('io', `cannot write: ${describe(e)}`, filePath);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      const h = await open();
      await h.close();
    },
  };
}

/** A file found under a root folder: its path relative to that root (with `/`) and its absolute path. */
export interface ListedFile {
  readonly relativePath: string;
  readonly absolutePath: string;
}

/** Every file under `root`, recursively (hidden folders and node_modules skipped), relative paths with `/`. */
export function listFiles(root: string): ListedFile[] {
  const out: ListedFile[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new FwiError('io', `cannot list folder: ${describe(e)}`, dir);
    }
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
        walk(abs, r);
      } else if (entry.isFile() || (entry.isSymbolicLink() && isFile(abs))) {
        out.push({ relativePath: r, absolutePath: abs });
      }
    }
  };
  walk(path.resolve(root), '');
  return out;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** How the CLI shows a file: relative to the working folder when it lies below it, else absolute. */
export function displayPath(absolutePath: string): string {
  const rel = path.relative(process.cwd(), absolutePath);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : absolutePath;
}

/** Reads a text file whole (annotation lists), as a FwiError naming it when it cannot. */
export function readTextFile(filePath: string): string {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch (e) {
    throw new FwiError('io', `cannot open: ${describe(e)}`, filePath);
  }
}

/**
 * The files an annotation list is resolved against in the CLI: every file under the list's folder
 * and under each `--root` (relative to that folder), plus any absolute path the list names that
 * exists on this machine (so a list written on this cluster works as is). Files are identified
 * by absolute path.
 */
export function suppliedFilesFor(listPath: string, text: string, roots: readonly string[] = []): SuppliedFile<string>[] {
  const out: SuppliedFile<string>[] = [];
  for (const root of [path.dirname(path.resolve(listPath)), ...roots.map((r) => path.resolve(r))]) {
    for (const f of listFiles(root)) out.push({ path: f.relativePath, file: f.absolutePath });
  }
  let entries: ReturnType<typeof parseAnnotation> = [];
  try {
    entries = parseAnnotation(text, listPath);
  } catch {
    return out; // the caller parses again and reports the problem
  }
  for (const e of entries) {
    for (const p of [e.seismic, e.velocity]) {
      if (p && path.isAbsolute(p) && isFile(p)) out.push({ path: p, file: path.resolve(p) });
    }
  }
  return out;
}

/** Opens the dataset an annotation list names (see `suppliedFilesFor` for where its paths are looked up). */
export async function openAnnotationList(
  listPath: string,
  options: DatasetOptions & { roots?: readonly string[] } = {},
): Promise<Dataset & { pairs: ResolvedPair<string>[] }> {
  const text = readTextFile(listPath);
  return openAnnotatedDataset({
    ...options,
    text,
    listName: displayPath(path.resolve(listPath)),
    listPath: path.basename(listPath),
    files: suppliedFilesFor(listPath, text, options.roots),
    source: (abs) => fileSource(abs, displayPath(abs)),
  });
}
