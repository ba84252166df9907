/**
 * The configuration form's table of fields and its one rule: an edit reaches the configuration
 * only if the whole configuration still validates (engine `validateConfig`); otherwise the edit is
 * rejected at its field with the reason, and the last valid configuration stays in force.
 */
import { validateConfig, type TrainConfig } from '../../../engine/config.ts';

export type FieldKind = 'int' | 'float';

export interface NumberField {
  /** Path into TrainConfig, as validateConfig reports errors ('lambda.gp', 'betas.0'). */
  path: string;
  label: string;
  kind: FieldKind;
  /** A short hint shown under the field. */
  note?: string;
}

export interface FieldGroup {
  legend: string;
  fields: NumberField[];
}

export const LIMIT_FIELDS: NumberField[] = [
  { path: 'transform.dataMin', label: 'Seismic min (data_min)', kind: 'float' },
  { path: 'transform.dataMax', label: 'Seismic max (data_max)', kind: 'float' },
  { path: 'transform.labelMin', label: 'Velocity min (m/s)', kind: 'float' },
  { path: 'transform.labelMax', label: 'Velocity max (m/s)', kind: 'float' },
];

export const GENERATOR_WIDTH_FIELDS: NumberField[] = [0, 1, 2, 3, 4].map((i) => ({ path: `generatorWidths.${i}`, label: `Generator width ${i + 1}`, kind: 'int' }));
export const CRITIC_WIDTH_FIELDS: NumberField[] = [0, 1, 2, 3].map((i) => ({ path: `criticWidths.${i}`, label: `Critic width ${i + 1}`, kind: 'int' }));

export const FIELD_GROUPS: FieldGroup[] = [
  {
    legend: 'Training',
    fields: [
      { path: 'batchSize', label: 'Batch size', kind: 'int' },
      { path: 'epochs', label: 'Epochs', kind: 'int' },
      { path: 'nCritic', label: 'n_critic', kind: 'int', note: 'OpenFWI: generator step every n batches; PaddleScience: n critic steps then 1' },
      { path: 'seed', label: 'Seed', kind: 'int' },
    ],
  },
  {
    legend: 'Optimiser (AdamW)',
    fields: [
      { path: 'lrGenerator', label: 'Generator learning rate', kind: 'float' },
      { path: 'lrCritic', label: 'Critic learning rate', kind: 'float' },
      { path: 'betas.0', label: 'β₁', kind: 'float' },
      { path: 'betas.1', label: 'β₂', kind: 'float' },
      { path: 'eps', label: 'ε', kind: 'float' },
      { path: 'weightDecay', label: 'Weight decay', kind: 'float' },
    ],
  },
  {
    legend: 'Loss weights',
    fields: [
      { path: 'lambda.g1v', label: 'λ_g1v (L1)', kind: 'float' },
      { path: 'lambda.g2v', label: 'λ_g2v (MSE)', kind: 'float' },
      { path: 'lambda.adv', label: 'λ_adv (adversarial)', kind: 'float' },
      { path: 'lambda.gp', label: 'λ_gp (gradient penalty)', kind: 'float' },
    ],
  },
  {
    legend: 'Monitoring',
    fields: [
      { path: 'valEvery', label: 'Validate every (epochs)', kind: 'int' },
      { path: 'snapshotEvery', label: 'Maps every (generator steps)', kind: 'int' },
      { path: 'checkpointMinutes', label: 'Autosave every (minutes)', kind: 'float' },
    ],
  },
];

const ALL_FIELDS = [...FIELD_GROUPS.flatMap((g) => g.fields), ...LIMIT_FIELDS, { path: 'transform.k', label: 'Log gain k', kind: 'float' as const }, ...GENERATOR_WIDTH_FIELDS, ...CRITIC_WIDTH_FIELDS];

/** The label of a config path, for messages about a field other than the one edited. */
export function fieldLabel(path: string): string {
  return ALL_FIELDS.find((f) => f.path === path)?.label ?? path;
}

/** The value at a dotted path ('lambda.gp', 'betas.0'). */
export function getPath(config: TrainConfig, path: string): unknown {
  let v: unknown = config;
  for (const key of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[key];
  return v;
}

/** A copy of the config with the value at a dotted path replaced (arrays and objects copied on the way). */
export function setPath(config: TrainConfig, path: string, value: unknown): TrainConfig {
  const keys = path.split('.');
  const put = (obj: unknown, i: number): unknown => {
    const copy: Record<string, unknown> | unknown[] = Array.isArray(obj) ? [...obj] : { ...(obj as Record<string, unknown>) };
    const key = keys[i];
    (copy as Record<string, unknown>)[key] = i === keys.length - 1 ? value : put((obj as Record<string, unknown>)[key], i + 1);
    return copy;
  };
  return put(config, 0) as TrainConfig;
}

/** The number a field's text means: NaN for empty or malformed text (so validation names the reason). */
export function parseFieldText(text: string): number {
  const t = text.trim().replace(/[−–]/g, '-');
  return t === '' ? NaN : Number(t);
}

/**
 * Applies one field edit. Returns the new config when the whole config still validates, else the
 * reason to show at the field: the field's own error, or the first error the edit caused elsewhere
 * (e.g. data_min above data_max), named by that field's label.
 */
export function tryEdit(config: TrainConfig, path: string, text: string): { config: TrainConfig; error: null } | { config: null; error: string } {
  const candidate = setPath(config, path, parseFieldText(text));
  const { errors } = validateConfig(candidate);
  if (Object.keys(errors).length === 0) return { config: candidate, error: null };
  if (errors[path]) return { config: null, error: errors[path] };
  const before = validateConfig(config).errors;
  const caused = Object.entries(errors).find(([p]) => !(p in before));
  const [p, msg] = caused ?? Object.entries(errors)[0];
  return { config: null, error: `${fieldLabel(p)} ${msg}` };
}
