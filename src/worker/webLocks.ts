/**
 * The run session's locks on kept runs (RunSession's `locks`) over the Web Locks API: one lock per
 * run, shared by every tab and worker of the origin, held while a tab trains the run and released
 * by the browser when that tab or its worker goes away, so a run cannot be continued, renamed or
 * deleted from a second tab while the first has it open, and a closed tab never leaves it locked.
 */
import type { RunLocks } from '../engine/session/runSession.ts';

const PREFIX = 'velocitygan-run:';

/** Web Locks where the browser has them; null where it has not (the session then assumes one tab). */
export function webRunLocks(): RunLocks | null {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return null;
  return {
    acquire(runId) {
      return new Promise((resolve, reject) => {
        locks
          .request(`${PREFIX}${runId}`, { ifAvailable: true }, (lock) => {
            if (!lock) {
              resolve(null);
              return undefined;
            }
            // Held until the session releases it (or the worker ends).
            return new Promise<void>((release) => resolve(() => release()));
          })
          .catch(reject);
      });
    },
  };
}
