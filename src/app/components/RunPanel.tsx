/**
 * Run controls: Train (a new run); after Stop or Finish, Continue this run (to more epochs) and New
 * run; Pause ("Pausing…" at once, paused at the next batch), Resume, Stop, Evaluate; the progress
 * bar (epoch, iteration, samples/s, time left) and the run's state in words.
 */
import { useEffect, useState } from 'react';
import { batchFitText } from '../batchFitText.ts';
import { checkBatch, continueRun, evaluate, pause, resume, stop, train } from '../store/commands.ts';
import { runActive, useStudio } from '../store/studioStore.ts';
import { useFocusHandOff } from '../layout/useFocusHandOff.ts';
import { RunProgress } from './RunProgress.tsx';
import { TrainHold } from './TrainHold.tsx';

export function RunPanel() {
  const runState = useStudio((s) => s.runState);
  const runMessage = useStudio((s) => s.runMessage);
  const progress = useStudio((s) => s.progress);
  const ready = useStudio((s) => s.data?.ready ?? false);
  const hasValidation = useStudio((s) => s.data?.splits.some((x) => x.role === 'validation' && x.labelled && x.samples > 0) ?? false);
  const configValid = useStudio((s) => Object.keys(s.configErrors).length === 0);
  const weights = useStudio((s) => s.weights);
  const evalTask = useStudio((s) => s.tasks.evaluate);
  const continuing = useStudio((s) => s.tasks.resume?.state === 'running');
  const backendReady = useStudio((s) => s.backend !== null);
  const shown = useStudio((s) => s.runs.find((r) => r.id === s.shownRunId) ?? null);
  const [physicsSamples, setPhysicsSamples] = useState(2);
  const backendName = useStudio((s) => s.backend?.name ?? null);
  const config = useStudio((s) => s.config);
  const data = useStudio((s) => s.data);
  const batchCheck = useStudio((s) => s.batchCheck);
  // Only wasm has a heap limit we know; the check reads the training split's shapes in the worker.
  useEffect(() => {
    void checkBatch(backendName === 'wasm' && ready && configValid ? config : null);
  }, [backendName, config, data, ready, configValid]);
  const tooLarge = batchCheck?.error
    ? `fix what the batch check could not read: ${batchCheck.error}`
    : batchCheck?.fit
      ? `lower the batch: ${batchFitText(batchCheck.fit)}`
      : null;

  const active = runActive(runState);
  const evaluating = evalTask?.state === 'running';
  const trainButton = useFocusHandOff(() => [pauseButton, stopButton]);
  const pauseButton = useFocusHandOff(() => [resumeButton, stopButton]);
  const resumeButton = useFocusHandOff(() => [pauseButton, stopButton]);
  const stopButton = useFocusHandOff(() => [trainButton, evaluateButton]);
  const evaluateButton = useFocusHandOff(() => [trainButton]);
  const trainBlocked = !backendReady ? 'the engine is starting' : !ready ? 'add a training and a validation list first' : !configValid ? 'fix the configuration first' : tooLarge;
  // A run shown and not training (stopped, finished, failed, reopened) can be continued, or left for a new one.
  const continuable = shown !== null && !active && shown.state !== 'created';
  const liveWeights = weights?.kind === 'live' && runState !== 'paused';

  return (
    <section className="panel run-panel" aria-labelledby="run-title">
      <h2 id="run-title">Run</h2>
      {shown ? (
        <p className="muted run-name" data-testid="run-name">
          Run “{shown.name}”
        </p>
      ) : null}
      <div className="buttons">
        {continuable ? (
          <ContinueRun key={shown.id} runId={shown.id} epochs={shown.state === 'finished' ? shown.config.epochs * 2 : shown.config.epochs} disabled={continuing || evaluating || !backendReady} />
        ) : null}
        <button ref={trainButton.ref} type="button" className={continuable ? undefined : 'primary'} disabled={active || trainBlocked !== null || evaluating || continuing} onClick={() => void train()} title={trainBlocked ?? undefined}>
          {continuable ? 'New run' : 'Train'}
        </button>
        <button ref={pauseButton.ref} type="button" disabled={runState !== 'running' && runState !== 'starting'} onClick={() => void pause()}>
          Pause
        </button>
        <button ref={resumeButton.ref} type="button" disabled={runState !== 'paused' && runState !== 'pausing'} onClick={() => void resume()}>
          Resume
        </button>
        <button ref={stopButton.ref} type="button" disabled={!active || runState === 'stopping' || runState === 'recovering'} onClick={() => void stop()}>
          Stop
        </button>
        <button
          ref={evaluateButton.ref}
          type="button"
          disabled={liveWeights || evaluating || weights === null || !hasValidation}
          onClick={() => void evaluate(physicsSamples)}
          title={weights === null ? 'train or import weights first' : liveWeights ? 'pause or stop the run first' : !hasValidation ? 'add a labelled validation list first' : undefined}
        >
          Evaluate
        </button>
        <label className="inline">
          Physics check samples{' '}
          <input type="number" min={0} max={16} value={physicsSamples} onChange={(e) => setPhysicsSamples(Math.max(0, Math.min(16, Number(e.target.value) || 0)))} />
        </label>
      </div>
      {trainBlocked && !active ? <p className="hint">To train, {trainBlocked}.</p> : null}
      {!active ? <TrainHold /> : null}
      <RunProgress />
      {evalTask && evalTask.state === 'running' ? <TaskLine label="Evaluating" done={evalTask.done} total={evalTask.total} message={evalTask.message} /> : null}
    </section>
  );
}

/** Continue this run: trains the shown run on from its latest checkpoint, to this many epochs in total. */
function ContinueRun({ runId, epochs: initial, disabled }: { runId: string; epochs: number; disabled: boolean }) {
  const [epochs, setEpochs] = useState(initial);
  const valid = Number.isInteger(epochs) && epochs >= 1;
  return (
    <>
      <button type="button" className="primary" disabled={disabled || !valid} onClick={() => void continueRun(runId, epochs)}>
        Continue this run
      </button>
      <label className="inline">
        to{' '}
        <input type="number" min={1} step={1} value={Number.isNaN(epochs) ? '' : epochs} aria-label="Epochs in total when continuing" onChange={(e) => setEpochs(e.target.valueAsNumber)} /> epochs
      </label>
    </>
  );
}

/** A long task's one-line progress with its own small bar. */
export function TaskLine({ label, done, total, message }: { label: string; done: number; total: number; message: string }) {
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <div className="task-line">
      <div className="progress small" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-valuetext={message}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span>{message}</span>
    </div>
  );
}
