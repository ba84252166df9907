/**
 * A network as the studio holds it: a list of reference-table steps, its variables keyed by
 * PyTorch state-dict names (TF layouts inside), and a forward pass in either BatchNorm mode.
 *
 * - `params`: `<block>.layers.0.weight|bias` (conv), `<block>.layers.1.weight|bias` (BN affine),
 *   trainable, in PyTorch's state-dict order.
 * - `buffers`: `<block>.layers.1.running_mean|running_var`, not trainable.
 * - `batchesTracked`: `<block>.layers.1.num_batches_tracked`, plain counts (int64 in PyTorch).
 * - `apply(x, training, derivatives)`: NHWC in, NHWC out (the critic flattens to `(N, 1)`). With
 *   `training = true` BatchNorm uses batch statistics and moves the running statistics and the
 *   counts, exactly once per call, as PyTorch's forward does.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormEval, batchNormTrain, type BatchNormState } from './batchNorm.ts';
import { initBlock, InitRandom } from './init.ts';
import { blockConv, crop, leakyReluSecondOrder, LEAKY_SLOPE, weightShape, type BlockSpec, type Step } from './layers.ts';
import { recomputedBlock } from './recomputedBlock.ts';

export interface Network {
  readonly kind: 'generator' | 'critic';
  readonly widths: readonly number[];
  readonly steps: readonly Step[];
  readonly params: Map<string, tf.Variable>;
  readonly buffers: Map<string, tf.Variable>;
  readonly batchesTracked: Map<string, number>;
  /**
   * The network on `x`. `derivatives`: how many times a gradient tape will differentiate the
   * result. 2 (the default where the network supports it) keeps the twice-differentiable op-by-op
   * form; 1 lets train-mode blocks keep only their inputs (recomputedBlock.ts).
   */
  apply(x: tf.Tensor4D, training: boolean, derivatives?: 1 | 2): tf.Tensor;
  /** Number of trainable values (PyTorch's `sum(p.numel() for p in parameters())`). */
  paramCount(): number;
  dispose(): void;
}

export interface NetworkOptions {
  kind: 'generator' | 'critic';
  widths: readonly number[];
  steps: readonly Step[];
  seed: number;
  /**
   * Second derivatives are supported (the critic's gradient penalty): the op-by-op form with the
   * LeakyReLU whose gradient is differentiable, unless a call asks for first derivatives only.
   */
  secondOrder: boolean;
  /**
   * Train-mode blocks as one operation that keeps only its input and recomputes the rest in the
   * backward pass (recomputedBlock.ts): first derivatives only, a fraction of the memory. Always
   * for a network without secondOrder; for one with it, in calls that ask for one derivative.
   */
  recompute: boolean;
  /**
   * Whether a gradient flows to the network's input: the critic's (the generator step
   * differentiates through it), not the generator's (the seismic, which nothing differentiates).
   */
  inputGradient: boolean;
  /** Reshape the final `(N, 1, 1, 1)` map to `(N, 1)` as the critic's flatten does. */
  flatten: boolean;
}

export const convKey = (block: string, what: 'weight' | 'bias'): string => `${block}.layers.0.${what}`;
export const bnKey = (block: string, what: 'weight' | 'bias' | 'running_mean' | 'running_var' | 'num_batches_tracked'): string =>
  `${block}.layers.1.${what}`;

class SequentialNetwork implements Network {
  readonly kind: 'generator' | 'critic';
  readonly widths: readonly number[];
  readonly steps: readonly Step[];
  readonly params = new Map<string, tf.Variable>();
  readonly buffers = new Map<string, tf.Variable>();
  readonly batchesTracked = new Map<string, number>();
  private readonly options: NetworkOptions;

