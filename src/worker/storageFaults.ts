/**
 * Storage faults on demand, for the studio's diagnostics (`?diagnostics=1`) and the browser tests:
 * a pass-through over the run store's files that, when told, refuses writes as a full quota does,
 * or holds the next checkpoint save once its partial is written and read back, before the switch
 * touches the kept checkpoints, so a test can kill the worker mid-save. Switched off it changes nothing; only the worker's
 * diagnostics calls, refused without `?diagnostics=1`, switch it on.
 */
import type { RunFiles } from '../engine/session/runFiles.ts';
import { opfsFailure } from './opfsFiles.ts';

export interface StorageFaults {
  readonly files: RunFiles;
  /** From now on, writes beyond `bytes` more are refused as QuotaExceededError; null lifts the limit. */
  limitRoom(bytes: number | null): void;
  /** Resolves once the next checkpoint is written and verified, before its switch; that save then waits for ever (the test kills the worker). */
  holdNextSwitch(): Promise<void>;
}

/** A checkpoint being saved, before the switch makes it the latest (checkpoint.partial, or its bundle file). */
const CHECKPOINT_PARTIAL = /\/checkpoint\.partial(\.|$)/;
/** Any checkpoint slot of a run (the switch renames and removes only these; records and metrics go on). */
const CHECKPOINT_SLOT = /\/checkpoint(\.(previous|old|partial|damaged))?(\.safetensors)?$/;

export function storageFaults(files: RunFiles): StorageFaults {
  let room: number | null = null;
  let hold: (() => void) | null = null;
  let partialWritten = false;
  /** The first change to the run's files after a held save wrote its partial: the switch begins here, and waits. */
  const holdSwitch = async (path: string) => {
    if (!hold || !partialWritten || !CHECKPOINT_SLOT.test(path)) return;
    hold();
    hold = null;
    await new Promise<never>(() => undefined);
  };
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
        await files.write(path, bytes);
        if (hold && CHECKPOINT_PARTIAL.test(path)) partialWritten = true;
      },
      async append(path, bytes) {
        take(path, bytes.byteLength, 'append to');
        return files.append(path, bytes);
      },
      async rename(from, to) {
        await holdSwitch(from);
        return files.rename(from, to);
      },
      async remove(path) {
        await holdSwitch(path);
        return files.remove(path);
      },
    },
    limitRoom(bytes) {
      room = bytes;
    },
    holdNextSwitch() {
      partialWritten = false;
      return new Promise<void>((resolve) => (hold = resolve));
    },
  };
}
