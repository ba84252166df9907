/**
 * Storage faults on demand, for the studio's diagnostics (`?diagnostics=1`) and the browser tests:
 * a pass-through over the run store's files that, when told, refuses writes as a full quota does,
 * or holds the next checkpoint switch (its partial written and verified, the rename not done) so a
 * test can kill the worker mid-save. Switched off it changes nothing; only the worker's
 * diagnostics calls, refused without `?diagnostics=1`, switch it on.
 */
import type { RunFiles } from '../engine/session/runFiles.ts';
import { opfsFailure } from './opfsFiles.ts';

export interface StorageFaults {
  readonly files: RunFiles;
  /** From now on, writes beyond `bytes` more are refused as QuotaExceededError; null lifts the limit. */
  limitRoom(bytes: number | null): void;
  /** Resolves once a checkpoint switch is reached; that save then waits for ever (the test kills the worker). */
  holdNextSwitch(): Promise<void>;
}

export function storageFaults(files: RunFiles): StorageFaults {
  let room: number | null = null;
  let hold: (() => void) | null = null;
  const take = (path: string, bytes: number, action: string) => {
    if (room === null) return;
    if (bytes > room) throw opfsFailure(new DOMException('The operation failed because it would cause the application to exceed its storage quota.', 'QuotaExceededError'), action, files.where(path), bytes);
    room -= bytes;
  };
  return {
    files: {
      ...files,
      async write(path, bytes) {
        take(path, bytes.byteLength, 'write');
        return files.write(path, bytes);
      },
      async append(path, bytes) {
        take(path, bytes.byteLength, 'append to');
        return files.append(path, bytes);
      },
      async rename(from, to) {
        if (hold && /\/checkpoint\.partial/.test(from)) {
          hold();
          hold = null;
          await new Promise<never>(() => undefined);
        }
        return files.rename(from, to);
      },
    },
    limitRoom(bytes) {
      room = bytes;
    },
    holdNextSwitch() {
      return new Promise<void>((resolve) => (hold = resolve));
    },
  };
}
