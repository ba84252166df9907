/**
 * PyTorch's `torch.save` files (`.pth`, `.pt`), read through the safe unpickler and written for
 * `torch.load(..., weights_only=True)`.
 *
 * The zip layout (PyTorch ≥ 1.6): `<archive>/data.pkl` is a protocol-2 pickle whose tensors are
 * `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` calls and whose storages are
 * persistent ids `('storage', torch.FloatStorage, key, location, numel)` naming the raw
 * little-endian record `<archive>/data/<key>`; `<archive>/version` says the format version.
 * The older non-zip layout is a magic-number pickle, a protocol pickle, a system-info pickle, the
 * object pickle, the list of storage keys, then each storage as an 8-byte count and its bytes.
 *
 * Format: https://github.com/pytorch/pytorch/blob/main/torch/serialization.py
 */
import { unzipSync, zipSync } from 'fflate';
import { errorMessage, FwiError } from '../errors.ts';
import { PyDict, PyGlobal, PyGlobalRef, PyPersistent, PyReduce, PyTuple, pickle, plainClass, pyNumber, typeName, unpickle, type GlobalEntry, type PyValue, type PyWritable } from './pickle.ts';
import { decodeTensor, itemSizes, type SafeTensor, type SafetensorsDtype, type TensorData } from './safetensors.ts';

/** A tensor read from a torch.save file: a SafeTensor in its own dtype, C-order values. */
export class TorchTensor implements SafeTensor {
  constructor(
    readonly dtype: string,
    readonly shape: number[],
    readonly data: TensorData,
  ) {}
}

const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'F32',
  DoubleStorage: 'F64',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

const STORAGE_OF_DTYPE: Partial<Record<string, string>> = { F32: 'FloatStorage', F64: 'DoubleStorage', I64: 'LongStorage', I32: 'IntStorage' };

interface Storage {
  dtype: string;
  numel: number;
  values: TensorData;
}

/** True when the bytes start like a zip archive (a torch.save file of PyTorch ≥ 1.6). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The magic number the legacy (non-zip) torch.save format starts with. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

function tupleItems(v: PyValue, what: string, file: string): PyValue[] {
  if (!(v instanceof PyTuple) && !Array.isArray(v)) throw new FwiError('weights', `${what} is a ${typeName(v)}, not a tuple`, file);
  return v instanceof PyTuple ? v.items : v;
}

function wholeNumber(v: PyValue, what: string, file: string): number {
  const n = pyNumber(v);
  if (!Number.isSafeInteger(n) || n < 0 || typeof v === 'object') throw new FwiError('weights', `${what} is not a whole number (${typeName(v)})`, file);
  return n;
}

/** `_rebuild_tensor_v2`'s work: the strided view of a storage as a C-order tensor. */
function rebuildTensor(args: PyValue[], file: string): TorchTensor {
  if (args.length < 4) throw new FwiError('weights', `_rebuild_tensor_v2 with ${args.length} arguments`, file);
  const storage = args[0] as Storage;
  if (typeof storage !== 'object' || storage === null || !('values' in storage)) throw new FwiError('weights', `a tensor's storage is a ${typeName(args[0])}`, file);
  const offset = wholeNumber(args[1], 'a storage offset', file);
  const shape = tupleItems(args[2], 'a tensor size', file).map((d) => wholeNumber(d, 'a tensor dimension', file));
  const stride = tupleItems(args[3], 'a tensor stride', file).map((d) => wholeNumber(d, 'a tensor stride', file));
  if (stride.length !== shape.length) throw new FwiError('weights', `a tensor has ${shape.length} sizes and ${stride.length} strides`, file);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > storage.numel) throw new FwiError('weights', `a tensor of shape [${shape.join(', ')}] has more values than its storage (${storage.numel})`, file);
  if (count === 0) return new TorchTensor(storage.dtype, shape, decodeTensor(storage.dtype, new Uint8Array(0), 0));
  const last = offset + shape.reduce((s, d, i) => s + (d - 1) * stride[i], 0);
  if (last >= storage.numel) throw new FwiError('weights', `a tensor of shape [${shape.join(', ')}] reaches value ${last} of a storage of ${storage.numel}`, file);
  const src = storage.values;
  const out = new (src.constructor as { new (n: number): TensorData })(count);
  // Contiguous (the usual case) is one copy; otherwise walk the index odometer.
  const contiguous = shape.every((_, i) => stride[i] === shape.slice(i + 1).reduce((a, b) => a * b, 1) || shape[i] === 1);
  if (contiguous) {
    (out as Float32Array).set((src as Float32Array).subarray(offset, offset + count));
  } else {
    const index = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < count; i++) {
      let at = offset;
      for (let k = 0; k < shape.length; k++) at += index[k] * stride[k];
      (out as Float32Array)[i] = (src as Float32Array)[at];
      for (let k = shape.length - 1; k >= 0; k--) {
        if (++index[k] < shape[k]) break;
        index[k] = 0;
      }
    }
  }
  return new TorchTensor(storage.dtype, shape, out);
}

