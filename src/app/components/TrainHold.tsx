/**
 * The question Train asks when the training files hold NaN or ±Infinity: which files, how many
 * values in which samples, the first few by position (as `fwi inspect --scan` lists them), then
 * the choice: train without those samples, or not now.
 */
import { describeReport } from '../../engine/data/nonFinite.ts';
import { dismissTrainHold, startHeld } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';

export function TrainHold() {
  const held = useStudio((s) => s.trainHeld?.reports ?? null);
  if (!held || held.length === 0) return null;
  const samples = held.reduce((n, r) => n + r.samples.length, 0);
  return (
    <div className="train-hold" role="alertdialog" aria-labelledby="train-hold-title" aria-describedby="train-hold-detail">
      <p id="train-hold-title">
        <strong>
          The training files hold NaN or infinite values in {samples} sample{samples === 1 ? '' : 's'}.
        </strong>{' '}
        Training on them would stop at the first such batch.
      </p>
      <div id="train-hold-detail" data-testid="train-hold-detail">
        {held.map((r) => (
          <pre key={r.file} className="vg-mono">
            {describeReport(r).join('\n')}
          </pre>
        ))}
      </div>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => void startHeld()}>
          Skip these samples and train
        </button>
        <button type="button" onClick={dismissTrainHold}>
          Cancel
        </button>
      </div>
    </div>
  );
}
