/**
 * The engine's dedicated module Worker: exposes the studio API (protocol.ts) over Comlink. All of
 * tf.js, the dataset readers, the run session and the forward model run here, off the page's
 * thread. Runs are kept by the engine's crash-safe file store in the origin private file system
 * (opfsFiles), with copies of their datasets; where the browser gives no OPFS (or refuses it), in
 * IndexedDB (idbFiles, without dataset copies); where neither works, in memory until the tab closes
 * (the page is told why).
 */
import * as Comlink from 'comlink';
import { errorMessage } from '../engine/errors.ts';
import { memoryCheckpointStore } from '../engine/session/checkpointStore.ts';
import { fileCheckpointStore, type FileCheckpointStoreOptions } from '../engine/session/fileCheckpointStore.ts';
import type { RunFiles } from '../engine/session/runFiles.ts';
import { opfsDatasetCopies, type DatasetCopies } from './datasetCopies.ts';
import { idbFiles, openIdbDatabase } from './idbFiles.ts';
import { opfsFiles, opfsFolder } from './opfsFiles.ts';
import { storageFaults } from './storageFaults.ts';
import { Studio, type StudioStorage } from './studio.ts';

/** The OPFS folder (or IndexedDB database) holding one folder per kept run. */
const RUNS = 'velocitygan-runs';
/** Checkpoints are one bundle file each; metric events are appended every two seconds, not per step. */
const STORE_OPTIONS: FileCheckpointStoreOptions = { layout: 'bundle', metricsFlushMs: 2000 };

/** The run store over `files`, through a fault switch that passes everything on unless the diagnostics calls (refused without `?diagnostics=1`) switch a fault on. */
function runStore(files: RunFiles, copies: DatasetCopies | null): StudioStorage {
  const faults = storageFaults(files);
  return { runs: fileCheckpointStore(faults.files, STORE_OPTIONS), copies, faults };
}

async function browserStorage(): Promise<StudioStorage> {
  try {
    return runStore(opfsFiles(await opfsFolder(RUNS)), opfsDatasetCopies());
  } catch (opfs) {
    try {
      return runStore(idbFiles(await openIdbDatabase(RUNS)), null);
    } catch (idb) {
      throw new Error(`${errorMessage(opfs)}; ${errorMessage(idb)}`);
    }
  }
}

Comlink.expose(new Studio(browserStorage, () => ({ runs: memoryCheckpointStore(), copies: null })));
