import { describe, expect, it } from 'vitest';
import type { WidthPresetName } from '../../../src/engine/model/widths.ts';
import { memoryShape } from './memoryShapes.ts';
import { FwiError } from '../../../src/engine/errors.ts';
import {
  WASM_HEAP_BYTES,
  checkBatchFits,
  largestBatch,
  trainingStepBytes,
  translateOutOfMemory,
} from '../../../src/engine/train/memoryBudget.ts';


describe('training memory estimate', () => {
  // wasm heap (MB) after two iterations, measured on this machine with bench/trainMemory.ts; the
  // heap grows in steps of up to 20 % and never shrinks, so it overstates the need a little, and at
  // full widths the generator step's fixed part leaves room for the batch up to batch 16.
  const measured: [WidthPresetName, number, number][] = [
    ['tiny', 4, 54.3],
    ['tiny', 32, 289.2],
    ['small', 4, 132.1],
    ['small', 32, 566.6],
    ['full', 4, 1703.1],
    ['full', 8, 1687.6],
    ['full', 16, 1700.2],
  ];
  it.each(measured)('%s widths, batch %i: the estimate is 0.95 to 2 times the measured %f MB', (preset, batch, mb) => {
    const estimate = trainingStepBytes(memoryShape(preset), batch) / 1e6;
    expect(estimate).toBeGreaterThan(0.95 * mb);
    expect(estimate).toBeLessThan(2 * mb);
  });

  it('largest batch on wasm: 64 at full widths, 244 at small, 320 at tiny', () => {
    expect(largestBatch(memoryShape('full'), WASM_HEAP_BYTES)).toBe(64);
    expect(largestBatch(memoryShape('small'), WASM_HEAP_BYTES)).toBe(244);
    expect(largestBatch(memoryShape('tiny'), WASM_HEAP_BYTES)).toBe(320);
  });

  it('takes OpenFWI’s batch 64 on wasm and refuses 96, naming the largest batch and the alternatives; cpu has no limit here', () => {
    expect(() => checkBatchFits('wasm', memoryShape('full'), 64)).not.toThrow();
    expect(() => checkBatchFits('cpu', memoryShape('full'), 96)).not.toThrow();
    let error: unknown;
    try {
      checkBatchFits('wasm', memoryShape('full'), 96);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FwiError);
    expect((error as FwiError).code).toBe('memory');
    expect((error as FwiError).message).toMatch(/batch 96 is too large for the wasm backend's memory/);
    expect((error as FwiError).message).toMatch(/about 64/);
    expect((error as FwiError).message).toMatch(/--batch/);
    expect((error as FwiError).message).toMatch(/--backend cpu/);
  });

  it('translates the wasm module’s out-of-heap errors, passes others through', () => {
    for (const raw of [new Error('memory access out of bounds'), new Error('Aborted(). Build with -sASSERTIONS for more info.')]) {
      const t = translateOutOfMemory(raw, 'wasm', memoryShape('full'), 96);
      expect(t).toBeInstanceOf(FwiError);
      expect((t as FwiError).code).toBe('memory');
      expect((t as FwiError).message).toMatch(/batch 96 .* about 64/);
    }
    const other = new Error('shapes do not match');
    expect(translateOutOfMemory(other, 'wasm', memoryShape('full'), 8)).toBe(other);
    const oom = new Error('memory access out of bounds');
    expect(translateOutOfMemory(oom, 'cpu', memoryShape('full'), 8)).toBe(oom);
  });
});
