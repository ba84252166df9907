/**
 * Whether the charts' single-key shortcuts (+/−, arrows, 0) are on: one choice for every chart,
 * remembered in localStorage, and switchable off (WCAG 2.1.4: single-character shortcuts).
 */
import { useSyncExternalStore } from 'react';

const KEY = 'velocitygan-studio.chartKeys';
const listeners = new Set<() => void>();

function read(): boolean {
  try {
    return globalThis.localStorage?.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

let enabled = read();

/** Turns the chart shortcuts on or off, for every chart and later visits. */
export function setChartKeysEnabled(on: boolean): void {
  enabled = on;
  try {
    globalThis.localStorage?.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // Storage refused (private mode): the choice holds for this page only.
  }
  for (const f of listeners) f();
}

/** The current choice; components re-render when it changes. */
export function useChartKeysEnabled(): boolean {
  return useSyncExternalStore(
    (f) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
    () => enabled,
    () => enabled,
  );
}
