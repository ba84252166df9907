import { describe, expect, it } from 'vitest';
import { FwiError } from '../../../src/engine/errors.ts';
import { widthPresets, type WidthPresetName } from '../../../src/engine/model/widths.ts';
import {
  WASM_HEAP_BYTES,
  checkBatchFits,
  largestBatch,
  trainingStepBytes,
  translateOutOfMemory,
  type MemoryShape,
} from '../../../src/engine/train/memoryBudget.ts';

const shape = (preset: WidthPresetName): MemoryShape => ({
  generatorWidths: widthPresets[preset].generator,
  criticWidths: widthPresets[preset].critic,
  seismicShape: [5, 1000, 70],
  velocityShape: [1, 70, 70],
});

describe('training memory estimate', () => {
  // wasm heap (MB) after one iteration (tiny and small: two), measured on this machine with
  // bench/trainMemory.ts; the heap grows in steps of up to 20 %, so it overstates the need a little.
  const measured: [WidthPresetName, number, number][] = [
    ['tiny', 4, 112.7],
    ['tiny', 8, 166.3],
    ['tiny', 16, 311.2],
    ['tiny', 32, 719.9],
    ['small', 16, 647.8],
    ['full', 4, 1713.0],
    ['full', 8, 1870.5],
  ];
  it.each(measured)('%s widths, batch %i: the estimate is 0.95 to 2 times the measured %f MB', (preset, batch, mb) => {
    const estimate = trainingStepBytes(shape(preset), batch) / 1e6;
    expect(estimate).toBeGreaterThan(0.95 * mb);
    expect(estimate).toBeLessThan(2 * mb);
  });

  it('largest batch on wasm: 33 at full widths, 111 at small, 126 at tiny', () => {
    expect(largestBatch(shape('full'), WASM_HEAP_BYTES)).toBe(33);
    expect(largestBatch(shape('small'), WASM_HEAP_BYTES)).toBe(111);
    expect(largestBatch(shape('tiny'), WASM_HEAP_BYTES)).toBe(126);
  });

  it('refuses OpenFWI’s batch 64 on wasm, naming the largest batch and the alternatives; cpu has no limit here', () => {
    expect(() => checkBatchFits('wasm', shape('full'), 33)).not.toThrow();
    expect(() => checkBatchFits('cpu', shape('full'), 64)).not.toThrow();
    let error: unknown;
    try {
      checkBatchFits('wasm', shape('full'), 64);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FwiError);
    expect((error as FwiError).code).toBe('memory');
    expect((error as FwiError).message).toMatch(/batch 64 is too large for the wasm backend's memory/);
    expect((error as FwiError).message).toMatch(/about 33/);
    expect((error as FwiError).message).toMatch(/--batch/);
    expect((error as FwiError).message).toMatch(/--backend cpu/);
  });

  it('translates the wasm module’s out-of-heap errors, passes others through', () => {
    for (const raw of [new Error('memory access out of bounds'), new Error('Aborted(). Build with -sASSERTIONS for more info.')]) {
      const t = translateOutOfMemory(raw, 'wasm', shape('full'), 48);
      expect(t).toBeInstanceOf(FwiError);
      expect((t as FwiError).code).toBe('memory');
      expect((t as FwiError).message).toMatch(/batch 48 .* about 33/);
    }
    const other = new Error('shapes do not match');
    expect(translateOutOfMemory(other, 'wasm', shape('full'), 8)).toBe(other);
    const oom = new Error('memory access out of bounds');
    expect(translateOutOfMemory(oom, 'cpu', shape('full'), 8)).toBe(oom);
  });
});
