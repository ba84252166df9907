/**
 * What the worker reads back from browser storage, validated at the edge like any file: the saved
 * run's description (run.json) and its curve history (history.json). Storage can hold a file from
 * an older build, a half-written one or one edited by hand; each parser either returns a value of
 * the declared type or throws FwiError naming the file and the first thing wrong with it.
 */
import { parseConfigJson } from '../engine/config.ts';
import { errorMessage, FwiError } from '../engine/errors.ts';
import type { ValidationEvent } from '../engine/train/events.ts';
import type { CriticSeries, GeneratorSeries } from '../engine/train/lossColumns.ts';
import type { ListRole, RunHistory, SavedRunInfo } from './protocol.ts';

const ROLES: readonly ListRole[] = ['train', 'validation', 'inference', 'unused'];

type Json = Record<string, unknown>;

function parseObject(text: string, file: string): Json {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FwiError('io', `not valid JSON (${errorMessage(e)})`, file);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FwiError('io', 'not a JSON object', file);
  return raw as Json;
}

/** The saved run's description; throws FwiError('io') naming run.json and the bad field. */
export function parseSavedRunInfo(text: string, file = 'run.json'): SavedRunInfo {
  const r = parseObject(text, file);
  const fail = (what: string): never => {
    throw new FwiError('io', what, file);
  };
  const count = (key: string): number => {
    const v = r[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fail(`${key} must be a whole number ≥ 0 (found ${JSON.stringify(v)})`);
  };
  const flag = (key: string): boolean => (typeof r[key] === 'boolean' ? (r[key] as boolean) : fail(`${key} must be true or false`));
  if (typeof r.savedAt !== 'string' || Number.isNaN(Date.parse(r.savedAt))) fail(`savedAt must be a date (found ${JSON.stringify(r.savedAt)})`);
  if (!Array.isArray(r.files) || !r.files.every((f) => typeof f === 'string')) fail('files must be a list of paths');
  const lists = Array.isArray(r.lists) ? r.lists : fail('lists must be a list of annotation lists and their roles');
  for (const l of lists) {
    const ok = typeof l === 'object' && l !== null && typeof (l as Json).path === 'string' && ROLES.includes((l as Json).role as ListRole);
    if (!ok) fail(`lists holds ${JSON.stringify(l)}, not a path and a role (${ROLES.join(', ')})`);
  }
  let config;
  try {
    config = parseConfigJson(JSON.stringify(r.config ?? null), 'config');
  } catch (e) {
    return fail(`its configuration is invalid: ${errorMessage(e)}`);
  }
  return {
    savedAt: r.savedAt as string,
    epoch: count('epoch'),
    criticStep: count('criticStep'),
    generatorStep: count('generatorStep'),
    epochs: count('epochs'),
    config,
    files: r.files as string[],
    lists: lists as SavedRunInfo['lists'],
    dataStored: flag('dataStored'),
    unfinished: flag('unfinished'),
  };
}

/**
 * A column of numbers as JSON wrote it: non-finite losses were written as null (JSON has no NaN)
 * and come back as NaN, so a run that failed on a NaN still shows where.
 */
function numberColumn(v: unknown, name: string, fail: (what: string) => never): number[] {
  if (!Array.isArray(v)) return fail(`${name} must be a list of numbers`);
  return v.map((x, i) => (typeof x === 'number' ? x : x === null ? NaN : fail(`${name}[${i}] is ${JSON.stringify(x)}, not a number`)));
}

function columns<K extends string>(raw: unknown, keys: readonly K[], name: string, fail: (what: string) => never): Record<K, number[]> {
  if (typeof raw !== 'object' || raw === null) return fail(`${name} must be an object of columns`);
  const out = {} as Record<K, number[]>;
  const length = numberColumn((raw as Json)[keys[0]], `${name}.${keys[0]}`, fail).length;
  for (const k of keys) {
    const v = (raw as Json)[k];
    // A column added after runs were first saved reads as not recorded (NaN) in an older history.
    out[k] = v === undefined && LATER_COLUMN_KEYS.has(k) ? new Array<number>(length).fill(NaN) : numberColumn(v, `${name}.${k}`, fail);
  }
  const uneven = keys.find((k) => out[k].length !== length);
  if (uneven) fail(`${name}.${uneven} has ${out[uneven].length} rows, ${name}.${keys[0]} ${length}`);
  return out;
}

const CRITIC_KEYS = ['step', 'epoch', 'loss', 'wasserstein', 'gp', 'gpWeighted', 'elapsed'] as const satisfies readonly (keyof CriticSeries)[];
const GENERATOR_KEYS = ['step', 'criticStep', 'epoch', 'loss', 'l1', 'l2', 'adv', 'elapsed'] as const satisfies readonly (keyof GeneratorSeries)[];
/** Columns added after runs were first saved (seconds of training, since 2026-11-30). */
const LATER_COLUMN_KEYS: ReadonlySet<string> = new Set(['elapsed']);
const VALIDATION_KEYS = ['epoch', 'generatorStep', 'loss', 'mae', 'mse', 'rmse', 'ssim', 'maeMs', 'rmseMs'] as const satisfies readonly (keyof ValidationEvent)[];
/** Added after runs were first saved: a history from before it reads as not recorded (NaN). */
const LATER_VALIDATION_KEYS: ReadonlySet<string> = new Set(['mse']);

/** The saved curve history; throws FwiError('io') naming history.json and the bad column or row. */
export function parseRunHistory(text: string, file = 'history.json'): RunHistory {
  const r = parseObject(text, file);
  const fail = (what: string): never => {
    throw new FwiError('io', what, file);
  };
  const critic: CriticSeries = columns(r.critic, CRITIC_KEYS, 'critic', fail);
  const generator: GeneratorSeries = columns(r.generator, GENERATOR_KEYS, 'generator', fail);
  if (!Array.isArray(r.validation)) fail('validation must be a list of validation results');
  const validation = (r.validation as unknown[]).map((v, i): ValidationEvent => {
    if (typeof v !== 'object' || v === null) return fail(`validation[${i}] is not an object`);
    const row = { type: 'validation' } as ValidationEvent;
    for (const k of VALIDATION_KEYS) {
      const x = (v as Json)[k];
      if (x === undefined && LATER_VALIDATION_KEYS.has(k)) {
        row[k] = NaN;
        continue;
      }
      row[k] = typeof x === 'number' ? x : x === null ? NaN : fail(`validation[${i}].${k} is ${JSON.stringify(x)}, not a number`);
    }
    return row;
  });
  return { critic, generator, validation };
}
