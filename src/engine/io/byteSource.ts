/**
 * Random-access bytes in, sequential bytes out: the one interface every file format of the
 * studio reads and writes through, so the same parser serves a dropped browser `File`
 * (read with `slice`, never whole) and a Node file path (see `src/cli/nodeFiles.ts`).
 */
import { errorMessage, FwiError } from '../errors.ts';

/** A readable file of known size. `read` returns a fresh buffer the caller owns. */
export interface ByteSource {
  readonly name: string;
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Reads `target.length` bytes at `offset` straight into `target`, where the source can do so without a copy. */
  readInto?(offset: number, target: Uint8Array): Promise<void>;
  /** Releases an open file handle, where the source holds one. */
  close?(): Promise<void>;
}

/** A writable stream of bytes. A sink may keep the chunk it is given: do not modify it after `write`. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Checks a read request against the source's size, naming the file when it overruns. */
export function checkRange(name: string, size: number, offset: number, length: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new FwiError('io', `cannot read ${length} bytes at offset ${offset}: the file has ${size} bytes`, name);
  }
}

/** A source over a browser Blob or File; each read slices just the bytes it needs. */
export function blobSource(blob: Blob, name: string = (blob as Partial<File>).name ?? 'blob'): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      checkRange(name, blob.size, offset, length);
      try {
        return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
      } catch (e) {
        // A dropped file moved, deleted or changed on disk since (NotFoundError, NotReadableError).
        throw new FwiError('file-unreadable', `could not read the file (${errorMessage(e)})`, name);
      }
    },
  };
}

/** A source over bytes already in memory; reads return copies, so callers may modify them. */
export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(offset, length) {
      checkRange(name, bytes.byteLength, offset, length);
      return bytes.slice(offset, offset + length);
    },
    async readInto(offset, target) {
      checkRange(name, bytes.byteLength, offset, target.byteLength);
      target.set(bytes.subarray(offset, offset + target.byteLength));
    },
  };
}

/** A sink that collects everything in memory; `bytes()` joins what was written. */
export interface MemorySink extends ByteSink {
  readonly closed: boolean;
  readonly length: number;
  bytes(): Uint8Array;
}

/** Collects written chunks in memory (tests, small exports). */
export function memorySink(): MemorySink {
  const chunks: Uint8Array[] = [];
  let length = 0;
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    get length() {
      return length;
    },
    async write(chunk) {
      if (closed) throw new FwiError('io', 'write after close on a memory sink');
      chunks.push(chunk);
      length += chunk.byteLength;
    },
    async close() {
      closed = true;
    },
    bytes() {
      const out = new Uint8Array(length);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.byteLength;
      }
      return out;
    },
  };
}

/** A sink that builds a Blob from its chunks without joining them into one array first (browser downloads of any size). */
export interface BlobSink extends ByteSink {
  blob(): Blob;
}

/** Collects chunks as Blob parts; `blob()` gives the file once closed. */
export function blobSink(type = 'application/octet-stream'): BlobSink {
  const parts: BlobPart[] = [];
  let closed = false;
  return {
    async write(chunk) {
      if (closed) throw new FwiError('io', 'write after close on a blob sink');
      parts.push(chunk as Uint8Array<ArrayBuffer>);
    },
    async close() {
      closed = true;
    },
    blob() {
      return new Blob(parts, { type });
    },
  };
}
