/**
 * OpenFWI's evaluation metrics on normalised velocity maps in [−1, 1]:
 * MAE and MSE are global means over every pixel, RMSE = √MSE; SSIM is pytorch_ssim's on
 * `(x + 1)/2` (11×11 Gaussian window, σ 1.5, normalised to sum 1, zero padding 5 so the SSIM map
 * has the image's size, C1 = 0.01², C2 = 0.03²), averaged over all pixels of all samples.
 * In m/s, MAE and RMSE scale by `(label_max − label_min)/2`.
 *
 * Inputs are `(N, 1, H, W)` or `(N, H, W, 1)` tensors (the same memory for one channel).
 * `MetricsAccumulator` sums per-pixel quantities over batches, so the metrics of a whole
 * validation set equal those of one batch holding all of it; it keeps each sample's metrics too
 * (the same formulas over that sample's pixels).
 */
import * as tf from '@tensorflow/tfjs';

export const SSIM_WINDOW = 11;
export const SSIM_SIGMA = 1.5;
export const SSIM_C1 = 0.01 ** 2;
export const SSIM_C2 = 0.03 ** 2;

export interface Metrics {
  mae: number;
  mse: number;
  rmse: number;
  ssim: number;
}

export interface MetricsInMetres extends Metrics {
  /** MAE in m/s. */
  maeMs: number;
  /** RMSE in m/s. */
  rmseMs: number;
}

function asMaps(t: tf.Tensor): tf.Tensor4D {
  if (t.rank !== 4 || (t.shape[1] !== 1 && t.shape[3] !== 1)) {
    throw new Error(`metrics take (N, 1, H, W) or (N, H, W, 1) maps, got [${t.shape.join(', ')}]`);
  }
  const [n, a, b, c] = t.shape as [number, number, number, number];
  const nchw = a === 1 && c !== 1;
  return tf.reshape(t, nchw ? [n, b, c, 1] : [n, a, b, 1]);
}

/** The normalised 11×11 Gaussian window as a conv filter `[11, 11, 1, 1]`. */
export function gaussianWindow(size = SSIM_WINDOW, sigma = SSIM_SIGMA): tf.Tensor4D {
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - Math.floor(size / 2)) ** 2) / (2 * sigma * sigma)));
  const sum = g.reduce((a, b) => a + b, 0);
  const values = new Float32Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) values[i * size + j] = (g[i] / sum) * (g[j] / sum);
  return tf.tensor4d(values, [size, size, 1, 1]);
}

/** The per-pixel SSIM map `(N, H, W, 1)` of two batches of normalised maps. */
export function ssimMap(pred: tf.Tensor, label: tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const x = tf.div(tf.add(asMaps(pred), 1), 2) as tf.Tensor4D;
    const y = tf.div(tf.add(asMaps(label), 1), 2) as tf.Tensor4D;
    const window = gaussianWindow();
    const p = Math.floor(SSIM_WINDOW / 2);
    const blur = (t: tf.Tensor4D): tf.Tensor4D => tf.conv2d(t, window, 1, [[0, 0], [p, p], [p, p], [0, 0]]);
    const muX = blur(x);
    const muY = blur(y);
    const muX2 = tf.square(muX);
    const muY2 = tf.square(muY);
    const muXY = tf.mul(muX, muY);
    const sigmaX2 = tf.sub(blur(tf.square(x)), muX2);
    const sigmaY2 = tf.sub(blur(tf.square(y)), muY2);
    const sigmaXY = tf.sub(blur(tf.mul(x, y)), muXY);
    const num = tf.mul(tf.add(tf.mul(muXY, 2), SSIM_C1), tf.add(tf.mul(sigmaXY, 2), SSIM_C2));
    const den = tf.mul(tf.add(tf.add(muX2, muY2), SSIM_C1), tf.add(tf.add(sigmaX2, sigmaY2), SSIM_C2));
    return tf.div(num, den) as tf.Tensor4D;
  });
}

