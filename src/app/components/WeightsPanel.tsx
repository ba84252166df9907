/**
 * Export and import: the generator as .safetensors with PyTorch names (for OpenFWI/PyTorch and
 * `fwi eval`), the full checkpoint (both nets, optimisers, configuration, step) to continue
 * training later, and importing either one back.
 */
import { useState } from 'react';
import { exportCheckpoint, exportWeights, importWeights } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';

export function WeightsPanel() {
  const weightsSource = useStudio((s) => s.weightsSource);
  const runState = useStudio((s) => s.runState);
  const importTask = useStudio((s) => s.tasks.import);
  const [message, setMessage] = useState<string | null>(null);
  const running = runState === 'running';
  const none = weightsSource === null;

  return (
    <section className="panel" aria-labelledby="weights-title">
      <h2 id="weights-title">Weights</h2>
      <p className="muted" data-testid="weights-source">
        {none ? 'No weights yet: train, or import a file.' : `Current weights: ${weightsSource}.`}
      </p>
      <div className="buttons">
        <button type="button" disabled={none || running} onClick={() => void exportWeights()}>
          Export weights
        </button>
        <button type="button" disabled={none || running} onClick={() => void exportCheckpoint()}>
          Download checkpoint
        </button>
        <label className="button">
          Import weights or checkpoint…
          <input
            className="visually-hidden"
            type="file"
            accept=".safetensors,.fwickpt"
            aria-label="Import weights or checkpoint"
            disabled={running}
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              setMessage(`Reading ${file.name}…`);
              const report = await importWeights(file);
              setMessage(report ? report.message : null);
            }}
          />
        </label>
      </div>
      <p className="muted small-print">
        <em>Export weights</em> gives the generator alone as <code>.safetensors</code> with PyTorch names
        (<code>convblock1.layers.0.weight</code>, …): load it in PyTorch or run <code>npx fwi eval</code> on it. The
        checkpoint holds both networks, their optimisers, the configuration and the step, to continue training.
      </p>
      {message || importTask?.state === 'failed' ? (
        <p role="status" data-testid="import-status">
          {importTask?.state === 'failed' ? importTask.message : message}
        </p>
      ) : null}
    </section>
  );
}
