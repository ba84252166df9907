/**
 * The generator alone, in inference mode: validation metrics, predictions and snapshots. It builds
 * no critic and no optimiser moments, so Evaluate and `fwi eval` cost one generator's weights.
 *
 * An evaluator either owns a generator it built from PyTorch-named weights (`fromWeights`) or
 * borrows the trainer's live one (`over`); only an owned one is released by `dispose`.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainConfig } from '../config.ts';
import type { Dataset } from '../data/dataset.ts';
import { mixSeed } from '../data/random.ts';
import { denormalizeVelocity, normalizeSeismic, normalizeVelocity } from '../data/transforms.ts';
import { FwiError } from '../errors.ts';
import type { ByteSink } from '../io/byteSource.ts';
import { NpyWriter } from '../io/npy.ts';
import type { SafeTensor } from '../io/safetensors.ts';
import { createGenerator } from '../model/generator.ts';
import type { Network } from '../model/network.ts';
import { loadStateDict, widthsFromStateDict } from '../model/stateDict.ts';
import type { GeneratorWidths } from '../model/widths.ts';
import { nchwToNhwc, nhwcToNchw } from '../train/steps.ts';
import { MetricsAccumulator, type Metrics, type SampleMetrics } from './metrics.ts';

/** The most samples one inference forward pass takes (see `Evaluator.passSize`). */
export const INFERENCE_BATCH_MAX = 8;
/** The generator's output is 70×70 whatever the input (the reference's crop). */
export const VELOCITY_SIZE = 70;

/** One sample's scores: the normalised metrics, and MAE / RMSE in m/s. */
export interface SampleScore extends SampleMetrics {
  maeMs: number;
  rmseMs: number;
}

/** G on a labelled dataset: OpenFWI's validation loss and the reference metrics, overall and per sample. */
export interface Evaluation extends Metrics {
  samples: number;
  /** λ_g1v·L1 + λ_g2v·MSE on the normalised scale. */
  loss: number;
  maeMs: number;
  rmseMs: number;
  /** Every sample's scores, in dataset order. */
  perSample: SampleScore[];
}

/** Samples read and predicted together (`Evaluator.predictSamples`); maps are (n, 70, 70) row-major. */
export interface PredictedSamples {
  indices: number[];
  /** Raw seismic, (n, 5, 1000, 70). */
  seismic: Float32Array;
  /** True velocity in m/s; null for seismic-only data. */
  truth: Float32Array | null;
  /** G's prediction in m/s. */
  predicted: Float32Array;
}

/**
 * Called before each inference pass of `evaluate`: it may wait (a paused run) and resolves to
 * false to end the evaluation there (a stopped run); the evaluation then rejects with
 * FwiError('cancelled').
 */
export type BetweenPasses = () => Promise<boolean>;

export class Evaluator {
  private constructor(
    private readonly generator: Network,
    /** Normalisation, loss weights and batch size (the widths are the generator's own). */
    readonly config: TrainConfig,
    private readonly owned: boolean,
  ) {}

  /** An evaluator owning a generator built at the weights' own widths and loaded with them (FwiError('weights') if they do not fit). */
  static fromWeights(weights: Map<string, SafeTensor>, config: TrainConfig, file?: string): Evaluator {
    const widths = widthsFromStateDict('generator', weights, file) as unknown as TrainConfig['generatorWidths'];
    const generator = createGenerator(widths as unknown as GeneratorWidths, mixSeed(config.seed, 1));
    try {
      loadStateDict(generator, weights, file ?? 'generator weights');
    } catch (e) {
      generator.dispose();
      throw e;
    }
    return new Evaluator(generator, { ...config, widthPreset: 'custom', generatorWidths: widths }, true);
  }

  /** An evaluator over a generator someone else owns (the trainer's live one). */
  static over(generator: Network, config: TrainConfig): Evaluator {
    return new Evaluator(generator, config, false);
  }

  /**
   * Samples per inference forward pass. Inference-mode BatchNorm uses the running statistics, so
   * the result does not depend on it; capping it keeps a full-width forward pass (every
   * intermediate alive inside one tidy) well inside the wasm heap even when training uses batch 64.
   */
  get passSize(): number {
    return Math.min(this.config.batchSize, INFERENCE_BATCH_MAX);
  }

