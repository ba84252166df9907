/**
 * `fwi forward <velocity.npy> <seismic.npy>`: forward-models OpenFWI seismic `(n, 5, 1000, 70)`
 * float32 from velocity maps `(n, 1, 70, 70)` in m/s, a chunk of samples at a time, streamed to
 * disk. The output appears under its name only once complete.
 */
import * as fs from 'node:fs';
import { FwiError, isFwiError } from '../engine/errors.ts';
import { NpyWriter, openNpy } from '../engine/io/npy.ts';
import { forwardModel, resolveKernel, type ForwardKernel } from '../engine/physics/forwardModel.ts';
import { OPENFWI_FORWARD, type ForwardModelParams } from '../engine/physics/waveEquation.ts';
import { initBackend, parseBackendName } from '../engine/train/backend.ts';
import { parseCommandArgs, usageError, wholeNumber } from './commandArgs.ts';
import { fileSink, fileSource } from './nodeFiles.ts';

const HELP = `usage: fwi forward <velocity.npy> <seismic.npy> [options]

Forward-models seismic (n, 5, 1000, 70) float32 from velocity maps (n, 1, 70, 70) or (n, 70, 70)
in m/s with the reference acoustic scheme (Ricker 15 Hz, 5 sources, 70 receivers, 1 ms steps),
writing as it goes.

options:
  --chunk N         samples modelled and written at a time (default 8)
  --kernel K        auto | simd | js | tfjs: WebAssembly SIMD, plain-JS or tf.js ops (default auto: simd)
  --backend B       tf.js backend for the tfjs kernel: cpu | wasm | webgpu (default cpu)
  --nt T            time samples per trace (default 1000; fewer for quick trials only)
  -h, --help        this text`;

/** Parses a --kernel value. */
export function parseKernel(text: string | undefined): ForwardKernel {
  const kernel = text ?? 'auto';
  if (kernel !== 'auto' && kernel !== 'simd' && kernel !== 'js' && kernel !== 'tfjs') throw new FwiError('usage', `--kernel must be auto, simd, js or tfjs, got "${kernel}"`);
  return kernel;
}

/** Progress on stderr: rewritten in place on a terminal, every tenth otherwise. */
export function progressPrinter(label: string): (fraction: number) => void {
  let lastTenth = -1;
  const tty = process.stderr.isTTY;
  return (fraction) => {
    const pct = `${label} ${(100 * fraction).toFixed(1)}%`;
    if (tty) process.stderr.write(`\r${pct}${fraction >= 1 ? '\n' : ''}`);
    else if (Math.floor(fraction * 10) > lastTenth) {
      lastTenth = Math.floor(fraction * 10);
      process.stderr.write(`${pct}\n`);
    }
  };
}

/**
 * Runs `body` with a signal that the first Ctrl-C sets, so a long job stops at its next chunk
 * and removes its partial output; a second Ctrl-C quits at once.
 */
export async function withInterrupt<T>(body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
    process.stderr.write('\nstopping after this chunk (Ctrl-C again to quit now)\n');
  };
  process.on('SIGINT', stop);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', stop);
  }
}

/** Runs `fwi forward`; 0 on success. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    HELP,
    { chunk: { type: 'string' }, kernel: { type: 'string' }, backend: { type: 'string' }, nt: { type: 'string' } },
    true,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw usageError('expected <velocity.npy> <seismic.npy>', HELP);
  const [inPath, outPath] = positionals;
  const chunk = wholeNumber('chunk', values.chunk, 8);
  const params: ForwardModelParams = { ...OPENFWI_FORWARD, nt: wholeNumber('nt', values.nt, OPENFWI_FORWARD.nt) };
  const kernel = parseKernel(values.kernel);
  await initBackend(parseBackendName(values.backend ?? 'cpu'));

  const source = fileSource(inPath);
  try {
    const velocity = await openNpy(source);
    const mapShape = velocity.rowShape.length === 3 && velocity.rowShape[0] === 1 ? velocity.rowShape.slice(1) : velocity.rowShape;
    if (velocity.shape.length < 3 || mapShape.length !== 2 || mapShape[0] !== 70 || mapShape[1] !== 70) {
      throw new FwiError('npy-shape', `expected velocity maps (n, 1, 70, 70) or (n, 70, 70), found (${velocity.shape.join(', ')})`, inPath);
    }
    const n = velocity.rows;
    const shots = params.sourceColumns.length;
    const partial = `${outPath}.partial`;
    const writer = new NpyWriter(fileSink(partial), [n, shots, params.nt, 70], outPath);
    const report = progressPrinter(`forward ${n} samples (${resolveKernel(kernel)} kernel):`);
    const started = performance.now();
    try {
      await withInterrupt(async (signal) => {
        for (let first = 0; first < n; first += chunk) {
          const count = Math.min(chunk, n - first);
          const maps = await velocity.readRows(first, first + count);
          let seismic: Float32Array;
          try {
            seismic = await forwardModel(maps, { params, kernel, samplesPerBatch: count, signal, onProgress: (f) => report((first + f * count) / n) });
          } catch (e) {
            if (isFwiError(e) && e.code === 'velocity') throw new FwiError('velocity', `samples ${first}–${first + count - 1}: ${e.message}`, inPath);
            throw e;
          }
          await writer.writeRows(seismic);
        }
      });
      await writer.close();
      fs.renameSync(partial, outPath);
    } catch (e) {
      await writer.close().catch(() => undefined);
      fs.rmSync(partial, { force: true });
      throw e;
    }
    if (n === 0) report(1);
    const seconds = (performance.now() - started) / 1000;
    console.log(`wrote ${outPath}: (${[n, shots, params.nt, 70].join(', ')}) float32, ${n} samples in ${seconds.toFixed(1)} s (${(n / seconds).toFixed(2)} samples/s)`);
    return 0;
  } finally {
    await source.close();
  }
}
