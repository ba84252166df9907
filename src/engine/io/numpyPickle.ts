/**
 * numpy arrays inside pickles: how `pickle.dump` writes an ndarray (protocols 2-4), read as a
 * SafeTensor and written back. An array is `numpy.core.multiarray._reconstruct(numpy.ndarray,
 * (0,), b'b')` then BUILD with `(version, shape, dtype, is_fortran, raw bytes)`; its dtype is
 * `numpy.dtype('f4', False, True)` then BUILD with `(3, '<', None, None, None, -1, -1, 0)`.
 * numpy 2 names the module `numpy._core`; both are read.
 *
 * Format: numpy/core/src/multiarray/methods.c (array_reduce, array_setstate) and descriptor.c.
 */
import { FwiError, type FwiErrorCode } from '../errors.ts';
import { PyFloat, PyGlobalRef, PyReduce, PyTuple, pyNumber, typeName, type Buildable, type GlobalEntry, type PyValue, type PyWritable } from './pickle.ts';
import { decodeTensor, itemSizes, type SafeTensor, type TensorData } from './safetensors.ts';

/** numpy dtype codes (kind + size) to the safetensors names the studio reads. */
const NUMPY_DTYPES: Record<string, string> = {
  f2: 'F16',
  f4: 'F32',
  f8: 'F64',
  i1: 'I8',
  i2: 'I16',
  i4: 'I32',
  i8: 'I64',
  u1: 'U8',
  b1: 'BOOL',
};

class NumpyDtype implements Buildable {
  byteOrder = '<';
  constructor(
    readonly code: string,
    private readonly fail: (m: string) => never,
  ) {}
  setState(state: PyValue): void {
    if (!(state instanceof PyTuple) || state.items.length < 2) this.fail(`numpy dtype state is a ${typeName(state)}`);
    const order = (state as PyTuple).items[1];
    if (order !== '<' && order !== '>' && order !== '|' && order !== '=') this.fail(`numpy dtype byte order ${JSON.stringify(order)}`);
    this.byteOrder = order as string;
  }
}

/** An ndarray being unpickled; once BUILD has run it is a SafeTensor. */
export class NumpyArray implements Buildable, SafeTensor {
  dtype = '';
  shape: number[] = [];
  data: TensorData = new Float32Array(0);
  built = false;
  constructor(private readonly fail: (m: string) => never) {}

  setState(state: PyValue): void {
    const items = state instanceof PyTuple ? state.items : null;
    if (!items || items.length !== 5) return this.fail(`an ndarray's state is a ${typeName(state)}, not (version, shape, dtype, fortran, data)`);
    const [, shapeValue, dtype, fortran, raw] = items;
    if (!(dtype instanceof NumpyDtype)) return this.fail(`an ndarray's dtype is a ${typeName(dtype)}`);
    const name = NUMPY_DTYPES[dtype.code];
    if (!name) return this.fail(`ndarray dtype "${dtype.code}" is not a number type (supported: ${Object.keys(NUMPY_DTYPES).join(', ')})`);
    if (!(shapeValue instanceof PyTuple)) return this.fail(`an ndarray's shape is a ${typeName(shapeValue)}`);
    const shape = shapeValue.items.map((d) => {
      const n = pyNumber(d);
      return Number.isSafeInteger(n) && n >= 0 ? n : this.fail(`an ndarray dimension is ${typeName(d)} ${String(n)}`);
    });
    if (!(raw instanceof Uint8Array)) return this.fail(`an ndarray's data is a ${typeName(raw)}, not bytes`);
    const count = shape.reduce((a, b) => a * b, 1);
    const size = itemSizes[name];
    if (raw.length !== count * size) return this.fail(`an ndarray of shape [${shape.join(', ')}] ${dtype.code} needs ${count * size} bytes, it has ${raw.length}`);
    if (fortran === true && shape.filter((d) => d > 1).length > 1) return this.fail('a Fortran-order ndarray (write it with np.ascontiguousarray)');
    const bytes = raw.slice();
    if (dtype.byteOrder === '>' && size > 1) {
      for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
    }
    this.dtype = name;
    this.shape = shape;
    this.data = decodeTensor(name, bytes, count);
    this.built = true;
  }
}

/** The globals numpy arrays (and numpy scalars) need. */
export function numpyGlobals(file: string, code: FwiErrorCode): Record<string, GlobalEntry> {
  const fail = (m: string): never => {
    throw new FwiError(code, m, file);
  };
  const reconstruct: GlobalEntry = { call: () => new NumpyArray(fail) };
  const dtype: GlobalEntry = {
    call: (args) => {
      const c = args[0];
      if (typeof c !== 'string') return fail(`numpy.dtype of a ${typeName(c)}`);
      return new NumpyDtype(c.replace(/^[<>|=]/, ''), fail);
    },
  };
  // A numpy scalar (e.g. np.int64(3)): its dtype and its bytes.
  const scalar: GlobalEntry = {
    call: (args) => {
      const [d, raw] = args;
      if (!(d instanceof NumpyDtype) || !(raw instanceof Uint8Array)) return fail('a numpy scalar without dtype and bytes');
      const a = new NumpyArray(fail);
      a.setState(new PyTuple([1, new PyTuple([]), d, false, raw]));
      const v = a.data[0];
      return typeof v === 'bigint' ? Number(v) : a.dtype.startsWith('F') ? new PyFloat(v) : v;
    },
  };
  const globals: Record<string, GlobalEntry> = {
    'numpy.ndarray': {},
    'numpy.dtype': dtype,
    // Protocol 2 writes bytes as _codecs.encode(text, 'latin1').
    '_codecs.encode': {
      call: ([text, encoding]) => {
        if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) return fail('_codecs.encode other than latin-1 text');
        return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff);
      },
    },
  };
  for (const mod of ['numpy.core.multiarray', 'numpy._core.multiarray']) {
    globals[`${mod}._reconstruct`] = reconstruct;
    globals[`${mod}.scalar`] = scalar;
  }
  return globals;
}

/** The tensor as numpy pickles it (protocol 3: its data as bytes), little-endian, C order. */
export function ndarrayPickle(t: { dtype: 'F32' | 'I64'; shape: number[]; data: ArrayLike<number> | BigInt64Array }): PyWritable {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== n) throw new FwiError('io', `${t.data.length} values for shape [${t.shape.join(', ')}]`);
  const raw = new Uint8Array(n * itemSizes[t.dtype]);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < n; i++) {
    if (t.dtype === 'F32') view.setFloat32(4 * i, Number(t.data[i]), true);
    else view.setBigInt64(8 * i, BigInt(t.data[i]), true);
  }
  const code = t.dtype === 'F32' ? 'f4' : 'i8';
  const dtype = new PyReduce('numpy', 'dtype', [code, false, true], new PyTuple([3, '<', null, null, null, -1, -1, 0]));
  return new PyReduce(
    'numpy.core.multiarray',
    '_reconstruct',
    [new PyGlobalRef('numpy', 'ndarray'), new PyTuple([0]), new Uint8Array([0x62])],
    new PyTuple([1, new PyTuple(t.shape), dtype, false, raw]),
  );
}
