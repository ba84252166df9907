/**
 * The run's progress bar and status line. The state ("Training", "Paused", a failure's words) is
 * the polite live region; the position, speed and time left sit beside it, out of the live region
 * (they change every step and every second) and in the progress bar's aria-valuetext. Speed and
 * time left show only while training, and the time left counts down between events.
 */
import { useEffect, useRef, useState } from 'react';
import type { ProgressEvent } from '../../engine/train/events.ts';
import { progressFraction, progressText } from '../progressText.ts';
import { STATE_TEXT } from '../runText.ts';
import { useStudio } from '../store/studioStore.ts';
import { RunEndNotifier } from './RunEndNotifier.tsx';


/** Seconds since `progress` arrived, refreshed every second while `ticking`. */
function useSecondsSince(progress: ProgressEvent | null, ticking: boolean): number {
  const arrived = useRef<{ event: ProgressEvent | null; at: number }>({ event: null, at: 0 });
  if (arrived.current.event !== progress) arrived.current = { event: progress, at: performance.now() };
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return Math.max(0, (now - arrived.current.at) / 1000);
}

export function RunProgress() {
  const runState = useStudio((s) => s.runState);
  const runMessage = useStudio((s) => s.runMessage);
  const progress = useStudio((s) => s.progress);
  const running = runState === 'running';
  const since = useSecondsSince(progress, running);
  const fraction = progress ? progressFraction(progress) : 0;
  const text = progress ? progressText(progress, running, since) : runState === 'idle' ? 'No run yet' : STATE_TEXT[runState];

  return (
    <>
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
      <p className="run-status" data-testid="run-status" data-state={runState}>
        <span role="status">
          <strong>{STATE_TEXT[runState]}</strong>
          {runMessage ? ` · ${runMessage}` : ''}
        </span>
        {progress ? <span data-testid="run-progress-text"> · {text}</span> : null}
      </p>
      <RunEndNotifier />
    </>
  );
}
