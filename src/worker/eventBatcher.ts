/**
 * Throttles the worker's events to the page: step events are queued and sent together every
 * `intervalMs`, so the page renders a few times a second however fast training runs; events that
 * only state "where we are now" (progress, a running task's count) keep just their latest value;
 * events the user must see at once (state changes, alerts, results) flush the queue immediately,
 * in order. Float32Array payloads are transferred, not copied.
 */
import type { StudioEvent } from './protocol.ts';

type Flush = (events: StudioEvent[], transfer: Transferable[]) => void;

const URGENT = new Set<StudioEvent['type']>([
  'session-state',
  'alert',
  'evaluation',
  'backend',
  'data',
  'resume-offer',
  'weights-source',
  'config-changed',
  'runs',
  'run-record',
  'run-deleted',
  'run-shown',
]);

function coalesceKey(event: StudioEvent): string | null {
  if (event.type === 'progress') return 'progress';
  if (event.type === 'task' && event.state === 'running') return `task:${event.task}`;
  return null;
}

function transferables(event: StudioEvent): Transferable[] {
  if (event.type === 'snapshot') {
    const list: Transferable[] = [event.predicted.buffer as ArrayBuffer];
    if (event.truth && event.truth.buffer !== event.predicted.buffer) list.push(event.truth.buffer as ArrayBuffer);
    return list;
  }
  return [];
}

/** Queues events and hands them to `flush` in batches; call `close` to send what is left. */
export class EventBatcher {
  private queue: StudioEvent[] = [];
  private latest = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly flush: Flush,
    private readonly intervalMs = 250,
  ) {}

  /** Adds one event; urgent ones go out at once together with everything queued before them. */
  push(event: StudioEvent): void {
    const key = coalesceKey(event);
    const at = key === null ? undefined : this.latest.get(key);
    if (key !== null && at !== undefined) {
      this.queue[at] = event;
    } else {
      if (key !== null) this.latest.set(key, this.queue.length);
      this.queue.push(event);
    }
    if (URGENT.has(event.type) || (event.type === 'task' && event.state !== 'running')) this.send();
    else if (this.timer === null) this.timer = setTimeout(() => this.send(), this.intervalMs);
  }

  /** Sends everything queued now. */
  send(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    this.latest.clear();
    const transfer: Transferable[] = [];
    const seen = new Set<Transferable>();
    for (const e of events) {
      for (const t of transferables(e)) {
        if (!seen.has(t)) {
          seen.add(t);
          transfer.push(t);
        }
      }
    }
    this.flush(events, transfer);
  }
}
