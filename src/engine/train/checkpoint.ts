/**
 * Checkpoints: everything a run needs to continue exactly where it stopped, in files PyTorch can
 * read. Two equivalent forms:
 *
 * - a folder (the CLI's `--out`): `generator.safetensors` and `critic.safetensors` (PyTorch
 *   state dicts, loadable with `load_state_dict` into OpenFWI's InversionNet / Discriminator),
 *   `optimizer_generator.safetensors` and `optimizer_critic.safetensors` (AdamW moments as
 *   `m.<param>` / `v.<param>` in PyTorch layouts) and `checkpoint.json` (the rest);
 * - one bundle file (what the studio downloads and imports): a single safetensors file with the
 *   same tensors under the prefixes `generator.`, `critic.`, `optG.`, `optD.` and the JSON in the
 *   metadata entry `checkpoint`.
 *
 * Where the bytes go is the caller's business: the trainer hands each checkpoint to a
 * `CheckpointSink`; the run session (src/engine/session) puts it in its `CheckpointStore`.
 *
 * The optimiser moments live in tf.js layouts inside AdamW; `momentsToTorch` / `momentsFromTorch`
 * are the one conversion to and from the PyTorch layouts a checkpoint holds.
 */
import type { TrainConfig } from '../config.ts';
import { validateConfig } from '../config.ts';
import type { NonFiniteSample } from '../data/nonFinite.ts';
import { checkpointChecksums, verifyCheckpointChecksums, type CheckpointChecksums } from './checkpointChecksum.ts';
import { describeValue, FwiError } from '../errors.ts';
import { encodeSafetensors, parseSafetensors, type SafeTensor, type SafeTensorEntry, type SafetensorsDtype, type TensorData } from '../io/safetensors.ts';
import { permute4d, type StateDict } from '../model/stateDict.ts';
import { storedTrainingOf, weightsMetadata, type StoredTraining, type WeightsRole } from '../model/weightsMetadata.ts';
import type { AdamWState, MomentArray } from './adamw.ts';
import type { CheckpointEvent, ValidationEvent } from './events.ts';
import type { SchedulePosition } from './schedule.ts';

export const CHECKPOINT_FORMAT = 'velocitygan-studio-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** The JSON half of a checkpoint. */
export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  config: TrainConfig;
  /** The next batch to train. */
  position: SchedulePosition;
  criticStep: number;
  generatorStep: number;
  /** AdamW step counts (PyTorch's `state['step']`), generator and critic. */
  optimizerSteps: { generator: number; critic: number };
  /** State of the run's seeded generator (gradient-penalty α draws). */
  rngState: number;
  /** Samples the run leaves out for holding NaN or ±Infinity (empty unless it skips them). */
  skipped: NonFiniteSample[];
  /** Seconds of training so far, pauses excluded. */
  elapsedSeconds: number;
  /** Every validation so far, for the charts of a resumed run. */
  validation: ValidationEvent[];
  /**
   * Set when the run stopped during the validation of this (0-based) epoch: its last batch is
   * trained (the position is past it) and a resumed run validates it before its first batch.
   */
  pendingValidation?: number;
  savedAt: string;
  /** CRC-32 of each tensor part, written at every save and checked at every load (checkpoints older than it have none). */
  checksums?: CheckpointChecksums;
}

export type TensorMap = Map<string, SafeTensor>;

/** A complete checkpoint in memory. Weights and moments are in PyTorch names and layouts. */
export interface Checkpoint {
  meta: CheckpointMeta;
  generator: TensorMap;
  critic: TensorMap;
  /** `m.<param>` and `v.<param>` for every generator parameter. */
  optimizerGenerator: TensorMap;
  optimizerCritic: TensorMap;
}

/** Where the trainer hands its checkpoints; `save` must not leave a half-written checkpoint as the latest. */
export interface CheckpointSink {
  save(checkpoint: Checkpoint, reason: CheckpointEvent['reason']): Promise<void>;
}

/** A sink that keeps the latest checkpoint in memory (the trainer's tests). */
export function memoryCheckpointSink(): CheckpointSink & { latest: Checkpoint | null; saves: CheckpointEvent['reason'][] } {
  const store = {
    latest: null as Checkpoint | null,
    saves: [] as CheckpointEvent['reason'][],
    async save(checkpoint: Checkpoint, reason: CheckpointEvent['reason']) {
      store.latest = checkpoint;
      store.saves.push(reason);
    },
  };
  return store;
}

