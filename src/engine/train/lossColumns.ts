/**
 * The loss curves as columns (one array per quantity, indexed alike), kept twice by design: by the
 * worker, to save with a run and replay after a reload, and by the page's store, to draw. One set
 * of functions serves both, so the two can never disagree on what a step adds or a resume keeps.
 * Pure and framework-free: the page imports it without pulling in any engine code.
 */
import type { CriticStepEvent, GeneratorStepEvent, ValidationEvent } from './events.ts';

/** Per-critic-step losses; `elapsed` is seconds of training, pauses excluded (NaN where a history predates it). */
export type CriticSeries = { step: number[]; epoch: number[]; loss: number[]; wasserstein: number[]; gp: number[]; gpWeighted: number[]; elapsed: number[] };

/** Per-generator-step losses; `criticStep` is the critic step count when it ran, to share one iteration axis. */
export type GeneratorSeries = { step: number[]; criticStep: number[]; epoch: number[]; loss: number[]; l1: number[]; l2: number[]; adv: number[]; elapsed: number[] };

export function emptyCritic(): CriticSeries {
  return { step: [], epoch: [], loss: [], wasserstein: [], gp: [], gpWeighted: [], elapsed: [] };
}

export function emptyGenerator(): GeneratorSeries {
  return { step: [], criticStep: [], epoch: [], loss: [], l1: [], l2: [], adv: [], elapsed: [] };
}

/** Appends one critic step, in place. */
export function appendCriticStep(c: CriticSeries, e: CriticStepEvent): void {
  c.step.push(e.criticStep);
  c.epoch.push(e.epoch);
  c.loss.push(e.loss);
  c.wasserstein.push(e.wasserstein);
  c.gp.push(e.gp);
  c.gpWeighted.push(e.gpWeighted);
  c.elapsed.push(e.elapsed);
}

/** Appends one generator step, in place, taken after critic step `criticStep`. */
export function appendGeneratorStep(g: GeneratorSeries, e: GeneratorStepEvent, criticStep: number): void {
  g.step.push(e.generatorStep);
  g.criticStep.push(criticStep);
  g.epoch.push(e.epoch);
  g.loss.push(e.loss);
  g.l1.push(e.l1);
  g.l2.push(e.l2);
  g.adv.push(e.adv);
  g.elapsed.push(e.elapsed);
}

/** New columns holding the points up to (and including) step `lastStep`; the input is left as it is. */
export function columnsUpTo<T extends { step: number[] }>(columns: T, lastStep: number): T {
  const n = columns.step.findIndex((s) => s > lastStep);
  const out = {} as Record<string, number[]>;
  for (const [key, values] of Object.entries(columns) as [string, number[]][]) out[key] = n < 0 ? [...values] : values.slice(0, n);
  return out as T;
}

/** A run's curves: loss columns and its validations, as the page draws them. */
export interface LossHistory {
  critic: CriticSeries;
  generator: GeneratorSeries;
  validation: ValidationEvent[];
}

/**
 * The curves of a run's metrics history (steps and validations, in the order they happened): a
 * reopened or resumed run shows exactly what its live run showed. A validation repeated for the
 * same generator step (a run stopped inside it) counts once, the later one.
 */
export function historyOfMetrics(events: readonly { type: string }[]): LossHistory {
  const h: LossHistory = { critic: emptyCritic(), generator: emptyGenerator(), validation: [] };
  let criticStep = 0;
  for (const e of events) {
    // A history kept before steps carried their time reads it as not recorded.
    if (e.type === 'critic-step') {
      const c = e as CriticStepEvent;
      appendCriticStep(h.critic, { ...c, elapsed: c.elapsed ?? NaN });
      criticStep = c.criticStep;
    } else if (e.type === 'generator-step') {
      const g = e as GeneratorStepEvent;
      appendGeneratorStep(h.generator, { ...g, elapsed: g.elapsed ?? NaN }, criticStep);
    } else if (e.type === 'validation') {
      const v = e as ValidationEvent;
      h.validation = [...h.validation.filter((x) => x.generatorStep !== v.generatorStep), v];
    }
  }
  return h;
}
