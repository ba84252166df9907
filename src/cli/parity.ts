/**
 * `fwi parity <fixture-dir>`: recomputes a PyTorch parity fixture (laid out like
 * test/fixtures/parity; its manifest.json gives widths, batch, transform, loss weights,
 * optimiser and tolerances), prints one row per quantity and exits 1 if any fails.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FwiError } from '../engine/errors.ts';
import { formatParityRow, parityHeader } from '../engine/parity/report.ts';
import { runParity } from '../engine/parity/runParity.ts';
import { initBackend, parseBackendName } from '../engine/train/backend.ts';
import { parseCommandArgs, usageError } from './commandArgs.ts';

const HELP = `usage: fwi parity <fixture-dir> [options]

Recomputes one OpenFWI VelocityGAN iteration recorded by a PyTorch reference (forward passes in
both BatchNorm modes, the critic step, the generator step, metrics) and compares every quantity
with the manifest's tolerances. Exits 1 if any quantity fails.

options:
  --backend B   tf.js backend: cpu | wasm | webgpu (default wasm, several times faster than cpu)
  --json FILE   also write the rows as JSON
  -h, --help    this text`;

/** Runs the command; the exit status is 0 only if every quantity passes. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, HELP, { backend: { type: 'string' }, json: { type: 'string' } }, true);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw usageError('parity takes one fixture directory', HELP);
  const dir = positionals[0];
  const backend = await initBackend(parseBackendName(values.backend ?? 'wasm'));
  const files = {
    read: async (name: string): Promise<Uint8Array> => {
      const file = path.join(dir, name);
      try {
        return new Uint8Array(await readFile(file));
      } catch (e) {
        throw new FwiError('io', `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
      }
    },
  };
  console.log(`parity of ${dir} on the ${backend} backend`);
  console.log(parityHeader());
  const started = performance.now();
  const report = await runParity(files, (row) => console.log(formatParityRow(row)));
  const failed = report.rows.filter((r) => !r.pass).length;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(failed ? `${failed} of ${report.rows.length} quantities FAIL (${seconds} s)` : `all ${report.rows.length} quantities PASS (${seconds} s)`);
  if (values.json) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(values.json, JSON.stringify({ fixture: dir, backend, pass: report.pass, rows: report.rows }, null, 2));
  }
  return report.pass ? 0 : 1;
}
