/**
 * Dropped files the run can no longer read (moved, deleted or changed on disk after they were
 * added: the browser then refuses every read of the File it gave), and the checks that let the
 * user pick one again: the picked file must be the same file (same name, same size, and for a
 * .npy the same shape and dtype), so the open dataset reads on from it exactly where it stopped.
 */
import { errorMessage, FwiError } from '../engine/errors.ts';
import { blobSource } from '../engine/io/byteSource.ts';
import { openNpy } from '../engine/io/npy.ts';
import type { FileRow, UnreadableFile } from './protocol.ts';

/** The files of `files` the browser refuses to read now, with its reason. */
export async function unreadableFiles(files: readonly { path: string; file: Blob }[]): Promise<UnreadableFile[]> {
  const found: UnreadableFile[] = [];
  for (const f of files) {
    try {
      await f.file.slice(0, 1).arrayBuffer();
    } catch (e) {
      found.push({ path: f.path, size: f.file.size, reason: errorMessage(e) });
    }
  }
  return found;
}

function baseName(path: string): string {
  return path.replace(/^.*[\\/]/, '');
}

/** The supplied file a picked one stands for: the same path, else the one supplied file of that name (a file picker gives names, not folders). */
export function reattachTarget(picked: string, supplied: readonly string[]): string {
  if (supplied.includes(picked)) return picked;
  const named = supplied.filter((p) => baseName(p) === baseName(picked));
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new FwiError('usage', `more than one file of the dataset is named ${baseName(picked)} (${named.join(', ')}): drop it with its folder instead`, picked);
  throw new FwiError('usage', `is not one of the dataset's files (${supplied.map(baseName).join(', ')}): pick the file the run could not read`, picked);
}

const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;

/** FwiError('usage') unless `file` can stand for the file `row` describes: the same size, and for a .npy the same shape and dtype. */
export async function checkSameFile(row: FileRow, file: Blob): Promise<void> {
  const refuse = (why: string) => new FwiError('usage', `was not re-attached: ${why}; pick the same file the run was reading`, row.path);
  if (file.size !== row.size) throw refuse(`the file picked has ${bytes(file.size)}, the one the run reads has ${bytes(row.size)}`);
  if (!row.shape) return;
  let header;
  try {
    header = await openNpy(blobSource(file, row.path));
  } catch (e) {
    throw refuse(`the file picked is not a readable .npy (${errorMessage(e)})`);
  }
  const shape = (s: readonly number[]) => `(${s.join(', ')})`;
  if (shape(header.shape) !== shape(row.shape) || header.descr !== row.dtype) {
    throw refuse(`the file picked holds ${shape(header.shape)} ${header.descr}, the one the run reads holds ${shape(row.shape)} ${row.dtype}`);
  }
}