export const CHECKPOINT_FILES = {
  generator: 'generator.safetensors',
  critic: 'critic.safetensors',
  optimizerGenerator: 'optimizer_generator.safetensors',
  optimizerCritic: 'optimizer_critic.safetensors',
  meta: 'checkpoint.json',
} as const;

const BUNDLE_PREFIX = { generator: 'generator.', critic: 'critic.', optimizerGenerator: 'optG.', optimizerCritic: 'optD.' } as const;
type TensorPart = keyof typeof BUNDLE_PREFIX;
const TENSOR_PARTS = Object.keys(BUNDLE_PREFIX) as TensorPart[];
const ROLE: Record<TensorPart, WeightsRole> = { generator: 'generator', critic: 'critic', optimizerGenerator: 'optimizer_generator', optimizerCritic: 'optimizer_critic' };

/** The self-describing metadata (weightsMetadata.ts) of one file of this checkpoint. */
function metadataOf(c: Checkpoint, role: WeightsRole): Record<string, string> {
  return weightsMetadata(role, c.meta.config, { generatorStep: c.meta.generatorStep, criticStep: c.meta.criticStep });
}

/** What a checkpoint says about its training, in the form every weights reader hands on. */
export function storedTrainingOfCheckpoint(meta: CheckpointMeta): StoredTraining {
  return storedTrainingOf(meta.config, { generatorStep: meta.generatorStep, criticStep: meta.criticStep });
}

function entries(map: TensorMap, prefix = ''): Record<string, SafeTensorEntry> {
  const out: Record<string, SafeTensorEntry> = {};
  for (const [k, t] of map) out[prefix + k] = { dtype: t.dtype as SafetensorsDtype, shape: t.shape, data: t.data };
  return out;
}

/** The description as saved: with the checksums of the tensors saved beside it. */
function withChecksums(c: Checkpoint): CheckpointMeta {
  return { ...c.meta, checksums: checkpointChecksums(c) };
}

/** The checkpoint as the files of a checkpoint folder, by file name. */
export function encodeCheckpointFiles(c: Checkpoint): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const part of TENSOR_PARTS) files[CHECKPOINT_FILES[part]] = encodeSafetensors(entries(c[part]), metadataOf(c, ROLE[part]));
  files[CHECKPOINT_FILES.meta] = new TextEncoder().encode(JSON.stringify(withChecksums(c), null, 1));
  return files;
}

/** The checkpoint as one safetensors file (tensors prefixed by part, the JSON in the metadata). */
export function encodeCheckpointBundle(c: Checkpoint): Uint8Array {
  const all: Record<string, SafeTensorEntry> = {};
  for (const part of TENSOR_PARTS) Object.assign(all, entries(c[part], BUNDLE_PREFIX[part]));
  return encodeSafetensors(all, { ...metadataOf(c, 'checkpoint'), format: CHECKPOINT_FORMAT, checkpoint: JSON.stringify(withChecksums(c)) });
}

