/**
 * Where the prediction's physics misfit sits among the reference models scored on the same
 * samples (the true model, the smoothed true model, a constant model), in one sentence.
 */

export interface MisfitMeans {
  predicted: number;
  truth: number;
  smoothed: number;
  constant: number;
}

/** One sentence placing the prediction's mean misfit on the scale its references make. */
export function misfitVerdict(m: MisfitMeans): string {
  const f = (v: number) => v.toFixed(3);
  if (m.predicted <= m.truth * 1.05 + 1e-3) return `The prediction fits the data as well as the true model does here (${f(m.predicted)} against ${f(m.truth)}).`;
  if (m.predicted < m.smoothed) return `The prediction fits the data better than the smoothed true model (${f(m.predicted)} against ${f(m.smoothed)}): it has the interfaces as well as the background.`;
  if (m.predicted < m.constant) return `The prediction lies between the smoothed model (${f(m.smoothed)}) and the constant model (${f(m.constant)}): the background is partly right, the layers are not yet.`;
  return `The prediction fits the data no better than a constant velocity does (${f(m.predicted)} against ${f(m.constant)}).`;
}
