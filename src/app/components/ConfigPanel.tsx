/**
 * The configuration panel: the ConfigForm view on the store's configuration. Accepted edits go to
 * the store (and to the worker when a run starts); rejected drafts keep Train disabled.
 */
import { useMemo } from 'react';
import { PRESETS } from '../../engine/data/presets.ts';
import { setConfigDraft, setDraftErrors, useStudio, useStudioDeferred } from '../store/studioStore.ts';
import { ConfigForm, type DatasetPresetOption } from './views/ConfigForm.tsx';

export function ConfigPanel() {
  const config = useStudio((s) => s.config);
  // The form locks a frame after a run starts: its re-render is the page's largest.
  const runState = useStudioDeferred((s) => s.runState);
  const detected = useStudioDeferred((s) => s.data?.detectedPreset?.name ?? null);
  const presets = useMemo<DatasetPresetOption[]>(
    () => PRESETS.map((p) => ({ name: p.name, transform: { dataMin: p.dataMin, dataMax: p.dataMax, labelMin: p.labelMin, labelMax: p.labelMax } })),
    [],
  );
  return (
    <section className="panel" aria-labelledby="config-title">
      <h2 id="config-title">Configuration</h2>
      <ConfigForm
        config={config}
        onChange={setConfigDraft}
        presets={presets}
        disabled={runState === 'running' || runState === 'paused'}
        onDraftErrorsChange={setDraftErrors}
        detectedPreset={detected}
      />
    </section>
  );
}