/** Checks the JSON half; throws FwiError('config') naming what is wrong. */
export function parseCheckpointMeta(text: string, file: string): CheckpointMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FwiError('config', `the checkpoint description is not valid JSON (${(e as Error).message})`, file);
  }
  const m = raw as Partial<CheckpointMeta>;
  if (typeof m !== 'object' || m === null || m.format !== CHECKPOINT_FORMAT) {
    throw new FwiError('config', `not a VelocityGAN Studio checkpoint (format is ${describeValue(m?.format)})`, file);
  }
  if (m.version !== CHECKPOINT_VERSION) throw new FwiError('config', `checkpoint version ${describeValue(m.version)} is not supported (this build reads ${CHECKPOINT_VERSION})`, file);
  const { config, errors } = validateConfig(m.config);
  const bad = Object.entries(errors);
  if (bad.length) throw new FwiError('config', `the checkpoint's configuration is invalid: ${bad.map(([k, v]) => `${k} ${v}`).join('; ')}`, file);
  const whole = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const fields: [string, unknown][] = [
    ['position.epoch', m.position?.epoch],
    ['position.iteration', m.position?.iteration],
    ['criticStep', m.criticStep],
    ['generatorStep', m.generatorStep],
    ['optimizerSteps.generator', m.optimizerSteps?.generator],
    ['optimizerSteps.critic', m.optimizerSteps?.critic],
    ['rngState', m.rngState],
  ];
  if (m.pendingValidation !== undefined) fields.push(['pendingValidation', m.pendingValidation]);
  const wrong = fields.filter(([, v]) => !whole(v)).map(([k]) => k);
  if (m.elapsedSeconds !== undefined && !(typeof m.elapsedSeconds === 'number' && Number.isFinite(m.elapsedSeconds) && m.elapsedSeconds >= 0)) wrong.push('elapsedSeconds');
  if (m.validation !== undefined && !Array.isArray(m.validation)) wrong.push('validation');
  if (wrong.length) throw new FwiError('config', `the checkpoint lacks valid ${wrong.join(', ')}`, file);
  // Checkpoints from before skipping existed have no list: nothing was skipped.
  const skipped = m.skipped ?? [];
  if (!Array.isArray(skipped) || !skipped.every((s) => typeof s === 'object' && s !== null && whole(s.index) && whole(s.row) && typeof s.file === 'string')) {
    throw new FwiError('config', 'the checkpoint\'s skipped samples are not a list of {index, file, row, …}', file);
  }
  const validation = (m.validation ?? []).map((v, i) => checkValidationEntry(v, i, file));
  return { ...(m as CheckpointMeta), skipped, config, elapsedSeconds: m.elapsedSeconds ?? 0, validation };
}

const VALIDATION_NUMBERS = ['epoch', 'generatorStep', 'loss', 'mae', 'rmse', 'ssim', 'maeMs', 'rmseMs'] as const;

/** One entry of the validation history: charted and resumed from, so every number is checked here, at the edge. */
function checkValidationEntry(v: unknown, i: number, file: string): ValidationEvent {
  const e = v as Partial<ValidationEvent> | null;
  const bad: string[] = typeof e !== 'object' || e === null || Array.isArray(e) ? ['not an object'] : VALIDATION_NUMBERS.filter((k) => typeof e[k] !== 'number' || !Number.isFinite(e[k]));
  // Checkpoints saved before the MSE was recorded: it is RMSE², exactly.
  const mse = e?.mse === undefined ? (e?.rmse ?? 0) ** 2 : e.mse;
  if (!bad.length && (typeof mse !== 'number' || !Number.isFinite(mse))) bad.push('mse');
  if (bad.length) throw new FwiError('config', `validation entry ${i} of the checkpoint is malformed (${bad.join(', ')})`, file);
  const { epoch, generatorStep, loss, mae, rmse, ssim, maeMs, rmseMs } = e as ValidationEvent;
  return { type: 'validation', epoch, generatorStep, loss, mae, mse, rmse, ssim, maeMs, rmseMs };
}

/** Reads a checkpoint folder's files (by name, as `encodeCheckpointFiles` wrote them). */
export function decodeCheckpointFiles(files: Record<string, Uint8Array>, folder = 'checkpoint'): Checkpoint {
  const need = (name: string): Uint8Array => {
    const bytes = files[name];
    if (!bytes) throw new FwiError('io', `the checkpoint has no ${name}`, folder);
    return bytes;
  };
  const meta = parseCheckpointMeta(new TextDecoder().decode(need(CHECKPOINT_FILES.meta)), `${folder}/${CHECKPOINT_FILES.meta}`);
  const tensors = (part: TensorPart) => parseSafetensors(need(CHECKPOINT_FILES[part]), `${folder}/${CHECKPOINT_FILES[part]}`).tensors;
  const c: Checkpoint = {
    meta,
    generator: tensors('generator'),
    critic: tensors('critic'),
    optimizerGenerator: tensors('optimizerGenerator'),
    optimizerCritic: tensors('optimizerCritic'),
  };
  if (meta.checksums !== undefined) verifyCheckpointChecksums(c, meta.checksums, folder);
  return c;
}

/** True when the bytes are a checkpoint bundle (rather than, say, bare generator weights). */
export function isCheckpointBundle(bytes: Uint8Array): boolean {
  try {
    return parseSafetensorsHeaderFormat(bytes) === CHECKPOINT_FORMAT;
  } catch {
    return false;
  }
}

function parseSafetensorsHeaderFormat(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n < 2 || 8 + n > bytes.byteLength) return undefined;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as { __metadata__?: { format?: string } };
  return header.__metadata__?.format;
}

