/**
 * The comparisons of the parity check, one function per kind of quantity, each returning a row:
 * forward outputs and running statistics by max abs error, losses by relative error, metrics by
 * abs error, gradients by the relative L2 norm of the whole network's gradient (conv biases
 * that feed a BatchNorm aside: their true gradient is 0, so they pass when small next to their
 * conv's weight gradient), parameters after an AdamW step by the fixture's
 * "params_after_step" rule (Adam's first step moves a weight by about lr·sign(g), so where g is
 * noise the weight may land up to 2·lr away).
 */
import type { SafeTensor } from '../io/safetensors.ts';
import type { ParityTolerances } from './manifest.ts';

export interface ParityRow {
  quantity: string;
  /** Largest absolute difference. */
  maxAbs: number;
  /** The relative measure the row is judged by, or max abs over the reference's largest magnitude (NaN when none applies). */
  relative: number;
  /** The rule, in words, e.g. "max abs ≤ 1e-3". */
  tolerance: string;
  pass: boolean;
  /** Where the worst difference is, or what did not fit. */
  detail?: string;
}

type Values = ArrayLike<number>;

function maxAbsDiff(a: Values, b: Values): { max: number; at: number } {
  let max = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN must fail, so it counts as infinitely far.
    const dd = Number.isNaN(d) ? Infinity : d;
    if (dd > max) {
      max = dd;
      at = i;
    }
  }
  return { max, at };
}

function maxAbs(a: Values): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

const fmt = (x: number): string => x.toExponential(0);

function sizeMismatch(quantity: string, ours: Values, ref: Values, tolerance: string): ParityRow | undefined {
  if (ours.length === ref.length) return undefined;
  return { quantity, maxAbs: NaN, relative: NaN, tolerance, pass: false, detail: `${ours.length} values, the fixture has ${ref.length}` };
}

/** An array (forward output, normalised input) by max abs error. */
export function compareArray(quantity: string, ours: Values, ref: Values, tol: number): ParityRow {
  const tolerance = `max abs ≤ ${fmt(tol)}`;
  const bad = sizeMismatch(quantity, ours, ref, tolerance);
  if (bad) return bad;
  const { max } = maxAbsDiff(ours, ref);
  return { quantity, maxAbs: max, relative: max / (maxAbs(ref) || 1), tolerance, pass: max <= tol };
}

/** A loss by relative error `|ours − ref| / |ref|` (absolute where ref is 0). */
export function compareLoss(quantity: string, ours: number, ref: number, tol: number): ParityRow {
  const abs = Math.abs(ours - ref);
  const relative = ref === 0 ? abs : abs / Math.abs(ref);
  return { quantity, maxAbs: abs, relative, tolerance: `rel ≤ ${fmt(tol)}`, pass: Number.isFinite(relative) && relative <= tol };
}

/** A metric by absolute error. */
export function compareMetric(quantity: string, ours: number, ref: number, tol: number): ParityRow {
  const abs = Math.abs(ours - ref);
  return { quantity, maxAbs: abs, relative: abs / (Math.abs(ref) || 1), tolerance: `abs ≤ ${fmt(tol)}`, pass: Number.isFinite(abs) && abs <= tol };
}

function missingKeys(ours: Map<string, Values>, ref: Map<string, SafeTensor>, names: Iterable<string>): string[] {
  return [...names].filter((n) => !ours.has(n) || !ref.has(n) || ours.get(n)!.length !== ref.get(n)!.data.length);
}

const asNumbers = (t: SafeTensor): Values => t.data as Values;

/**
 * A network's gradients: relative L2 over every parameter but the conv biases feeding a
 * BatchNorm (`biasToWeight` maps each to its conv weight), and a second row for those biases.
 */
