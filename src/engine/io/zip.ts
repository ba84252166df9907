/**
 * A dataset as one `.zip` download (fflate), streamed to a byte sink so a large dataset is never
 * held twice. Seismic is stored (float noise barely deflates); velocity maps (long runs of one
 * value) and annotation lists are deflated.
 */
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { FwiError } from '../errors.ts';
import type { ByteSink } from './byteSource.ts';
import type { DatasetFile } from '../data/synthDataset.ts';

/** Whether a dataset file is worth deflating: everything but seismic. */
export function deflates(name: string): boolean {
  return !/(^|\/)data\d*\.npy$/i.test(name);
}

/** Writes `files` as a zip archive to `sink` and closes it; entries keep their names (folders with `/`). */
export async function writeZip(files: readonly DatasetFile[], sink: ByteSink): Promise<void> {
  let pending: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let finished = false;
  const zip = new Zip((err, data, final) => {
    if (err) {
      failure = err;
      return;
    }
    pending = pending.then(() => sink.write(data));
    if (final) finished = true;
  });
  for (const file of files) {
    const entry = deflates(file.name) ? new ZipDeflate(file.name, { level: 6 }) : new ZipPassThrough(file.name);
    zip.add(entry);
    entry.push(file.bytes, true);
    await pending;
  }
  zip.end();
  await pending;
  if (failure || !finished) throw new FwiError('io', `could not build the zip archive${failure ? `: ${String(failure)}` : ''}`);
  await sink.close();
}
