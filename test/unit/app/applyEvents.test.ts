import { describe, expect, it } from 'vitest';
import { applyEvents, MAX_SNAPSHOTS } from '../../../src/app/store/applyEvents.ts';
import { initialState } from '../../../src/app/store/studioStore.ts';
import type { StudioState } from '../../../src/app/store/slices.ts';
import type { StudioEvent } from '../../../src/worker/protocol.ts';

const critic = (n: number): StudioEvent => ({ type: 'critic-step', epoch: 0, iteration: n, criticStep: n, loss: -n, lossReal: 0, lossFake: 0, wasserstein: 2 * n, gp: 0.5, gpWeighted: 5 });
const gen = (n: number): StudioEvent => ({ type: 'generator-step', epoch: 0, iteration: n, generatorStep: n, loss: n, l1: n / 100, l2: 0, adv: 0.1 });

function fold(state: StudioState, events: StudioEvent[]): StudioState {
  return { ...state, ...applyEvents(state, events) };
}

describe('applyEvents', () => {
  it('appends one curve point per step in place and bumps the series revision per batch', () => {
    const s0 = initialState();
    const s1 = fold(s0, [critic(1), critic(2), gen(1)]);
    expect(s1.critic.step).toEqual([1, 2]);
    expect(s1.generator.step).toEqual([1]);
    expect(s1.generator.criticStep).toEqual([2]);
    expect(s1.seriesRevision).toBe(s0.seriesRevision + 1);
    const columns = s1.critic.step;
    const s2 = fold(s1, [critic(3)]);
    expect(s2.critic.step).toBe(columns);
    expect(s2.critic.step).toEqual([1, 2, 3]);
    expect(s2.critic.wasserstein).toEqual([2, 4, 6]);
    expect(s2.seriesRevision).toBe(s1.seriesRevision + 1);
    // A batch without steps leaves the revision alone.
    expect(fold(s2, [{ type: 'log', level: 'info', message: 'x', time: 0 }]).seriesRevision).toBe(s2.seriesRevision);
  });

  it('a run announcing the configuration the form holds keeps the same object (no form re-render)', () => {
    const s0 = initialState();
    expect(applyEvents(s0, [{ type: 'config', config: structuredClone(s0.config) }]).config).toBeUndefined();
    const changed = { ...s0.config, epochs: s0.config.epochs + 1 };
    expect(applyEvents(s0, [{ type: 'config', config: changed }]).config).toBe(changed);
  });

  it('a resumed run drops the points after its step; a fresh run clears them', () => {
    let s = fold(initialState(), [critic(1), critic(2), critic(3), gen(1), gen(2)]);
    const before = s.seriesRevision;
    s = fold(s, [{ type: 'run-start', criticStep: 2, generatorStep: 1, resumed: true }, critic(3)]);
    expect(s.seriesRevision).toBeGreaterThan(before);
    expect(s.critic.step).toEqual([1, 2, 3]);
    expect(s.generator.step).toEqual([1]);
    s = fold(s, [{ type: 'run-start', criticStep: 0, generatorStep: 0, resumed: false }]);
    expect(s.critic.step).toEqual([]);
    expect(s.generator.step).toEqual([]);
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
