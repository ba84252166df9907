/**
 * The engine's dedicated module Worker: exposes the studio API (protocol.ts) over Comlink. All of
 * tf.js, the dataset readers, the run session and the forward model run here, off the page's
 * thread. Runs are kept in memory until the browser run store is in place.
 */
import * as Comlink from 'comlink';
import { memoryCheckpointStore } from '../engine/session/checkpointStore.ts';
import { Studio } from './studio.ts';

const inMemory = () => ({ runs: memoryCheckpointStore(), copies: null });

Comlink.expose(new Studio(async () => inMemory(), inMemory));
