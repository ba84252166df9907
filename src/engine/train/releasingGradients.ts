/**
 * Reverse-mode gradients as tf.js computes them (the same tape, the same gradient functions, the
 * same results), but with the backward pass letting go of what it has used, as PyTorch's autograd
 * does. tf.js 4.22 keeps the gradient of every tensor on the tape, and every tensor the forward
 * pass saved, until the whole backward pass ends: the critic step's double backward then holds
 * about twice the tape at its peak. Here, once a tape node's gradient has been made:
 *
 * - the gradients of its outputs are freed (the tape runs in reverse order of creation, so nothing
 *   later needs them), unless one of them is an answer;
 * - a gradient added into an accumulated one is freed after the sum;
 * - its saved tensors are freed, when no enclosing gradient tape will differentiate this backward
 *   pass again (otherwise the enclosing tape's own saved copies are what keeps them).
 *
 * It drives tf.js's engine through members that are not in its typed API (the active tape, the
 * tape depth); tf.js's version is pinned and releasingGradients.test.ts checks the results against
 * tf.grad and tf.variableGrads, so an upgrade that changes them fails there.
 */
import * as tf from '@tensorflow/tfjs';

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  tidy<T>(name: string, f: () => T): T;
}

const engine = (): EngineInternals => tf.engine() as unknown as EngineInternals;

/** The nodes of `tape` on a path from one of `xs` to `y`, in tape order, their inputs pruned to those that depend on `xs`. */
function nodesBetween(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodeFromX.add(node.id);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      nodeToY.add(node.id);
      for (const t of Object.values(node.inputs)) toY.add(t.id);
    }
  }
  const filtered: TapeNode[] = [];
  for (const node of tape) {
    if (!nodeFromX.has(node.id) || !nodeToY.has(node.id)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id)) inputs[name] = t;
    filtered.push({ ...node, inputs });
  }
  return filtered;
}

/** The gradients of `y` along `tape` (walked backwards), releasing as it goes; returns the gradient of each of `xs` (null where unconnected). */
function backpropagate(tape: TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor, releaseSaved: boolean): (tf.Tensor | null)[] {
  const answers = new Set(xs.map((x) => x.id));
  const gradients = new Map<number, tf.Tensor>([[y.id, tf.ones(y.shape)]]);
  // How many entries of `gradients` hold each tensor: a gradient function may pass its dy on as a dx.
  const holders = new Map<tf.Tensor, number>([[gradients.get(y.id)!, 1]]);
  const hold = (t: tf.Tensor) => holders.set(t, (holders.get(t) ?? 0) + 1);
  const release = (t: tf.Tensor) => {
    const n = (holders.get(t) ?? 0) - 1;
    if (n > 0) holders.set(t, n);
    else {
      holders.delete(t);
      t.dispose();
    }
  };
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    const inputGradients = node.gradient(node.outputs.map((o) => gradients.get(o.id) ?? null));
    for (const [name, x] of Object.entries(node.inputs)) {
      if (!(name in inputGradients)) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
      const dx = tf.tidy(() => inputGradients[name]());
      if (dx.dtype !== 'float32' || !tf.util.arraysEqual(dx.shape, x.shape)) {
        throw new Error(`Error in gradient for op ${node.kernelName}: the gradient of '${name}' is ${dx.dtype} ${dx.shape}, its input ${x.shape}`);
      }
      const sum = gradients.get(x.id);
      if (sum === undefined) {
        gradients.set(x.id, dx);
        hold(dx);
      } else {
        const total = tf.add(sum, dx);
        gradients.set(x.id, total);
        hold(total);
        release(sum);
        if (!holders.has(dx)) dx.dispose();
      }
    }
    for (const o of node.outputs) {
      const g = gradients.get(o.id);
      if (g === undefined || answers.has(o.id)) continue;
      gradients.delete(o.id);
      release(g);
    }
    if (releaseSaved) for (const t of node.saved ?? []) t.dispose();
  }
  return xs.map((x) => gradients.get(x.id) ?? null);
}

/**
 * `{ value: f(), grads }` with the gradient of the scalar `f()` with respect to each of `xs` (null
 * where `f` does not depend on it), as tf.js's engine.gradients: recorded on an enclosing tape when
 * there is one, so that a gradient of this gradient can be taken.
 */
export function gradients(f: () => tf.Tensor, xs: readonly tf.Tensor[]): { value: tf.Tensor; grads: (tf.Tensor | null)[] } {
  const e = engine();
  return e.tidy('gradients', () => {
    const y = e.scopedRun(
      () => e.startTape(),
      () => e.endTape(),
      () => e.tidy('forward', f),
    );
    const outermost = e.state.gradientDepth === 0;
    const tape = e.state.activeTape!;
    try {
      const grads = e.tidy('backward', () => backpropagate(nodesBetween(tape, xs, y), xs, y, outermost));
      return { value: y, grads };
    } finally {
      if (outermost) {
        for (const node of tape) for (const t of node.saved ?? []) t.dispose();
        e.state.activeTape = null;
      }
    }
  });
}

/** tf.variableGrads(f, variables) with a releasing backward pass: `{ value, grads }`, grads keyed by variable name. */
export function variableGrads(f: () => tf.Scalar, variables: readonly tf.Variable[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const { value, grads } = gradients(f, variables);
  if (value.rank !== 0) throw new Error(`variableGrads: f must return a scalar, it returned rank ${value.rank}`);
  const named: tf.NamedTensorMap = {};
  variables.forEach((v, i) => {
    if (grads[i]) named[v.name] = grads[i]!;
  });
  return { value: value as tf.Scalar, grads: named };
}

/** The gradient of the scalar `f(x)` with respect to `x`, as tf.grad(f)(x), with a releasing backward pass. */
export function inputGradient(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): tf.Tensor {
  const { value, grads } = gradients(() => f(x), [x]);
  value.dispose();
  if (!grads[0]) throw new Error('inputGradient: f does not depend on x');
  return grads[0];
}
