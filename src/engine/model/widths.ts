/**
 * Channel widths of the two networks. The generator has five (d1..d5 of the reference table),
 * the critic four. Presets: `full` is OpenFWI's; the smaller ones exist for quick runs and tests.
 */
import { FwiError } from '../errors.ts';

export type GeneratorWidths = readonly [number, number, number, number, number];
export type CriticWidths = readonly [number, number, number, number];

export interface WidthPreset {
  generator: GeneratorWidths;
  critic: CriticWidths;
}

export const widthPresets = {
  full: { generator: [32, 64, 128, 256, 512], critic: [32, 64, 128, 256] },
  half: { generator: [16, 32, 64, 128, 256], critic: [16, 32, 64, 128] },
  small: { generator: [8, 16, 32, 64, 128], critic: [8, 16, 32, 64] },
  tiny: { generator: [4, 8, 16, 32, 64], critic: [4, 8, 16, 32] },
} as const satisfies Record<string, WidthPreset>;

export type WidthPresetName = keyof typeof widthPresets;

/** The preset of that name, or a FwiError('config') listing the known names. */
export function widthPreset(name: string): WidthPreset {
  if (!Object.hasOwn(widthPresets, name)) {
    throw new FwiError('config', `unknown width preset "${name}" (known: ${Object.keys(widthPresets).join(', ')})`);
  }
  return widthPresets[name as WidthPresetName];
}

/** Checks that widths are positive integers of the right count, throwing FwiError('config') otherwise. */
export function checkWidths(widths: readonly number[], count: 4 | 5, what: string): void {
  if (widths.length !== count || !widths.every((w) => Number.isInteger(w) && w > 0)) {
    throw new FwiError('config', `${what} widths must be ${count} positive integers, got [${widths.join(', ')}]`);
  }
}
