/**
 * Picks and starts the tf.js backend the trainer runs on: 'cpu' (pure JS, everywhere), 'wasm'
 * (XNNPACK, several times faster on a CPU) or 'webgpu' (the studio's worker). On cpu and wasm it
 * installs the conv gradients as forward convolutions (model/convGradients.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { errorMessage, FwiError } from '../errors.ts';
import { installConvGradients } from '../model/convGradients.ts';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgpu'];

/** Parses a user-given backend name; throws FwiError('usage') naming the choices. */
export function parseBackendName(name: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new FwiError('usage', `unknown backend "${name}" (choose ${BACKEND_NAMES.join(', ')})`);
}

/**
 * Registers (on first use), selects and initialises a backend, with what training needs on it.
 * Resolves to the name tf.js reports; throws FwiError('usage') when the backend cannot start here.
 */
export async function initBackend(name: BackendName): Promise<BackendName> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (name === 'wasm' || name === 'cpu') installConvGradients();
  if (name === 'webgpu') {
    if (typeof navigator === 'undefined' || !(navigator as Navigator & { gpu?: unknown }).gpu) {
      throw new FwiError('usage', 'the webgpu backend needs navigator.gpu (a WebGPU browser or the "webgpu" package in Node)');
    }
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new FwiError('usage', `the ${name} backend failed to start (${errorMessage(e)})`);
  }
  if (!ok) throw new FwiError('usage', `the ${name} backend failed to start`);
  await tf.ready();
  return tf.getBackend() as BackendName;
}
