/**
 * What the store tests save: real checkpoints (the fuzzers' seed bundle of width-1 networks, made
 * by test/fixtures/fuzz/makeCheckpointSeed.ts), each at its own steps and with its own weights,
 * and a run record.
 */
import { readFileSync } from 'node:fs';
import { defaultConfig } from '../../../src/engine/config.ts';
import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RunRecord } from '../../../src/engine/session/runRecord.ts';
import type { CheckpointLayout } from '../../../src/engine/session/fileCheckpointStore.ts';
import { CHECKPOINT_FILES, decodeCheckpointBundle, encodeCheckpointBundle, type Checkpoint } from '../../../src/engine/train/checkpoint.ts';

const seed = new Uint8Array(readFileSync(new URL('../../fixtures/fuzz/checkpoint-w1.safetensors', import.meta.url)));

/** A whole checkpoint at generator step `step` (critic step 5·step) whose first generator weight is `step`. */
export function checkpointAt(step: number): Checkpoint {
  const c = decodeCheckpointBundle(seed, 'checkpoint-w1.safetensors');
  c.meta.generatorStep = step;
  c.meta.criticStep = 5 * step;
  c.meta.position = { epoch: step, iteration: 0 };
  const first = c.generator.get([...c.generator.keys()].sort()[0])!;
  const data = new Float32Array(first.data.buffer.slice(first.data.byteOffset, first.data.byteOffset + first.data.byteLength));
  data[0] = step;
  c.generator.set([...c.generator.keys()].sort()[0], { ...first, data });
  return c;
}

/** The bundle bytes of a checkpoint (with its checksums): equal bytes, equal checkpoints. */
export function bundleOf(c: Checkpoint): Buffer {
  return Buffer.from(encodeCheckpointBundle(c));
}

export function runRecord(id: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    format: RUN_RECORD_FORMAT,
    version: RUN_RECORD_VERSION,
    id,
    name: `run ${id}`,
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-11-30T10:00:00.000Z',
    config: defaultConfig(),
    data: { train: [{ name: 'data1.npy', size: 1000 }], val: [], headerHash: 'ab' },
    origin: { kind: 'new' },
    state: 'created',
    latest: null,
    ...over,
  };
}

/** Flips one byte inside the data of tensor `key` of a safetensors file (the file still parses). */
export function flipTensorByte(bytes: Uint8Array, key: string): Uint8Array {
  const out = bytes.slice();
  const n = Number(new DataView(out.buffer, out.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(out.subarray(8, 8 + n))) as Record<string, { data_offsets: [number, number] }>;
  out[8 + n + header[key].data_offsets[0] + 1] ^= 0x10;
  return out;
}

export const firstGeneratorKey = [...checkpointAt(0).generator.keys()].sort()[0];

/** Damages the generator weights of the checkpoint in slot `slotName` of run `id` (files of a memory store). */
export function damage(files: Map<string, Uint8Array>, layout: CheckpointLayout, id: string, slotName: string): void {
  const file = layout === 'bundle' ? `${id}/${slotName}` : `${id}/${slotName}/${CHECKPOINT_FILES.generator}`;
  const bytes = files.get(file)!;
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const keys = Object.keys(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as object).filter((k) => k !== '__metadata__');
  const key = keys.filter((k) => layout === 'folder' || k.startsWith('generator.')).sort()[0];
  files.set(file, flipTensorByte(bytes, key));
}
