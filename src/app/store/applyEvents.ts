/**
 * Folds a batch of worker events into the store in one update, so a batch costs one render
 * however many steps it carries. Takes the current state and returns the changed fields. Step
 * points go into a new `losses` object whose column arrays grow by appending (slices.ts says why).
 */
import type { AlertOffer, StudioEvent } from '../../worker/protocol.ts';
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
  const pushAlert = (message: string, runId: string | null, offer?: AlertOffer) => {
    // The same error is never shown twice: not while it is up, and a run's not again once dismissed
    // (a command that fails again on a later click is news, and is shown again).
    if (get('alerts').some((a) => a.message === message)) return;
    if (runId !== null && get('alertsRaised').includes(message)) return;
    if (runId !== null) out.alertsRaised = [...get('alertsRaised'), message];
    out.alerts = [...get('alerts'), offer ? { id: ++alertId, message, runId, offer } : { id: ++alertId, message, runId }];
  };
  const pushLog = (level: 'info' | 'warn' | 'error', message: string, time = Date.now()) => {
    const log = [...get('log'), { time, level, message }];
    out.log = log.length > MAX_LOG ? log.slice(log.length - MAX_LOG) : log;
  };
  /** Shows another run: what the page showed of the previous one goes. */
  const show = (runId: string) => {
    if (get('shownRunId') === runId) return;
    out.shownRunId = runId;
    out.snapshots = [];
    out.snapshotCursor = null;
    out.evaluation = null;
    out.progress = null;
    out.lastCheckpoint = null;
  };
  const shown = (runId: string) => get('shownRunId') === runId;

  for (const e of events) {
    switch (e.type) {
      case 'critic-step': {
        if (!shown(e.runId)) break;
        appendCriticStep(losses().critic, e);
        out.steps = { ...get('steps'), critic: e.criticStep };
        break;
      }
      case 'generator-step': {
        if (!shown(e.runId)) break;
        const l = losses();
        appendGeneratorStep(l.generator, e, l.critic.step.length ? l.critic.step[l.critic.step.length - 1] : 0);
        out.steps = { ...get('steps'), generator: e.generatorStep };
        break;
      }
      case 'history':
        show(e.runId);
        // Copies of every point: the store appends to its own columns.
        losses().critic = columnsUpTo(e.history.critic, Infinity);
        losses().generator = columnsUpTo(e.history.generator, Infinity);
        out.validation = [...e.history.validation];
        out.steps = { critic: e.history.critic.step.at(-1) ?? 0, generator: e.history.generator.step.at(-1) ?? 0 };
        break;
      case 'run-start': {
        show(e.runId);
        const l = losses();
        l.critic = e.criticStep === 0 ? emptyCritic() : columnsUpTo(l.critic, e.criticStep);
        l.generator = e.generatorStep === 0 ? emptyGenerator() : columnsUpTo(l.generator, e.generatorStep);
        out.steps = { critic: e.criticStep, generator: e.generatorStep };
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
        // Alerts belong to their run: a run starting clears every other one's (and those of no run).
        out.alerts = get('alerts').filter((a) => a.runId === e.runId);
        if (!e.resumed) out.alertsRaised = [];
        pushLog('info', e.resumed ? `Run resumed at critic step ${e.criticStep}` : 'Run started');
        break;
      }
      case 'run-shown':
        if (e.runId !== null) show(e.runId);
        else out.shownRunId = null;
        break;
      case 'progress':
        if (shown(e.runId)) out.progress = e;
        break;
      case 'validation':
        if (!shown(e.runId)) break;
        out.validation = [...get('validation').filter((v) => v.generatorStep !== e.generatorStep), e];
        pushLog('info', `Validation after epoch ${e.epoch + 1}: MAE ${e.mae.toFixed(4)}, RMSE ${e.rmse.toFixed(4)}, SSIM ${e.ssim.toFixed(4)}`);
        break;
      case 'snapshot': {
        if (!shown(e.runId)) break;
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
      case 'nonfinite-data':
        break;
      case 'session-state':
        out.runState = e.state;
        out.runMessage = e.message ?? null;
        if (e.state === 'failed') pushAlert(e.message ?? 'Training failed.', e.runId);
        if (e.state !== 'starting') pushLog(e.state === 'failed' ? 'error' : 'info', `Run ${e.state}${e.message ? `: ${e.message}` : ''}`);
        break;
      case 'runs':
        out.runs = e.runs;
        out.unreadableRuns = e.unreadable;
        break;
      case 'run-record': {
        const runs = get('runs');
        const at = runs.findIndex((r) => r.id === e.run.id);
        out.runs = at < 0 ? [e.run, ...runs] : runs.map((r, i) => (i === at ? e.run : r));
        break;
      }
      case 'run-deleted': {
        out.runs = get('runs').filter((r) => r.id !== e.id);
        out.unreadableRuns = get('unreadableRuns').filter((r) => r.id !== e.id);
        const { [e.id]: _gone, ...kept } = get('runHistories');
        out.runHistories = kept;
        if (get('resumeOffer')?.run.id === e.id) out.resumeOffer = null;
        break;
      }
      case 'weights-source':
        out.weights = e.weights;
        break;
      case 'resume-offer':
        out.resumeOffer = e.offer;
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
        if (e.state === 'failed') pushAlert(e.message, null);
        if (e.state !== 'running') pushLog(e.state === 'failed' ? 'error' : 'info', e.message);
        break;
      case 'evaluation':
        out.evaluation = e.report;
        break;
      case 'log':
        pushLog(e.level, e.message, e.time);
        break;
      case 'alert':
        pushAlert(e.message, e.runId, e.offer);
        pushLog('error', e.message);
        break;
      case 'unreadable-files':
        out.unreadableFiles = e.files;
        break;
    }
  }
  return out;
}
