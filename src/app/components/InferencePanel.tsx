/**
 * Inference: the generator on a seismic-only annotation list (or any list), predicted velocities
 * (m/s) downloaded as one `(n, 1, 70, 70)` .npy file and opened in the map viewer, where the
 * result stays to browse (with each sample's input seismic in the gather).
 */
import { useState } from 'react';
import { cancelTask, downloadInference, openInferenceSample, predict } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';
import { TaskLine } from './RunPanel.tsx';

export function InferencePanel() {
  const files = useStudio((s) => s.data?.files);
  const lists = (files ?? []).filter((f) => f.kind === 'annotation' && f.problems.length === 0 && f.pairs.length > 0);
  const weights = useStudio((s) => s.weights);
  const runState = useStudio((s) => s.runState);
  const task = useStudio((s) => s.tasks.predict);
  const result = useStudio((s) => s.inference);
  const [chosen, setChosen] = useState<string>('');
  const inference = lists.filter((l) => l.role === 'inference');
  const pick = chosen && lists.some((l) => l.path === chosen) ? chosen : (inference[0] ?? lists[0])?.path ?? '';
  const running = task?.state === 'running';

  return (
    <section className="panel" aria-labelledby="inference-title">
      <h2 id="inference-title">Inference</h2>
      <p className="muted">
        Predict velocity maps for every sample of a list (lists with seismic only are meant for this): they download as a{' '}
        <code>.npy</code> file in m/s and open in the velocity maps.
      </p>
      <div className="buttons">
        <label className="inline">
          List{' '}
          <select value={pick} onChange={(e) => setChosen(e.target.value)} disabled={lists.length === 0}>
            {lists.map((l) => (
              <option key={l.path} value={l.path}>
                {l.path} ({l.role}, {l.samples ?? 0} samples)
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={!pick || weights === null || (weights.kind === 'live' && runState !== 'paused') || running} onClick={() => void predict(pick)}>
          Predict and download .npy
        </button>
        {running ? (
          <button type="button" onClick={() => void cancelTask()}>
            Cancel
          </button>
        ) : null}
      </div>
      {running && task ? <TaskLine label="Inference" done={task.done} total={task.total} message={task.message} /> : null}
      {task && !running ? <p role="status">{task.message}</p> : null}
      {result && !running ? (
        <div className="buttons">
          <button type="button" onClick={() => void openInferenceSample(0)}>
            Show in velocity maps
          </button>
          <button type="button" onClick={downloadInference}>
            Download {result.list} predictions (.npy)
          </button>
        </div>
      ) : null}
    </section>
  );
}
