/**
 * A run's metrics history as JSON lines (`metrics.jsonl` in every run store): one event a line,
 * with the time it was written and epochs 1-based, as in the CSV, the printout and the studio (a
 * step's or validation's epoch is the one its batch belongs to; a checkpoint's is the epoch the
 * run continues in). Reading gives the engine's events back, 0-based.
 */
import { FwiError } from '../errors.ts';
import type { TrainerEvent } from '../train/events.ts';
import type { MetricEvent } from './checkpointStore.ts';

const METRIC_TYPES: ReadonlySet<string> = new Set<MetricEvent['type']>(['critic-step', 'generator-step', 'validation', 'checkpoint', 'state', 'config', 'nonfinite-data']);

/** The log's record of an event (what one line holds). */
export function jsonlRecord(e: TrainerEvent, now: Date = new Date()): Record<string, unknown> {
  return { time: now.toISOString(), ...e, ...('epoch' in e ? { epoch: e.epoch + 1 } : {}) };
}

/** The lines of these events, each ending in a line break. */
export function metricsJsonl(events: readonly MetricEvent[]): string {
  return events.map((e) => `${JSON.stringify(jsonlRecord(e))}\n`).join('');
}

/** One line as an event; FwiError naming the file and line when it is not one. */
export function parseMetricLine(line: string, file: string, n: number): MetricEvent {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch (err) {
    throw new FwiError('io', `line ${n} is not JSON (${(err as Error).message})`, file);
  }
  const type = (e as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !METRIC_TYPES.has(type)) throw new FwiError('io', `line ${n} is not a metrics event (type ${JSON.stringify(type)})`, file);
  const { time: _time, ...event } = e as MetricEvent & { time?: string };
  return ('epoch' in event && typeof event.epoch === 'number' ? { ...event, epoch: event.epoch - 1 } : event) as MetricEvent;
}

/**
 * The events of a log's text. A last line without its line break is an append that never
 * finished (the tab or process died mid-write): it is not an event, and `torn` says it was there.
 */
export function parseMetricsJsonl(text: string, file: string): { events: MetricEvent[]; torn: boolean } {
  const lines = text.split('\n');
  const last = lines.pop()!;
  const events = lines.flatMap((line, i) => (line.trim() === '' ? [] : [parseMetricLine(line, file, i + 1)]));
  return { events, torn: last.trim() !== '' };
}
