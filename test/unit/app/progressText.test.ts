import { describe, expect, it } from 'vitest';
import { formatDuration, progressFraction, progressText } from '../../../src/app/progressText.ts';
import type { ProgressEvent } from '../../../src/engine/train/events.ts';

const p: ProgressEvent = { type: 'progress', phase: 'training', epoch: 1, epochs: 4, iteration: 5, iterationsPerEpoch: 10, samplesPerSecond: 3.456, secondsLeft: 125, elapsed: 60 };

describe('progress text', () => {
  it('formats durations in s, min and h', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
    expect(formatDuration(7500)).toBe('2 h 5 min');
  });
  it('counts the fraction of all iterations done', () => {
    expect(progressFraction(p)).toBeCloseTo(15 / 40, 12);
  });
  it('while running says epoch, iteration, speed and time left, counted down since the event', () => {
    expect(progressText(p, true)).toBe('Epoch 2 of 4, iteration 5 of 10, 3.46 samples/s, about 2 min 5 s left');
    expect(progressText(p, true, 35)).toBe('Epoch 2 of 4, iteration 5 of 10, 3.46 samples/s, about 1 min 30 s left');
    // Past the estimate the countdown rests at 0 s until the next event re-estimates.
    expect(progressText(p, true, 200)).toBe('Epoch 2 of 4, iteration 5 of 10, 3.46 samples/s, about 0 s left');
  });
  it('says warming up before the first step, and validating during a validation pass', () => {
    expect(progressText({ ...p, phase: 'warm-up', epoch: 0, iteration: 0, samplesPerSecond: 0, secondsLeft: null }, true)).toBe(
      'Epoch 1 of 4, iteration 0 of 10, warming up: the first step compiles the GPU kernels',
    );
    // Validation follows an epoch's last batch: the position reads as that epoch, complete.
    expect(progressText({ ...p, phase: 'validating', epoch: 2, iteration: 0 }, true)).toBe('Epoch 2 of 4, iteration 10 of 10, validating, 3.46 samples/s, about 2 min 5 s left');
    expect(progressText({ ...p, samplesPerSecond: 0, secondsLeft: null }, true)).toBe('Epoch 2 of 4, iteration 5 of 10, measuring speed, time left not yet known');
  });
  it('shows neither speed nor time left when not running (paused, stopped, finished, failed)', () => {
    expect(progressText(p, false)).toBe('Epoch 2 of 4, iteration 5 of 10');
    expect(progressText({ ...p, phase: 'warm-up' }, false)).toBe('Epoch 2 of 4, iteration 5 of 10');
  });
});

describe('progress text at the end of a run', () => {
  it('shows the last epoch complete, not a wrapped iteration 0', () => {
    const end: ProgressEvent = { type: 'progress', phase: 'training', epoch: 2, epochs: 2, iteration: 0, iterationsPerEpoch: 4, samplesPerSecond: 2, secondsLeft: 0, elapsed: 9 };
    expect(progressText(end, false)).toBe('Epoch 2 of 2, iteration 4 of 4');
    expect(progressFraction(end)).toBe(1);
  });
});
