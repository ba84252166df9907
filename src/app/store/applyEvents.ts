/**
 * Folds a batch of worker events into the store in one update, so a batch costs one render
 * however many steps it carries. Takes the current state and returns the changed fields. Step
 * points go into a new `losses` object whose column arrays grow by appending (slices.ts says why).
 */
import type { StudioEvent } from '../../worker/protocol.ts';
import { appendCriticStep, appendGeneratorStep, columnsUpTo, emptyCritic, emptyGenerator } from '../../engine/train/lossColumns.ts';
import type { LossSeries, StudioState } from './slices.ts';

/** Snapshots kept for the step scrubber; older ones are dropped first. */
export const MAX_SNAPSHOTS = 200;
/** Log lines kept. */
export const MAX_LOG = 500;

let alertId = 0;

/** The state changes a batch of events makes. */
export function applyEvents(state: StudioState, events: StudioEvent[]): Partial<StudioState> {
  const out: Partial<StudioState> = {};
  const get = <K extends keyof StudioState>(k: K): StudioState[K] => (k in out ? (out[k] as StudioState[K]) : state[k]);
  // One new `losses` object per batch that adds or cuts points, with the next revision.
  const losses = (): LossSeries => {
    if (!out.losses) out.losses = { ...state.losses, revision: state.losses.revision + 1 };
    return out.losses;
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
        appendCriticStep(losses().critic, e);
        break;
      }
      case 'generator-step': {
        const l = losses();
        appendGeneratorStep(l.generator, e, l.critic.step.length ? l.critic.step[l.critic.step.length - 1] : 0);
        break;
      }
      case 'run-start': {
        const l = losses();
        l.critic = e.criticStep === 0 ? emptyCritic() : columnsUpTo(l.critic, e.criticStep);
        l.generator = e.generatorStep === 0 ? emptyGenerator() : columnsUpTo(l.generator, e.generatorStep);
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
        // Copies of every point: the store appends to its own columns.
        losses().critic = columnsUpTo(e.history.critic, Infinity);
        losses().generator = columnsUpTo(e.history.generator, Infinity);
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
      case 'config-changed':
        // The form owns the configuration; the worker only reports what it changed itself.
        out.config = e.config;
        out.configErrors = {};
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
        out.savedRunError = e.error;
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
