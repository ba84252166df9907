import { describe, expect, it } from 'vitest';
import { EtaWindow } from '../../../src/engine/train/eta.ts';

describe('EtaWindow: speed and time left from the latest batches', () => {
  it('is warming up until the first batch ends, and leaves that batch (kernel compilation) out of the speed', () => {
    const eta = new EtaWindow(100, 4);
    expect(eta.warmingUp).toBe(true);
    expect(eta.secondsLeft(10, 0)).toBeNull();
    eta.batchEnded(130); // 30 s: compiling
    expect(eta.warmingUp).toBe(false);
    expect(eta.secondsPerBatch).toBeNull();
    expect(eta.samplesPerSecond).toBe(0);
    eta.batchEnded(132);
    eta.batchEnded(135);
    // (2 + 3) / 2 = 2.5 s per batch of 4 samples.
    expect(eta.secondsPerBatch).toBeCloseTo(2.5, 12);
    expect(eta.samplesPerSecond).toBeCloseTo(1.6, 12);
    expect(eta.secondsLeft(10, 0)).toBeCloseTo(25, 12);
  });

  it('follows a change of speed within the window, forgetting older batches', () => {
    const eta = new EtaWindow(0, 2, 4);
    let t = 10; // warm-up batch
    eta.batchEnded(t);
    for (let i = 0; i < 4; i++) eta.batchEnded((t += 1)); // 1 s per batch
    expect(eta.secondsPerBatch).toBeCloseTo(1, 12);
    for (let i = 0; i < 2; i++) eta.batchEnded((t += 3)); // slower: window holds 1, 1, 3, 3
    expect(eta.secondsPerBatch).toBeCloseTo(2, 12);
    for (let i = 0; i < 2; i++) eta.batchEnded((t += 3));
    expect(eta.secondsPerBatch).toBeCloseTo(3, 12);
    expect(eta.secondsLeft(5, 0)).toBeCloseTo(15, 12);
  });

  it('counts the validation passes still to come at the last pass measured, and not in the batch times', () => {
    const eta = new EtaWindow(0, 8);
    eta.batchEnded(20);
    eta.batchEnded(22);
    eta.batchEnded(24); // 2 s per batch
    expect(eta.secondsLeft(6, 2)).toBeCloseTo(12, 12); // no pass timed yet: counts nothing for them
    eta.validationEnded(24, 39); // 15 s
    eta.batchEnded(41); // 2 s after the pass ended, not 17 s after the last batch
    expect(eta.secondsPerBatch).toBeCloseTo(2, 12);
    expect(eta.secondsLeft(6, 2)).toBeCloseTo(6 * 2 + 2 * 15, 12);
    eta.validationEnded(41, 51); // the latest pass: 10 s
    expect(eta.secondsLeft(0, 1)).toBeCloseTo(10, 12);
  });

  it('says 0 s left for nothing left, even before the speed is known', () => {
    expect(new EtaWindow(0, 1).secondsLeft(0, 0)).toBe(0);
  });
});
