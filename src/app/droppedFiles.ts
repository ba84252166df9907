/**
 * Turns what the user dropped or picked into files with their relative paths: picked folders
 * carry `webkitRelativePath`; dropped folders are walked through the entries API. Only the File
 * handles are collected; their bytes are read later, in the worker.
 */
import type { DroppedFile } from '../worker/protocol.ts';

/** Files from an <input type="file">, with their folder-relative paths when a folder was picked. */
export function filesFromInput(list: FileList | null): DroppedFile[] {
  if (!list) return [];
  return Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, path: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns at most ~100 entries per call: read until it returns none.
    for (;;) {
      const batch = await readEntries(reader);
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, out);
    }
  }
}

/** Files (and the contents of folders, recursively) from a drop event's DataTransfer. */
export async function filesFromDrop(transfer: DataTransfer): Promise<DroppedFile[]> {
  const entries = Array.from(transfer.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    const out: DroppedFile[] = [];
    for (const e of entries) await walk(e!, out);
    return out;
  }
  return Array.from(transfer.files, (file) => ({ file, path: file.name }));
}