/** `[Σ|p − l|, Σ(p − l)², Σ ssim]` of each sample of a batch, as one `(N, 3)` tensor (read once). */
export function sampleSums(pred: tf.Tensor, label: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const d = tf.sub(asMaps(pred), asMaps(label));
    const perSample = (t: tf.Tensor) => tf.sum(t, [1, 2, 3]);
    return tf.stack([perSample(tf.abs(d)), perSample(tf.square(d)), perSample(ssimMap(pred, label))], 1) as tf.Tensor2D;
  });
}

/** `[Σ|p − l|, Σ(p − l)², Σ ssim]` over a batch, as one tensor (read once). */
export function metricSums(pred: tf.Tensor, label: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => tf.sum(sampleSums(pred, label), 0) as tf.Tensor1D);
}

/** One sample's metrics, `index` being its 0-based position in the dataset (numpy's). */
export interface SampleMetrics extends Metrics {
  index: number;
}

/**
 * Streams batches of (prediction, label) and gives the metrics of everything seen, and of each
 * sample: the whole set's sums are the samples' sums added up, so both come from one read.
 */
export class MetricsAccumulator {
  private absSum = 0;
  private squareSum = 0;
  private ssimSum = 0;
  private pixels = 0;
  private readonly perSample: SampleMetrics[] = [];

  /**
   * Adds one batch; the tensors are not disposed. `indices` are the samples' dataset indices
   * (default: counting on from the samples already added).
   */
  async add(pred: tf.Tensor, label: tf.Tensor, indices?: readonly number[]): Promise<void> {
    const sums = sampleSums(pred, label);
    try {
      const values = await sums.data();
      const n = sums.shape[0];
      if (indices && indices.length !== n) throw new Error(`${indices.length} indices for a batch of ${n} samples`);
      const pixels = pred.size / n;
      for (let i = 0; i < n; i++) {
        const [a, s, q] = [values[3 * i], values[3 * i + 1], values[3 * i + 2]];
        this.absSum += a;
        this.squareSum += s;
        this.ssimSum += q;
        const mse = s / pixels;
        this.perSample.push({ index: indices?.[i] ?? this.perSample.length, mae: a / pixels, mse, rmse: Math.sqrt(mse), ssim: q / pixels });
      }
      this.pixels += pred.size;
    } finally {
      sums.dispose();
    }
  }

  /** Each sample's metrics, in the order added. */
  samples(): SampleMetrics[] {
    return this.perSample.slice();
  }

  /** Values seen so far. */
  get count(): number {
    return this.pixels;
  }

  /** MAE, MSE, RMSE and SSIM over everything added (NaN before the first batch). */
  result(): Metrics {
    const mse = this.squareSum / this.pixels;
    return { mae: this.absSum / this.pixels, mse, rmse: Math.sqrt(mse), ssim: this.ssimSum / this.pixels };
  }

  /** The same plus MAE and RMSE in m/s for the label range. */
  resultInMetres(labelMin: number, labelMax: number): MetricsInMetres {
    return withMetres(this.result(), labelMin, labelMax);
  }
}

/** Adds MAE and RMSE in m/s: ×(label_max − label_min)/2. */
export function withMetres(m: Metrics, labelMin: number, labelMax: number): MetricsInMetres {
  const scale = (labelMax - labelMin) / 2;
  return { ...m, maeMs: m.mae * scale, rmseMs: m.rmse * scale };
}

/** All four metrics of one batch. */
export async function metrics(pred: tf.Tensor, label: tf.Tensor): Promise<Metrics> {
  const acc = new MetricsAccumulator();
  await acc.add(pred, label);
  return acc.result();
}

/** Mean absolute error over every pixel. */
export async function mae(pred: tf.Tensor, label: tf.Tensor): Promise<number> {
  return (await metrics(pred, label)).mae;
}

/** Mean squared error over every pixel. */
export async function mse(pred: tf.Tensor, label: tf.Tensor): Promise<number> {
  return (await metrics(pred, label)).mse;
}

/** √MSE. */
export async function rmse(pred: tf.Tensor, label: tf.Tensor): Promise<number> {
  return (await metrics(pred, label)).rmse;
}

/** Mean SSIM over all pixels of all samples. */
export async function ssim(pred: tf.Tensor, label: tf.Tensor): Promise<number> {
  return (await metrics(pred, label)).ssim;
}
