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
  // wasm heap (MiB) after one critic and one generator step, measured on this machine.
  const measured: [WidthPresetName, number, number][] = [
    ['tiny', 8, 730],
    ['tiny', 16, 1275],
    ['tiny', 32, 2565],
    ['small', 16, 2453],
    ['full', 2, 1953],
    ['full', 4, 3207],
  ];
  it.each(measured)('%s widths, batch %i: within 10%% of the measured %i MiB', (preset, batch, mib) => {
    const estimate = trainingStepBytes(shape(preset), batch) / 2 ** 20;
    expect(Math.abs(estimate - mib) / mib).toBeLessThan(0.1);
  });

  it('largest batch on wasm: 44 at tiny widths (44 and 22 at small measured to run), 4 at full', () => {
    expect(largestBatch(shape('tiny'), WASM_HEAP_BYTES)).toBe(44);
    expect(largestBatch(shape('small'), WASM_HEAP_BYTES)).toBe(22);
    expect(largestBatch(shape('full'), WASM_HEAP_BYTES)).toBe(4);
  });

  it('refuses OpenFWI’s batch 64 on wasm, naming the largest batch and the alternatives; cpu has no limit here', () => {
    expect(() => checkBatchFits('wasm', shape('tiny'), 44)).not.toThrow();
    expect(() => checkBatchFits('cpu', shape('full'), 64)).not.toThrow();
    let error: unknown;
    try {
      checkBatchFits('wasm', shape('tiny'), 64);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FwiError);
    expect((error as FwiError).code).toBe('memory');
    expect((error as FwiError).message).toMatch(/batch 64 is too large for the wasm backend's memory/);
    expect((error as FwiError).message).toMatch(/about 44/);
    expect((error as FwiError).message).toMatch(/--batch/);
    expect((error as FwiError).message).toMatch(/--backend cpu/);
  });

  it('translates the wasm module’s out-of-heap errors, passes others through', () => {
    for (const raw of [new Error('memory access out of bounds'), new Error('Aborted(). Build with -sASSERTIONS for more info.')]) {
      const t = translateOutOfMemory(raw, 'wasm', shape('full'), 8);
      expect(t).toBeInstanceOf(FwiError);
      expect((t as FwiError).code).toBe('memory');
      expect((t as FwiError).message).toMatch(/batch 8 .* about 4/);
    }
    const other = new Error('shapes do not match');
    expect(translateOutOfMemory(other, 'wasm', shape('full'), 8)).toBe(other);
    const oom = new Error('memory access out of bounds');
    expect(translateOutOfMemory(oom, 'cpu', shape('full'), 8)).toBe(oom);
  });
});
