/**
 * The generator: OpenFWI's InversionNet, row for row as the reference table (section 3 of
 * VELOCITYGAN.md). Input: seismic NHWC `(N, 1000, 70, 5)` (time × receiver × shot); output:
 * velocity NHWC `(N, 70, 70, 1)` in [−1, 1]. 24,409,123 parameters at the full widths.
 */
import { createNetwork, type Network } from './network.ts';
import { block, type Step } from './layers.ts';
import { checkWidths, type GeneratorWidths } from './widths.ts';

/** The generator's steps for widths d1..d5. */
export function generatorSteps([d1, d2, d3, d4, d5]: GeneratorWidths): Step[] {
  return [
    block('convblock1', 'conv', 5, d1, [7, 1], [2, 1], [3, 0]),
    block('convblock2_1', 'conv', d1, d2, [3, 1], [2, 1], [1, 0]),
    block('convblock2_2', 'conv', d2, d2, [3, 1], 1, [1, 0]),
    block('convblock3_1', 'conv', d2, d2, [3, 1], [2, 1], [1, 0]),
    block('convblock3_2', 'conv', d2, d2, [3, 1], 1, [1, 0]),
    block('convblock4_1', 'conv', d2, d3, [3, 1], [2, 1], [1, 0]),
    block('convblock4_2', 'conv', d3, d3, [3, 1], 1, [1, 0]),
    block('convblock5_1', 'conv', d3, d3, 3, 2, 1),
    block('convblock5_2', 'conv', d3, d3, 3, 1, 1),
    block('convblock6_1', 'conv', d3, d4, 3, 2, 1),
    block('convblock6_2', 'conv', d4, d4, 3, 1, 1),
    block('convblock7_1', 'conv', d4, d4, 3, 2, 1),
    block('convblock7_2', 'conv', d4, d4, 3, 1, 1),
    block('convblock8', 'conv', d4, d5, [8, 9], 1, 0),
    block('deconv1_1', 'deconv', d5, d5, 5, 2, 0),
    block('deconv1_2', 'conv', d5, d5, 3, 1, 1),
    block('deconv2_1', 'deconv', d5, d4, 4, 2, 1),
    block('deconv2_2', 'conv', d4, d4, 3, 1, 1),
    block('deconv3_1', 'deconv', d4, d3, 4, 2, 1),
    block('deconv3_2', 'conv', d3, d3, 3, 1, 1),
    block('deconv4_1', 'deconv', d3, d2, 4, 2, 1),
    block('deconv4_2', 'conv', d2, d2, 3, 1, 1),
    block('deconv5_1', 'deconv', d2, d1, 4, 2, 1),
    block('deconv5_2', 'conv', d1, d1, 3, 1, 1),
    { crop: 5 },
    block('deconv6', 'conv', d1, 1, 3, 1, 1, 'tanh'),
  ];
}

/** A generator with PyTorch's default init drawn from `seed`. */
export function createGenerator(widths: GeneratorWidths, seed: number): Network {
  checkWidths(widths, 5, 'generator');
  return createNetwork({ kind: 'generator', widths, steps: generatorSteps(widths), seed, secondOrder: false, recompute: true, inputGradient: false, flatten: false });
}
