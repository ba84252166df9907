/**
 * `fwi synth --family flat|curve|fault --n N [--val M] [--per-file K] --out DIR [--seed S]`: a
 * synthetic dataset in OpenFWI's layout (data<k>.npy/model<k>.npy, train.txt, val.txt), ready for
 * `fwi train`, for dropping into the studio and, by default, for OpenFWI's own FWIDataset and
 * gan_train.py (every file the same sample count, and a dataset_config.json entry). Files are
 * written as they are made.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeDatasetConfig } from '../engine/data/datasetConfig.ts';
import { checkEvenFileSize, evenFileSize, synthDatasetEntry } from '../engine/data/openfwiLayout.ts';
import { getPreset } from '../engine/data/presets.ts';
import { errorMessage, FwiError } from '../engine/errors.ts';
import { resolveKernel } from '../engine/physics/forwardModel.ts';
import { planFiles, synthDataset } from '../engine/data/synthDataset.ts';
import { VELOCITY_FAMILIES, isVelocityFamily } from '../engine/physics/velocityFamilies.ts';
import { OPENFWI_FORWARD } from '../engine/physics/waveEquation.ts';
import { initBackend, parseBackendName } from '../engine/train/backend.ts';
import { parseCommandArgs, usageError, wholeNumber } from './commandArgs.ts';
import { parseKernel, progressPrinter, withInterrupt } from './forward.ts';
import { fileSink } from './nodeFiles.ts';

const HELP = `usage: fwi synth --family ${VELOCITY_FAMILIES.join('|')} --n N --out DIR [options]

Makes a synthetic dataset in OpenFWI's layout: seeded velocity maps of one family, their
forward-modelled seismic, data<k>.npy/model<k>.npy pairs and the train.txt/val.txt lists. By
default every file holds the same number of samples and a dataset_config.json entry
"synth-<family>" is written beside them, so OpenFWI's gan_train.py runs on the folder:
  cd DIR && python /path/to/OpenFWI/gan_train.py -ds synth-<family> -ap . -t train.txt -v val.txt …

options:
  --family F        flat (FlatVel-A-like), curve (CurveVel-A-like) or fault (FlatFault-A-like)
  --n N             training samples
  --val M           validation samples, in the files after the training ones (default 0)
  --per-file K      samples per file pair (default: the largest count up to 500, as OpenFWI's
                    files, that divides both --n and --val)
  --no-openfwi-layout  allow a shorter last file per split (--per-file 500 by default) and write no
                    dataset_config.json
  --out DIR         output folder (created if missing)
  --seed S          seed: the same seed and sizes give the same files (default 0)
  --force           overwrite files of an earlier dataset in DIR
  --chunk N         samples modelled and written at a time (default 8)
  --kernel K        auto | simd | js | tfjs (default auto: simd)
  --backend B       cpu | wasm | webgpu (default cpu)
  --nt T            time samples per trace (default 1000; fewer for quick trials only)
  -h, --help        this text`;

const DATASET_CONFIG = 'dataset_config.json';

/** Runs `fwi synth`; 0 on success. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, HELP, {
    family: { type: 'string' },
    n: { type: 'string' },
    val: { type: 'string' },
    'per-file': { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    chunk: { type: 'string' },
    kernel: { type: 'string' },
    backend: { type: 'string' },
    nt: { type: 'string' },
    'no-openfwi-layout': { type: 'boolean' },
  });
  if (!parsed) return 0;
  const { values } = parsed;
  const family = values.family;
  if (!family || !isVelocityFamily(family)) throw usageError(`--family must be one of ${VELOCITY_FAMILIES.join(', ')}, got ${family === undefined ? 'nothing' : `"${family}"`}`, HELP);
  if (values.n === undefined) throw usageError('--n (training samples) is required', HELP);
  if (!values.out) throw usageError('--out DIR is required', HELP);
  const train = wholeNumber('n', values.n, 0);
  const val = wholeNumber('val', values.val, 0, 0);
  const openfwi = !values['no-openfwi-layout'];
  const perFile = wholeNumber('per-file', values['per-file'], openfwi ? evenFileSize(train, val) : 500);
  if (openfwi) checkEvenFileSize(train, val, perFile);
  const seed = wholeNumber('seed', values.seed, 0, 0);
  const chunk = wholeNumber('chunk', values.chunk, 8);
  const nt = wholeNumber('nt', values.nt, OPENFWI_FORWARD.nt);
  const kernel = parseKernel(values.kernel);
  await initBackend(parseBackendName(values.backend ?? 'cpu'));

  const out = values.out;
  const names = [...planFiles(train, val, perFile).flatMap((p) => [p.seismic, p.velocity]), 'train.txt', 'val.txt', ...(openfwi ? [DATASET_CONFIG] : [])];
  const existing = names.filter((name) => fs.existsSync(path.join(out, name)));
  if (existing.length && !values.force) {
    throw new FwiError('usage', `${out} already holds ${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', …' : ''}: pass --force to overwrite`);
  }
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new FwiError('io', `cannot create the folder (${errorMessage(e)})`, out);
  }
  // A stale val.txt from a larger earlier dataset would list files this one does not have.
  if (val === 0) fs.rmSync(path.join(out, 'val.txt'), { force: true });

  const report = progressPrinter(`synth ${family} ${train + val} samples (${resolveKernel(kernel)} kernel):`);
  const started = performance.now();
  let summary;
  try {
    summary = await withInterrupt((signal) =>
      synthDataset(
        { family, train, val, perFile, seed, kernel, signal, samplesPerChunk: chunk, params: { ...OPENFWI_FORWARD, nt }, onProgress: (p) => report(p.fraction) },
        (name) => fileSink(path.join(out, name)),
      ),
    );
  } catch (e) {
    // Half a dataset with a train.txt naming files that are not all there is worse than none.
    for (const name of names) fs.rmSync(path.join(out, name), { force: true });
    throw e;
  }
  const seconds = (performance.now() - started) / 1000;
  const preset = getPreset(summary.preset);
  const entry = synthDatasetEntry(`synth-${family}`, summary, preset, perFile, { ...OPENFWI_FORWARD, nt });
  if (openfwi) fs.writeFileSync(path.join(out, DATASET_CONFIG), encodeDatasetConfig([entry]));
  console.log(
    [
      `wrote ${summary.files.length} files to ${out} in ${seconds.toFixed(1)} s (${((train + val) / seconds).toFixed(2)} samples/s)`,
      ...summary.pairs.map((p) => `  ${p.split.padEnd(5)} ${p.seismic} ${p.velocity}  ${p.samples} samples`),
      `  train.txt${val ? ', val.txt' : ''}${openfwi ? `, ${DATASET_CONFIG} (entry ${entry.name}: ${entry.fileSize} samples a file)` : ''}`,
      `seismic range ${summary.seismicMin.toFixed(2)} … ${summary.seismicMax.toFixed(2)} (preset ${preset.name}: ${preset.dataMin} … ${preset.dataMax})`,
      `velocity range ${summary.velocityMin} … ${summary.velocityMax} m/s`,
    ].join('\n'),
  );
  return 0;
}
