/**
 * The configuration panel's body (App.tsx gives it its heading): the ConfigForm view on the store's configuration. Accepted edits go to
 * the store (and to the worker when a run starts); rejected drafts keep Train disabled. A
 * dataset_config.json (OpenFWI's or PaddleScience's) adds its entries as presets beside the built-in ones.
 */
import { useMemo, useState, type ChangeEvent } from 'react';
import { newPresets, parseDatasetConfig, type DatasetConfigEntry } from '../../engine/data/datasetConfig.ts';
import { PRESETS } from '../../engine/data/presets.ts';
import { runActive, setConfigDraft, setDraftErrors, useStudio, useStudioDeferred } from '../store/studioStore.ts';
import { ConfigForm, type DatasetPresetOption } from './views/ConfigForm.tsx';

export function ConfigPanel() {
  const config = useStudio((s) => s.config);
  // The form locks a frame after a run starts: its re-render is the page's largest.
  const runState = useStudioDeferred((s) => s.runState);
  const detected = useStudioDeferred((s) => s.data?.detectedPreset?.name ?? null);
  const [imported, setImported] = useState<DatasetConfigEntry[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const presets = useMemo<DatasetPresetOption[]>(
    () => [
      ...PRESETS.map((p) => ({ name: p.name, transform: { dataMin: p.dataMin, dataMax: p.dataMax, labelMin: p.labelMin, labelMax: p.labelMax } })),
      ...imported.map((e) => ({ name: e.name, label: `${e.name} (dataset_config.json)`, transform: { k: e.k, dataMin: e.dataMin, dataMax: e.dataMax, labelMin: e.labelMin, labelMax: e.labelMax } })),
    ],
    [imported],
  );
  const importDatasetConfig = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const fresh = newPresets(parseDatasetConfig(await file.text(), file.name));
      setImported((old) => [...old.filter((o) => !fresh.some((f) => f.name === o.name)), ...fresh]);
      setMessage({ ok: true, text: fresh.length ? `Presets from ${file.name}: ${fresh.map((f) => f.name).join(', ')}.` : `${file.name} holds only the built-in presets (its limits agree with them).` });
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  const disabled = runActive(runState);
  return (
    <>
      <ConfigForm config={config} onChange={setConfigDraft} presets={presets} disabled={disabled} onDraftErrorsChange={setDraftErrors} detectedPreset={detected} />
      <div className="vg-form-actions">
        <span className="vg-btn vg-file-button">
          Import dataset_config.json…
          <input type="file" accept=".json,application/json" aria-label="Import dataset presets (dataset_config.json)" disabled={disabled} onChange={(e) => void importDatasetConfig(e)} />
        </span>
      </div>
      {message && (message.ok ? <p className="vg-ok" role="status">{message.text}</p> : <p className="vg-alert" role="alert">{message.text}</p>)}
    </>
  );
}
