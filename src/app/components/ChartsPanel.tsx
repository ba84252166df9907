/**
 * "Loss curves" and "Validation metrics": the chart views on the store's metric columns, as two
 * panels the page places apart (the velocity maps sit between them). Log-y choices are remembered
 * per chart for the session (localStorage), shared by both panels.
 */
import { useState } from 'react';
import { LossChart } from '../charts/LossChart.tsx';
import { MetricsChart } from '../charts/MetricsChart.tsx';
import { useStudioDeferred } from '../store/studioStore.ts';

const LOG_KEY = 'velocitygan-studio.logY';

function loadLogY(): Record<string, boolean> {
  try {
    return JSON.parse(localStorage.getItem(LOG_KEY) ?? '{}') as Record<string, boolean>;
  } catch {
    return {};
  }
}

/** The remembered log-y choices; a change is merged into what is stored (the other panel's choices stay). */
function useLogY(): [Record<string, boolean>, (chart: string, on: boolean) => void] {
  const [logY, setLogY] = useState<Record<string, boolean>>(loadLogY);
  const onLogYChange = (chart: string, on: boolean) => {
    setLogY((old) => ({ ...old, [chart]: on }));
    localStorage.setItem(LOG_KEY, JSON.stringify({ ...loadLogY(), [chart]: on }));
  };
  return [logY, onLogYChange];
}

export function LossPanel() {
  // A new object with its revision whenever points arrive (store/slices.ts).
  const { critic, generator, revision } = useStudioDeferred((s) => s.losses);
  const [logY, onLogYChange] = useLogY();
  return (
    <div className="panel" data-testid="loss-panel" data-points={critic.step.length} data-first-step={critic.step[0] ?? 0} data-last-step={critic.step[critic.step.length - 1] ?? 0}>
      <LossChart critic={critic} generator={generator} revision={revision} logY={logY} onLogYChange={onLogYChange} />
    </div>
  );
}

export function MetricsPanel() {
  const validation = useStudioDeferred((s) => s.validation);
  const [logY, onLogYChange] = useLogY();
  return (
    <div className="panel" data-testid="metrics-panel" data-points={validation.length}>
      <MetricsChart validation={validation} logY={logY} onLogYChange={onLogYChange} />
    </div>
  );
}
