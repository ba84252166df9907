/**
 * What the velocity-map view shows for a cursor position: which stored snapshot, which of its fixed
 * samples, the predicted and true maps of that sample, their difference, and the colour ranges
 * (one range from the truth shared by both maps; a symmetric one for the difference). Snapshots
 * may omit the truth after the first one (it never changes); it is then taken from the latest
 * earlier snapshot of the same samples.
 */
import type { SnapshotEvent } from '../../engine/train/events.ts';
import { finiteExtent, symmetricRange } from './colormap.ts';

/** One stored snapshot, the trainer's SnapshotEvent: (n, H, W) maps in m/s, depth first. */
export type VelocitySnapshot = Omit<SnapshotEvent, 'type'>;

export interface SampleMaps {
  height: number;
  width: number;
  /** Dataset index of the sample. */
  datasetIndex: number;
  predicted: Float32Array;
  truth: Float32Array | null;
  /** predicted − truth (m/s), null without truth. */
  difference: Float32Array | null;
  /** Colour limits of both maps: the truth's extent (the prediction's without truth). */
  range: [number, number];
  /** Symmetric limits ±max|difference|. */
  differenceRange: [number, number];
}

/** The snapshot shown: `cursor` clamped into range, or the latest when cursor is null (following). */
export function shownSnapshotIndex(count: number, cursor: number | null): number {
  if (count === 0) return -1;
  if (cursor === null) return count - 1;
  return Math.min(Math.max(Math.trunc(cursor), 0), count - 1);
}

/** The truth for snapshot k: its own, or the latest earlier snapshot's with the same sample indices. */
export function truthFor(snapshots: readonly VelocitySnapshot[], k: number): Float32Array | null {
  const s = snapshots[k];
  if (!s) return null;
  if (s.truth) return s.truth;
  const key = s.indices.join(',');
  for (let j = k - 1; j >= 0; j--) {
    const t = snapshots[j];
    if (t.truth && t.indices.join(',') === key && t.height === s.height && t.width === s.width) return t.truth;
  }
  return null;
}

/** The maps of sample slot `slot` (clamped) of snapshot k, with their colour ranges; null when there is no snapshot. */
export function sampleMaps(snapshots: readonly VelocitySnapshot[], k: number, slot: number): SampleMaps | null {
  const s = snapshots[k];
  if (!s || s.indices.length === 0) return null;
  const i = Math.min(Math.max(Math.trunc(slot), 0), s.indices.length - 1);
  const size = s.height * s.width;
  const predicted = s.predicted.subarray(i * size, (i + 1) * size);
  const allTruth = truthFor(snapshots, k);
  const truth = allTruth ? allTruth.subarray(i * size, (i + 1) * size) : null;
  let difference: Float32Array | null = null;
  if (truth) {
    difference = new Float32Array(size);
    for (let p = 0; p < size; p++) difference[p] = predicted[p] - truth[p];
  }
  let range = finiteExtent(truth ?? predicted);
  if (!Number.isFinite(range[0])) range = [0, 1];
  else if (range[0] === range[1]) range = [range[0] - 1, range[1] + 1];
  return {
    height: s.height,
    width: s.width,
    datasetIndex: s.indices[i],
    predicted,
    truth,
    difference,
    range,
    differenceRange: difference ? symmetricRange(difference) : [-1, 1],
  };
}

/** Column `col` of a row-major (height × width) map, top to bottom. */
export function mapColumn(values: ArrayLike<number>, height: number, width: number, col: number): Float32Array {
  const out = new Float32Array(height);
  for (let r = 0; r < height; r++) out[r] = values[r * width + col];
  return out;
}
