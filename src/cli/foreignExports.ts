/**
 * `fwi train --pth` / `--pdparams`: beside every checkpoint the run saves, the same state in
 * OpenFWI's `checkpoint.pth` (gan_train.py continues it with `--resume`) and PaddleScience's
 * `model_gen.pdparams` / `model_dis.pdparams`, each written beside its final name and renamed into
 * place, so a crash never leaves a half-written file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeNetworkPdparams } from '../engine/model/paddleWeights.ts';
import type { CheckpointStore } from '../engine/session/checkpointStore.ts';
import { encodeOpenFwiCheckpoint } from '../engine/train/openfwiCheckpoint.ts';

export interface ForeignExports {
  pth: boolean;
  pdparams: boolean;
}

function writeAtomically(file: string, bytes: Uint8Array): void {
  fs.writeFileSync(`${file}.partial`, bytes);
  fs.renameSync(`${file}.partial`, file);
}

/** The files `--pth` / `--pdparams` write into `out`, by flag. */
export const FOREIGN_FILES = { pth: ['checkpoint.pth'], pdparams: ['model_gen.pdparams', 'model_dis.pdparams'] } as const;

/** A store that also writes the chosen foreign formats into `out` after each save of `store`. */
export function withForeignExports<S extends CheckpointStore>(store: S, out: string, which: ForeignExports): S {
  if (!which.pth && !which.pdparams) return store;
  const saveCheckpoint: CheckpointStore['saveCheckpoint'] = async (id, checkpoint) => {
    await store.saveCheckpoint(id, checkpoint);
    if (which.pth) writeAtomically(path.join(out, FOREIGN_FILES.pth[0]), encodeOpenFwiCheckpoint(checkpoint));
    if (which.pdparams) {
      writeAtomically(path.join(out, FOREIGN_FILES.pdparams[0]), encodeNetworkPdparams('generator', checkpoint.generator));
      writeAtomically(path.join(out, FOREIGN_FILES.pdparams[1]), encodeNetworkPdparams('critic', checkpoint.critic));
    }
  };
  return { ...store, saveCheckpoint };
}
