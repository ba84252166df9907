/**
 * PyTorch's default initialisation, seeded: Conv2d / ConvTranspose2d weights and biases are
 * U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5 reduces to that bound), with PyTorch's
 * fan_in (`out·kh·kw` for a transposed conv, see `fanIn`). BatchNorm starts at γ = 1, β = 0,
 * running mean 0, running variance 1. The same seed gives the same weights on every backend,
 * because the numbers come from a JS generator, not from a backend kernel.
 */
import { fanIn, weightShape, type BlockSpec } from './layers.ts';

/** A small, fast, seedable uniform generator (mulberry32); `next()` is in [0, 1). */
export class InitRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** `count` values drawn from U(−bound, bound). */
  uniform(count: number, bound: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = (2 * this.next() - 1) * bound;
    return out;
  }
}

export interface BlockInit {
  weight: Float32Array;
  bias: Float32Array;
  bnWeight: Float32Array;
  bnBias: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
}

/** Initial values of one block (TF layout for the weight), drawn weight first, then bias. */
export function initBlock(spec: BlockSpec, random: InitRandom): BlockInit {
  const bound = 1 / Math.sqrt(fanIn(spec));
  const size = weightShape(spec).reduce((a, b) => a * b, 1);
  const c = spec.outChannels;
  return {
    weight: random.uniform(size, bound),
    bias: random.uniform(c, bound),
    bnWeight: new Float32Array(c).fill(1),
    bnBias: new Float32Array(c),
    runningMean: new Float32Array(c),
    runningVar: new Float32Array(c).fill(1),
  };
}