/** Reads a checkpoint bundle; throws FwiError naming `file` if it is not one or a part is missing. */
export function decodeCheckpointBundle(bytes: Uint8Array, file = 'checkpoint.safetensors'): Checkpoint {
  const { tensors, metadata } = parseSafetensors(bytes, file);
  if (metadata.format !== CHECKPOINT_FORMAT || typeof metadata.checkpoint !== 'string') {
    throw new FwiError('config', 'not a VelocityGAN Studio checkpoint bundle (its metadata has no checkpoint description); for bare generator weights use them as weights, not as a checkpoint', file);
  }
  const meta = parseCheckpointMeta(metadata.checkpoint, file);
  const parts = Object.fromEntries(TENSOR_PARTS.map((p) => [p, new Map<string, SafeTensor>()])) as Record<TensorPart, TensorMap>;
  const stray: string[] = [];
  for (const [key, t] of tensors) {
    const part = TENSOR_PARTS.find((p) => key.startsWith(BUNDLE_PREFIX[p]));
    if (part) parts[part].set(key.slice(BUNDLE_PREFIX[part].length), t);
    else stray.push(key);
  }
  if (stray.length) throw new FwiError('weights', `the bundle holds tensors outside its parts: ${stray.slice(0, 5).join(', ')}`, file);
  for (const p of TENSOR_PARTS) if (parts[p].size === 0) throw new FwiError('weights', `the bundle has no ${BUNDLE_PREFIX[p]}* tensors`, file);
  if (meta.checksums !== undefined) verifyCheckpointChecksums(parts, meta.checksums, file);
  return { meta, ...parts };
}

/** Bytes of every tensor of the checkpoint (its files are these and a few KB of headers). */
export function checkpointTensorBytes(c: Checkpoint): number {
  let n = 0;
  for (const part of TENSOR_PARTS) for (const t of c[part].values()) n += t.data.byteLength;
  return n;
}

/** A network's state dict as checkpoint tensors (PyTorch names, layouts and dtypes). */
export function tensorMap(dict: StateDict): TensorMap {
  const out: TensorMap = new Map();
  for (const [k, e] of Object.entries(dict)) out.set(k, { dtype: e.dtype, shape: e.shape, data: e.data as TensorData });
  return out;
}

// AdamW keeps its moments in the variables' TF layouts; checkpoints store them as PyTorch would.
const TO_TORCH = [3, 2, 0, 1];
const FROM_TORCH = [2, 3, 1, 0];

/** AdamW's moments as checkpoint tensors `m.<param>` / `v.<param>` in PyTorch layouts. */
export function momentsToTorch(state: AdamWState): TensorMap {
  const out: TensorMap = new Map();
  for (const which of ['m', 'v'] as const) {
    for (const [name, a] of Object.entries(state[which])) {
      const t = a.shape.length === 4 ? permute4d(a.data, a.shape, TO_TORCH) : { data: a.data, shape: a.shape };
      out.set(`${which}.${name}`, { dtype: 'F32', shape: t.shape, data: t.data });
    }
  }
  return out;
}

/** The inverse of `momentsToTorch`, with PyTorch's step count; FwiError('weights') for a stray tensor. */
export function momentsFromTorch(tensors: TensorMap, step: number): AdamWState {
  const state: AdamWState = { step, m: {}, v: {} };
  for (const [key, t] of tensors) {
    const dot = key.indexOf('.');
    const which = key.slice(0, dot);
    if (which !== 'm' && which !== 'v') throw new FwiError('weights', `optimiser state: unexpected tensor "${key}" (expected m.<param> or v.<param>)`);
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data as ArrayLike<number>);
    const moment: MomentArray = t.shape.length === 4 ? permute4d(data, t.shape, FROM_TORCH) : { data, shape: [...t.shape] };
    state[which][key.slice(dot + 1)] = moment;
  }
  return state;
}

/** The first weight of a checkpoint holding NaN or ±Infinity, named for the user, or null. */
export function firstNonFinite(c: Pick<Checkpoint, 'generator' | 'critic'>): string | null {
  for (const [part, map] of [['generator', c.generator], ['critic', c.critic]] as const) {
    for (const [key, t] of map) {
      if (!(t.data instanceof Float32Array)) continue;
      for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i])) return `the ${part}'s ${key}`;
    }
  }
  return null;
}
