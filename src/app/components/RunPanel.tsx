/**
 * Run controls: Train, Pause, Resume, Stop, Evaluate; the progress bar (epoch, iteration,
 * samples/s, time left) and the run's state in words.
 */
import { useEffect, useState } from 'react';
import { batchFitText } from '../batchFitText.ts';
import { checkBatch, evaluate, pause, resume, stop, train } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';
import { progressFraction, progressText } from '../progressText.ts';
import { TrainHold } from './TrainHold.tsx';

const STATE_TEXT = {
  idle: 'Not started',
  running: 'Training',
  paused: 'Paused',
  stopped: 'Stopped',
  finished: 'Finished',
  failed: 'Failed',
} as const;

export function RunPanel() {
  const runState = useStudio((s) => s.runState);
  const runMessage = useStudio((s) => s.runMessage);
  const progress = useStudio((s) => s.progress);
  const ready = useStudio((s) => s.data?.ready ?? false);
  const hasValidation = useStudio((s) => s.data?.splits.some((x) => x.role === 'validation' && x.labelled && x.samples > 0) ?? false);
  const configValid = useStudio((s) => Object.keys(s.configErrors).length === 0);
  const weightsSource = useStudio((s) => s.weightsSource);
  const evalTask = useStudio((s) => s.tasks.evaluate);
  const backendReady = useStudio((s) => s.backend !== null);
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

  const active = runState === 'running' || runState === 'paused';
  const evaluating = evalTask?.state === 'running';
  const fraction = progress ? progressFraction(progress) : 0;
  const text = progress ? progressText(progress) : runState === 'idle' ? 'No run yet' : STATE_TEXT[runState];
  const trainBlocked = !backendReady ? 'the engine is starting' : !ready ? 'add a training and a validation list first' : !configValid ? 'fix the configuration first' : tooLarge;

  return (
    <section className="panel run-panel" aria-labelledby="run-title">
      <h2 id="run-title">Run</h2>
      <div className="buttons">
        <button type="button" className="primary" disabled={active || trainBlocked !== null || evaluating} onClick={() => void train()} title={trainBlocked ?? undefined}>
          Train
        </button>
        <button type="button" disabled={runState !== 'running'} onClick={() => void pause()}>
          Pause
        </button>
        <button type="button" disabled={runState !== 'paused'} onClick={() => void resume()}>
          Resume
        </button>
        <button type="button" disabled={!active} onClick={() => void stop()}>
          Stop
        </button>
        <button
          type="button"
          disabled={runState === 'running' || evaluating || weightsSource === null || !hasValidation}
          onClick={() => void evaluate(physicsSamples)}
          title={weightsSource === null ? 'train or import weights first' : !hasValidation ? 'add a labelled validation list first' : undefined}
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
      <div
        className="progress"
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 1000) / 10}
        aria-valuetext={text}
      >
        <div className="progress-fill" style={{ width: `${fraction * 100}%` }} />
      </div>
      <p role="status" className="run-status" data-testid="run-status" data-state={runState}>
        <strong>{STATE_TEXT[runState]}</strong>
        {progress ? ` · ${text}` : ''}
        {runMessage ? ` · ${runMessage}` : ''}
      </p>
      {evalTask && evalTask.state === 'running' ? <TaskLine label="Evaluating" done={evalTask.done} total={evalTask.total} message={evalTask.message} /> : null}
    </section>
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
