/**
 * AdamW exactly as PyTorch's (`torch.optim.AdamW`, single-tensor path): for step t,
 *   p ← p·(1 − lr·wd)                         (decoupled weight decay, first)
 *   m ← m + (1 − β1)·(g − m),  v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)
 * State (the moments) is keyed by parameter name, so checkpoints survive any reordering.
 * `getState()` gives plain arrays (moments in the variables' own TF layouts) for a
 * safetensors + JSON checkpoint; `setState()` checks names and sizes before touching anything.
 * `lr` may be changed between steps (schedules); the others are fixed at construction.
 */
import * as tf from '@tensorflow/tfjs';
import { FwiError } from '../errors.ts';

export interface AdamWOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

export interface MomentArray {
  shape: number[];
  data: Float32Array;
}

export interface AdamWState {
  /** Steps taken so far (PyTorch's `state[p]['step']`, the same for every parameter here). */
  step: number;
  m: Record<string, MomentArray>;
  v: Record<string, MomentArray>;
}

export class AdamW {
  lr: number;
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  private stepCount = 0;
  private readonly params: Map<string, tf.Variable>;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(params: Map<string, tf.Variable>, opts: AdamWOptions) {
    this.params = params;
    this.lr = opts.lr;
    this.betas = [opts.betas[0], opts.betas[1]];
    this.eps = opts.eps;
    this.weightDecay = opts.weightDecay;
    for (const [name, p] of params) {
      // Inside a tidy, or the zero tensors would outlive the optimiser.
      this.m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    }
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.stepCount;
  }

  /** One update of every parameter from `grads` (keyed by parameter name; each must be present). Does not dispose `grads`. */
  step(grads: Map<string, tf.Tensor>): void {
    for (const name of this.params.keys()) {
      if (!grads.has(name)) throw new Error(`AdamW: no gradient for parameter "${name}"`);
    }
    this.stepCount += 1;
    const t = this.stepCount;
    const [b1, b2] = this.betas;
    const stepSize = this.lr / (1 - b1 ** t);
    const bias2Sqrt = Math.sqrt(1 - b2 ** t);
    const decay = 1 - this.lr * this.weightDecay;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name)!;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const decayed = tf.mul(p, decay);
        const mNext = tf.add(m, tf.mul(tf.sub(g, m), 1 - b1));
        const vNext = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        const denom = tf.add(tf.div(tf.sqrt(vNext), bias2Sqrt), this.eps);
        p.assign(tf.sub(decayed, tf.mul(tf.div(mNext, denom), stepSize)));
        m.assign(mNext);
        v.assign(vNext);
      }
    });
  }

  /** A copy of the state as plain arrays, keyed by parameter name. */
  async getState(): Promise<AdamWState> {
    const read = async (vars: Map<string, tf.Variable>): Promise<Record<string, MomentArray>> => {
      const out: Record<string, MomentArray> = {};
      for (const [name, v] of vars) out[name] = { shape: [...v.shape], data: Float32Array.from((await v.data()) as Float32Array) };
      return out;
    };
    return { step: this.stepCount, m: await read(this.m), v: await read(this.v) };
  }

  /** Restores a state from `getState()`; FwiError('weights') naming every parameter that does not fit, before changing anything. */
  setState(state: AdamWState): void {
    const problems: string[] = [];
    if (!Number.isInteger(state.step) || state.step < 0) problems.push(`step ${state.step} is not a count`);
    for (const [which, given] of [['m', state.m], ['v', state.v]] as const) {
      for (const [name, p] of this.params) {
        const a = given[name];
        if (!a) problems.push(`${which}: missing "${name}"`);
        else if (a.data.length !== p.size || a.shape.length !== p.shape.length || a.shape.some((d, i) => d !== p.shape[i])) {
          problems.push(`${which}: "${name}" has shape [${a.shape.join(', ')}], expected [${p.shape.join(', ')}]`);
        }
      }
      for (const name of Object.keys(given)) if (!this.params.has(name)) problems.push(`${which}: unexpected "${name}"`);
    }
    if (problems.length) throw new FwiError('weights', `optimiser state does not fit: ${problems.join('; ')}`);
    this.stepCount = state.step;
    for (const [which, vars] of [[state.m, this.m], [state.v, this.v]] as const) {
      for (const [name, variable] of vars) {
        const value = tf.tensor(which[name].data, variable.shape, 'float32');
        variable.assign(value);
        value.dispose();
      }
    }
  }

  dispose(): void {
    for (const v of this.m.values()) v.dispose();
    for (const v of this.v.values()) v.dispose();
    this.m.clear();
    this.v.clear();
  }
}
