/**
 * The one zustand store of the studio, made of the slices in `slices.ts`. Components read it
 * with selectors (`useStudio((s) => s.progress)`); only `applyEvents` (worker events) and the
 * small setters below write to it.
 */
import { startTransition, useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { defaultConfig, validateConfig, type ConfigErrors, type TrainConfig } from '../../engine/config.ts';
import type { AlertOffer, SessionState, StudioEvent } from '../../worker/protocol.ts';
import { applyEvents } from './applyEvents.ts';
import { emptyCritic, emptyGenerator } from '../../engine/train/lossColumns.ts';
import type { StudioState } from './slices.ts';

/** The state of a fresh page. */
export function initialState(): StudioState {
  return {
    data: null,
    config: defaultConfig(),
    configErrors: {},
    runState: 'idle',
    runMessage: null,
    progress: null,
    log: [],
    alerts: [],
    alertsRaised: [],
    tasks: {},
    weights: null,
    trainHeld: null,
    steps: { critic: 0, generator: 0 },
    importReport: null,
    batchCheck: null,
    losses: { critic: emptyCritic(), generator: emptyGenerator(), revision: 0 },
    validation: [],
    snapshots: [],
    snapshotCursor: null,
    sampleCursor: 0,
    shotGather: null,
    evaluation: null,
    opened: null,
    inference: null,
    backend: null,
    backendError: null,
    runs: [],
    unreadableRuns: [],
    unreadableFiles: [],
    shownRunId: null,
    runHistories: {},
    resumeOffer: null,
    resumeOfferDismissed: false,
    lastCheckpoint: null,
  };
}

export const useStudio = create<StudioState>()(() => initialState());

/**
 * Like `useStudio(selector)`, for views that may lag a frame behind the store (curves, maps, the
 * data report, the log): the re-render a change causes is a React transition, rendered in slices
 * of a few milliseconds between other work, instead of one task the size of every view together
 * (store subscriptions through useSyncExternalStore always render at once, in one task).
 */
export function useStudioDeferred<T>(selector: (s: StudioState) => T): T {
  const [value, setValue] = useState(() => selector(useStudio.getState()));
  const latest = useRef(selector);
  latest.current = selector;
  useEffect(() => {
    const follow = (s: StudioState) => {
      const next = latest.current(s);
      startTransition(() => setValue(() => next));
    };
    // A change between the first render and this subscription is caught here.
    follow(useStudio.getState());
    return useStudio.subscribe(follow);
  }, []);
  return value;
}

/** Folds a batch of worker events into the store (one update). */
export function receiveEvents(events: StudioEvent[]): void {
  useStudio.setState((s) => applyEvents(s, events));
}

/** Sets the configuration (the form only passes valid ones on). */
export function setConfigDraft(config: TrainConfig): void {
  useStudio.setState({ config, configErrors: validateConfig(config).errors });
}

/** Records the edits the form rejected (still showing in its fields): Train waits until they are fixed. */
export function setDraftErrors(errors: ConfigErrors): void {
  useStudio.setState({ configErrors: errors });
}

export function setSnapshotCursor(cursor: number | null): void {
  useStudio.setState({ snapshotCursor: cursor });
}

export function setSampleCursor(cursor: number): void {
  useStudio.setState({ sampleCursor: cursor });
}

export function dismissAlert(id: number): void {
  useStudio.setState((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) }));
}

export function raiseAlert(message: string, offer?: AlertOffer): void {
  receiveEvents([offer ? { type: 'alert', message, runId: null, offer } : { type: 'alert', message, runId: null }]);
}

export function dismissResumeOffer(): void {
  useStudio.setState({ resumeOfferDismissed: true });
}

/** Train (or Continue) held back on files with NaN/±Infinity (their reports, and what to start once the user chooses), or the hold cleared (null). */
export function setTrainHeld(held: StudioState['trainHeld']): void {
  useStudio.setState({ trainHeld: held });
}

/** States in which a run holds the engine (Train, opening or deleting it wait until it stops). */
const ACTIVE: ReadonlySet<SessionState> = new Set(['starting', 'running', 'pausing', 'paused', 'stopping', 'recovering']);

/** True while a run holds the engine (training, pausing, paused, stopping, recovering). */
export function runActive(state: SessionState): boolean {
  return ACTIVE.has(state);
}

export function setBackendError(message: string): void {
  useStudio.setState({ backendError: message });
}
