/**
 * Hand-built `.npy` bytes for the reader tests: any version, header text and data bytes, so each
 * case states exactly what lies in the file instead of trusting our own writer.
 */
export function npyBytes(opts: { version?: 1 | 2 | 3; header: string; data?: Uint8Array; pad?: boolean }): Uint8Array {
  const version = opts.version ?? 1;
  const lengthBytes = version === 1 ? 2 : 4;
  let text = opts.header;
  if (opts.pad !== false) {
    const unpadded = 8 + lengthBytes + new TextEncoder().encode(text).length + 1;
    text += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  }
  const headerBytes = version === 3 ? new TextEncoder().encode(text) : Uint8Array.from(text, (c) => c.charCodeAt(0));
  const data = opts.data ?? new Uint8Array(0);
  const out = new Uint8Array(8 + lengthBytes + headerBytes.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0], 0);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + headerBytes.length);
  return out;
}

/** The header dict numpy writes for a simple array. */
export function headerDict(descr: string, shape: number[], fortran = false): string {
  const s = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${s}, }`;
}

/** Encodes numbers as `descr` (e.g. ">i2", "<f8") with DataView, independent of the reader's code paths. */
export function encodeValues(descr: string, values: number[]): Uint8Array {
  const m = /^([<>|]?)([fiub])(\d+)$/.exec(descr);
  if (!m) throw new Error(`test encoder: bad descr ${descr}`);
  const little = m[1] !== '>';
  const size = Number(m[3]);
  const out = new Uint8Array(values.length * size);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => {
    const at = i * size;
    switch (`${m[2]}${size}`) {
      case 'f2':
        v.setUint16(at, halfBits(x), little);
        break;
      case 'f4':
        v.setFloat32(at, x, little);
        break;
      case 'f8':
        v.setFloat64(at, x, little);
        break;
      case 'i1':
        v.setInt8(at, x);
        break;
      case 'u1':
      case 'b1':
        v.setUint8(at, x);
        break;
      case 'i2':
        v.setInt16(at, x, little);
        break;
      case 'u2':
        v.setUint16(at, x, little);
        break;
      case 'i4':
        v.setInt32(at, x, little);
        break;
      case 'u4':
        v.setUint32(at, x, little);
        break;
      case 'i8':
        v.setBigInt64(at, BigInt(x), little);
        break;
      case 'u8':
        v.setBigUint64(at, BigInt(x), little);
        break;
      default:
        throw new Error(`test encoder: ${descr}`);
    }
  });
  return out;
}

/** Half-precision bits of the exactly representable test values. */
function halfBits(x: number): number {
  const table: Record<string, number> = { '0': 0x0000, '1': 0x3c00, '-2': 0xc000, '0.5': 0x3800, '65504': 0x7bff, '5.960464477539063e-8': 0x0001, '-0.25': 0xb400, '3': 0x4200 };
  const bits = table[String(x)];
  if (bits === undefined) throw new Error(`test encoder: ${x} is not in the half table`);
  return bits;
}
