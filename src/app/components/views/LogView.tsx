/**
 * The training log (role="log": screen readers announce new lines politely) and a one-line status
 * (role="status"). The log shows the newest `limit` entries and keeps itself scrolled to the end
 * unless the user scrolled up to read.
 *
 * LogView props: entries: { time (ms since epoch), level: 'info'|'warn'|'error', message }[];
 *   limit?: number (500); label?: accessible name ("Training log").
 * StatusLine props: text: string; tone?: 'idle'|'running'|'warn'|'error' (a dot and words, not colour alone).
 */
import { useLayoutEffect, useRef } from 'react';

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

const clock = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour12: false });

export function LogView({ entries, limit = 500, label = 'Training log' }: LogViewProps) {
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  const shown = entries.length > limit ? entries.slice(entries.length - limit) : entries;
  useLayoutEffect(() => {
    const el = list.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [shown.length, entries]);
  return (
    <ol
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
      {shown.length === 0 && <li className="vg-muted">Nothing logged yet.</li>}
      {shown.map((e, i) => (
        <li key={entries.length - shown.length + i} className={e.level === 'info' ? undefined : `vg-log-${e.level}`}>
          <time dateTime={new Date(e.time).toISOString()}>{clock(e.time)}</time>
          {e.level !== 'info' && <strong>{e.level === 'warn' ? 'Warning: ' : 'Error: '}</strong>}
          {e.message}
        </li>
      ))}
    </ol>
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
