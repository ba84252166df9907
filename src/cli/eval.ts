/**
 * `fwi eval`: generator weights against a validation list: MAE, RMSE and SSIM on the normalised
 * scale and MAE/RMSE in m/s, overall and per sample, and the physics check of a few samples with
 * its reference models (true, smoothed, constant), printed and written as the evaluation record
 * (JSON) and the per-sample table (CSV). With `--predict out.npy` it also writes the predicted
 * velocity maps (m/s, (n, 1, 70, 70)); a seismic-only list can only be predicted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, type TrainConfig } from '../engine/config.ts';
import { parseDatasetConfig } from '../engine/data/datasetConfig.ts';
import { PRESET_NAMES, resolvePreset } from '../engine/data/presets.ts';
import { evaluatedData, evaluationRecord, sampleRowsCsv } from '../engine/eval/evaluationRecord.ts';
import { INFERENCE_BATCH_MAX } from '../engine/eval/evaluator.ts';
import { physicsCheck, physicsMeans, physicsSampleIndices } from '../engine/eval/physicsCheck.ts';
import { FwiError } from '../engine/errors.ts';
import { widthsFromStateDict } from '../engine/model/stateDict.ts';
import { RunSession } from '../engine/session/runSession.ts';
import { chooseTransform } from '../engine/model/weightsMetadata.ts';
import { initBackend, parseBackendName } from '../engine/train/backend.ts';
import { readGeneratorWeights } from './checkpointFolder.ts';
import { parseCommandArgs, usageError, wholeNumber } from './commandArgs.ts';
import { fileSink, openAnnotationList, readTextFile } from './nodeFiles.ts';
import { RUN_FILES, runFolders } from './runFolders.ts';

const HELP = `usage: fwi eval --weights <generator weights | checkpoint> --val <list.txt> [options]

Evaluates a generator (.safetensors, PyTorch .pth, PaddleScience .pdparams, a checkpoint folder
or bundle, or a run) on an annotation list.

options:
  --weights PATH     generator .safetensors / .pth (OpenFWI checkpoint.pth too) / .pdparams,
                     checkpoint folder or checkpoint bundle (the format is read from the content),
                     or a run folder (fwi train's --out: its latest checkpoint)
  --val FILE         annotation list to evaluate on (seismic-only lists need --predict)
  --root DIR         also resolve list paths against the files under DIR (repeatable)
  --preset NAME      normalisation preset: ${PRESET_NAMES.join(', ')}, or auto (default: the
                     transform stored with the weights, or named by an OpenFWI checkpoint's args
                     (dataset, k); flatvel-a for weights that store none)
  --dataset-config F OpenFWI/PaddleScience dataset_config.json whose entries --preset (or an
                     OpenFWI checkpoint's args.dataset) may name
  --batch N          samples per forward pass (default: the run's, at most 8; results do not depend on it)
  --out FILE         evaluation record JSON (default eval.json): scores overall and per sample,
                     the physics check, the weights' step, the configuration and the data's identity
  --samples-csv FILE the per-sample table (default: --out with .samples.csv for .json)
  --physics N        physics check on N samples spread over the list (default 2; 0 skips it):
                     forward-models the prediction, the true, a smoothed and a constant model
  --predict FILE     also write the predicted velocity maps (m/s) to this .npy
  --backend B        wasm (default), cpu or webgpu
  -h, --help         this text`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, HELP, {
    weights: { type: 'string' },
    val: { type: 'string' },
    root: { type: 'string', multiple: true },
    preset: { type: 'string' },
    'dataset-config': { type: 'string' },
    batch: { type: 'string' },
    out: { type: 'string' },
    'samples-csv': { type: 'string' },
    physics: { type: 'string' },
    predict: { type: 'string' },
    backend: { type: 'string' },
  });
  if (!parsed) return 0;
  const { values } = parsed;
  if (!values.weights || !values.val) throw usageError('--weights and --val are required', HELP);
  const batchFlag = values.batch === undefined ? undefined : wholeNumber('batch', values.batch, INFERENCE_BATCH_MAX);
  const physicsSamples = wholeNumber('physics', values.physics, 2, 0);
  await initBackend(parseBackendName(values.backend ?? 'wasm'));

  // Evaluation goes through a RunSession: a run folder (fwi train's --out) is opened as a kept run
  // (its record is checked) and its latest checkpoint is evaluated; other weights are imported.
  const where = path.resolve(values.weights);
  const session = new RunSession({ store: runFolders(path.dirname(where)) });
  const runFolder = fs.existsSync(path.join(where, RUN_FILES.record));
  if (runFolder) await session.openRun(path.basename(where));
  const datasetConfig = values['dataset-config'] ? parseDatasetConfig(readTextFile(values['dataset-config']), values['dataset-config']) : undefined;
  const { tensors: weights, stored, note } = readGeneratorWeights(runFolder ? path.join(where, RUN_FILES.checkpoint) : values.weights, datasetConfig);
  const widths = widthsFromStateDict('generator', weights, values.weights) as unknown as TrainConfig['generatorWidths'];
  const dataset = await openAnnotationList(values.val, { roots: values.root ?? [] });
  if (!dataset.hasLabels && !values.predict) {
    throw new FwiError('usage', 'the list has seismic files only, so there is nothing to score: pass --predict out.npy to write predictions', values.val);
  }
  const explicit = values.preset === undefined ? null : await resolvePreset(values.preset, { scan: () => dataset.scanRanges(), datasetConfig });
  const fallback = await resolvePreset('flatvel-a');
  const choice = chooseTransform(stored, explicit && { preset: explicit.choice, transform: explicit.transform }, { preset: fallback.choice, transform: fallback.transform });
  if (choice.from === 'assumed' && note) choice.message = `${choice.message} (${note})`;
  if (choice.message) console.error(`fwi eval: ${choice.from === 'explicit' ? 'warning: ' : ''}${choice.message}`);
  // The run's own settings (loss weights, inference batch) where the weights store them, so its validation numbers come out again exactly.
  const base = stored?.config ?? defaultConfig();
  const batchSize = batchFlag ?? Math.min(base.batchSize, INFERENCE_BATCH_MAX);
  const config: TrainConfig = { ...base, preset: choice.preset, transform: choice.transform, widthPreset: 'custom', generatorWidths: widths, batchSize };
  session.useImportedWeights(weights, values.weights, config);
  const trainer = await session.evaluator();
  try {
    if (values.predict) {
      await trainer.predict(dataset, fileSink(values.predict));
      console.log(`predictions (${dataset.length}, 1, 70, 70) in m/s written to ${values.predict}`);
    }
    if (!dataset.hasLabels) return 0;
    const e = await trainer.evaluate(dataset);
    const record = evaluationRecord(e, {
      time: new Date(),
      weights: { source: path.resolve(values.weights), generatorStep: stored?.generatorStep ?? 0, criticStep: stored?.criticStep ?? null },
      config,
      data: await evaluatedData(dataset, `annotation list ${path.resolve(values.val)}`, false),
    });
    const indices = physicsSampleIndices(dataset.length, physicsSamples);
    if (indices.length) record.physics = await physicsCheck(await trainer.predictSamples(dataset, indices));
    const result = {
      ...record,
      list: path.resolve(values.val),
      transform: choice.transform,
      transformFrom: choice.from,
      generatorWidths: widths,
    };
    const out = values.out ?? 'eval.json';
    const samplesCsv = values['samples-csv'] ?? `${out.replace(/\.json$/i, '')}.samples.csv`;
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(samplesCsv, sampleRowsCsv(record));
    console.log(`${e.samples} samples, generator [${widths.join(', ')}], preset ${choice.preset} (${choice.from === 'weights' ? 'stored with the weights' : choice.from === 'explicit' ? '--preset' : 'assumed'})`);
    console.log(`MAE  ${e.mae.toFixed(5)}  (${e.maeMs.toFixed(2)} m/s)`);
    console.log(`RMSE ${e.rmse.toFixed(5)}  (${e.rmseMs.toFixed(2)} m/s)`);
    console.log(`SSIM ${e.ssim.toFixed(5)}`);
    const worst = [...e.perSample].sort((a, b) => b.mae - a.mae).slice(0, 3);
    console.log(`worst samples by MAE (1-based): ${worst.map((w) => `${w.index + 1} (${w.maeMs.toFixed(1)} m/s)`).join(', ')}`);
    if (record.physics) {
      const m = physicsMeans(record.physics);
      console.log(
        `physics check on ${indices.length} sample${indices.length > 1 ? 's' : ''}, relative seismic misfit ‖F(v) − d‖/‖d‖: prediction ${m.predicted.toFixed(4)}; true model ${m.truth.toFixed(4)}, smoothed (σ ${record.physics.smoothingSigmaM} m) ${m.smoothed.toFixed(4)}, constant ${m.constant.toFixed(4)}`,
      );
    }
    console.log(`written to ${out} and ${samplesCsv}`);
    return 0;
  } finally {
    trainer.dispose();
    await dataset.close();
  }
}
