/**
 * The engine's dedicated module Worker: exposes the studio API (protocol.ts) over Comlink. All of
 * tf.js, the dataset readers, the trainer and the forward model run here, off the page's thread.
 */
import * as Comlink from 'comlink';
import { Studio } from './studio.ts';

Comlink.expose(new Studio());
