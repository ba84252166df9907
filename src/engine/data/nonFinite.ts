/**
 * NaN and ±Infinity in the data, found and named: by file, sample (row of the file) and position
 * within the sample along the axes of its kind (seismic: shot, time, receiver; velocity: depth,
 * offset). Two uses: `NonFiniteScan` streams a whole file for `fwi inspect --scan` and the
 * studio's data report; `batchNonFinite` checks one training batch, already in memory, before the
 * step that would train on it.
 *
 * Both are one pass over the values with a single comparison each (`x − x` is 0 exactly for a
 * finite x, NaN otherwise); the index arithmetic runs only on a hit.
 */

export type ArrayKind = 'seismic' | 'velocity' | 'array';

/** How many non-finite values a report gives in full; the rest are summarised. */
export const FIRST_SHOWN = 5;

/** A non-finite value as JSON can hold it (checkpoints, logs, the worker protocol). */
export type NonFiniteText = 'NaN' | 'Infinity' | '-Infinity';

/** One non-finite value: its sample (row of the file), its position in the sample, and what it is. */
export interface NonFiniteValue {
  sample: number;
  /** Index along each of the report's `axes`, 0-based as numpy indexes. */
  position: number[];
  value: NonFiniteText;
}

/** Every non-finite value of one file: counts, the first few in full, and the samples they lie in. */
export interface NonFiniteReport {
  file: string;
  kind: ArrayKind;
  /** Names of the position's axes (seismic: shot, time, receiver; velocity: depth, offset). */
  axes: string[];
  count: number;
  nan: number;
  posInf: number;
  negInf: number;
  /** Every sample (row of the file) holding at least one, ascending. */
  samples: number[];
  /** The first FIRST_SHOWN values in file order. */
  first: NonFiniteValue[];
}

/** A dataset sample holding non-finite values, as the batch check reports it: its first such value named. */
export interface NonFiniteSample {
  /** Index in the dataset (what a batch's `indices` hold). */
  index: number;
  /** The file and row of the first non-finite value (the seismic file before the velocity file). */
  file: string;
  row: number;
  kind: 'seismic' | 'velocity';
  axes: string[];
  position: number[];
  value: NonFiniteText;
  /** Non-finite values in this sample, seismic and velocity together. */
  count: number;
}

/** What a (rows, …) array of this kind is, from its shape: seismic (n, shots, time, receivers), velocity (n, 1, H, W). */
export function arrayKind(shape: readonly number[]): ArrayKind {
  if (shape.length !== 4) return 'array';
  return shape[1] === 1 ? 'velocity' : 'seismic';
}

/** Axis names of one sample's position; a velocity map's single channel is left out. */
export function axesOf(kind: ArrayKind, rowShape: readonly number[]): string[] {
  if (kind === 'seismic') return ['shot', 'time', 'receiver'];
  if (kind === 'velocity') return ['depth', 'offset'];
  return rowShape.map((_, i) => `axis ${i + 1}`);
}