  /** Validation loss, MAE, RMSE, SSIM (normalised and m/s) on a labelled dataset. */
  async evaluate(dataset: Dataset, between?: BetweenPasses): Promise<Evaluation> {
    if (!dataset.hasLabels) throw new FwiError('usage', 'evaluation needs velocity labels (the annotation lines have seismic only)');
    const t = this.config.transform;
    const acc = new MetricsAccumulator();
    let samples = 0;
    for await (const batch of dataset.batches({ batchSize: this.passSize, shuffle: false, dropLast: false })) {
      if (between && !(await between())) throw new FwiError('cancelled', `evaluation stopped after ${samples} of ${dataset.length} samples`);
      const n = batch.indices.length;
      const pred = this.predictTensor(dataset, batch.seismic, n);
      const label = nchwToNhwc(normalizeVelocity(batch.velocity!, t), [n, ...dataset.velocityShape!]);
      try {
        await acc.add(pred, label, batch.indices);
      } finally {
        tf.dispose([pred, label]);
      }
      samples += n;
    }
    return this.evaluation(acc.result(), acc.samples(), samples);
  }

  /** Writes G's predictions for every sample of `dataset` to `sink` as a `.npy` (n, 1, 70, 70) in m/s. */
  async predict(dataset: Dataset, sink: ByteSink, onProgress?: (done: number, total: number) => void): Promise<void> {
    const writer = new NpyWriter(sink, [dataset.length, 1, VELOCITY_SIZE, VELOCITY_SIZE], 'predictions.npy');
    let done = 0;
    for await (const batch of dataset.batches({ batchSize: this.passSize, shuffle: false, dropLast: false })) {
      await writer.writeRows(await this.predictVelocity(dataset, batch.seismic, batch.indices.length));
      done += batch.indices.length;
      onProgress?.(done, dataset.length);
    }
    await writer.close();
  }

  /** Predicted velocities (m/s, (n, 70, 70) row-major) of raw NCHW seismic samples of `dataset`, in one pass. */
  async predictVelocity(dataset: Dataset, rawSeismic: Float32Array, n: number): Promise<Float32Array> {
    const out = this.predictTensor(dataset, rawSeismic, n);
    try {
      return denormalizeVelocity(await nhwcToNchw(out), this.config.transform);
    } finally {
      out.dispose();
    }
  }

  /** Some samples of a labelled or seismic-only dataset: their raw seismic, true velocity (m/s, null without labels) and G's prediction (m/s). */
  async predictSamples(dataset: Dataset, indices: readonly number[]): Promise<PredictedSamples> {
    const { seismic, velocity } = await dataset.read(indices);
    const predicted = new Float32Array(indices.length * VELOCITY_SIZE * VELOCITY_SIZE);
    const perSeismic = dataset.seismicShape.reduce((a, b) => a * b, 1);
    for (let first = 0; first < indices.length; first += this.passSize) {
      const n = Math.min(this.passSize, indices.length - first);
      predicted.set(await this.predictVelocity(dataset, seismic.subarray(first * perSeismic, (first + n) * perSeismic), n), first * VELOCITY_SIZE * VELOCITY_SIZE);
    }
    return { indices: [...indices], seismic, truth: velocity, predicted };
  }

  /** Releases the generator if this evaluator built it. */
  dispose(): void {
    if (this.owned) this.generator.dispose();
  }

  /** G(x) in inference mode for a raw NCHW seismic batch: normalised velocity, NHWC. */
  private predictTensor(dataset: Dataset, rawSeismic: Float32Array, n: number): tf.Tensor4D {
    const shape = [n, ...dataset.seismicShape] as [number, number, number, number];
    const data = nchwToNhwc(normalizeSeismic(rawSeismic, this.config.transform), shape);
    try {
      return tf.tidy(() => this.generator.apply(data, false) as tf.Tensor4D);
    } finally {
      data.dispose();
    }
  }

  private evaluation(m: Metrics, perSample: SampleMetrics[], samples: number): Evaluation {
    const half = (this.config.transform.labelMax - this.config.transform.labelMin) / 2;
    const { g1v, g2v } = this.config.lambda;
    return {
      samples,
      loss: g1v * m.mae + g2v * m.mse,
      mae: m.mae,
      mse: m.mse,
      rmse: m.rmse,
      ssim: m.ssim,
      maeMs: m.mae * half,
      rmseMs: m.rmse * half,
      perSample: perSample.map((p) => ({ ...p, maeMs: p.mae * half, rmseMs: p.rmse * half })),
    };
  }
}
