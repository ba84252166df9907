/**
 * Weights from any file a user may hold, told apart by content (not extension): the studio's own
 * `.safetensors` (PyTorch names), PyTorch `torch.save` files (`.pth`: a state dict, or OpenFWI's
 * `checkpoint.pth` with `model` / `model_d` / optimisers), and PaddleScience `.pdparams`. Names
 * become the studio's (PyTorch state-dict names): DataParallel's `module.` prefix goes, OpenFWI's
 * legacy block names are mapped as its `replace_legacy` maps them, Paddle's `generator.` /
 * `discriminator.` prefixes and BatchNorm `_mean` / `_variance` become `running_mean` /
 * `running_var`. Which network a state dict is comes from its names.
 */
import { FwiError } from '../errors.ts';
import { isPickle, readPdparams } from '../io/pdparams.ts';
import { PyDict, PyObject, PyTuple, PyFloat, typeName, type PyValue } from '../io/pickle.ts';
import { parseSafetensors, type SafeTensor } from '../io/safetensors.ts';
import { isZip, readTorchSave, TorchTensor } from '../io/torchSave.ts';

export type WeightsFormat = 'safetensors' | 'pth' | 'pdparams';
export type TensorMap = Map<string, SafeTensor>;

/** An OpenFWI `checkpoint.pth`'s training state beside its weights, as read (values in PyTorch's own layout). */
export interface OpenFwiState {
  epoch: number | null;
  step: number | null;
  /** `optimizer_g` / `optimizer_d` as plain values (state by parameter index, param_groups). */
  optimizerGenerator: PlainValue | null;
  optimizerCritic: PlainValue | null;
  lrSchedulers: PlainValue | null;
  /** The `args` Namespace's fields, read as plain values (never run). */
  args: Record<string, PlainValue> | null;
}

export type PlainValue = null | boolean | number | string | SafeTensor | PlainValue[] | { [key: string]: PlainValue };

export interface WeightsFile {
  format: WeightsFormat;
  generator: TensorMap | null;
  critic: TensorMap | null;
  /** safetensors metadata (empty for the other formats). */
  metadata: Record<string, string>;
  openfwi: OpenFwiState | null;
}

/** `module.` prefixes (DataParallel, DistributedDataParallel) off, then OpenFWI's replace_legacy, in its order. */
export function torchName(key: string): string {
  let k = key;
  while (k.startsWith('module.')) k = k.slice('module.'.length);
  return k.replace('Conv2DwithBN', 'layers').replace('Conv2DwithBN_Tanh', 'layers').replace('Deconv2DwithBN', 'layers').replace('ResizeConv2DwithBN', 'layers');
}

const PADDLE_PREFIXES = ['generator.', 'discriminator.'];

/** A PaddleScience structured name in the studio's names: no network prefix, BatchNorm buffers renamed. */
export function paddleName(key: string): string {
  let k = key;
  for (const p of PADDLE_PREFIXES) if (k.startsWith(p)) k = k.slice(p.length);
  return k.replace(/\._mean$/, '.running_mean').replace(/\._variance$/, '.running_var');
}

/** Which network a state dict (in the studio's names) is, from names only both networks' tables do not share. */
export function networkOf(tensors: TensorMap): 'generator' | 'critic' | null {
  const keys = [...tensors.keys()];
  const generator = keys.some((k) => /^(convblock1|convblock8|deconv\d+(_\d)?)\./.test(k));
  const critic = keys.some((k) => /^(convblock1_1|convblock5)\./.test(k));
  if (generator === critic) return null;
  return generator ? 'generator' : 'critic';
}

function renamed(tensors: Iterable<[string, SafeTensor]>, rename: (k: string) => string, file: string): TensorMap {
  const out: TensorMap = new Map();
  for (const [key, t] of tensors) {
    const k = rename(key);
    if (out.has(k)) throw new FwiError('weights', `two entries are both "${k}" once prefixes are removed`, file);
    out.set(k, t);
  }
  return out;
}

function classified(tensors: TensorMap, format: WeightsFormat, file: string, metadata: Record<string, string> = {}): WeightsFile {
  const kind = networkOf(tensors);
  if (!kind) {
    const sample = [...tensors.keys()].slice(0, 4).join(', ');
    throw new FwiError('weights', `neither a generator (InversionNet) nor a critic (Discriminator) state dict (keys: ${sample}${tensors.size > 4 ? ', …' : ''})`, file);
  }
  return { format, generator: kind === 'generator' ? tensors : null, critic: kind === 'critic' ? tensors : null, metadata, openfwi: null };
}

/** A Python state dict (dict of tensors) as a tensor map in the studio's names; FwiError naming the first non-tensor. */
function stateDict(v: PyValue | undefined, what: string, file: string): TensorMap {
  if (!(v instanceof PyDict)) throw new FwiError('weights', `${what} is a ${typeName(v ?? null)}, not a state dict`, file);
  const entries: [string, SafeTensor][] = [];
  for (const [k, t] of v.map) {
    if (typeof k !== 'string' || !(t instanceof TorchTensor)) throw new FwiError('weights', `${what}: entry ${JSON.stringify(k)} is a ${typeName(t)}, not a tensor`, file);
    entries.push([k, t]);
  }
  return renamed(entries, torchName, file);
}

