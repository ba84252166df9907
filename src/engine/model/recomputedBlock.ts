/**
 * A train-mode block (conv → BatchNorm → activation) as one tape operation that keeps only its
 * input and its per-channel batch statistics, and recomputes its conv output in the backward
 * pass (activation checkpointing). The op-by-op form keeps about eight maps of the block's output
 * size until the backward pass ends; this keeps one map of its input size. The backward pass
 * costs one more convolution per block.
 *
 * First derivatives only, which is all the generator needs (in the critic step it runs without
 * a tape, and in the generator step it is differentiated once), and all the critic's calls on
 * real, fake and predicted velocity need; only its gradient-penalty call, differentiated twice,
 * runs op by op. Running statistics move once per
 * forward call, in the forward pass; the recomputation in the backward pass leaves them alone
 * and normalises with the statistics the forward pass saved.
 *
 * The backward pass also lets go of what only this block needed, as PyTorch's autograd does:
 * tf.js keeps every saved tensor and every intermediate gradient until the whole backward pass
 * ends, which at full widths holds another copy of all block outputs and their gradients. Its
 * saved input and the gradient of its output are used by this block's gradient alone (the
 * gradient arrives as a fresh tensor from the next block's gradient, the crop's or the loss's),
 * so it disposes them once its own gradients are made; tf.js's later disposal of them is a no-op.
 */
import * as tf from '@tensorflow/tfjs';
import { batchStatistics, channelSum, moveRunningStatistics, type BatchNormState } from './batchNorm.ts';
import { batchNormActivation, batchNormActivationGradient, inverseStd } from './batchNormActivation.ts';
import { blockConv, blockConvGradients, type BlockSpec } from './layers.ts';

/**
 * `act(BN_train(conv(x)))` for the block `spec`; its variables are explicit inputs, so their
 * gradients flow. With `inputGradient` false, `x` is not an input of the operation: the tape
 * has no path to it (asking for its gradient fails, as for any unconnected tensor) and the
 * backward pass skips the input gradient, which for the generator's first block is a map of
 * the seismic's size that nothing uses.
 */
export function recomputedBlock(
  spec: BlockSpec,
  x: tf.Tensor4D,
  weight: tf.Tensor4D,
  bias: tf.Tensor1D,
  bn: BatchNormState,
  inputGradient: boolean,
): tf.Tensor4D {
  const block = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = (inputGradient ? args.slice(0, 5) : [x, ...args.slice(0, 4)]) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
    const [input, w, b, gamma, beta] = tensors;
    const save = args.at(-1) as tf.GradSaveFunc;
    const c = blockConv(spec, input, w, b);
    const { mean, variance } = batchStatistics(c);
    moveRunningStatistics(bn, mean, variance, c.shape);
    const invStd = inverseStd(variance);
    // A no-op without a tape (the critic step's generator pass keeps nothing).
    save([input, w, b, gamma, beta, mean, invStd]);
    const value = batchNormActivation(c, mean, invStd, gamma, beta, spec.activation);
    c.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sx, sw, sb, sGamma, sBeta, sMean, sInvStd] = saved as [
          tf.Tensor4D,
          tf.Tensor4D,
          tf.Tensor1D,
          tf.Tensor1D,
          tf.Tensor1D,
          tf.Tensor1D,
          tf.Tensor1D,
        ];
        // batchNormActivationGradient frees dy and the recomputed conv output as it goes.
        const cAgain = blockConv(spec, sx, sw, sb);
        const { dc, dGamma, dBeta } = batchNormActivationGradient(dy as tf.Tensor4D, cAgain, sMean, sInvStd, sGamma, sBeta, spec.activation);
        const dBias = channelSum(dc);
        // One conv gradient at a time, so that their working maps are never alive together.
        const dWeight = blockConvGradients(spec, sx, sw, dc, 'weight');
        const dx = inputGradient ? blockConvGradients(spec, sx, sw, dc, 'input') : null;
        dc.dispose();
        sx.dispose();
        return inputGradient ? [dx!, dWeight, dBias, dGamma, dBeta] : [dWeight, dBias, dGamma, dBeta];
      },
    };
  });
  const variables = [weight, bias, bn.weight, bn.bias];
  return (inputGradient ? block(x, ...variables) : block(...variables)) as tf.Tensor4D;
}
