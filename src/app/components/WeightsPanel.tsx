/**
 * Export and import: the generator as .safetensors with PyTorch names (for OpenFWI/PyTorch and
 * `fwi eval`), the full checkpoint (both nets, optimisers, configuration, step) to continue
 * training later, the run in OpenFWI's and PaddleScience's own formats (and bundled for OpenFWI's
 * gan_train.py), and importing any of them back (by button or by dropping the file here).
 */
import { exportCheckpoint, exportForeign, exportWeights, importWeights } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';

export function WeightsPanel() {
  const weights = useStudio((s) => s.weights);
  const runState = useStudio((s) => s.runState);
  const importTask = useStudio((s) => s.tasks.import);
  const importReport = useStudio((s) => s.importReport);
  const message = importTask?.state === 'running' || importTask?.state === 'failed' ? importTask.message : (importReport?.message ?? null);
  // A live run's weights change with every step: exports wait until it holds.
  const running = weights?.kind === 'live' && runState !== 'paused';
  const none = weights === null;
  const importFile = (file: File) => importWeights(file);

  return (
    <section
      className="panel"
      aria-labelledby="weights-title"
      onDragOver={(e) => {
        if (!running && e.dataTransfer.types.includes('Files')) e.preventDefault();
      }}
      onDrop={(e) => {
        const file = e.dataTransfer.files[0];
        if (running || !file) return;
        e.preventDefault();
        void importFile(file);
      }}
    >
      <h2 id="weights-title">Weights</h2>
      <p className="muted" data-testid="weights-source">
        {none ? 'No weights yet: train, or import a file.' : `Current weights: ${weights.description}.`}
      </p>
      <div className="buttons">
        <button type="button" disabled={none || running} onClick={() => void exportWeights()}>
          Export weights
        </button>
        <button type="button" disabled={none || running} onClick={() => void exportCheckpoint()}>
          Download checkpoint
        </button>
        <button type="button" disabled={none || running} onClick={() => void exportForeign('pth')}>
          Export for PyTorch (.pth)
        </button>
        <button type="button" disabled={none || running} onClick={() => void exportForeign('pdparams')}>
          Export for PaddleScience
        </button>
        <button type="button" disabled={none || running} onClick={() => void exportForeign('handover')}>
          Hand over to PyTorch
        </button>
        <label className="button">
          Import weights or checkpoint…
          <input
            className="visually-hidden"
            type="file"
            accept=".safetensors,.fwickpt,.pth,.pt,.pdparams"
            aria-label="Import weights or checkpoint"
            disabled={running}
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              await importFile(file);
            }}
          />
        </label>
      </div>
      <p className="muted small-print">
        <em>Export weights</em> gives the generator alone as <code>.safetensors</code> with PyTorch names
        (<code>convblock1.layers.0.weight</code>, …): load it in PyTorch or run <code>npx fwi eval</code> on it. The
        checkpoint holds both networks, their optimisers, the configuration and the step, to continue training.
        <em> Export for PyTorch</em> writes OpenFWI&apos;s <code>checkpoint.pth</code>; <em>Export for PaddleScience</em>{' '}
        <code>model_gen.pdparams</code> and <code>model_dis.pdparams</code>; <em>Hand over to PyTorch</em> zips the
        checkpoint with the annotation lists, a <code>dataset_config.json</code> entry and the <code>torchrun … gan_train.py
        --resume</code> command. Import (or drop here) <code>.safetensors</code>, <code>.pth</code> and <code>.pdparams</code>.
      </p>
      {message ? (
        <p role="status" data-testid="import-status">
          {message}
        </p>
      ) : null}
    </section>
  );
}
