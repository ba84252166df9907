/**
 * Why Train is refused before it is pressed, when the backend's heap cannot hold the batch
 * (the trainer would refuse it with FwiError('memory') anyway, after building both networks).
 */
import type { BatchFit } from '../worker/protocol.ts';

const BACKEND_NAMES = { wasm: 'WebAssembly', webgpu: 'WebGPU', webgl: 'WebGL', cpu: 'CPU' } as const;

/** The readiness sentence for a batch too large for the backend, naming the largest batch that fits. */
export function batchFitText(fit: BatchFit): string {
  const backend = BACKEND_NAMES[fit.backend];
  const largest = fit.largest > 0 ? `largest ≈ ${fit.largest}` : 'no batch fits: use narrower widths';
  return `batch ${fit.batch} is too large for the ${backend} backend's memory at these widths (${largest})`;
}
