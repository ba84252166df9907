/**
 * A kept run in words, as the run list and the resume offer show it: its state, where its latest
 * checkpoint stands, when it last changed, and the data it trained on.
 */
import { describeCheckpoint, type RunRecord } from '../engine/session/runRecord.ts';
import type { SessionState } from '../worker/protocol.ts';
import { formatBytes } from './components/views/byteSize.ts';

export const STATE_TEXT: Record<SessionState | RunRecord['state'], string> = {
  idle: 'Not started',
  created: 'Not started',
  starting: 'Starting…',
  running: 'Training',
  pausing: 'Pausing…',
  paused: 'Paused',
  stopping: 'Stopping…',
  stopped: 'Stopped',
  finished: 'Finished',
  failed: 'Failed',
  recovering: 'Recovering…',
};

/** A kept run's state when no one trains it: a record still saying running or paused was interrupted (a reload, a closed tab). */
export function runStateText(run: RunRecord): string {
  if (run.state === 'running' || run.state === 'paused' || run.state === 'created') return 'Interrupted';
  return STATE_TEXT[run.state];
}

/** "epoch 2 after batch 1, critic step 4, generator step 2", or "no checkpoint yet". */
export function runStepsText(run: RunRecord): string {
  return run.latest ? describeCheckpoint(run.latest) : 'no checkpoint yet';
}

/** "data1.npy, model1.npy (1.34 MiB); validation data2.npy, model2.npy (683 KiB)". */
export function runDataText(run: RunRecord): string {
  const list = (files: RunRecord['data']['train']) => `${files.map((f) => f.name).join(', ')} (${formatBytes(files.reduce((n, f) => n + f.size, 0))})`;
  return run.data.val.length ? `${list(run.data.train)}; validation ${list(run.data.val)}` : list(run.data.train);
}

/** When the run last changed, in the reader's locale. */
export function runTimeText(run: RunRecord): string {
  return new Date(run.updatedAt).toLocaleString();
}