/** The globals a torch.save'd state dict or OpenFWI checkpoint needs, and nothing else. */
export function torchGlobals(file: string): Record<string, GlobalEntry> {
  const globals: Record<string, GlobalEntry> = {
    'collections.OrderedDict': { call: () => new PyDict('collections.OrderedDict') },
    'torch._utils._rebuild_tensor_v2': { call: (args) => rebuildTensor(args, file) },
    'torch._utils._rebuild_tensor': { call: (args) => rebuildTensor(args, file) },
    'torch._utils._rebuild_parameter': { call: (args) => args[0] },
    'torch._utils._rebuild_parameter_with_state': { call: (args) => args[0] },
    'torch.Size': { call: (args) => new PyTuple(tupleItems(args[0] ?? new PyTuple([]), 'torch.Size', file)) },
    'torch.device': { call: (args) => args.map(String).join(':') },
    'argparse.Namespace': plainClass('argparse.Namespace'),
  };
  for (const name of Object.keys(STORAGE_DTYPES)) globals[`torch.${name}`] = {};
  return globals;
}

/** The storage a persistent id names, decoded once per key. */
function storageLoader(read: (key: string) => Uint8Array | undefined, file: string): (id: PyValue) => PyValue {
  const loaded = new Map<string, Storage>();
  return (id) => {
    const items = tupleItems(id, 'a persistent id', file);
    if (items[0] !== 'storage' || items.length < 5) throw new FwiError('weights', `refused: a persistent id that is not a storage (${typeName(items[0])})`, file);
    const type = items[1];
    if (!(type instanceof PyGlobal) || !STORAGE_DTYPES[type.name]) throw new FwiError('weights', `a storage of unknown type ${typeName(type)}`, file);
    const key = String(items[2]);
    const numel = wholeNumber(items[4], 'a storage size', file);
    const cached = loaded.get(key);
    if (cached) return cached as unknown as PyValue;
    const dtype = STORAGE_DTYPES[type.name];
    const record = read(key);
    if (!record) throw new FwiError('weights', `the archive has no storage record "${key}"`, file);
    const size = numel * itemSizes[dtype];
    if (record.length < size) throw new FwiError('weights', `truncated: storage "${key}" holds ${record.length} bytes, ${numel} ${dtype} values need ${size}`, file);
    const storage: Storage = { dtype, numel, values: decodeTensor(dtype, record.slice(0, size), numel) };
    loaded.set(key, storage);
    return storage as unknown as PyValue;
  };
}

/** Deflate cannot expand data more than about 1032-fold. */
const MAX_DEFLATE_RATIO = 1100;