  constructor(options: NetworkOptions) {
    this.options = options;
    this.kind = options.kind;
    this.widths = [...options.widths];
    this.steps = options.steps;
    const random = new InitRandom(options.seed);
    for (const step of options.steps) {
      if (!('block' in step)) continue;
      const spec = step.block;
      const init = initBlock(spec, random);
      // tf.variable keeps the initial tensor alive unless it is made inside a tidy.
      const variable = (values: Float32Array, shape: number[], trainable: boolean): tf.Variable =>
        tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), trainable));
      const c = [spec.outChannels];
      this.params.set(convKey(spec.name, 'weight'), variable(init.weight, weightShape(spec), true));
      this.params.set(convKey(spec.name, 'bias'), variable(init.bias, c, true));
      this.params.set(bnKey(spec.name, 'weight'), variable(init.bnWeight, c, true));
      this.params.set(bnKey(spec.name, 'bias'), variable(init.bnBias, c, true));
      this.buffers.set(bnKey(spec.name, 'running_mean'), variable(init.runningMean, c, false));
      this.buffers.set(bnKey(spec.name, 'running_var'), variable(init.runningVar, c, false));
      this.batchesTracked.set(bnKey(spec.name, 'num_batches_tracked'), 0);
    }
  }

  apply(x: tf.Tensor4D, training: boolean, derivatives: 1 | 2 = this.options.secondOrder ? 2 : 1): tf.Tensor {
    if (derivatives === 2 && !this.options.secondOrder) throw new Error(`the ${this.kind} is differentiable once only`);
    const recompute = this.options.recompute && derivatives === 1;
    return tf.tidy(() => {
      let y = x;
      for (const step of this.steps) {
        const inputGradient = y !== x || this.options.inputGradient;
        const next = tf.tidy(() => ('block' in step ? this.applyBlock(step.block, y, training, recompute, inputGradient) : crop(y, step.crop)));
        // Without a gradient tape (the critic step's generator pass, evaluation) nothing else
        // holds the previous output: free it now rather than at the end of the pass. Under a
        // tape the operations keep what their gradients need themselves.
        if (y !== x) y.dispose();
        y = next;
      }
      return this.options.flatten ? tf.reshape(y, [y.shape[0], -1]) : y;
    });
  }

  private applyBlock(spec: BlockSpec, x: tf.Tensor4D, training: boolean, recompute: boolean, inputGradient: boolean): tf.Tensor4D {
    const weight = this.params.get(convKey(spec.name, 'weight')) as tf.Tensor4D;
    const bias = this.params.get(convKey(spec.name, 'bias')) as tf.Tensor1D;
    const bn: BatchNormState = {
      weight: this.params.get(bnKey(spec.name, 'weight'))!,
      bias: this.params.get(bnKey(spec.name, 'bias'))!,
      runningMean: this.buffers.get(bnKey(spec.name, 'running_mean'))!,
      runningVar: this.buffers.get(bnKey(spec.name, 'running_var'))!,
    };
    if (!training) return this.activation(spec, batchNormEval(blockConv(spec, x, weight, bias), bn));
    const y = recompute
      ? recomputedBlock(spec, x, weight, bias, bn, inputGradient)
      : this.activation(spec, batchNormTrain(blockConv(spec, x, weight, bias), bn));
    const countKey = bnKey(spec.name, 'num_batches_tracked');
    this.batchesTracked.set(countKey, (this.batchesTracked.get(countKey) ?? 0) + 1);
    return y;
  }

  private activation(spec: BlockSpec, y: tf.Tensor4D): tf.Tensor4D {
    if (spec.activation === 'tanh') return tf.tanh(y);
    return this.options.secondOrder ? (leakyReluSecondOrder(y) as tf.Tensor4D) : tf.leakyRelu(y, LEAKY_SLOPE);
  }

  paramCount(): number {
    let total = 0;
    for (const v of this.params.values()) total += v.size;
    return total;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const v of this.buffers.values()) v.dispose();
    this.params.clear();
    this.buffers.clear();
  }
}

/** A freshly initialised network of the given table (PyTorch default init from `seed`). */
export function createNetwork(options: NetworkOptions): Network {
  return new SequentialNetwork(options);
}
