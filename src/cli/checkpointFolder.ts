/**
 * Checkpoints on disk for the CLI: reading the folder form (`<out>/checkpoint/`, whose
 * `generator.safetensors` loads straight into PyTorch; written by the run store, runFolders.ts)
 * or a bundle back for `--resume` / `--weights`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FwiError } from '../engine/errors.ts';
import { parseSafetensors } from '../engine/io/safetensors.ts';
import { readStoredTraining, type LoadedWeights } from '../engine/model/weightsMetadata.ts';
import { generatorOf, isTorchSave, readWeightsFile, type WeightsFile } from '../engine/model/weightsFile.ts';
import { isOpenFwiTrainingCheckpoint, openFwiSteps } from '../engine/train/openfwiResume.ts';
import { trainingOfArgs } from '../engine/model/openfwiArgs.ts';
import type { DatasetConfigEntry } from '../engine/data/datasetConfig.ts';
import {
  CHECKPOINT_FILES,
  decodeCheckpointBundle,
  decodeCheckpointFiles,
  isCheckpointBundle,
  parseCheckpointMeta,
  storedTrainingOfCheckpoint,
  type Checkpoint,
} from '../engine/train/checkpoint.ts';

function readBytes(file: string): Uint8Array {
  try {
    const b = fs.readFileSync(file);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FwiError('io', code === 'ENOENT' ? 'no such file' : `cannot read (${(e as Error).message})`, file);
  }
}

/** What `--resume` names: a studio checkpoint (folder or bundle) or an OpenFWI checkpoint.pth to convert. */
export type Resumable = { kind: 'studio'; checkpoint: Checkpoint } | { kind: 'openfwi'; weights: WeightsFile };

/** A studio checkpoint (folder or bundle), or a torch.save file read as OpenFWI's checkpoint.pth (by content, not extension). */
export function readResumable(where: string): Resumable {
  if (fs.existsSync(where) && fs.statSync(where).isDirectory()) return { kind: 'studio', checkpoint: readCheckpoint(where) };
  const bytes = readBytes(where);
  if (!isTorchSave(bytes)) return { kind: 'studio', checkpoint: decodeCheckpointBundle(bytes, where) };
  const weights = readWeightsFile(bytes, where);
  if (!isOpenFwiTrainingCheckpoint(weights)) {
    throw new FwiError('weights', 'holds network weights without optimiser state, so there is no run to continue: evaluate it with fwi eval --weights, or resume an OpenFWI checkpoint.pth (model, model_d, optimizer_g, optimizer_d)', where);
  }
  return { kind: 'openfwi', weights };
}

/** A checkpoint from a checkpoint folder or a bundle file. */
export function readCheckpoint(where: string): Checkpoint {
  if (fs.existsSync(where) && fs.statSync(where).isDirectory()) {
    const files: Record<string, Uint8Array> = {};
    for (const name of Object.values(CHECKPOINT_FILES)) {
      const p = path.join(where, name);
      if (fs.existsSync(p)) files[name] = readBytes(p);
    }
    return decodeCheckpointFiles(files, where);
  }
  return decodeCheckpointBundle(readBytes(where), where);
}

/**
 * Generator weights from a checkpoint folder, a checkpoint bundle, or any weights file
 * `readWeightsFile` reads (`.safetensors`, PyTorch `.pth` incl. OpenFWI's checkpoint.pth,
 * PaddleScience `.pdparams`), told apart by content; with what they store about their training:
 * the file's own metadata, else (a folder written before weights described themselves) its
 * `checkpoint.json`; an OpenFWI checkpoint.pth, its `args` (dataset name, looked up among the
 * presets and `datasetConfig`, and k). Bare `.pth` state dicts and `.pdparams` store none.
 */
export function readGeneratorWeights(where: string, datasetConfig?: readonly DatasetConfigEntry[]): LoadedWeights {
  if (fs.existsSync(where) && fs.statSync(where).isDirectory()) {
    const file = path.join(where, CHECKPOINT_FILES.generator);
    const { tensors, metadata } = parseSafetensors(readBytes(file), file);
    let stored = readStoredTraining(metadata, file);
    const metaFile = path.join(where, CHECKPOINT_FILES.meta);
    if (!stored && fs.existsSync(metaFile)) {
      stored = storedTrainingOfCheckpoint(parseCheckpointMeta(new TextDecoder().decode(readBytes(metaFile)), metaFile));
    }
    return { tensors, stored };
  }
  const bytes = readBytes(where);
  if (isCheckpointBundle(bytes)) {
    const checkpoint = decodeCheckpointBundle(bytes, where);
    return { tensors: checkpoint.generator, stored: storedTrainingOfCheckpoint(checkpoint.meta) };
  }
  const weights = readWeightsFile(bytes, where);
  const tensors = generatorOf(weights, where);
  if (weights.format === 'safetensors') return { tensors, stored: readStoredTraining(weights.metadata, where) };
  if (!weights.openfwi) return { tensors, stored: null };
  // OpenFWI's checkpoint.pth: its args name the dataset (hence the normalisation) and k.
  const { stored, note } = trainingOfArgs(weights.openfwi.args, openFwiSteps(weights.openfwi), where, datasetConfig);
  return note ? { tensors, stored, note } : { tensors, stored };
}
