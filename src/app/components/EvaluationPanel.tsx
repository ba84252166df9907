/** The evaluation report view on the store's latest evaluation, with the physics check's progress; its samples open in the maps and gather. */
import { cancelTask, openEvaluationSample } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';
import { TaskLine } from './RunPanel.tsx';
import { EvaluationReport } from './views/EvaluationReport.tsx';

export function EvaluationPanel() {
  const evaluation = useStudio((s) => s.evaluation);
  const physics = useStudio((s) => s.tasks.physics);
  const opened = useStudio((s) => (s.opened?.source === 'evaluation' ? s.opened.index : null));
  return (
    <div
      className="panel"
      data-testid="evaluation-panel"
      data-report={evaluation ? JSON.stringify({ mae: evaluation.mae, rmse: evaluation.rmse, ssim: evaluation.ssim, maeMs: evaluation.maeMs, rmseMs: evaluation.rmseMs, samples: evaluation.samples }) : undefined}
      data-physics={evaluation?.physics ? JSON.stringify(evaluation.physics) : undefined}
    >
      <EvaluationReport report={evaluation} opened={opened} onOpenSample={(i) => void openEvaluationSample(i)} />
      {physics?.state === 'running' ? (
        <div className="buttons">
          <TaskLine label="Physics check" done={physics.done} total={physics.total} message={physics.message} />
          <button type="button" onClick={() => void cancelTask()}>
            Cancel physics check
          </button>
        </div>
      ) : physics && physics.state !== 'done' ? (
        <p role="status">{physics.message}</p>
      ) : null}
    </div>
  );
}
