/**
 * `npm run soak -- [--steps 2000] [--every 100] [--backend wasm|cpu|webgpu]`: the trainer's loop at
 * tiny widths for 2,000 steps on each backend asked for (default: wasm, and webgpu where Node has
 * a WebGPU adapter), sampled every 100 steps. Prints the samples and the slopes per 1,000 steps;
 * exits 1 if the tensor count or tensor bytes move after the first sample, or if the step time
 * drifts by more than half its mean over the run.
 */
import { isFwiError } from '../src/engine/errors.ts';
import { parseBackendName, type BackendName } from '../src/engine/train/backend.ts';
import { layeredDataset } from '../test/unit/train/layeredDataset.ts';
import { runSoak, type SoakResult, type SoakSample } from './soak.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const steps = Number(option('steps') ?? 2000);
const every = Number(option('every') ?? 100);
const backends: BackendName[] = option('backend') ? [parseBackendName(option('backend')!)] : ['wasm', 'webgpu'];

function verdict(r: SoakResult): string[] {
  const problems: string[] = [];
  const after = r.samples.slice(1);
  const moved = (key: 'tensors' | 'bytes') => Math.max(...after.map((s) => s[key])) - Math.min(...after.map((s) => s[key]));
  if (moved('tensors') !== 0) problems.push(`tensor count moved by ${moved('tensors')}`);
  if (moved('bytes') !== 0) problems.push(`tensor bytes moved by ${moved('bytes')}`);
  const drift = Math.abs(r.slopes.msPerStep * (r.steps / 1000)) / r.meanMsPerStep;
  if (drift > 0.5) problems.push(`step time drifted by ${(100 * drift).toFixed(0)}% of its mean over the run`);
  return problems;
}

function sampleLine(s: SoakSample): string {
  return `${String(s.step).padStart(7)} ${String(s.tensors).padStart(8)} ${String(s.bytes).padStart(12)} ${(s.heapBytes / 2 ** 20).toFixed(1).padStart(11)} ${s.msPerStep.toFixed(1).padStart(8)}`;
}

const [train, val] = [await layeredDataset(0, 8), await layeredDataset(100, 2)];
let failed = false;
for (const backend of backends) {
  let r: SoakResult;
  try {
    console.log(`${backend}: sampling every ${every} steps as it runs`);
    console.log('   step  tensors        bytes     heap MB  ms/step');
    r = await runSoak({ steps, sampleEvery: every, backend, train, val, onSample: (s) => console.log(sampleLine(s)) });
  } catch (e) {
    if (isFwiError(e) && e.code === 'usage' && !option('backend')) {
      console.log(`${backend}: skipped (${e.message})`);
      continue;
    }
    throw e;
  }
  console.log(`\n${r.backend}: ${r.steps} steps, ${r.validations} validations, ${r.checkpoints} checkpoints`);
  const sl = r.slopes;
  console.log(`slopes per 1000 steps: tensors ${sl.tensors.toFixed(3)}, bytes ${sl.bytes.toFixed(1)}, heap ${(sl.heapBytes / 2 ** 20).toFixed(2)} MB, step time ${sl.msPerStep.toFixed(2)} ms (mean ${r.meanMsPerStep.toFixed(1)} ms)`);
  const problems = verdict(r);
  console.log(problems.length ? `FAIL: ${problems.join('; ')}` : 'PASS: flat');
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
