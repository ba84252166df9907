import { describe, expect, it } from 'vitest';
import { applyEvents, MAX_SNAPSHOTS } from '../../../src/app/store/applyEvents.ts';
import { initialState } from '../../../src/app/store/studioStore.ts';
import type { StudioState } from '../../../src/app/store/slices.ts';
import type { RunRecord, StudioEvent } from '../../../src/worker/protocol.ts';
import { defaultConfig } from '../../../src/engine/config.ts';
import { emptyCritic, emptyGenerator } from '../../../src/engine/train/lossColumns.ts';
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION } from '../../../src/engine/session/runRecord.ts';

const critic = (n: number, runId = 'r'): StudioEvent => ({ type: 'critic-step', runId, epoch: 0, iteration: n, criticStep: n, loss: -n, lossReal: 0, lossFake: 0, wasserstein: 2 * n, gp: 0.5, gpWeighted: 5, elapsed: n / 2 });
const gen = (n: number): StudioEvent => ({ type: 'generator-step', runId: 'r', epoch: 0, iteration: n, generatorStep: n, loss: n, l1: n / 100, l2: 0, adv: 0.1, elapsed: n / 2 });

function fold(state: StudioState, events: StudioEvent[]): StudioState {
  return { ...state, ...applyEvents(state, events) };
}

const start = (runId: string, resumed = false, criticStep = 0, generatorStep = 0): StudioEvent => ({ type: 'run-start', runId, criticStep, generatorStep, resumed });

/** A page showing run 'r', freshly started. */
function showing(): StudioState {
  return fold(initialState(), [start('r')]);
}

function record(id: string, name: string, state: RunRecord['state'] = 'running'): RunRecord {
  return {
    format: RUN_RECORD_FORMAT,
    version: RUN_RECORD_VERSION,
    id,
    name,
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-11-30T10:00:00.000Z',
    config: defaultConfig(),
    data: { train: [{ name: 'data1.npy', size: 100 }], val: [], headerHash: 'ab' },
    origin: { kind: 'new' },
    state,
    latest: null,
  };
}

