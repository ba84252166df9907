/**
 * The y scale chosen per chart, remembered in localStorage across visits. Earlier versions kept a
 * log-y switch per chart under another key; a chart switched to log there opens on log here.
 */
import { Y_SCALES, type YScale } from './yScale.ts';

const KEY = 'velocitygan-studio.yScale';
const OLD_LOG_KEY = 'velocitygan-studio.logY';

/** The stored choices, by chart id; anything unreadable is left out (the chart then starts linear). */
export function parseYScales(stored: string | null, oldLog: string | null): Record<string, YScale> {
  const out: Record<string, YScale> = {};
  const read = (text: string | null): unknown => {
    try {
      return text ? JSON.parse(text) : null;
    } catch {
      return null;
    }
  };
  const old = read(oldLog);
  if (old && typeof old === 'object') for (const [k, v] of Object.entries(old)) if (v === true) out[k] = 'log';
  const now = read(stored);
  if (now && typeof now === 'object') for (const [k, v] of Object.entries(now)) if (Y_SCALES.includes(v as YScale)) out[k] = v as YScale;
  return out;
}

export function loadYScales(): Record<string, YScale> {
  try {
    return parseYScales(localStorage.getItem(KEY), localStorage.getItem(OLD_LOG_KEY));
  } catch {
    return {};
  }
}

export function saveYScales(choices: Record<string, YScale>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(choices));
  } catch {
    // Storage refused (private mode): the choice holds for this page only.
  }
}
