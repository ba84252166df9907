import { describe, expect, it } from 'vitest';
import { applyEvents, MAX_SNAPSHOTS } from '../../../src/app/store/applyEvents.ts';
import { initialState } from '../../../src/app/store/studioStore.ts';
import type { StudioState } from '../../../src/app/store/slices.ts';
import type { StudioEvent } from '../../../src/worker/protocol.ts';

const critic = (n: number): StudioEvent => ({ type: 'critic-step', epoch: 0, iteration: n, criticStep: n, loss: -n, lossReal: 0, lossFake: 0, wasserstein: 2 * n, gp: 0.5, gpWeighted: 5, elapsed: n / 2 });
const gen = (n: number): StudioEvent => ({ type: 'generator-step', epoch: 0, iteration: n, generatorStep: n, loss: n, l1: n / 100, l2: 0, adv: 0.1, elapsed: n / 2 });

function fold(state: StudioState, events: StudioEvent[]): StudioState {
  return { ...state, ...applyEvents(state, events) };
}

describe('applyEvents', () => {
  it('puts each batch of steps in a new losses object with the next revision; an older one still shows its own points', () => {
    const s0 = initialState();
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
    let s = fold(initialState(), [critic(1), critic(2), critic(3), gen(1), gen(2)]);
    const before = s.losses;
    s = fold(s, [{ type: 'run-start', criticStep: 2, generatorStep: 1, resumed: true }, critic(3)]);
    expect(s.losses.revision).toBeGreaterThan(before.revision);
    expect(s.losses.critic.step).toEqual([1, 2, 3]);
    expect(s.losses.generator.step).toEqual([1]);
    // The columns before the resume are left whole for whoever still holds them.
    expect(before.critic.step).toEqual([1, 2, 3]);
    expect(before.generator.step).toEqual([1, 2]);
    s = fold(s, [{ type: 'run-start', criticStep: 0, generatorStep: 0, resumed: false }]);
    expect(s.losses.critic.step).toEqual([]);
    expect(s.losses.generator.step).toEqual([]);
  });

  it('keeps why the saved run cannot be read, and clears it when the worker says so', () => {
    const s1 = fold(initialState(), [{ type: 'saved-run', info: null, error: 'the saved run could not be read: run.json: not valid JSON' }]);
    expect(s1.savedRunError).toBe('the saved run could not be read: run.json: not valid JSON');
    expect(fold(s1, [{ type: 'saved-run', info: null, error: null }]).savedRunError).toBeNull();
  });

  it('keeps at most MAX_SNAPSHOTS snapshots and the user’s cursor on the same one', () => {
    const snap = (n: number): StudioEvent => ({ type: 'snapshot', epoch: 0, generatorStep: n, indices: [0], height: 1, width: 1, predicted: new Float32Array(1), truth: null });
    let s = fold(initialState(), Array.from({ length: MAX_SNAPSHOTS }, (_, i) => snap(i + 1)));
    s = { ...s, snapshotCursor: 10 };
    s = fold(s, [snap(MAX_SNAPSHOTS + 1), snap(MAX_SNAPSHOTS + 2)]);
    expect(s.snapshots).toHaveLength(MAX_SNAPSHOTS);
    expect(s.snapshots[s.snapshotCursor!].generatorStep).toBe(11);
  });

  it('a failed run or task raises an alert; a finished task only logs', () => {
    const s = fold(initialState(), [
      { type: 'state', state: 'failed', message: 'loss became NaN' },
      { type: 'task', task: 'demo', state: 'done', done: 1, total: 1, message: 'Demo ready' },
    ]);
    expect(s.alerts.map((a) => a.message)).toEqual(['loss became NaN']);
    expect(s.log.map((l) => l.message)).toContain('Demo ready');
    expect(s.runState).toBe('failed');
  });
});
