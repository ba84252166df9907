import { describe, expect, it } from 'vitest';
import { formatDuration, progressFraction, progressText } from '../../../src/app/progressText.ts';

const p = { type: 'progress' as const, epoch: 1, epochs: 4, iteration: 5, iterationsPerEpoch: 10, samplesPerSecond: 3.456, secondsLeft: 125, elapsed: 60 };

describe('progress text', () => {
  it('formats durations in s, min and h', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(7500)).toBe('2 h 5 min');
  });
  it('counts the fraction of all iterations done', () => {
    expect(progressFraction(p)).toBeCloseTo(15 / 40, 12);
  });
  it('says epoch, iteration, speed and time left', () => {
    expect(progressText(p)).toBe('Epoch 2 of 4, iteration 5 of 10, 3.46 samples/s, about 2 min 5 s left');
  });
});

describe('progress text at the end of a run', () => {
  it('shows the last epoch complete, not a wrapped iteration 0', () => {
    const end = { type: 'progress' as const, epoch: 2, epochs: 2, iteration: 0, iterationsPerEpoch: 4, samplesPerSecond: 2, secondsLeft: 0, elapsed: 9 };
    expect(progressText(end)).toBe('Epoch 2 of 2, iteration 4 of 4, 2.00 samples/s, about 0 s left');
    expect(progressFraction(end)).toBe(1);
  });
});
