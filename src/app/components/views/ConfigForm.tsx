/**
 * The training configuration form (engine TrainConfig): every field labelled; an invalid value is
 * rejected at its field with the reason (aria-invalid, message tied by aria-describedby) and never
 * reaches `onChange`, so the parent always holds a valid configuration. Import the whole
 * configuration as the studio's JSON or PaddleScience's VelocityGAN YAML (engine/paddleConfig.ts),
 * export either, reset to OpenFWI's defaults; locked while a run is active.
 *
 * Props (ConfigFormProps):
 * - config: TrainConfig (valid); onChange(config): called with each accepted edit.
 * - presets: DatasetPresetOption[]: the dataset presets on offer ({ name, label?, transform?:
 *   { dataMin, dataMax, labelMin, labelMax } }); "auto" and "custom" are always added.
 *   Picking a preset sets its limits; limits are editable under "custom".
 * - disabled?: boolean: a run is active (the form is shown but locked).
 * - errors?: ConfigErrors: extra messages per path from outside (shown at the fields).
 * - onDraftErrorsChange?(errors): the rejected edits still showing in fields, keyed by path (empty
 *   when none), so the parent can hold Train while the form shows a rejected value.
 * - detectedPreset?: string | null: the preset the data looks like, shown as a hint under "auto".
 */
import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import {
  applySchedulePreset,
  applyWidthPreset,
  configToJson,
  defaultConfig,
  parseConfigJson,
  type ConfigErrors,
  type ScheduleName,
  type TrainConfig,
  type WidthPresetName,
} from '../../../engine/config.ts';
import { encodePaddleConfig, looksLikeYaml, parsePaddleConfig } from '../../../engine/paddleConfig.ts';
import { downloadText } from '../../export/download.ts';
import { CRITIC_WIDTH_FIELDS, FIELD_GROUPS, GENERATOR_WIDTH_FIELDS, getPath, LIMIT_FIELDS, tryEdit, type NumberField } from './configFields.ts';

export interface DatasetPresetOption {
  name: string;
  label?: string;
  /** The limits (and k, for an imported dataset_config.json entry that sets one) the preset stands for. */
  transform?: { k?: number; dataMin: number; dataMax: number; labelMin: number; labelMax: number };
}

export interface ConfigFormProps {
  config: TrainConfig;
  onChange: (config: TrainConfig) => void;
  presets: readonly DatasetPresetOption[];
  disabled?: boolean;
  errors?: ConfigErrors;
  onDraftErrorsChange?: (errors: ConfigErrors) => void;
  detectedPreset?: string | null;
}

type Drafts = Record<string, { text: string; error: string }>;

