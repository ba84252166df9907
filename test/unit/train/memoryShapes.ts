import { widthPresets, type WidthPresetName } from '../../../src/engine/model/widths.ts';
import type { MemoryShape } from '../../../src/engine/train/memoryBudget.ts';

/** A width preset's networks on OpenFWI's data shapes (5 shots × 1000 × 70 in, 70 × 70 out). */
export const memoryShape = (preset: WidthPresetName): MemoryShape => ({
  generatorWidths: widthPresets[preset].generator,
  criticWidths: widthPresets[preset].critic,
  seismicShape: [5, 1000, 70],
  velocityShape: [1, 70, 70],
});