export function compareGradients(
  quantity: string,
  ours: Map<string, Values>,
  ref: Map<string, SafeTensor>,
  biasToWeight: Map<string, string>,
  relTol: number,
  tolerances: ParityTolerances,
): ParityRow[] {
  const names = [...ours.keys()];
  const problems = missingKeys(ours, ref, names);
  const extra = [...ref.keys()].filter((k) => !ours.has(k));
  const tolerance = `rel L2 ≤ ${fmt(relTol)}`;
  if (problems.length || extra.length) {
    const detail = [problems.length ? `missing or wrong size: ${problems.join(', ')}` : '', extra.length ? `not parameters: ${extra.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return [{ quantity, maxAbs: NaN, relative: NaN, tolerance, pass: false, detail }];
  }
  let diff2 = 0;
  let ref2 = 0;
  let max = 0;
  let worst = '';
  for (const name of names) {
    if (biasToWeight.has(name)) continue;
    const a = ours.get(name)!;
    const b = asNumbers(ref.get(name)!);
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      diff2 += d * d;
      ref2 += b[i] * b[i];
    }
    const m = maxAbsDiff(a, b).max;
    if (m > max || !worst) {
      max = Math.max(max, m);
      worst = name;
    }
  }
  const relative = Math.sqrt(diff2 / (ref2 || 1));
  const rows: ParityRow[] = [
    { quantity, maxAbs: max, relative, tolerance, pass: Number.isFinite(relative) && relative <= relTol, detail: `largest abs difference in ${worst}` },
  ];
  if (biasToWeight.size) {
    let ratio = 0;
    let biasMax = 0;
    let where = '';
    for (const [bias, weight] of biasToWeight) {
      const g = ours.get(bias)!;
      const r = Math.sqrt(sumSquares(g)) / (Math.sqrt(sumSquares(ours.get(weight)!)) || Number.MIN_VALUE);
      biasMax = Math.max(biasMax, maxAbs(g));
      if (!(r <= ratio)) {
        ratio = r;
        where = bias;
      }
    }
    const limit = tolerances.biasBeforeBnRatio;
    rows.push({
      quantity: `${quantity} (conv biases before BN)`,
      maxAbs: biasMax,
      relative: ratio,
      tolerance: `‖g_b‖ ≤ ${fmt(limit)}·‖g_w‖`,
      pass: ratio <= limit,
      detail: `largest ratio in ${where}`,
    });
  }
  return rows;
}

function sumSquares(a: Values): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

/** Parameters after an AdamW step, by the fixture's params_after_step rule. */
export function compareParamsAfterStep(
  quantity: string,
  ours: Map<string, Values>,
  ref: Map<string, SafeTensor>,
  paramNames: readonly string[],
  biasToWeight: Map<string, string>,
  lr: number,
  t: ParityTolerances,
): ParityRow {
  const bound = t.paramsStepMultiple * lr + t.paramsCloseAbs;
  const tolerance = `${t.paramsCloseShare * 100}% ≤ ${fmt(t.paramsCloseAbs)}, all ≤ ${t.paramsStepMultiple}·lr`;
  const problems = missingKeys(ours, ref, paramNames);
  if (problems.length) return { quantity, maxAbs: NaN, relative: NaN, tolerance, pass: false, detail: `missing or wrong size: ${problems.join(', ')}` };
  let max = 0;
  let worstShareFar = 0;
  let worst = '';
  const failures: string[] = [];
  for (const name of paramNames) {
    const a = ours.get(name)!;
    const b = asNumbers(ref.get(name)!);
    let far = 0;
    let m = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      if (!(d <= t.paramsCloseAbs)) far++;
      if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
    }
    const shareFar = far / a.length;
    if (m > max) max = m;
    const noise = biasToWeight.has(name);
    const ok = m <= bound && (noise || 1 - shareFar >= t.paramsCloseShare);
    if (!ok) failures.push(`${name} (max ${m.toExponential(2)}, ${(shareFar * 100).toFixed(1)}% > ${fmt(t.paramsCloseAbs)})`);
    if (!noise && shareFar >= worstShareFar) {
      worstShareFar = shareFar;
      worst = name;
    }
  }
  return {
    quantity,
    maxAbs: max,
    relative: worstShareFar,
    tolerance,
    pass: failures.length === 0,
    detail: failures.length ? `fails: ${failures.join('; ')}` : `largest share beyond ${fmt(t.paramsCloseAbs)}: ${(worstShareFar * 100).toFixed(2)}% in ${worst}`,
  };
}

/** BatchNorm running statistics by max abs, and the batch counts exactly. */
export function compareRunningStats(
  quantity: string,
  ours: Map<string, Values>,
  ref: Map<string, SafeTensor>,
  statNames: readonly string[],
  countNames: readonly string[],
  tol: number,
): ParityRow {
  const tolerance = `max abs ≤ ${fmt(tol)}, counts equal`;
  const problems = missingKeys(ours, ref, statNames);
  if (problems.length) return { quantity, maxAbs: NaN, relative: NaN, tolerance, pass: false, detail: `missing or wrong size: ${problems.join(', ')}` };
  let max = 0;
  let refMax = 0;
  let worst = '';
  for (const name of statNames) {
    const m = maxAbsDiff(ours.get(name)!, asNumbers(ref.get(name)!)).max;
    refMax = Math.max(refMax, maxAbs(asNumbers(ref.get(name)!)));
    if (m > max || !worst) {
      max = Math.max(max, m);
      worst = name;
    }
  }
  const countErrors = countNames
    .filter((n) => ref.has(n))
    .filter((n) => Number(ref.get(n)!.data[0]) !== ours.get(n)?.[0])
    .map((n) => `${n}: ${ours.get(n)?.[0]} vs ${Number(ref.get(n)!.data[0])}`);
  const pass = max <= tol && countErrors.length === 0;
  return {
    quantity,
    maxAbs: max,
    relative: max / (refMax || 1),
    tolerance,
    pass,
    detail: countErrors.length ? `counts differ: ${countErrors.join('; ')}` : `largest in ${worst}`,
  };
}