function readZip(bytes: Uint8Array, file: string): PyValue {
  let entries: Record<string, Uint8Array>;
  try {
    // torch.save stores its records; a deflated entry may not claim more than deflate can expand to (a zip bomb).
    entries = unzipSync(bytes, {
      filter: (f) => {
        if (f.compression !== 0 && f.originalSize > MAX_DEFLATE_RATIO * f.size) {
          throw new FwiError('weights', `refused: zip entry ${f.name} claims ${f.originalSize} bytes from ${f.size} compressed`, file);
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof FwiError) throw e;
    throw new FwiError('weights', `not a readable zip archive (${errorMessage(e)})`, file);
  }
  const pkl = Object.keys(entries).find((name) => name === 'data.pkl' || name.endsWith('/data.pkl'));
  if (!pkl) throw new FwiError('weights', 'a zip archive without data.pkl: not a torch.save file', file);
  const prefix = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const load = storageLoader((key) => entries[`${prefix}data/${key}`], file);
  return unpickle(entries[pkl], { file, code: 'weights', globals: torchGlobals(file), persistentLoad: load }).value;
}

function readLegacy(bytes: Uint8Array, file: string): PyValue {
  const globals = torchGlobals(file);
  const next = (at: number, persistentLoad?: (id: PyValue) => PyValue, table = globals) =>
    unpickle(bytes, { file, code: 'weights', globals: table, offset: at, persistentLoad });
  const magic = next(0);
  if (magic.value !== LEGACY_MAGIC) throw new FwiError('weights', 'not a torch.save file (neither a zip archive nor the legacy magic number)', file);
  const protocol = next(magic.end);
  const info = next(protocol.end);
  // The storages follow the object's pickle, so a first pass only learns their types and sizes
  // (tensors are not built), then the object is read again with the storages at hand.
  const ids = new Map<string, string>();
  const collect = (id: PyValue): PyValue => {
    const items = tupleItems(id, 'a persistent id', file);
    if (items[0] !== 'storage' || items.length < 5 || !(items[1] instanceof PyGlobal) || !STORAGE_DTYPES[items[1].name]) {
      throw new FwiError('weights', 'refused: a persistent id that is not a storage', file);
    }
    ids.set(String(items[2]), STORAGE_DTYPES[items[1].name]);
    return null;
  };
  const skipTensors: Record<string, GlobalEntry> = { ...globals };
  for (const name of ['_rebuild_tensor_v2', '_rebuild_tensor']) skipTensors[`torch._utils.${name}`] = { call: () => null };
  const object = next(info.end, collect, skipTensors);
  const keys = next(object.end);
  if (!Array.isArray(keys.value)) throw new FwiError('weights', 'the storage key list is missing', file);
  const records = new Map<string, Uint8Array>();
  let at = keys.end;
  for (const k of keys.value) {
    const key = String(k);
    const dtype = ids.get(key);
    if (!dtype) throw new FwiError('weights', `storage "${key}" is listed but never used`, file);
    if (at + 8 > bytes.length) throw new FwiError('weights', `truncated: storage "${key}" is missing`, file);
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0, true));
    const size = n * itemSizes[dtype];
    if (!Number.isSafeInteger(size) || at + 8 + size > bytes.length) throw new FwiError('weights', `truncated: storage "${key}" claims ${n} values`, file);
    records.set(key, bytes.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return next(info.end, storageLoader((key) => records.get(key), file)).value;
}

/** The object a torch.save file holds, tensors as TorchTensor. Throws FwiError('weights') naming `file`. */
export function readTorchSave(bytes: Uint8Array, file: string): PyValue {
  if (isZip(bytes)) return readZip(bytes, file);
  if (bytes.length > 0 && bytes[0] === 0x80) return readLegacy(bytes, file);
  throw new FwiError('weights', 'not a torch.save file (neither a zip archive nor a pickle)', file);
}

/** A tensor to write: float32 or int64 values in C order. */
export interface TorchTensorEntry {
  dtype: Extract<SafetensorsDtype, 'F32' | 'F64' | 'I64' | 'I32'>;
  shape: number[];
  data: ArrayLike<number> | BigInt64Array;
}

/** Builds a torch.save zip archive: tensors become storage records, the object a protocol-2 pickle. */
export class TorchSaveWriter {
  private readonly records: [string, Uint8Array][] = [];

  /** The pickle value standing for `t` (each call adds one storage record). */
  tensor(t: TorchTensorEntry): PyWritable {
    const key = String(this.records.length);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== n) throw new FwiError('io', `${t.data.length} values for shape [${t.shape.join(', ')}]`);
    const size = itemSizes[t.dtype];
    const bytes = new Uint8Array(n * size);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < n; i++) {
      const v = t.data[i];
      if (t.dtype === 'F32') view.setFloat32(4 * i, Number(v), true);
      else if (t.dtype === 'F64') view.setFloat64(8 * i, Number(v), true);
      else if (t.dtype === 'I32') view.setInt32(4 * i, Number(v), true);
      else view.setBigInt64(8 * i, BigInt(v), true);
    }
    this.records.push([key, bytes]);
    const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    const storage = new PyPersistent(new PyTuple(['storage', new PyGlobalRef('torch', STORAGE_OF_DTYPE[t.dtype]!), key, 'cpu', n]));
    return new PyReduce('torch._utils', '_rebuild_tensor_v2', [storage, 0, new PyTuple(t.shape), new PyTuple(strides), false, new PyDict('collections.OrderedDict')]);
  }

  /** The archive (stored, not deflated, as torch.save writes it) holding `root` and every tensor made so far. */
  finish(root: PyWritable, archive = 'archive'): Uint8Array {
    const files: Record<string, [Uint8Array, { level: 0 }]> = {};
    files[`${archive}/data.pkl`] = [pickle(root, 2), { level: 0 }];
    files[`${archive}/byteorder`] = [new TextEncoder().encode('little'), { level: 0 }];
    for (const [key, bytes] of this.records) files[`${archive}/data/${key}`] = [bytes, { level: 0 }];
    files[`${archive}/version`] = [new TextEncoder().encode('3\n'), { level: 0 }];
    return zipSync(files);
  }
}
