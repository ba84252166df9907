/**
 * A synthetic dataset in OpenFWI's layout, streamed to byte sinks: seeded velocity maps of one
 * family, their forward-modelled seismic, `data<k>.npy`/`model<k>.npy` pairs of `perFile` samples
 * (the last of each split may be shorter), and the `train.txt`/`val.txt` annotation lists. Only
 * one chunk of samples is ever in memory, so the same code fills a folder from the CLI and a set
 * of in-memory files for the studio's demo.
 */
import { FwiError } from '../errors.ts';
import { memorySink, type ByteSink } from '../io/byteSource.ts';
import { NpyWriter } from '../io/npy.ts';
import { forwardModel, type CancelSignal, type ForwardKernel } from '../physics/forwardModel.ts';
import { OPENFWI_FORWARD, type ForwardModelParams } from '../physics/waveEquation.ts';
import { FAMILY_PRESET, velocityMaps, type VelocityFamily } from '../physics/velocityFamilies.ts';

export interface SynthDatasetOptions {
  family: VelocityFamily;
  /** Training samples (files 1 … ⌈train/perFile⌉). */
  train: number;
  /** Validation samples, in the files after the training ones. */
  val?: number;
  /** Samples per file pair, OpenFWI's 500 by default. */
  perFile?: number;
  seed?: number;
  kernel?: ForwardKernel;
  /** The acquisition; OpenFWI's unless a test wants shorter records (the maps stay 70×70). */
  params?: ForwardModelParams;
  /** Samples forward-modelled and written at a time (memory ≈ 1.4 MB of seismic per sample). */
  samplesPerChunk?: number;
  onProgress?: (progress: SynthProgress) => void;
  signal?: CancelSignal;
}

export interface SynthProgress {
  /** Fraction of the forward modelling done, in [0, 1]. */
  fraction: number;
  samplesDone: number;
  samplesTotal: number;
}

/** One file pair of the dataset and the split it belongs to. */
export interface SynthFilePair {
  split: 'train' | 'val';
  seismic: string;
  velocity: string;
  samples: number;
}

/** What was written: file names, the preset it imitates, and the value ranges for normalisation. */
export interface SynthDatasetSummary {
  family: VelocityFamily;
  seed: number;
  preset: (typeof FAMILY_PRESET)[VelocityFamily];
  pairs: SynthFilePair[];
  /** Every file written, in order: data/model pairs, then train.txt and val.txt (if any validation samples). */
  files: string[];
  seismicMin: number;
  seismicMax: number;
  velocityMin: number;
  velocityMax: number;
}

/** Opens a sink for a file of the dataset by its name (e.g. "data1.npy"). */
export type SinkOpener = (name: string) => ByteSink | Promise<ByteSink>;

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new FwiError('usage', `${name} must be a whole number ≥ ${min}, got ${value}`);
  return value;
}

/** The file pairs a dataset of these sizes is split into: training files first, numbered from 1. */
export function planFiles(train: number, val: number, perFile: number): SynthFilePair[] {
  const pairs: SynthFilePair[] = [];
  for (const [split, count] of [['train', train], ['val', val]] as const) {
    for (let done = 0; done < count; done += perFile) {
      const k = pairs.length + 1;
      pairs.push({ split, seismic: `data${k}.npy`, velocity: `model${k}.npy`, samples: Math.min(perFile, count - done) });
    }
  }
  return pairs;
}

async function writeText(open: SinkOpener, name: string, text: string): Promise<void> {
  const sink = await open(name);
  await sink.write(new TextEncoder().encode(text));
  await sink.close();
}

