/**
 * Main-thread cost of the live curves' data preparation, against the studio's 50 ms budget per task:
 * building a 4-series, 50,000-step figure (smoothing + downsampling) and the outlier-robust y-range
 * of a 100,000-point series. Timed here rather than in unit tests, where machine load decides.
 */
import { buildCurveFigure } from '../src/app/charts/curveTraces.ts';
import { robustRange } from '../src/app/charts/robustRange.ts';

function bestOf(runs: number, f: () => void): number {
  f();
  let best = Infinity;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export async function main(): Promise<void> {
  const n = 50_000;
  const x = Float64Array.from({ length: n }, (_, i) => i + 1);
  const critic = Float64Array.from({ length: n }, (_, i) => -50 * Math.exp(-i / 5000) + Math.sin(i));
  const gp = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.1 * Math.cos(i));
  const figure = bestOf(5, () =>
    buildCurveFigure(x, [{ name: 'a', y: critic }, { name: 'b', y: gp }, { name: 'c', y: critic }, { name: 'd', y: gp }], { smoothing: 0.6, yScale: 'linear', maxPoints: 1200, rawMaxPoints: 600 }),
  );
  const y = Float64Array.from({ length: 100_000 }, (_, i) => Math.cos(i));
  const range = bestOf(8, () => robustRange([y]));
  console.log('| task | best ms | budget ms | share of budget |');
  console.log('|---|---|---|---|');
  console.log(`| curve figure, 4 series × 50,000 steps | ${figure.toFixed(1)} | 50 | ${(figure / 50).toFixed(2)} |`);
  console.log(`| robust y-range, 100,000 points | ${range.toFixed(1)} | 50 | ${(range / 50).toFixed(2)} |`);
}