export function ConfigForm({ config, onChange, presets, disabled = false, errors = {}, onDraftErrorsChange, detectedPreset }: ConfigFormProps) {
  const id = useId();
  const [drafts, setDrafts] = useState<Drafts>({});
  const [importMessage, setImportMessage] = useState<{ ok: boolean; text: string } | null>(null);
  // The imported PaddleScience YAML, so Export YAML writes over it and keeps what the studio ignored.
  const [yamlSource, setYamlSource] = useState<string | null>(null);
  const reported = useRef('{}');

  useEffect(() => {
    if (!onDraftErrorsChange) return;
    const errs: ConfigErrors = Object.fromEntries(Object.entries(drafts).map(([p, d]) => [p, d.error]));
    const key = JSON.stringify(errs);
    if (key !== reported.current) {
      reported.current = key;
      onDraftErrorsChange(errs);
    }
  }, [drafts, onDraftErrorsChange]);

  const accept = (next: TrainConfig, clear: string[] | 'all') => {
    setDrafts((d) => {
      if (clear === 'all') return {};
      const copy = { ...d };
      for (const p of clear) delete copy[p];
      return copy;
    });
    onChange(next);
  };

  const editNumber = (path: string, text: string, also?: (c: TrainConfig) => TrainConfig) => {
    const r = tryEdit(config, path, text);
    if (r.config) accept(also ? also(r.config) : r.config, [path]);
    else setDrafts((d) => ({ ...d, [path]: { text, error: r.error } }));
  };

  const isCustomLimits = config.preset === 'custom';
  const presetNames = new Set(presets.map((p) => p.name));

  const choosePreset = (name: string) => {
    const p = presets.find((x) => x.name === name);
    const next: TrainConfig = { ...config, preset: name, transform: p?.transform ? { ...config.transform, ...p.transform } : config.transform };
    accept(next, LIMIT_FIELDS.map((f) => f.path));
  };

  const importJson = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    try {
      const text = await file.text();
      if (!looksLikeYaml(text)) {
        accept(parseConfigJson(text, file.name), 'all');
        setImportMessage({ ok: true, text: `Imported ${file.name}.` });
        return;
      }
      const { config: next, ignored } = parsePaddleConfig(text, file.name);
      // The YAML names its dataset (DATASET) and k; the limits are the preset's.
      const preset = presets.find((p) => p.name === next.preset);
      if (!preset?.transform) {
        throw new Error(`${file.name}: DATASET "${next.preset}" is not a preset here (have: ${presets.map((p) => p.name).join(', ')}); add its dataset_config.json entry or choose the preset after importing`);
      }
      accept({ ...next, transform: { ...preset.transform, k: next.transform.k } }, 'all');
      setYamlSource(text);
      setImportMessage({ ok: true, text: `Imported PaddleScience configuration ${file.name}.${ignored.length ? ` Not used (no studio equivalent): ${ignored.join(', ')}.` : ''}` });
    } catch (err) {
      setImportMessage({ ok: false, text: (err as Error).message });
    }
  };

  const field = (f: NumberField, opts: { readOnly?: boolean; also?: (c: TrainConfig) => TrainConfig; note?: string } = {}) => {
    const inputId = `${id}-${f.path}`;
    const draft = drafts[f.path];
    const error = draft?.error ?? errors[f.path];
    const value = draft ? draft.text : String(getPath(config, f.path) ?? '');
    const note = opts.note ?? f.note;
    const describedBy = [error ? `${inputId}-err` : null, note ? `${inputId}-note` : null].filter(Boolean).join(' ') || undefined;
    return (
      <div className="vg-field" key={f.path}>
        <label htmlFor={inputId}>{f.label}</label>
        <input
          id={inputId}
          name={f.path}
          type="text"
          inputMode={f.kind === 'int' ? 'numeric' : 'decimal'}
          autoComplete="off"
          spellCheck={false}
          value={value}
          readOnly={opts.readOnly}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => editNumber(f.path, e.target.value, opts.also)}
        />
        {error && (
          <p id={`${inputId}-err`} className="vg-field-error">
            {error}
          </p>
        )}
        {note && !error && (
          <p id={`${inputId}-note`} className="vg-field-note">
            {note}
          </p>
        )}
      </div>
    );
  };

  const toCustomWidths = (c: TrainConfig): TrainConfig => ({ ...c, widthPreset: 'custom' });
  const draftCount = Object.keys(drafts).length;

  return (
    <form className="vg-form vg-config" aria-label="Training configuration" onSubmit={(e) => e.preventDefault()} noValidate>
      {disabled && <p className="vg-hint" role="status">The configuration is locked while a run is active. Stop the run to change it.</p>}
      {draftCount > 0 && (
        <p className="vg-alert" role="alert">
          {draftCount} field{draftCount === 1 ? ' has' : 's have'} a rejected value; the previous valid value stays in use until it is fixed.
        </p>
      )}
      <fieldset disabled={disabled}>
        <legend>Dataset</legend>
        <div className="vg-fields">
          <div className="vg-field">
            <label htmlFor={`${id}-preset`}>Dataset preset</label>
            <select id={`${id}-preset`} value={config.preset} onChange={(e) => choosePreset(e.target.value)} aria-describedby={`${id}-preset-note`}>
              {presets.map((p) => (
                <option key={p.name} value={p.name}>{p.label ?? p.name}</option>
              ))}
              {!presetNames.has('auto') && <option value="auto">auto (scan the data)</option>}
              {!presetNames.has('custom') && <option value="custom">custom limits</option>}
            </select>
            <p id={`${id}-preset-note`} className="vg-field-note">
              {config.preset === 'auto'
                ? `Limits are found from the data${detectedPreset ? ` (looks like ${detectedPreset})` : ''}.`
                : isCustomLimits
                  ? 'Edit the normalisation limits below.'
                  : 'Limits from the OpenFWI preset; choose "custom limits" to edit them.'}
            </p>
          </div>
          {field({ path: 'transform.k', label: 'Log gain k', kind: 'float' })}
          {LIMIT_FIELDS.map((f) => field(f, { readOnly: !isCustomLimits }))}
        </div>
      </fieldset>

      <fieldset disabled={disabled}>
        <legend>Schedule and model</legend>
        <div className="vg-fields">
          <div className="vg-field">
            <label htmlFor={`${id}-schedule`}>Schedule</label>
            <select id={`${id}-schedule`} value={config.schedule} onChange={(e) => accept(applySchedulePreset(config, e.target.value as ScheduleName), ['nCritic', 'betas.0', 'betas.1', 'seed'])}>
              <option value="openfwi">OpenFWI</option>
              <option value="paddle">PaddleScience</option>
            </select>
          </div>
          <div className="vg-field">
            <label htmlFor={`${id}-shuffle`}>Shuffle batches</label>
            <select id={`${id}-shuffle`} value={config.shuffle ? 'yes' : 'no'} onChange={(e) => accept({ ...config, shuffle: e.target.value === 'yes' }, [])}>
              <option value="yes">Each epoch</option>
              <option value="no">Never</option>
            </select>
          </div>
          <div className="vg-field">
            <label htmlFor={`${id}-widths`}>Model widths</label>
            <select
              id={`${id}-widths`}
              value={config.widthPreset}
              onChange={(e) => {
                const w = e.target.value as WidthPresetName;
                const widthPaths = [...GENERATOR_WIDTH_FIELDS, ...CRITIC_WIDTH_FIELDS].map((f) => f.path);
                accept(w === 'custom' ? { ...config, widthPreset: 'custom' } : applyWidthPreset(config, w), widthPaths);
              }}
            >
              <option value="full">Full (OpenFWI)</option>
              <option value="half">Half</option>
              <option value="small">Small</option>
              <option value="tiny">Tiny</option>
              <option value="custom">Custom</option>
            </select>
          </div>
        </div>
        <details className="vg-widths" open={config.widthPreset === 'custom'}>
          <summary>Layer widths</summary>
          <div className="vg-fields">
            {GENERATOR_WIDTH_FIELDS.map((f) => field(f, { also: toCustomWidths }))}
            {CRITIC_WIDTH_FIELDS.map((f) => field(f, { also: toCustomWidths }))}
          </div>
        </details>
      </fieldset>

      {FIELD_GROUPS.map((g) => (
        <fieldset key={g.legend} disabled={disabled}>
          <legend>{g.legend}</legend>
          <div className="vg-fields">{g.fields.map((f) => field(f))}</div>
        </fieldset>
      ))}

      <div className="vg-form-actions">
        <span className="vg-btn vg-file-button">
          Import config…
          <input type="file" accept=".json,.yaml,.yml,application/json" aria-label="Import configuration (JSON)" disabled={disabled} onChange={(e) => void importJson(e)} />
        </span>
        <button type="button" className="vg-btn" onClick={() => downloadText(configToJson(config), 'velocitygan-config.json', 'application/json')}>
          Export JSON
        </button>
        <button
          type="button"
          className="vg-btn"
          title="PaddleScience's VelocityGAN example configuration (runs its PaddleScience schedule)"
          onClick={() => downloadText(encodePaddleConfig(config, yamlSource ?? undefined), 'velocitygan.yaml', 'application/yaml')}
        >
          Export YAML
        </button>
        <button type="button" className="vg-btn" disabled={disabled} onClick={() => accept(defaultConfig(), 'all')}>
          Reset to defaults
        </button>
      </div>
      {importMessage &&
        (importMessage.ok ? (
          <p className="vg-ok" role="status">{importMessage.text}</p>
        ) : (
          <p className="vg-alert" role="alert">Could not import the configuration: {importMessage.text}</p>
        ))}
    </form>
  );
}
