/**
 * Forward-modelling throughput, in samples per second (one sample = 5 shots × 1000 steps on the
 * 310×310 padded grid), for each way this machine can run it from Node: the WebAssembly SIMD and
 * plain-JS stencil kernels, and the tf.js kernel on the cpu and wasm backends (timed over a shorter run and scaled
 * to 1000 steps, as they are far slower). Then numpy on the same scheme, when `python3` with numpy
 * is present: the speed to beat. WebGPU needs a browser (or the `webgpu` package) and is not run.
 */
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { errorMessage } from '../src/engine/errors.ts';
import { forwardModel, type ForwardKernel } from '../src/engine/physics/forwardModel.ts';
import { velocityMaps } from '../src/engine/physics/velocityFamilies.ts';
import { OPENFWI_FORWARD } from '../src/engine/physics/waveEquation.ts';

const NT = OPENFWI_FORWARD.nt;

/** Seconds per sample of `kernel` on the current backend, from `samples` samples stepped `steps` times, scaled to NT steps. */
async function secondsPerSample(kernel: ForwardKernel, samples: number, steps: number): Promise<number> {
  const maps = velocityMaps('flat', 3, 0, samples);
  const params = { ...OPENFWI_FORWARD, nt: steps };
  await forwardModel(maps.subarray(0, 4900), { kernel, params: { ...params, nt: 2 } });
  const t0 = performance.now();
  await forwardModel(maps, { kernel, params, samplesPerBatch: samples });
  return ((performance.now() - t0) / 1000 / samples) * (NT / steps);
}

const NUMPY = String.raw`
import sys, time, numpy as np
import { errorMessage } from '../src/engine/errors.ts';
nbc, dx, dt, f, nt = 120, 10.0, 0.001, 15.0, int(sys.argv[1])
v = np.full((70, 70), 2000, np.float32); v[20:45] = 3000; v[45:] = 4000
vp = np.pad(v, nbc, mode='edge'); n = vp.shape[0]; a = (nbc - 1) * dx
k0 = 3 * v.min() * np.log(1e7) / (2 * a); d = np.zeros(n)
for i in range(nbc): d[i] = d[n - 1 - i] = k0 * ((nbc - 1 - i) * dx / a) ** 2
kap = np.maximum(d[:, None], d[None, :])
A = (2 - kap * dt).astype(np.float32); B = (1 - kap * dt).astype(np.float32); C = ((vp * dt / dx) ** 2).astype(np.float32)
nw = 2 * int(2.2 / (f * dt) / 2) + 1; k = np.arange(nw); beta = ((nw // 2 - k) * f * dt * np.pi) ** 2
w = np.zeros(nt); w[:min(nw, nt)] = ((1 - 2 * beta) * np.exp(-beta))[:nt]
c1, c2 = np.float32(4 / 3), np.float32(-1 / 12)
t0 = time.perf_counter()
for sc in [0, 17, 34, 52, 69]:
    p = np.zeros((n + 4, n + 4), np.float32); pp = np.zeros_like(p); sr, scol = nbc + 1, nbc + sc
    for t in range(nt):
        c = p[2:-2, 2:-2]
        L = np.float32(-5) * c + c1 * (p[1:-3, 2:-2] + p[3:-1, 2:-2] + p[2:-2, 1:-3] + p[2:-2, 3:-1]) + c2 * (p[:-4, 2:-2] + p[4:, 2:-2] + p[2:-2, :-4] + p[2:-2, 4:])
        pp[2:-2, 2:-2] = A * c - B * pp[2:-2, 2:-2] + C * L
        pp[2 + sr, 2 + scol] += np.float32((vp[sr, scol] * dt) ** 2 * w[t])
        p, pp = pp, p
print(time.perf_counter() - t0)
`;

function numpySecondsPerSample(steps: number): number | string {
  try {
    return (Number(execFileSync('python3', ['-c', NUMPY, String(steps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim()) * NT) / steps;
  } catch (e) {
    return `not run (${errorMessage(e).split('\n')[0]})`;
  }
}

function line(name: string, seconds: number, note = ''): void {
  console.log(`  ${name.padEnd(26)} ${(1 / seconds).toFixed(3).padStart(8)} samples/s  (${seconds.toFixed(2)} s per sample)${note ? `  ${note}` : ''}`);
}

export async function main(): Promise<void> {
  console.log(`forward model, 1 sample = 5 shots × ${NT} steps on ${70 + 2 * OPENFWI_FORWARD.nbc}×${70 + 2 * OPENFWI_FORWARD.nbc}:`);
  await tf.setBackend('cpu');
  const simd = await secondsPerSample('simd', 4, NT);
  line('WebAssembly SIMD kernel', simd, '4 samples, full records');
  const js = await secondsPerSample('js', 1, NT);
  line('plain-JS kernel', js, '1 sample, full records');
  const cpu = await secondsPerSample('tfjs', 1, 20);
  line('tf.js ops, cpu backend', cpu, 'timed over 20 steps, scaled');
  let wasm: number | null = null;
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) {
      wasm = await secondsPerSample('tfjs', 1, 50);
      line('tf.js ops, wasm backend', wasm, 'timed over 50 steps, scaled');
    }
  } catch (e) {
    console.log(`  tf.js ops, wasm backend   not run (${errorMessage(e)})`);
  }
  await tf.setBackend('cpu');
  console.log('  tf.js ops, webgpu backend  not run (no navigator.gpu in Node; the studio runs it in the browser)');
  const numpy = numpySecondsPerSample(200);
  if (typeof numpy === 'number') {
    line('numpy (python3)', numpy, 'timed over 200 steps, scaled');
    const ratio = (s: number) => `${(numpy / s).toFixed(s > numpy * 10 ? 3 : 2)}×`;
    console.log(`  speed relative to numpy (higher is faster): SIMD ${ratio(simd)}, plain JS ${ratio(js)}, tf.js cpu ${ratio(cpu)}${wasm ? `, tf.js wasm ${ratio(wasm)}` : ''}`);
  } else {
    console.log(`  numpy (python3)            ${numpy}`);
  }
}
