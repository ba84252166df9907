import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBatcher } from '../../../src/worker/eventBatcher.ts';
import type { StudioEvent } from '../../../src/worker/protocol.ts';

const critic = (n: number): StudioEvent => ({ type: 'critic-step', runId: 'r', epoch: 0, iteration: n, criticStep: n, loss: -n, lossReal: 0, lossFake: 0, wasserstein: n, gp: 0, gpWeighted: 0, elapsed: n });
const progress = (n: number): StudioEvent => ({ type: 'progress', runId: 'r', phase: 'training', epoch: 0, epochs: 1, iteration: n, iterationsPerEpoch: 10, samplesPerSecond: 1, secondsLeft: null, elapsed: n });

describe('EventBatcher', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends step events together once per interval, every step kept, in order', () => {
    const batches: StudioEvent[][] = [];
    const b = new EventBatcher((e) => batches.push(e), 250);
    for (let i = 1; i <= 5; i++) b.push(critic(i));
    expect(batches).toHaveLength(0);
    vi.advanceTimersByTime(250);
    expect(batches).toHaveLength(1);
    expect(batches[0].map((e) => (e as { criticStep: number }).criticStep)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps only the latest progress event of a batch, at the place of the first', () => {
    const batches: StudioEvent[][] = [];
    const b = new EventBatcher((e) => batches.push(e), 250);
    b.push(progress(1));
    b.push(critic(1));
    b.push(progress(2));
    b.push(progress(3));
    vi.advanceTimersByTime(250);
    expect(batches[0].map((e) => e.type)).toEqual(['progress', 'critic-step']);
    expect((batches[0][0] as { iteration: number }).iteration).toBe(3);
  });

  it('flushes at once, with what was queued before, when the run state changes', () => {
    const batches: StudioEvent[][] = [];
    const b = new EventBatcher((e) => batches.push(e), 250);
    b.push(critic(1));
    b.push({ type: 'session-state', state: 'paused', runId: 'r' });
    expect(batches).toHaveLength(1);
    expect(batches[0].map((e) => e.type)).toEqual(['critic-step', 'session-state']);
    vi.advanceTimersByTime(1000);
    expect(batches).toHaveLength(1);
  });

  it('lists snapshot buffers for transfer, each once', () => {
    const sent: Transferable[][] = [];
    const b = new EventBatcher((_, t) => sent.push(t), 250);
    const predicted = new Float32Array(4);
    const truth = new Float32Array(4);
    b.push({ type: 'snapshot', runId: 'r', epoch: 0, generatorStep: 1, indices: [0], height: 2, width: 2, predicted, truth });
    b.send();
    expect(sent[0]).toEqual([predicted.buffer, truth.buffer]);
  });
});
