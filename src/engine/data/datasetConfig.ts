/**
 * OpenFWI's (and PaddleScience's) `dataset_config.json`: normalisation limits and acquisition facts
 * keyed by dataset name (`{"flatvel-a": {"data_min": -26.95, "data_max": 52.77, "label_min": 1500,
 * "label_max": 4500, "file_size": 500, "nbc": 120, …}}`). Its entries become presets beside the
 * 11 built-in ones; `encodeDatasetConfig` writes an entry the same way for OpenFWI to read.
 */
import type { TransformConfig } from '../config.ts';
import { FwiError } from '../errors.ts';
import { PRESETS, validateTransform } from './presets.ts';

/** One entry of a dataset_config.json as a preset. */
export interface DatasetConfigEntry extends TransformConfig {
  readonly name: string;
  /** Samples per .npy file (OpenFWI's `file_size`, default 500). */
  readonly fileSize: number;
  /** The entry's other keys (nbc, dx, nt, dt, f, n_grid, ns, ng, sz, gz, …), kept as given. */
  readonly extra: Readonly<Record<string, unknown>>;
}

const RESERVED = new Set(['auto', 'custom']);

/**
 * Parses a dataset_config.json. Every entry needs finite data_min < data_max and label_min <
 * label_max; `k` (not in OpenFWI's file, where it is a command-line flag) defaults to 1. An entry
 * named like a built-in preset must agree with it. Throws FwiError('config') naming the file and entry.
 */
export function parseDatasetConfig(text: string, file = 'dataset_config.json'): DatasetConfigEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FwiError('config', `not valid JSON (${(e as Error).message})`, file);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FwiError('config', 'must be a JSON object of datasets by name', file);
  const entries: DatasetConfigEntry[] = [];
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const fail = (why: string): never => {
      throw new FwiError('config', `entry "${name}": ${why}`, file);
    };
    if (RESERVED.has(name) || name.trim() === '') fail(`"${name}" cannot name a dataset (reserved)`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('is not an object');
    const v = value as Record<string, unknown>;
    const missing = ['data_min', 'data_max', 'label_min', 'label_max'].filter((k) => typeof v[k] !== 'number');
    if (missing.length) fail(`needs numbers for ${missing.join(', ')}`);
    let transform: TransformConfig;
    try {
      transform = validateTransform({ k: v.k === undefined ? 1 : (v.k as number), dataMin: v.data_min as number, dataMax: v.data_max as number, labelMin: v.label_min as number, labelMax: v.label_max as number });
    } catch (e) {
      return fail((e as Error).message);
    }
    const fileSize = v.file_size === undefined ? 500 : Number(v.file_size);
    if (!Number.isSafeInteger(fileSize) || fileSize < 1) fail(`file_size must be a whole number ≥ 1, got ${JSON.stringify(v.file_size)}`);
    const builtIn = PRESETS.find((p) => p.name === name);
    if (builtIn) {
      const differs = (['k', 'dataMin', 'dataMax', 'labelMin', 'labelMax'] as const).filter((key) => builtIn[key] !== transform[key]);
      if (differs.length) fail(`has other limits than the built-in preset of that name (${differs.map((key) => `${key} ${transform[key]} here, ${builtIn[key]} built in`).join('; ')}): rename the entry`);
    }
    const extra = Object.fromEntries(Object.entries(v).filter(([k]) => !['k', 'data_min', 'data_max', 'label_min', 'label_max', 'file_size'].includes(k)));
    entries.push({ name, ...transform, fileSize, extra });
  }
  if (entries.length === 0) throw new FwiError('config', 'names no datasets', file);
  return entries;
}

/** The entries as a dataset_config.json text, OpenFWI's key names and order (k written only when not 1). */
export function encodeDatasetConfig(entries: readonly DatasetConfigEntry[]): string {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    out[e.name] = {
      ...(e.k !== 1 ? { k: e.k } : {}),
      data_min: e.dataMin,
      data_max: e.dataMax,
      label_min: e.labelMin,
      label_max: e.labelMax,
      file_size: e.fileSize,
      ...e.extra,
    };
  }
  return `${JSON.stringify(out, null, 4)}\n`;
}

/** The entries that are not built-in presets (a file of OpenFWI's own 11 adds nothing). */
export function newPresets(entries: readonly DatasetConfigEntry[]): DatasetConfigEntry[] {
  return entries.filter((e) => !PRESETS.some((p) => p.name === e.name));
}
