/**
 * `fwi inspect <annotation.txt | file.npy ...>`: what the data layer sees in each file, before a
 * long run finds out the hard way. For a `.npy`: format version, dtype, byte order, shape,
 * sample count and size. For an annotation list: the resolved pairs, the total sample count and
 * the memory mode a run would use. `--scan` adds value ranges and the closest preset.
 */
import * as path from 'node:path';
import { FwiError, isFwiError } from '../engine/errors.ts';
import { openNpy, type NpyFile } from '../engine/io/npy.ts';
import { DEFAULT_MEMORY_BUDGET, type Dataset, type DatasetScan } from '../engine/data/dataset.ts';
import { arrayKind, describeReport, NonFiniteScan, type NonFiniteReport } from '../engine/data/nonFinite.ts';
import { closestPreset } from '../engine/data/presets.ts';
import { parseCommandArgs, usageError } from './commandArgs.ts';
import { displayPath, fileSource, openAnnotationList } from './nodeFiles.ts';

const HELP = `usage: fwi inspect <annotation.txt | file.npy> ... [options]

Describes .npy files (format version, dtype, byte order, shape, samples, size) and annotation
lists (resolved file pairs, total samples, memory mode). Exit status 1 if any input has a problem.

options:
  --root DIR            also resolve annotation paths against the files under DIR (repeatable)
  --memory-budget MB    cache budget that decides preload vs streaming (default ${DEFAULT_MEMORY_BUDGET / 1e6})
  --scan                read every value: seismic/velocity ranges, the closest dataset preset, and
                        every NaN/infinite value by file, sample and position (shot, time,
                        receiver / depth, offset; 0-based as numpy indexes), exit status 1 if any
  -h, --help            this text`;

const SCAN_CHUNK_BYTES = 32 * 2 ** 20;

/** Bytes in decimal units, as OpenFWI quotes its file sizes ("700 MB"). */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let u = 0;
  let v = n;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

function dtypeWords(f: NpyFile): string {
  const kinds = { f: 'float', i: 'int', u: 'uint', b: 'bool' } as const;
  return f.dtype.kind === 'b' ? 'bool' : `${kinds[f.dtype.kind]}${f.dtype.itemSize * 8}`;
}

function describeNpy(f: NpyFile, indent = ''): string[] {
  const order = f.byteOrder === 'not-applicable' ? 'byte order n/a' : `${f.byteOrder}-endian`;
  return [
    `${indent}${f.name}`,
    `${indent}  .npy ${f.version}, ${f.descr} (${dtypeWords(f)}, ${order}${f.fortranOrder ? ', Fortran order' : ''})`,
    `${indent}  shape (${f.shape.join(', ')}): ${f.rows} sample${f.rows === 1 ? '' : 's'} of (${f.rowShape.join(', ')}), ${formatBytes(f.source.size)}`,
  ];
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(6)).toString() : String(x);
}

/** Streams one file's rows and returns the range of its finite values and its non-finite report. */
async function scanNpy(f: NpyFile): Promise<{ min: number; max: number; nonFinite: NonFiniteReport }> {
  let min = Infinity;
  let max = -Infinity;
  const scan = new NonFiniteScan(f.name, f.rowShape, arrayKind(f.shape));
  const rowsPerRead = Math.max(1, Math.floor(SCAN_CHUNK_BYTES / Math.max(1, f.rowLength * 4)));
  for (let i = 0; i < f.rows; i += rowsPerRead) {
    const chunk = await f.readRows(i, Math.min(f.rows, i + rowsPerRead));
    let bad = 0;
    for (let e = 0; e < chunk.length; e++) {
      const x = chunk[e];
      if (x - x !== 0) bad++;
      else {
        if (x < min) min = x;
        if (x > max) max = x;
      }
    }
    if (bad) scan.add(chunk, i);
  }
  return { min, max, nonFinite: scan.report() };
}

/** The non-finite lines of a scan (indented), and whether there were any. */
function nonFiniteLines(reports: readonly NonFiniteReport[], indent: string): string[] {
  if (reports.length === 0) return [];
  const total = reports.reduce((n, r) => n + r.count, 0);
  const samples = reports.reduce((n, r) => n + r.samples.length, 0);
  return [
    `${indent}problem: ${total} NaN/infinite value${total === 1 ? '' : 's'} in ${reports.length} file${reports.length === 1 ? '' : 's'} (${samples} sample${samples === 1 ? '' : 's'}); training stops on them unless run with --skip-nonfinite`,
    ...reports.flatMap((r) => describeReport(r).map((l) => `${indent}  ${l}`)),
  ];
}

