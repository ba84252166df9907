/**
 * Weights out for PaddleScience's VelocityGAN example: `model_gen.pdparams` / `model_dis.pdparams`
 * as `paddle.save(model.state_dict(), …)` writes them for `ppsci.arch.VelocityGenerator` /
 * `VelocityDiscriminator`: structured names under `generator.` / `discriminator.`, BatchNorm
 * buffers as `_mean` / `_variance` (Paddle keeps no batch count), float32 arrays in PyTorch's
 * layouts (Paddle's Conv2D is OIHW and Conv2DTranspose (in, out, kh, kw) as well).
 */
import { FwiError } from '../errors.ts';
import { encodePdparams } from '../io/pdparams.ts';
import { toFloat32, type SafeTensor } from '../io/safetensors.ts';
import { criticSteps } from './critic.ts';
import { generatorSteps } from './generator.ts';
import type { BlockSpec } from './layers.ts';
import { bnKey, convKey } from './network.ts';
import { widthsFromStateDict } from './stateDict.ts';
import type { CriticWidths, GeneratorWidths } from './widths.ts';

export const PADDLE_PREFIX = { generator: 'generator.', critic: 'discriminator.' } as const;

function blocksOf(kind: 'generator' | 'critic', tensors: Map<string, SafeTensor>): BlockSpec[] {
  const widths = widthsFromStateDict(kind, tensors);
  const steps = kind === 'generator' ? generatorSteps(widths as unknown as GeneratorWidths) : criticSteps(widths as unknown as CriticWidths);
  return steps.flatMap((s) => ('block' in s ? [s.block] : []));
}

/** A network's weights (studio / PyTorch names) as a `.pdparams` file PaddleScience's `set_state_dict` accepts. */
export function encodeNetworkPdparams(kind: 'generator' | 'critic', tensors: Map<string, SafeTensor>): Uint8Array {
  const prefix = PADDLE_PREFIX[kind];
  const out: [string, { dtype: 'F32'; shape: number[]; data: Float32Array }][] = [];
  const names = new Map<string, string>();
  let conv = 0;
  let deconv = 0;
  let bn = 0;
  const take = (key: string, paddleKey: string, parameter: string) => {
    const t = tensors.get(key);
    if (!t) throw new FwiError('weights', `the ${kind} has no "${key}"`);
    out.push([prefix + paddleKey, { dtype: 'F32', shape: [...t.shape], data: toFloat32(t) }]);
    names.set(prefix + paddleKey, parameter);
  };
  for (const block of blocksOf(kind, tensors)) {
    // Paddle's own parameter names (unique per process, so only indicative; loading goes by structured name).
    const layer = block.kind === 'conv' ? `conv2d_${conv++}` : `conv2d_transpose_${deconv++}`;
    const norm = `batch_norm2d_${bn++}`;
    take(convKey(block.name, 'weight'), convKey(block.name, 'weight'), `${layer}.w_0`);
    take(convKey(block.name, 'bias'), convKey(block.name, 'bias'), `${layer}.b_0`);
    take(bnKey(block.name, 'weight'), bnKey(block.name, 'weight'), `${norm}.w_0`);
    take(bnKey(block.name, 'bias'), bnKey(block.name, 'bias'), `${norm}.b_0`);
    take(bnKey(block.name, 'running_mean'), `${block.name}.layers.1._mean`, `${norm}.w_1`);
    take(bnKey(block.name, 'running_var'), `${block.name}.layers.1._variance`, `${norm}.w_2`);
  }
  return encodePdparams(out, names);
}