function asText(x: number): NonFiniteText {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** Element `offset` of a sample of shape `rowShape` as a position along `axesOf(kind)`. */
function positionOf(offset: number, rowShape: readonly number[], kind: ArrayKind): number[] {
  const idx = new Array<number>(rowShape.length);
  let rest = offset;
  for (let d = rowShape.length - 1; d >= 0; d--) {
    idx[d] = rest % rowShape[d];
    rest = Math.floor(rest / rowShape[d]);
  }
  return kind === 'velocity' ? idx.slice(1) : idx;
}

/** Streams one file's rows in order and collects its non-finite values. */
export class NonFiniteScan {
  private readonly rowLength: number;
  private readonly axes: string[];
  private count = 0;
  private nan = 0;
  private posInf = 0;
  private negInf = 0;
  private readonly samples: number[] = [];
  private readonly first: NonFiniteValue[] = [];

  constructor(
    private readonly file: string,
    private readonly rowShape: readonly number[],
    private readonly kind: ArrayKind,
  ) {
    this.rowLength = rowShape.reduce((a, b) => a * b, 1);
    this.axes = axesOf(kind, rowShape);
  }

  /** Adds whole rows starting at row `firstRow` of the file (rows must come in ascending order). */
  add(values: Float32Array, firstRow: number): void {
    for (let e = 0; e < values.length; e++) {
      const x = values[e];
      if (x - x === 0) continue;
      this.count++;
      if (Number.isNaN(x)) this.nan++;
      else if (x > 0) this.posInf++;
      else this.negInf++;
      const sample = firstRow + Math.floor(e / this.rowLength);
      if (this.samples[this.samples.length - 1] !== sample) this.samples.push(sample);
      if (this.first.length < FIRST_SHOWN) this.first.push({ sample, position: positionOf(e % this.rowLength, this.rowShape, this.kind), value: asText(x) });
    }
  }

  report(): NonFiniteReport {
    return { file: this.file, kind: this.kind, axes: this.axes, count: this.count, nan: this.nan, posInf: this.posInf, negInf: this.negInf, samples: [...this.samples], first: [...this.first] };
  }
}

/** Where a dataset sample lives: its file (seismic and velocity names) and row. */
export type SampleLocator = (index: number) => { seismicFile: string; velocityFile: string | null; row: number };

/**
 * Checks a batch's raw arrays (NCHW, sample k of the batch is dataset sample `indices[k]`) and
 * returns every sample holding a non-finite value, in batch order, or [] when all are finite.
 */
export function batchNonFinite(
  batch: { seismic: Float32Array; velocity: Float32Array | null; indices: readonly number[] },
  seismicShape: readonly number[],
  velocityShape: readonly number[] | null,
  locate: SampleLocator,
): NonFiniteSample[] {
  const bad = new Map<number, NonFiniteSample>();
  const check = (values: Float32Array, rowShape: readonly number[], kind: 'seismic' | 'velocity') => {
    const rowLength = rowShape.reduce((a, b) => a * b, 1);
    const n = batch.indices.length;
    for (let e = 0; e < n * rowLength; e++) {
      const x = values[e];
      if (x - x === 0) continue;
      const k = Math.floor(e / rowLength);
      const seen = bad.get(k);
      if (seen) {
        seen.count++;
        continue;
      }
      const index = batch.indices[k];
      const where = locate(index);
      bad.set(k, {
        index,
        file: kind === 'seismic' ? where.seismicFile : where.velocityFile ?? '',
        row: where.row,
        kind,
        axes: axesOf(kind, rowShape),
        position: positionOf(e % rowLength, rowShape, kind),
        value: asText(x),
        count: 1,
      });
    }
  };
  check(batch.seismic, seismicShape, 'seismic');
  if (batch.velocity && velocityShape) check(batch.velocity, velocityShape, 'velocity');
  return [...bad.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
}

/** "shot 2, time 417, receiver 12". */
export function positionText(axes: readonly string[], position: readonly number[]): string {
  return axes.map((a, i) => `${a} ${position[i]}`).join(', ');
}

/** One sample found by the batch check, in words: "seis.npy sample 3 (shot 2, time 417, receiver 12) is NaN". */
export function describeSample(s: NonFiniteSample): string {
  const more = s.count > 1 ? ` (${s.count} non-finite values in this sample)` : '';
  return `${s.file} sample ${s.row} (${positionText(s.axes, s.position)}) is ${s.value}${more}`;
}

/** Compact list of sample rows: "3, 7, 12–15, 40" (at most `max` items, then "… (N samples)"). */
export function sampleListText(samples: readonly number[], max = 12): string {
  const parts: string[] = [];
  let i = 0;
  while (i < samples.length && parts.length < max) {
    let j = i;
    while (j + 1 < samples.length && samples[j + 1] === samples[j] + 1) j++;
    parts.push(j > i ? `${samples[i]}–${samples[j]}` : `${samples[i]}`);
    i = j + 1;
  }
  return i < samples.length ? `${parts.join(', ')}, … (${samples.length} samples)` : parts.join(', ');
}

/** A file's report as lines for a person: the count, the first few values in full, a summary of the rest. */
export function describeReport(r: NonFiniteReport): string[] {
  const kinds = [r.nan && `${r.nan} NaN`, r.posInf && `${r.posInf} +Infinity`, r.negInf && `${r.negInf} -Infinity`].filter(Boolean).join(', ');
  const lines = [`${r.file}: ${r.count} non-finite value${r.count === 1 ? '' : 's'} (${kinds}) in ${r.samples.length} sample${r.samples.length === 1 ? '' : 's'}: ${sampleListText(r.samples)}`];
  for (const v of r.first) lines.push(`  sample ${v.sample}, ${positionText(r.axes, v.position)}: ${v.value}`);
  if (r.count > r.first.length) lines.push(`  … and ${r.count - r.first.length} more`);
  return lines;
}
