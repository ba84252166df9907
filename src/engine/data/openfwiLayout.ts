/**
 * What OpenFWI's `FWIDataset` needs of a dataset folder: one `file_size` for every file of both
 * lists (sample i is file i // file_size, row i % file_size, and the length is files · file_size,
 * so a shorter last file breaks it), lists whose names resolve from the folder they are in (it
 * opens them relative to the working directory), and a `dataset_config.json` entry for
 * gan_train.py's `-ds NAME`.
 */
import { FwiError } from '../errors.ts';
import type { ForwardModelParams } from '../physics/waveEquation.ts';
import type { DatasetConfigEntry } from './datasetConfig.ts';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The largest samples-per-file count ≤ `max` that divides both split sizes (a split of 0 samples puts no constraint). */
export function evenFileSize(train: number, val: number, max = 500): number {
  const g = val > 0 ? gcd(train, val) : train;
  for (let d = Math.min(g, max); d > 1; d--) if (g % d === 0) return d;
  return 1;
}

/** Refuses sizes FWIDataset could not index: every file of both lists must hold `perFile` samples. */
export function checkEvenFileSize(train: number, val: number, perFile: number): void {
  const bad = [
    ['--n', train],
    ['--val', val],
  ].filter(([, n]) => (n as number) % perFile !== 0);
  if (bad.length === 0) return;
  throw new FwiError(
    'usage',
    `--per-file ${perFile} does not divide ${bad.map(([flag, n]) => `${flag} ${n}`).join(' or ')}: OpenFWI's FWIDataset reads every file of both lists ` +
      `as holding file_size samples; use --per-file ${evenFileSize(train, val, perFile)}, leave --per-file out to pick one, or pass --no-openfwi-layout`,
  );
}

/** A dataset_config.json entry for a synthetic dataset: its seismic range (rounded outward to 0.01, as OpenFWI's), velocity limits and geometry. */
export function synthDatasetEntry(
  name: string,
  r: { seismicMin: number; seismicMax: number },
  labels: { labelMin: number; labelMax: number },
  fileSize: number,
  p: ForwardModelParams,
): DatasetConfigEntry {
  return {
    name,
    k: 1,
    dataMin: Math.floor(r.seismicMin * 100) / 100,
    dataMax: Math.ceil(r.seismicMax * 100) / 100,
    labelMin: labels.labelMin,
    labelMax: labels.labelMax,
    fileSize,
    extra: { nbc: p.nbc, dx: p.dx, nt: p.nt, dt: p.dt, f: p.f, n_grid: 70, ns: p.sourceColumns.length, ng: 70, sz: p.sourceRow * p.dx, gz: p.receiverRow * p.dx },
  };
}