/** Generates the dataset into sinks opened by name; resolves with its summary, or rejects with FwiError 'cancelled'. */
export async function synthDataset(options: SynthDatasetOptions, open: SinkOpener): Promise<SynthDatasetSummary> {
  const train = checkCount('the number of training samples', options.train, 1);
  const val = checkCount('the number of validation samples', options.val ?? 0, 0);
  const perFile = checkCount('the samples per file', options.perFile ?? 500, 1);
  const chunk = checkCount('the samples per chunk', options.samplesPerChunk ?? 8, 1);
  const seed = options.seed ?? 0;
  const params = options.params ?? OPENFWI_FORWARD;
  const { nt, sourceColumns } = params;
  const pairs = planFiles(train, val, perFile);
  const total = train + val;
  const ranges = { seismicMin: Infinity, seismicMax: -Infinity, velocityMin: Infinity, velocityMax: -Infinity };
  let first = 0;
  for (const pair of pairs) {
    const seismicOut = new NpyWriter(await open(pair.seismic), [pair.samples, sourceColumns.length, nt, 70], pair.seismic);
    const velocityOut = new NpyWriter(await open(pair.velocity), [pair.samples, 1, 70, 70], pair.velocity);
    try {
      for (let row = 0; row < pair.samples; row += chunk) {
        const count = Math.min(chunk, pair.samples - row);
        const start = first + row;
        const velocity = velocityMaps(options.family, seed, start, count);
        const seismic = await forwardModel(velocity, {
          kernel: options.kernel,
          params,
          samplesPerBatch: count,
          signal: options.signal,
          onProgress: (f) => options.onProgress?.({ fraction: (start + f * count) / total, samplesDone: start + Math.floor(f * count), samplesTotal: total }),
        });
        for (const v of velocity) {
          if (v < ranges.velocityMin) ranges.velocityMin = v;
          if (v > ranges.velocityMax) ranges.velocityMax = v;
        }
        for (const s of seismic) {
          if (s < ranges.seismicMin) ranges.seismicMin = s;
          if (s > ranges.seismicMax) ranges.seismicMax = s;
        }
        await velocityOut.writeRows(velocity);
        await seismicOut.writeRows(seismic);
        options.onProgress?.({ fraction: (start + count) / total, samplesDone: start + count, samplesTotal: total });
      }
      await seismicOut.close();
      await velocityOut.close();
    } catch (e) {
      // Release the sinks (file handles) of a pair left incomplete by an error or a cancel.
      await seismicOut.close().catch(() => undefined);
      await velocityOut.close().catch(() => undefined);
      throw e;
    }
    first += pair.samples;
  }
  const list = (split: 'train' | 'val') =>
    pairs
      .filter((p) => p.split === split)
      .map((p) => `${p.seismic}\t${p.velocity}\n`)
      .join('');
  const files = pairs.flatMap((p) => [p.seismic, p.velocity]);
  await writeText(open, 'train.txt', list('train'));
  files.push('train.txt');
  if (val > 0) {
    await writeText(open, 'val.txt', list('val'));
    files.push('val.txt');
  }
  return { family: options.family, seed, preset: FAMILY_PRESET[options.family], pairs, files, ...ranges };
}

/** A small dataset for the studio's "Use demo dataset": under a minute of WebGPU forward modelling on a laptop. */
export const DEMO_DATASET = Object.freeze({ family: 'flat' as VelocityFamily, train: 64, val: 16, perFile: 16, seed: 2022 });

/** A file of a dataset held in memory. */
export interface DatasetFile {
  name: string;
  bytes: Uint8Array;
}

/** The whole dataset in memory (the worker's demo dataset): its files in `summary.files` order, and the summary. */
export async function synthDatasetInMemory(options: SynthDatasetOptions): Promise<{ files: DatasetFile[]; summary: SynthDatasetSummary }> {
  const sinks = new Map<string, ReturnType<typeof memorySink>>();
  const summary = await synthDataset(options, (name) => {
    const sink = memorySink();
    sinks.set(name, sink);
    return sink;
  });
  return { files: summary.files.map((name) => ({ name, bytes: sinks.get(name)!.bytes() })), summary };
}
