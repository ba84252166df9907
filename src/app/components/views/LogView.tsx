/**
 * The training log (role="log": screen readers announce new lines politely) and a one-line status
 * (role="status"). The log shows the newest `limit` entries and keeps itself scrolled to the end
 * unless the user scrolled up to read.
 *
 * LogView props: entries: { time (ms since epoch), level: 'info'|'warn'|'error', message }[];
 *   limit?: number (500); label?: accessible name ("Training log").
 * StatusLine props: text: string; tone?: 'idle'|'running'|'warn'|'error' (a dot and words, not colour alone).
 */
import { memo, useLayoutEffect, useRef } from 'react';

export interface LogLine {
  time: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface LogViewProps {
  entries: readonly LogLine[];
  limit?: number;
  label?: string;
}

/**
 * One formatter for every line: `toLocaleTimeString(…, options)` builds a new Intl formatter per
 * call (0.4 ms each on the test machine), and a full 500-line log formatted that way was one
 * 110–170 ms main-thread task each time a batch of worker events brought a log line.
 */
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** The wall-clock time of a log line, 24-hour, in the user's locale ("13:05:09"). */
export function logClock(time: number): string {
  return CLOCK.format(time);
}

/**
 * A key that stays with its entry: once the store trims the log to its last 500 lines, index keys
 * would move every line to a new key (and render all of them again) with each new one.
 */
const keys = new WeakMap<LogLine, number>();
let nextKey = 0;
function lineKey(entry: LogLine): number {
  let k = keys.get(entry);
  if (k === undefined) keys.set(entry, (k = nextKey++));
  return k;
}

/** A line renders once: the log's other lines are unchanged objects when a new one arrives. */
const LogLineItem = memo(function LogLineItem({ entry }: { entry: LogLine }) {
  return (
    <li className={entry.level === 'info' ? undefined : `vg-log-${entry.level}`}>
      <time dateTime={new Date(entry.time).toISOString()}>{logClock(entry.time)}</time>
      {entry.level !== 'info' && <strong>{entry.level === 'warn' ? 'Warning: ' : 'Error: '}</strong>}
      {entry.message}
    </li>
  );
});

export function LogView({ entries, limit = 500, label = 'Training log' }: LogViewProps) {
  const list = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  const shown = entries.length > limit ? entries.slice(entries.length - limit) : entries;
  useLayoutEffect(() => {
    const el = list.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [shown.length, entries]);
  // The log role on a wrapper: on the <ol> itself it would replace the list role its items need.
  return (
    <div
      ref={list}
      className="vg-log"
      role="log"
      aria-label={label}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
      }}
    >
      <ol className="vg-log-lines">
        {shown.length === 0 && <li className="vg-muted">Nothing logged yet.</li>}
        {shown.map((e) => (
          <LogLineItem key={lineKey(e)} entry={e} />
        ))}
      </ol>
    </div>
  );
}

export interface StatusLineProps {
  text: string;
  tone?: 'idle' | 'running' | 'warn' | 'error';
}

export function StatusLine({ text, tone = 'idle' }: StatusLineProps) {
  return (
    <p className={`vg-status vg-status-${tone}`} role="status">
      <span className="vg-status-dot" aria-hidden="true" />
      {text}
    </p>
  );
}