describe('applyEvents', () => {
  it('puts each batch of steps in a new losses object with the next revision; an older one still shows its own points', () => {
    const s0 = showing();
    const s1 = fold(s0, [critic(1), critic(2), gen(1)]);
    expect(s1.losses.critic.step).toEqual([1, 2]);
    expect(s1.losses.generator.step).toEqual([1]);
    expect(s1.losses.generator.criticStep).toEqual([2]);
    expect(s1.losses.revision).toBe(s0.losses.revision + 1);
    const held = s1.losses;
    const heldLength = held.critic.step.length;
    const s2 = fold(s1, [critic(3)]);
    expect(s2.losses).not.toBe(held);
    expect(s2.losses.critic.step).toEqual([1, 2, 3]);
    expect(s2.losses.critic.wasserstein).toEqual([2, 4, 6]);
    expect(s2.losses.revision).toBe(s1.losses.revision + 1);
    // The held object is unchanged in what it says: its revision, and its first points as they were.
    expect(held.revision).toBe(s1.losses.revision);
    expect(held.critic.step.slice(0, heldLength)).toEqual([1, 2]);
    // A batch without steps leaves the losses object as it is.
    expect(fold(s2, [{ type: 'log', level: 'info', message: 'x', time: 0 }]).losses).toBe(s2.losses);
  });

  it('takes the configuration the worker changed (demo, import, resume); the trainer’s echo never reaches the store', () => {
    const s0 = initialState();
    const changed = { ...s0.config, epochs: s0.config.epochs + 1 };
    const s1 = fold({ ...s0, configErrors: { epochs: 'must be a whole number ≥ 1' } }, [{ type: 'config-changed', config: changed, reason: 'demo' }]);
    expect(s1.config).toBe(changed);
    expect(s1.configErrors).toEqual({});
  });

  it('a resumed run drops the points after its step in new columns; a fresh run clears them', () => {
    let s = fold(showing(), [critic(1), critic(2), critic(3), gen(1), gen(2)]);
    const before = s.losses;
    s = fold(s, [start('r', true, 2, 1), critic(3)]);
    expect(s.losses.revision).toBeGreaterThan(before.revision);
    expect(s.losses.critic.step).toEqual([1, 2, 3]);
    expect(s.losses.generator.step).toEqual([1]);
    // The columns before the resume are left whole for whoever still holds them.
    expect(before.critic.step).toEqual([1, 2, 3]);
    expect(before.generator.step).toEqual([1, 2]);
    s = fold(s, [start('r2')]);
    expect(s.losses.critic.step).toEqual([]);
    expect(s.losses.generator.step).toEqual([]);
    // A late step of the run no longer shown does not reach the curves.
    s = fold(s, [critic(4, 'r')]);
    expect(s.losses.critic.step).toEqual([]);
  });

  it('a reopened run shows its history in place of the previous run’s curves, maps and evaluation', () => {
    let s = fold(showing(), [critic(1), { type: 'snapshot', runId: 'r', epoch: 0, generatorStep: 1, indices: [0], height: 1, width: 1, predicted: new Float32Array(1), truth: null }]);
    const history = { critic: { step: [1, 2], epoch: [0, 0], loss: [5, 4], wasserstein: [1, 2], gp: [0, 0], gpWeighted: [0, 0], elapsed: [1, 2] }, generator: { step: [1], criticStep: [2], epoch: [0], loss: [3], l1: [0.3], l2: [0.1], adv: [0], elapsed: [2] }, validation: [] };
    s = fold(s, [{ type: 'history', runId: 'old', history }, { type: 'run-shown', runId: 'old' }]);
    expect(s.shownRunId).toBe('old');
    expect(s.losses.critic.loss).toEqual([5, 4]);
    expect(s.losses.critic.loss).not.toBe(history.critic.loss);
    expect(s.snapshots).toEqual([]);
    expect(s.steps).toEqual({ critic: 2, generator: 1 });
  });

  it('keeps the run list current: a new record goes first, a changed one in its place, a deleted one goes with its curves and offer', () => {
    let s = fold(initialState(), [{ type: 'runs', runs: [record('b', 'second'), record('a', 'first', 'stopped')], unreadable: [{ id: 'x', message: 'not valid JSON' }] }]);
    s = fold(s, [{ type: 'run-record', run: record('c', 'third') }, { type: 'run-record', run: record('a', 'renamed', 'stopped') }]);
    expect(s.runs.map((r) => `${r.id} ${r.name}`)).toEqual(['c third', 'b second', 'a renamed']);
    s = { ...s, runHistories: { b: { critic: emptyCritic(), generator: emptyGenerator(), validation: [] } } };
    s = fold(s, [{ type: 'resume-offer', offer: { run: record('b', 'second'), files: ['data1.npy'], lists: [], dataStored: true } }]);
    s = fold(s, [{ type: 'run-deleted', id: 'b' }, { type: 'run-deleted', id: 'x' }]);
    expect(s.runs.map((r) => r.id)).toEqual(['c', 'a']);
    expect(s.runHistories).toEqual({});
    expect(s.resumeOffer).toBeNull();
    expect(s.unreadableRuns).toEqual([]);
  });

  it('alerts belong to a run: a new run clears the others, its own stay through a resume, and the same error is never raised twice', () => {
    let s = fold(showing(), [
      { type: 'alert', message: 'Could not save the metrics history: quota', runId: 'r' },
      { type: 'alert', message: 'Evaluating failed: no weights', runId: null },
    ]);
    expect(s.alerts.map((a) => a.message)).toEqual(['Could not save the metrics history: quota', 'Evaluating failed: no weights']);
    // Dismissed, then the same failure again for the same run: not shown again.
    s = { ...s, alerts: s.alerts.filter((a) => a.runId === null) };
    s = fold(s, [{ type: 'alert', message: 'Could not save the metrics history: quota', runId: 'r' }, { type: 'alert', message: 'Evaluating failed: no weights', runId: null }]);
    expect(s.alerts.map((a) => a.message)).toEqual(['Evaluating failed: no weights']);
    s = fold(s, [{ type: 'alert', message: 'The GPU device was lost', runId: 'r' }, start('r', true, 2, 1)]);
    expect(s.alerts.map((a) => a.message)).toEqual(['The GPU device was lost']);
    s = fold(s, [start('r2')]);
    expect(s.alerts).toEqual([]);
    // A new run may hear an error an earlier run heard.
    s = fold(s, [{ type: 'alert', message: 'Could not save the metrics history: quota', runId: 'r2' }]);
    expect(s.alerts).toHaveLength(1);
  });

  it('keeps at most MAX_SNAPSHOTS snapshots and the user’s cursor on the same one', () => {
    const snap = (n: number): StudioEvent => ({ type: 'snapshot', runId: 'r', epoch: 0, generatorStep: n, indices: [0], height: 1, width: 1, predicted: new Float32Array(1), truth: null });
    let s = fold(showing(), Array.from({ length: MAX_SNAPSHOTS }, (_, i) => snap(i + 1)));
    s = { ...s, snapshotCursor: 10 };
    s = fold(s, [snap(MAX_SNAPSHOTS + 1), snap(MAX_SNAPSHOTS + 2)]);
    expect(s.snapshots).toHaveLength(MAX_SNAPSHOTS);
    expect(s.snapshots[s.snapshotCursor!].generatorStep).toBe(11);
  });

  it('a failed run or task raises an alert (once: a failure told twice is shown once); a finished task only logs', () => {
    const s = fold(showing(), [
      { type: 'session-state', state: 'pausing', runId: 'r' },
      { type: 'session-state', state: 'failed', runId: 'r', message: 'loss became NaN' },
      { type: 'alert', message: 'loss became NaN', runId: 'r' },
      { type: 'task', task: 'demo', state: 'done', done: 1, total: 1, message: 'Demo ready' },
    ]);
    expect(s.alerts.map((a) => a.message)).toEqual(['loss became NaN']);
    expect(s.log.map((l) => l.message)).toContain('Demo ready');
    expect(s.runState).toBe('failed');
  });
});
