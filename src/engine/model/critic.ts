/**
 * The critic: OpenFWI's Discriminator, row for row as the reference table. Input: velocity NHWC
 * `(N, 70, 70, 1)`; output: scores `(N, 1)`. 1,180,003 parameters at widths 32/64/128/256.
 * Called for the gradient penalty, it runs op by op with the second-order-safe LeakyReLU, because
 * the penalty differentiates the critic's input gradient again; its other calls are differentiated
 * once and ask for the recomputed blocks (`apply(x, true, 1)`), which keep only block inputs.
 */
import { createNetwork, type Network } from './network.ts';
import { block, type Step } from './layers.ts';
import { checkWidths, type CriticWidths } from './widths.ts';

/** The critic's steps for widths d1..d4. */
export function criticSteps([d1, d2, d3, d4]: CriticWidths): Step[] {
  return [
    block('convblock1_1', 'conv', 1, d1, 3, 2, 1),
    block('convblock1_2', 'conv', d1, d1, 3, 1, 1),
    block('convblock2_1', 'conv', d1, d2, 3, 2, 1),
    block('convblock2_2', 'conv', d2, d2, 3, 1, 1),
    block('convblock3_1', 'conv', d2, d3, 3, 2, 1),
    block('convblock3_2', 'conv', d3, d3, 3, 1, 1),
    block('convblock4_1', 'conv', d3, d4, 3, 2, 1),
    block('convblock4_2', 'conv', d4, d4, 3, 1, 1),
    block('convblock5', 'conv', d4, 1, 5, 1, 0),
  ];
}

/** A critic with PyTorch's default init drawn from `seed`. */
export function createCritic(widths: CriticWidths, seed: number): Network {
  checkWidths(widths, 4, 'critic');
  return createNetwork({ kind: 'critic', widths, steps: criticSteps(widths), seed, secondOrder: true, recompute: true, inputGradient: true, flatten: true });
}
