/**
 * The engine's dedicated module Worker: exposes the studio API (protocol.ts) over Comlink. All of
 * tf.js, the dataset readers, the run session and the forward model run here, off the page's
 * thread. Runs are kept in the origin private file system (the engine's crash-safe file store over
 * opfsFiles), with copies of their datasets; where the browser gives no OPFS, in memory until the
 * tab closes (the page is told).
 */
import * as Comlink from 'comlink';
import { memoryCheckpointStore } from '../engine/session/checkpointStore.ts';
import { fileCheckpointStore } from '../engine/session/fileCheckpointStore.ts';
import { opfsDatasetCopies } from './datasetCopies.ts';
import { opfsFiles, opfsFolder } from './opfsFiles.ts';
import { Studio } from './studio.ts';

/** The OPFS folder holding one folder per kept run. */
const RUNS_FOLDER = 'velocitygan-runs';

Comlink.expose(
  new Studio(
    async () => ({ runs: fileCheckpointStore(opfsFiles(await opfsFolder(RUNS_FOLDER)), { layout: 'bundle', metricsFlushMs: 2000 }), copies: opfsDatasetCopies() }),
    () => ({ runs: memoryCheckpointStore(), copies: null }),
  ),
);
