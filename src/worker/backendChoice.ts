/**
 * Picks the fastest tf.js backend this browser can run training on, in the order WebGPU, WebGL,
 * WASM, CPU, and keeps the reason every faster one was passed over, so the studio can say in words
 * why it is slower than it could be. WebGPU, wasm and cpu start through the engine's one starter
 * (engine/train/backend.ts, which holds the WebGPU device whose `lost` promise the studio watches);
 * only WebGL, which Node cannot run, is started here.
 */
import * as tf from '@tensorflow/tfjs';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { currentGpu, dropWebGpu, initBackend } from '../engine/train/backend.ts';
import type { BackendReport, StudioBackend } from './protocol.ts';
import { errorMessage } from '../engine/errors.ts';

export { currentGpu };
export const BACKEND_ORDER: readonly StudioBackend[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
};


async function tryBackend(name: StudioBackend): Promise<string | null> {
  try {
    if (name === 'webgl') {
      // WebGL is the studio's alone (the engine's starter has the backends Node can run too).
      if (typeof OffscreenCanvas === 'undefined') return 'WebGL in a worker needs OffscreenCanvas, which this browser lacks';
      if (!(await tf.setBackend('webgl'))) return 'the webgl backend failed to initialise';
      await tf.ready();
    } else {
      await initBackend(name, { wasmPaths: WASM_PATHS });
    }
    return null;
  } catch (e) {
    return errorMessage(e);
  }
}

/**
 * Starts the first backend that works, from `from` on down the order; resolves to what is in use
 * and why each faster one was skipped. `prefer` (a URL option) starts the search lower.
 */
export async function chooseBackend(prefer?: StudioBackend): Promise<BackendReport> {
  const start = prefer ? BACKEND_ORDER.indexOf(prefer) : 0;
  const fallbacks: BackendReport['fallbacks'] = [];
  for (const [i, name] of BACKEND_ORDER.entries()) {
    if (i < start) {
      fallbacks.push({ backend: name, reason: `skipped: the page asked for ${prefer}` });
      continue;
    }
    const failure = await tryBackend(name);
    if (failure === null) {
      const gpu = currentGpu();
      return { name, adapter: gpu?.adapterName ?? null, software: gpu?.software ?? false, fallbacks };
    }
    fallbacks.push({ backend: name, reason: failure });
  }
  throw new Error(`no tf.js backend could start: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`);
}

/**
 * After a lost device: drops the dead backend (its tensors are gone) and starts WebGPU afresh,
 * falling back down the order if it will not come back.
 */
export async function restartBackend(): Promise<BackendReport> {
  dropWebGpu();
  return chooseBackend();
}
