/**
 * A small seeded random number generator (mulberry32) whose whole state is one 32-bit integer,
 * so a checkpoint can store it and a resumed run draws exactly the numbers the original would.
 * Used for shuffling, gradient-penalty α draws and anything else that must be reproducible.
 */

/** A seeded generator; `state` can be read and written to save and restore it. */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** Standard normal (Box–Muller, one value per call so the state stays one integer). */
  normal(): number;
  /** Fills a new Float32Array with uniform [0, 1) values. */
  uniformArray(n: number): Float32Array;
  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
  state: number;
}

/** Mixes two integers into one seed (e.g. a run seed and an epoch), so derived streams are independent. */
export function mixSeed(a: number, b: number): number {
  let h = Math.imul((a | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ (b | 0), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ Math.imul(b | 0, 0x27d4eb2d), 0x165667b1);
  return (h ^ (h >>> 15)) >>> 0;
}

/** mulberry32's state moves by this constant at every draw. */
const STATE_STEP = 0x6d2b79f5;

/** The state `createRng`'s generator reaches from `state` after `draws` draws of `next()` (computed, not drawn). */
export function advanceRngState(state: number, draws: number): number {
  return (state + Math.imul(draws, STATE_STEP)) >>> 0;
}

/** A mulberry32 generator started from `seed` (any number; taken modulo 2³²). */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + STATE_STEP) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    nextInt(n) {
      return Math.floor(next() * n);
    },
    normal() {
      const u = 1 - next(); // (0, 1], so the log is finite
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    uniformArray(n) {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = next();
      return out;
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
    get state() {
      return s;
    },
    set state(v: number) {
      s = v >>> 0;
    },
  };
  return rng;
}

/** The order of samples 0..n−1 for one epoch: a permutation fixed by (seed, epoch), so a resumed run repeats it. */
export function epochPermutation(n: number, seed: number, epoch: number): number[] {
  return createRng(mixSeed(seed, epoch)).shuffle(Array.from({ length: n }, (_, i) => i));
}