function presetLine(r: { dataMin: number; dataMax: number }): string {
  const { preset, relativeGap } = closestPreset(r);
  const how = relativeGap < 0.005 ? 'matches' : `closest, limits within ${(relativeGap * 100).toFixed(1)}%`;
  return `suggested preset: ${preset.name} (${how}: data ${preset.dataMin}…${preset.dataMax}); the auto preset would use the scanned limits`;
}

/** What one input made of: its lines, and whether it holds non-finite values. */
interface Inspected {
  lines: string[];
  nonFinite: boolean;
}

async function inspectNpy(file: string, scan: boolean): Promise<Inspected> {
  const src = fileSource(file, displayPath(path.resolve(file)));
  try {
    const f = await openNpy(src);
    const lines = describeNpy(f);
    let nonFinite = false;
    if (scan) {
      const r = await scanNpy(f);
      lines.push(`  values: ${fmt(r.min)} … ${fmt(r.max)}${r.nonFinite.count ? ` (finite values; ${r.nonFinite.count} NaN/infinite)` : ''}`);
      const looksSeismic = f.shape.length === 4 && f.shape[1] > 1;
      if (looksSeismic && Number.isFinite(r.min)) lines.push(`  ${presetLine({ dataMin: r.min, dataMax: r.max })}`);
      nonFinite = r.nonFinite.count > 0;
      if (nonFinite) lines.push(...nonFiniteLines([r.nonFinite], '  '));
    }
    return { lines, nonFinite };
  } finally {
    await src.close();
  }
}

function describeDataset(ds: Dataset & { pairs: { line: number }[] }, list: string): string[] {
  const total = ds.length * ds.sampleBytes;
  const lines = [`${list}: annotation list, ${ds.files.length} file pair${ds.files.length === 1 ? '' : 's'}${ds.hasLabels ? '' : ' (seismic only: inference)'}`];
  ds.files.forEach((info, k) => {
    lines.push(`  line ${ds.pairs[k].line}: ${info.samples} samples`);
    lines.push(...describeNpy(info.seismic, '    '));
    if (info.velocity) lines.push(...describeNpy(info.velocity, '    '));
  });
  lines.push(
    `  total: ${ds.length} samples; seismic (${ds.seismicShape.join(', ')})${ds.velocityShape ? `, velocity (${ds.velocityShape.join(', ')})` : ''}`,
    `  memory: ${ds.memoryMode} (${formatBytes(total)} as float32 ${ds.memoryMode === 'preload' ? '≤' : '>'} budget ${formatBytes(ds.memoryBudgetBytes)})`,
  );
  return lines;
}

function describeRanges(r: DatasetScan): string[] {
  const lines = [`  seismic values: ${fmt(r.dataMin)} … ${fmt(r.dataMax)}`];
  if (r.labelMin !== null && r.labelMax !== null) lines.push(`  velocity values: ${fmt(r.labelMin)} … ${fmt(r.labelMax)} m/s`);
  if (Number.isFinite(r.dataMin)) lines.push(`  ${presetLine(r)}`);
  lines.push(...nonFiniteLines(r.nonFinite, '  '));
  return lines;
}

async function inspectList(file: string, opts: { roots: string[]; budget: number; scan: boolean }): Promise<Inspected> {
  const ds = await openAnnotationList(file, { roots: opts.roots, memoryBudgetBytes: opts.budget });
  try {
    const lines = describeDataset(ds, displayPath(path.resolve(file)));
    if (!opts.scan) return { lines, nonFinite: false };
    const r = await ds.scanRanges();
    lines.push(...describeRanges(r));
    return { lines, nonFinite: r.nonFinite.length > 0 };
  } finally {
    await ds.close();
  }
}

/** Runs `fwi inspect`; 0 when every input is sound, 1 when any has a problem (each one printed). */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    HELP,
    { root: { type: 'string', multiple: true }, 'memory-budget': { type: 'string' }, scan: { type: 'boolean' } },
    true,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length === 0) throw usageError('nothing to inspect', HELP);
  const budgetMb = values['memory-budget'] === undefined ? DEFAULT_MEMORY_BUDGET / 1e6 : Number(values['memory-budget']);
  if (!(budgetMb >= 0) || !Number.isFinite(budgetMb)) throw new FwiError('usage', `--memory-budget must be a number of MB, got "${values['memory-budget']}"`);
  const opts = { roots: values.root ?? [], budget: budgetMb * 1e6, scan: values.scan ?? false };

  let failed = 0;
  let printed = 0;
  for (const file of positionals) {
    try {
      const { lines, nonFinite } = /\.npy$/i.test(file) ? await inspectNpy(file, opts.scan) : await inspectList(file, opts);
      if (printed++ > 0) console.log('');
      console.log(lines.join('\n'));
      if (nonFinite) failed++;
    } catch (e) {
      if (!isFwiError(e)) throw e;
      failed++;
      console.error(`fwi: ${e.message}`);
    }
  }
  return failed ? 1 : 0;
}
