/** The evaluation report view on the store's latest evaluation, with the physics check's progress. */
import { cancelTask } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';
import { TaskLine } from './RunPanel.tsx';
import { EvaluationReport } from './views/EvaluationReport.tsx';

export function EvaluationPanel() {
  const evaluation = useStudio((s) => s.evaluation);
  const preset = useStudio((s) => s.config.preset);
  const physics = useStudio((s) => s.tasks.physics);
  return (
    <div
      className="panel"
      data-testid="evaluation-panel"
      data-report={evaluation ? JSON.stringify({ mae: evaluation.mae, rmse: evaluation.rmse, ssim: evaluation.ssim, maeMs: evaluation.maeMs, rmseMs: evaluation.rmseMs, samples: evaluation.samples }) : undefined}
      data-physics={evaluation?.physics ? JSON.stringify(evaluation.physics) : undefined}
    >
      <EvaluationReport report={evaluation} preset={evaluation?.preset ?? preset} />
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