/** Python values as plain JS ones (dict keys as strings, tuples as arrays), at most `depth` deep (pickles may be cyclic). */
export function plainValue(v: PyValue, file: string, depth = 0): PlainValue {
  if (depth > 32) throw new FwiError('weights', 'values nested deeper than 32 levels', file);
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyFloat) return v.value;
  if (v instanceof TorchTensor) return v;
  if (Array.isArray(v)) return v.map((x) => plainValue(x, file, depth + 1));
  if (v instanceof PyTuple) return v.items.map((x) => plainValue(x, file, depth + 1));
  if (v instanceof PyDict || v instanceof PyObject) {
    const out: Record<string, PlainValue> = {};
    for (const [k, x] of (v instanceof PyObject ? v.fields : v).map) out[String(k)] = plainValue(x, file, depth + 1);
    return out;
  }
  return `<${typeName(v)}>`;
}

const STATE_DICT_KEYS = ['state_dict', 'model_state_dict', 'net', 'generator'];

function fromTorchSave(root: PyValue, file: string): WeightsFile {
  if (!(root instanceof PyDict)) throw new FwiError('weights', `the file holds a ${typeName(root)}, not a state dict or checkpoint`, file);
  const isTensorDict = [...root.map.values()].every((v) => v instanceof TorchTensor);
  if (isTensorDict) return { ...classified(stateDict(root, 'the state dict', file), 'pth', file) };
  if (root.map.has('model') || root.map.has('model_d')) {
    // OpenFWI's checkpoint.pth / model_<epoch>.pth.
    const generator = root.map.has('model') ? stateDict(root.get('model'), '"model"', file) : null;
    const critic = root.map.has('model_d') ? stateDict(root.get('model_d'), '"model_d"', file) : null;
    if (generator && networkOf(generator) !== 'generator') throw new FwiError('weights', '"model" is not an InversionNet generator state dict', file);
    if (critic && networkOf(critic) !== 'critic') throw new FwiError('weights', '"model_d" is not a Discriminator state dict', file);
    const num = (k: string) => {
      const v = plainValue(root.get(k) ?? null, file);
      return typeof v === 'number' ? v : null;
    };
    const plain = (k: string) => (root.map.has(k) ? plainValue(root.get(k) as PyValue, file) : null);
    const args = plain('args');
    return {
      format: 'pth',
      generator,
      critic,
      metadata: {},
      openfwi: {
        epoch: num('epoch'),
        step: num('step'),
        optimizerGenerator: plain('optimizer_g'),
        optimizerCritic: plain('optimizer_d'),
        lrSchedulers: plain('lr_schedulers'),
        args: args && typeof args === 'object' && !Array.isArray(args) && !(args instanceof TorchTensor) ? (args as Record<string, PlainValue>) : null,
      },
    };
  }
  for (const key of STATE_DICT_KEYS) if (root.map.has(key)) return classified(stateDict(root.get(key), `"${key}"`, file), 'pth', file);
  const keys = [...root.map.keys()].slice(0, 6).map(String).join(', ');
  throw new FwiError('weights', `a dict without a state dict: none of model, model_d, ${STATE_DICT_KEYS.join(', ')} among its keys (${keys})`, file);
}

/** True when the bytes are a PyTorch torch.save file (zip, or the legacy pickle layout). */
export function isTorchSave(bytes: Uint8Array): boolean {
  return isZip(bytes) || (isPickle(bytes) && isLegacyTorch(bytes));
}

/** Reads weights of any supported format from `bytes`; FwiError('weights' | 'safetensors') naming `file`. */
export function readWeightsFile(bytes: Uint8Array, file: string): WeightsFile {
  if (isTorchSave(bytes)) return fromTorchSave(readTorchSave(bytes, file), file);
  if (isPickle(bytes)) {
    const { tensors } = readPdparams(bytes, file);
    return classified(renamed(tensors, paddleName, file), 'pdparams', file);
  }
  const { tensors, metadata } = parseSafetensors(bytes, file);
  return classified(renamed(tensors, torchName, file), 'safetensors', file, metadata);
}

/** The legacy torch.save layout starts with a pickled LONG1 magic number (protocol 2, 10 bytes). */
function isLegacyTorch(bytes: Uint8Array): boolean {
  return bytes.length > 4 && bytes[2] === 0x8a && bytes[3] === 0x0a;
}

/** The generator weights of a file, or FwiError('weights') saying what the file holds instead. */
export function generatorOf(w: WeightsFile, file: string): TensorMap {
  if (w.generator) return w.generator;
  throw new FwiError('weights', 'holds critic (Discriminator) weights, not a generator: use the generator file (model_gen.pdparams, or "model" of a checkpoint)', file);
}
