/**
 * Folds a batch of worker events into the store in one update, so a batch costs one render
 * however many steps it carries. Takes the current state and returns the changed fields; the one
 * exception to immutability is the step columns, appended in place with `seriesRevision` bumped.
 */
import type { StudioEvent } from '../../worker/protocol.ts';
import { appendCriticStep, appendGeneratorStep, columnsUpTo, emptyCritic, emptyGenerator, type CriticSeries, type GeneratorSeries } from '../../engine/train/lossColumns.ts';
import type { StudioState } from './slices.ts';

/** Snapshots kept for the step scrubber; older ones are dropped first. */
export const MAX_SNAPSHOTS = 200;
/** Log lines kept. */
export const MAX_LOG = 500;

let alertId = 0;

/** The state changes a batch of events makes. */
export function applyEvents(state: StudioState, events: StudioEvent[]): Partial<StudioState> {
  const out: Partial<StudioState> = {};
  let critic: CriticSeries | null = null;
  let generator: GeneratorSeries | null = null;
  const get = <K extends keyof StudioState>(k: K): StudioState[K] => (k in out ? (out[k] as StudioState[K]) : state[k]);
  // Steps append in place (copying every column per batch would cost O(run length) each time);
  // the revision tells readers the columns changed.
  const touchSeries = () => {
    if (!('seriesRevision' in out)) out.seriesRevision = state.seriesRevision + 1;
  };
  const criticRw = () => {
    if (!critic) critic = get('critic');
    touchSeries();
    return critic;
  };
  const generatorRw = () => {
    if (!generator) generator = get('generator');
    touchSeries();
    return generator;
  };
  const pushAlert = (message: string) => {
    out.alerts = [...get('alerts'), { id: ++alertId, message }];
  };
  const pushLog = (level: 'info' | 'warn' | 'error', message: string, time = Date.now()) => {
    const log = [...get('log'), { time, level, message }];
    out.log = log.length > MAX_LOG ? log.slice(log.length - MAX_LOG) : log;
  };

  for (const e of events) {
    switch (e.type) {
      case 'critic-step': {
        appendCriticStep(criticRw(), e);
        break;
      }
      case 'generator-step': {
        const c = critic ?? get('critic');
        appendGeneratorStep(generatorRw(), e, c.step.length ? c.step[c.step.length - 1] : 0);
        break;
      }
      case 'run-start': {
        critic = e.criticStep === 0 ? emptyCritic() : columnsUpTo(get('critic'), e.criticStep);
        out.critic = critic;
        generator = e.generatorStep === 0 ? emptyGenerator() : columnsUpTo(get('generator'), e.generatorStep);
        out.generator = generator;
        touchSeries();
        if (e.generatorStep === 0) {
          out.validation = [];
          out.snapshots = [];
          out.snapshotCursor = null;
          out.evaluation = null;
        } else {
          out.validation = get('validation').filter((v) => v.generatorStep <= e.generatorStep);
          out.snapshots = get('snapshots').filter((s) => s.generatorStep <= e.generatorStep);
          out.snapshotCursor = null;
        }
        out.progress = null;
        pushLog('info', e.resumed ? `Run resumed at critic step ${e.criticStep}` : 'Run started');
        break;
      }
      case 'history':
        // Copies of every point: the store appends to its columns in place.
        critic = columnsUpTo(e.history.critic, Infinity);
        out.critic = critic;
        generator = columnsUpTo(e.history.generator, Infinity);
        out.generator = generator;
        touchSeries();
        out.validation = [...e.history.validation];
        break;
      case 'progress':
        out.progress = e;
        break;
      case 'validation':
        out.validation = [...get('validation').filter((v) => v.generatorStep !== e.generatorStep), e];
        pushLog('info', `Validation after epoch ${e.epoch + 1}: MAE ${e.mae.toFixed(4)}, RMSE ${e.rmse.toFixed(4)}, SSIM ${e.ssim.toFixed(4)}`);
        break;
      case 'snapshot': {
        let list = [...get('snapshots'), e];
        let cursor = get('snapshotCursor');
        if (list.length > MAX_SNAPSHOTS) {
          const drop = list.length - MAX_SNAPSHOTS;
          list = list.slice(drop);
          if (cursor !== null) cursor = Math.max(0, cursor - drop);
        }
        out.snapshots = list;
        out.snapshotCursor = cursor;
        break;
      }
      case 'checkpoint':
        out.lastCheckpoint = e;
        pushLog('info', `Checkpoint saved (${e.reason}) at critic step ${e.criticStep}`);
        break;
      case 'state':
        out.runState = e.state;
        out.runMessage = e.message ?? null;
        if (e.state === 'failed') pushAlert(e.message ?? 'Training failed.');
        pushLog(e.state === 'failed' ? 'error' : 'info', `Run ${e.state}${e.message ? `: ${e.message}` : ''}`);
        break;
      case 'config':
        // A run announces the configuration the form already holds: keep it, so the form (the
        // page's largest view) does not re-render at the start of every run.
        if (JSON.stringify(e.config) !== JSON.stringify(get('config')) || Object.keys(get('configErrors')).length > 0) {
          out.config = e.config;
          out.configErrors = {};
        }
        break;
      case 'backend':
        out.backend = e.report;
        out.backendError = null;
        break;
      case 'data':
        out.data = e.report;
        break;
      case 'task':
        out.tasks = { ...get('tasks'), [e.task]: e };
        if (e.state === 'failed') pushAlert(e.message);
        if (e.state !== 'running') pushLog(e.state === 'failed' ? 'error' : 'info', e.message);
        break;
      case 'evaluation':
        out.evaluation = e.report;
        break;
      case 'saved-run':
        out.savedRun = e.info;
        break;
      case 'weights':
        out.weightsSource = e.source;
        out.generatorStep = e.generatorStep;
        break;
      case 'log':
        pushLog(e.level, e.message, e.time);
        break;
      case 'alert':
        pushAlert(e.message);
        pushLog('error', e.message);
        break;
    }
  }
  return out;
}
