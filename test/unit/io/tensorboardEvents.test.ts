import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeEvent, eventRecord, fileVersionEvent, readEventFile, scalarsEvent } from '../../../src/engine/io/tensorboardEvents.ts';
import { crc32c, frameRecord, maskedCrc32c, readRecords } from '../../../src/engine/io/tfrecord.ts';

const ascii = (s: string) => new TextEncoder().encode(s);
const FIXTURE = 'test/fixtures/tensorboard/events.out.tfevents.fixture';

describe('TFRecord framing', () => {
  it('CRC32C matches the RFC 3720 test vectors and the check value', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('masks as TensorFlow does: rotate right 15, add 0xa282ead8', () => {
    const c = 0xe3069283;
    expect(maskedCrc32c(ascii('123456789'))).toBe((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0);
  });

  it('frames the file_version event with the header every TensorBoard file starts with', () => {
    // Length 24 and its masked CRC: the first 12 bytes of any event file written by TensorFlow or PyTorch.
    const framed = eventRecord(fileVersionEvent(1700000000.5));
    expect([...framed.subarray(0, 12)]).toEqual([0x18, 0, 0, 0, 0, 0, 0, 0, 0xa3, 0x7f, 0x4b, 0x22]);
  });

  it('refuses a corrupted record, naming the file and the offset', () => {
    const a = frameRecord(ascii('first'));
    const b = frameRecord(ascii('second'));
    const both = new Uint8Array([...a, ...b]);
    expect(readRecords(both).map((r) => new TextDecoder().decode(r))).toEqual(['first', 'second']);
    const bad = both.slice();
    bad[a.length + 13] ^= 1;
    expect(() => readRecords(bad, 'run.tfevents')).toThrow(`run.tfevents: record data CRC mismatch at byte ${a.length}`);
    expect(() => readRecords(both.subarray(0, both.length - 2), 'run.tfevents')).toThrow('run.tfevents: truncated record at byte 21');
  });
});

describe('TensorBoard events', () => {
  it('writes byte for byte what the independent Python writer of the fixture wrote', () => {
    const expected = new Uint8Array(fs.readFileSync(FIXTURE));
    const ours = new Uint8Array([
      ...eventRecord(fileVersionEvent(1700000000.5)),
      ...eventRecord(scalarsEvent(1700000001.25, 0, [{ tag: 'loss_diff', value: -0.125 }, { tag: 'loss_gp', value: 3.5 }])),
      ...eventRecord(scalarsEvent(1700000002.0, 300, [{ tag: 'loss', value: 0.0625 }, { tag: 'loss_g1v', value: 0.2 }, { tag: 'loss_g2v', value: 1e-3 }])),
    ]);
    expect(Buffer.from(ours).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
  });

  it('reads the fixture back: file version first, then scalars by step', () => {
    const events = readEventFile(new Uint8Array(fs.readFileSync(FIXTURE)), FIXTURE);
    expect(events).toHaveLength(3);
    expect(events[0]).toEqual({ wallTime: 1700000000.5, step: 0, fileVersion: 'brain.Event:2', scalars: [] });
    expect(events[1]).toEqual({ wallTime: 1700000001.25, step: 0, scalars: [{ tag: 'loss_diff', value: -0.125 }, { tag: 'loss_gp', value: 3.5 }] });
    expect(events[2].step).toBe(300);
    expect(events[2].scalars.map((s) => s.tag)).toEqual(['loss', 'loss_g1v', 'loss_g2v']);
    expect(events[2].scalars[1].value).toBe(Math.fround(0.2));
  });

  it('encodes large steps as multi-byte varints', () => {
    expect(decodeEvent(scalarsEvent(1, 2 ** 40 + 3, [{ tag: 'x', value: 1 }])).step).toBe(2 ** 40 + 3);
  });
});
