/**
 * TFRecord framing, the container of TensorBoard event files: each record is
 *   uint64 length (little-endian) · uint32 masked CRC32C of those 8 bytes · data · uint32 masked CRC32C of data.
 * CRC32C is the Castagnoli polynomial (reflected 0x82F63B78); TensorFlow masks it as
 * ((crc >>> 15) | (crc << 17)) + 0xA282EAD8 so that a CRC of bytes holding CRCs stays well mixed.
 *
 * Format: tensorflow/core/lib/io/record_writer.cc, tensorflow/core/lib/hash/crc32c.h
 */
import { FwiError } from '../errors.ts';

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC32C (Castagnoli) of the bytes, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TensorFlow's masked CRC32C. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

/** One record, framed. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** The records of a TFRecord file, every length and CRC checked; a FwiError naming `file` and the byte offset otherwise. */
export function readRecords(bytes: Uint8Array, file = 'records'): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 12) throw new FwiError('io', `truncated record header at byte ${at}`, file);
    const length = view.getBigUint64(at, true);
    if (view.getUint32(at + 8, true) !== maskedCrc32c(bytes.subarray(at, at + 8))) throw new FwiError('io', `record length CRC mismatch at byte ${at}`, file);
    const n = Number(length);
    if (at + 12 + n + 4 > bytes.length) throw new FwiError('io', `truncated record at byte ${at}: ${n} bytes of data claimed, ${bytes.length - at - 16} there`, file);
    const data = bytes.subarray(at + 12, at + 12 + n);
    if (view.getUint32(at + 12 + n, true) !== maskedCrc32c(data)) throw new FwiError('io', `record data CRC mismatch at byte ${at}`, file);
    records.push(data);
    at += 16 + n;
  }
  return records;
}
