/**
 * One process, one batch size: runs VelocityGAN training iterations (a critic step with the
 * gradient penalty, then a generator step) and prints one JSON line with the process's peak
 * resident memory after each step and the steps' times. Peak RSS only grows, so the bench runs
 * this once per batch size and takes the difference (the marginal memory per sample), which
 * cancels Node, tf.js, the weights and the optimiser state.
 *
 * usage: tsx bench/trainMemory.ts --backend wasm --widths full --batch 4 [--iterations 2]
 */
import * as tf from '@tensorflow/tfjs';
import { WIDTH_PRESETS } from '../src/engine/config.ts';
import { initBackend, parseBackendName } from '../src/engine/train/backend.ts';
import { alphaTensor, criticStep, generatorStep } from '../src/engine/train/steps.ts';
import { createBenchRun } from './benchRun.ts';

export interface TrainMemoryResult {
  backend: string;
  widths: string;
  batch: number;
  /** Peak RSS (bytes) with the networks, optimisers and batch in place, before any step. */
  setupPeakBytes: number;
  /** Peak RSS (bytes) after the first critic step (before any generator step) and after the last generator step. */
  criticPeakBytes: number;
  generatorPeakBytes: number;
  /** On wasm, the module's heap size after the first critic step and after the last generator step (it only grows); else null. */
  criticHeapBytes: number | null;
  generatorHeapBytes: number | null;
  /** Seconds of the last critic step and the last generator step (the first ones warm up). */
  criticS: number;
  generatorS: number;
}

const LOSS_WEIGHTS = { g1v: 100, g2v: 0, adv: 1, gp: 10 };

function option(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

/** The wasm module's heap size: its high-water mark, which the 4 GiB limit applies to. */
function wasmHeap(): number | null {
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return tf.getBackend() === 'wasm' ? (backend.wasm?.HEAPU8?.length ?? null) : null;
}

async function main(): Promise<void> {
  const backend = await initBackend(parseBackendName(option('backend', 'wasm')));
  const widths = option('widths', 'full') as keyof typeof WIDTH_PRESETS;
  const batch = Number(option('batch'));
  const iterations = Number(option('iterations', '2'));
  // The process ends after one JSON line, so nothing is disposed.
  const { G, D, optG, optD, rng, data, label } = createBenchRun(widths, batch);
  const setupPeakBytes = peakRss();
  let criticPeakBytes = 0;
  let generatorPeakBytes = 0;
  let criticHeapBytes: number | null = null;
  let generatorHeapBytes: number | null = null;
  let criticS = 0;
  let generatorS = 0;
  for (let i = 0; i < iterations; i++) {
    const alpha = alphaTensor(() => rng.next(), batch);
    let t = performance.now();
    await criticStep(G, D, optD, data, label, alpha, LOSS_WEIGHTS);
    criticS = (performance.now() - t) / 1000;
    // The critic step's own peak is the first one's: later ones include the generator step's.
    if (i === 0) {
      criticPeakBytes = peakRss();
      criticHeapBytes = wasmHeap();
    }
    alpha.dispose();
    t = performance.now();
    await generatorStep(G, D, optG, data, label, LOSS_WEIGHTS);
    generatorS = (performance.now() - t) / 1000;
    generatorPeakBytes = peakRss();
    generatorHeapBytes = wasmHeap();
  }
  const result: TrainMemoryResult = { backend, widths, batch, setupPeakBytes, criticPeakBytes, generatorPeakBytes, criticHeapBytes, generatorHeapBytes, criticS, generatorS };
  console.log(JSON.stringify(result));
}

await main();
