/**
 * PaddlePaddle's `.pdparams` (what `paddle.save(layer.state_dict(), path)` writes): a pickle of a
 * dict from structured names (`generator.convblock1.layers.0.weight`) to numpy arrays, with a
 * `StructuredToParameterName@@` table of Paddle's internal parameter names beside them. Some
 * Paddle versions store each value as a `(parameter name, ndarray)` pair instead; both are read.
 * Read with the same safe unpickler as `.pth`: only numpy's and the containers' globals.
 */
import { FwiError } from '../errors.ts';
import { numpyGlobals, NumpyArray, ndarrayPickle } from './numpyPickle.ts';
import { PyDict, PyTuple, pickle, typeName, unpickle, type GlobalEntry, type PyValue } from './pickle.ts';
import type { SafeTensor } from './safetensors.ts';

export const STRUCTURED_TABLE = 'StructuredToParameterName@@';

export interface Pdparams {
  /** Arrays by structured name, in the file's order. */
  tensors: Map<string, SafeTensor>;
  /** Structured name → Paddle parameter name, from the table or the pairs (empty if neither). */
  parameterNames: Map<string, string>;
}

function pdparamsGlobals(file: string): Record<string, GlobalEntry> {
  const tuple: GlobalEntry = { call: ([items]) => new PyTuple(items instanceof PyTuple ? items.items : Array.isArray(items) ? items : []) };
  return {
    ...numpyGlobals(file, 'weights'),
    'collections.OrderedDict': { call: () => new PyDict('collections.OrderedDict') },
    // paddle.save pickles a tensor as tuple((name, ndarray)).
    'builtins.tuple': tuple,
    '__builtin__.tuple': tuple,
  };
}

/** True when the bytes start like a pickle (PROTO opcode). */
export function isPickle(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
}

/** Reads a `.pdparams` file; FwiError('weights') naming `file` for anything else. */
export function readPdparams(bytes: Uint8Array, file: string): Pdparams {
  const { value } = unpickle(bytes, { file, code: 'weights', globals: pdparamsGlobals(file) });
  if (!(value instanceof PyDict)) throw new FwiError('weights', `the pickle holds a ${typeName(value)}, not a dict of arrays`, file);
  const tensors = new Map<string, SafeTensor>();
  const parameterNames = new Map<string, string>();
  for (const [key, v] of value.map) {
    if (typeof key !== 'string') throw new FwiError('weights', `a key of type ${typeName(key)} (expected parameter names)`, file);
    if (key === STRUCTURED_TABLE) {
      if (!(v instanceof PyDict)) throw new FwiError('weights', `${STRUCTURED_TABLE} is a ${typeName(v)}, not a dict`, file);
      for (const [s, p] of v.map) if (typeof s === 'string' && typeof p === 'string') parameterNames.set(s, p);
      continue;
    }
    if (key.endsWith('@@')) throw new FwiError('weights', `unsupported Paddle entry "${key}" (arrays split across entries)`, file);
    const pair = v instanceof PyTuple && v.items.length === 2 && typeof v.items[0] === 'string' ? v.items : null;
    const array = pair ? pair[1] : v;
    if (!(array instanceof NumpyArray) || !array.built) throw new FwiError('weights', `"${key}" is a ${typeName(array)}, not a numpy array`, file);
    if (pair) parameterNames.set(key, pair[0] as string);
    tensors.set(key, array);
  }
  if (tensors.size === 0) throw new FwiError('weights', 'the file holds no arrays', file);
  return { tensors, parameterNames };
}

/** A `.pdparams` file of float32/int64 arrays by structured name, with its name table (plain values, as paddle.save writes a state dict). */
export function encodePdparams(
  tensors: Iterable<[string, { dtype: 'F32' | 'I64'; shape: number[]; data: ArrayLike<number> | BigInt64Array }]>,
  parameterNames: Map<string, string>,
): Uint8Array {
  const root = new PyDict();
  for (const [name, t] of tensors) root.map.set(name, ndarrayPickle(t) as PyValue);
  root.map.set(STRUCTURED_TABLE, new PyDict('dict', parameterNames));
  return pickle(root, 3);
}


