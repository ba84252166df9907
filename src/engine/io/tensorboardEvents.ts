/**
 * TensorBoard event files: TFRecord-framed `Event` protocol buffers. The first event carries the
 * `file_version` "brain.Event:2"; each later one a `Summary` of scalar `simple_value`s, as
 * PyTorch's `SummaryWriter.add_scalar` writes them. Only the fields used here are encoded:
 *
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; }
 *
 * Format: tensorflow/core/util/event.proto, tensorflow/core/framework/summary.proto
 */
import { FwiError } from '../errors.ts';
import { frameRecord, readRecords } from './tfrecord.ts';

export const FILE_VERSION = 'brain.Event:2';

/** One event as read back; unknown fields are skipped. */
export interface TensorBoardEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: { tag: string; value: number }[];
}

class ProtoWriter {
  private readonly parts: number[] = [];
  varint(v: number): this {
    if (!Number.isSafeInteger(v) || v < 0) throw new FwiError('usage', `a protobuf varint must be a whole number ≥ 0, got ${v}`);
    while (v >= 0x80) {
      this.parts.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.parts.push(v);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  fixed(field: number, wire: 1 | 5, value: number): this {
    const b = new Uint8Array(wire === 1 ? 8 : 4);
    const v = new DataView(b.buffer);
    if (wire === 1) v.setFloat64(0, value, true);
    else v.setFloat32(0, value, true);
    this.key(field, wire);
    for (const x of b) this.parts.push(x);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const utf8 = new TextEncoder();

/** The Event message (unframed) holding `file_version`, which starts every event file. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().fixed(1, 1, wallTime).bytes(3, utf8.encode(FILE_VERSION)).done();
}

/** The Event message (unframed) of scalar summaries at one step. */
export function scalarsEvent(wallTime: number, step: number, scalars: { tag: string; value: number }[]): Uint8Array {
  const summary = new ProtoWriter();
  for (const s of scalars) summary.bytes(1, new ProtoWriter().bytes(1, utf8.encode(s.tag)).fixed(2, 5, s.value).done());
  return new ProtoWriter().fixed(1, 1, wallTime).key(2, 0).varint(step).bytes(5, summary.done()).done();
}

/** An event framed as a TFRecord, ready to append to an event file. */
export function eventRecord(event: Uint8Array): Uint8Array {
  return frameRecord(event);
}

class ProtoReader {
  at = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly file: string,
  ) {}
  get more(): boolean {
    return this.at < this.b.length;
  }
  fail(msg: string): never {
    throw new FwiError('io', `malformed event: ${msg}`, this.file);
  }
  varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      if (this.at >= this.b.length) this.fail('truncated varint');
      const x = this.b[this.at++];
      v += (x & 0x7f) * scale;
      if (!(x & 0x80)) return v;
      scale *= 0x80;
      if (scale > 2 ** 63) this.fail('varint too long');
    }
  }
  take(n: number): Uint8Array {
    if (this.at + n > this.b.length) this.fail('field runs past the end');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  view(n: number): DataView {
    const b = this.take(n);
    return new DataView(b.buffer, b.byteOffset, n);
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.take(8);
    else if (wire === 2) this.take(this.varint());
    else if (wire === 5) this.take(4);
    else this.fail(`unsupported wire type ${wire}`);
  }
}

const utf8Decoder = new TextDecoder();

/** Decodes one Event message (the data of one record). */
export function decodeEvent(bytes: Uint8Array, file = 'events'): TensorBoardEvent {
  const r = new ProtoReader(bytes, file);
  const event: TensorBoardEvent = { wallTime: 0, step: 0, scalars: [] };
  while (r.more) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === 1) event.wallTime = r.view(8).getFloat64(0, true);
    else if (field === 2 && wire === 0) event.step = r.varint();
    else if (field === 3 && wire === 2) event.fileVersion = utf8Decoder.decode(r.take(r.varint()));
    else if (field === 5 && wire === 2) {
      const s = new ProtoReader(r.take(r.varint()), file);
      while (s.more) {
        const k = s.varint();
        if (k !== 0x0a) {
          s.skip(k & 7);
          continue;
        }
        const v = new ProtoReader(s.take(s.varint()), file);
        let tag = '';
        let value = NaN;
        while (v.more) {
          const vk = v.varint();
          if (vk === 0x0a) tag = utf8Decoder.decode(v.take(v.varint()));
          else if (vk === 0x15) value = v.view(4).getFloat32(0, true);
          else v.skip(vk & 7);
        }
        event.scalars.push({ tag, value });
      }
    } else r.skip(wire);
  }
  return event;
}

/** Every event of an event file, in order (CRCs checked). */
export function readEventFile(bytes: Uint8Array, file = 'events'): TensorBoardEvent[] {
  return readRecords(bytes, file).map((r) => decodeEvent(r, file));
}
