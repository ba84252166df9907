/**
 * The one zustand store of the studio, made of the slices in `slices.ts`. Components read it
 * with selectors (`useStudio((s) => s.progress)`); only `applyEvents` (worker events) and the
 * small setters below write to it.
 */
import type { NonFiniteReport } from '../../engine/data/nonFinite.ts';
import { startTransition, useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { defaultConfig, validateConfig, type ConfigErrors, type TrainConfig } from '../../engine/config.ts';
import type { StudioEvent } from '../../worker/protocol.ts';
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
    tasks: {},
    weightsSource: null,
    trainHeld: null,
    generatorStep: null,
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
    savedRun: null,
    savedRunError: null,
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

export function raiseAlert(message: string): void {
  receiveEvents([{ type: 'alert', message }]);
}

export function dismissResumeOffer(): void {
  useStudio.setState({ resumeOfferDismissed: true });
}

/** Train held back on files with NaN/±Infinity (their reports), or the hold cleared (null). */
export function setTrainHeld(reports: NonFiniteReport[] | null): void {
  useStudio.setState({ trainHeld: reports });
}

export function setBackendError(message: string): void {
  useStudio.setState({ backendError: message });
}
