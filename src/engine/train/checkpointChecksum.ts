/**
 * A checkpoint's checksums: one CRC-32 per tensor part (generator, critic, the two optimisers'
 * moments) over every tensor's name, dtype, shape and bytes, in name order. They travel in the
 * checkpoint's description, so the folder and bundle forms of one checkpoint carry the same
 * values, and a damaged or half-written checkpoint is refused by name instead of resumed from.
 */
import { FwiError } from '../errors.ts';
import { crc32 } from '../io/crc32.ts';
import type { SafeTensor } from '../io/safetensors.ts';

export const CHECKSUM_PARTS = ['generator', 'critic', 'optimizerGenerator', 'optimizerCritic'] as const;
export type ChecksumPart = (typeof CHECKSUM_PARTS)[number];
export type CheckpointChecksums = Record<ChecksumPart, string>;

const text = new TextEncoder();

/** CRC-32 (8 hex digits) of one part's tensors. */
export function tensorsChecksum(tensors: ReadonlyMap<string, SafeTensor>): string {
  let c = 0;
  for (const name of [...tensors.keys()].sort()) {
    const t = tensors.get(name)!;
    c = crc32(text.encode(`${name}\0${t.dtype}\0${t.shape.join(',')}\0`), c);
    c = crc32(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), c);
  }
  return c.toString(16).padStart(8, '0');
}

/** The checksums of every tensor part. */
export function checkpointChecksums(parts: Record<ChecksumPart, ReadonlyMap<string, SafeTensor>>): CheckpointChecksums {
  return Object.fromEntries(CHECKSUM_PARTS.map((p) => [p, tensorsChecksum(parts[p])])) as CheckpointChecksums;
}

const PART_WORDS: Record<ChecksumPart, string> = {
  generator: 'generator weights',
  critic: 'critic weights',
  optimizerGenerator: "generator's optimiser state",
  optimizerCritic: "critic's optimiser state",
};

/** Checks the parts against the checksums the checkpoint was saved with; FwiError('checkpoint-damaged') naming `file` and each damaged part. */
export function verifyCheckpointChecksums(parts: Record<ChecksumPart, ReadonlyMap<string, SafeTensor>>, expected: unknown, file: string): void {
  const e = expected as Partial<Record<ChecksumPart, unknown>> | null;
  if (typeof e !== 'object' || e === null || !CHECKSUM_PARTS.every((p) => typeof e[p] === 'string' && /^[0-9a-f]{8}$/.test(e[p] as string))) {
    throw new FwiError('checkpoint-damaged', 'damaged: its checksums are unreadable', file);
  }
  const bad = CHECKSUM_PARTS.filter((p) => tensorsChecksum(parts[p]) !== e[p]);
  if (bad.length) throw new FwiError('checkpoint-damaged', `damaged: the ${bad.map((p) => PART_WORDS[p]).join(', ')} do not match the checksum saved with them`, file);
}
