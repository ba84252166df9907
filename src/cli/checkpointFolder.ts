/**
 * Checkpoints on disk for the CLI: the folder form (`<out>/checkpoint/`, whose
 * `generator.safetensors` loads straight into PyTorch) written so that a crash mid-save never
 * leaves a broken latest checkpoint, and reading either form back for `--resume` / `--weights`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FwiError } from '../engine/errors.ts';
import { parseSafetensors } from '../engine/io/safetensors.ts';
import { readStoredTraining, type LoadedWeights } from '../engine/model/weightsMetadata.ts';
import { generatorOf, readWeightsFile } from '../engine/model/weightsFile.ts';
import {
  CHECKPOINT_FILES,
  decodeCheckpointBundle,
  decodeCheckpointFiles,
  encodeCheckpointFiles,
  isCheckpointBundle,
  parseCheckpointMeta,
  storedTrainingOfCheckpoint,
  type Checkpoint,
} from '../engine/train/checkpoint.ts';

/** Writes the checkpoint as the folder `folder`: beside it first, then swapped in by renames. */
export function writeCheckpointFolder(folder: string, checkpoint: Checkpoint): void {
  const next = `${folder}.partial`;
  const old = `${folder}.previous`;
  fs.rmSync(next, { recursive: true, force: true });
  fs.mkdirSync(next, { recursive: true });
  for (const [name, bytes] of Object.entries(encodeCheckpointFiles(checkpoint))) fs.writeFileSync(path.join(next, name), bytes);
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(folder)) fs.renameSync(folder, old);
  fs.renameSync(next, folder);
  fs.rmSync(old, { recursive: true, force: true });
}

function readBytes(file: string): Uint8Array {
  try {
    const b = fs.readFileSync(file);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FwiError('io', code === 'ENOENT' ? 'no such file' : `cannot read (${(e as Error).message})`, file);
  }
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
 * `checkpoint.json`. `.pth` and `.pdparams` store none.
 */
export function readGeneratorWeights(where: string): LoadedWeights {
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
  return { tensors: generatorOf(weights, where), stored: weights.format === 'safetensors' ? readStoredTraining(weights.metadata, where) : null };
}
