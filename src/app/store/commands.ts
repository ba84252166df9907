/**
 * The page's side of the worker protocol: starts the worker, routes its event batches into the
 * store, and offers the commands components call. No component talks to the worker directly, and
 * no answer goes to a component: what a call returns is put in the store. A command that fails
 * raises an alert instead of throwing into React.
 */
import * as Comlink from 'comlink';
import type { TrainConfig } from '../../engine/config.ts';
import type { DemoOptions, DroppedFile, EvaluationReport, ForeignExport, ListRole, StudioApi, StudioBackend, StudioEvent } from '../../worker/protocol.ts';
import { downloadBlob as saveBlob } from '../export/download.ts';
import { raiseAlert, receiveEvents, setBackendError, setTrainHeld, useStudio } from './studioStore.ts';
import { errorMessage } from '../../engine/errors.ts';
import { blobSource } from '../../engine/io/byteSource.ts';
import { openNpy } from '../../engine/io/npy.ts';

let api: Comlink.Remote<StudioApi> | null = null;
let engine: Worker | null = null;
let startOptions: { prefer?: StudioBackend } = {};


/** Starts the worker and its backend; the backend report arrives through the store. */
export async function startStudio(options: { prefer?: StudioBackend } = {}): Promise<void> {
  if (api) return;
  startOptions = options;
  const worker = new Worker(new URL('../../worker/worker.ts', import.meta.url), { type: 'module', name: 'velocitygan-engine' });
  engine = worker;
  worker.addEventListener('error', (e) => engineStopped(worker, `the engine worker failed: ${e.message}`));
  api = Comlink.wrap<StudioApi>(worker);
  const sink = Comlink.proxy((events: StudioEvent[]) => receiveEvents(events));
  const diagnostics = new URLSearchParams(location.search).get('diagnostics') === '1';
  if (diagnostics) exposeDiagnostics();
  try {
    const report = await api.connect(sink, { ...options, diagnostics });
    receiveEvents([{ type: 'backend', report }]);
  } catch (e) {
    setBackendError(errorMessage(e));
  }
}

/**
 * The engine worker is gone (it failed, or was killed): nothing it was doing goes on. The run it
 * trained keeps its last checkpoint in browser storage; the page says so and offers to restart the
 * engine, which offers to resume the run from that checkpoint.
 */
function engineStopped(worker: Worker, why: string): void {
  if (engine !== worker) return;
  worker.terminate();
  engine = null;
  api = null;
  const { runState } = useStudio.getState();
  const training = ['starting', 'running', 'pausing', 'paused', 'stopping', 'recovering'].includes(runState);
  // What the stopped worker held is gone with it: its run state, and a hold on files it could not read.
  useStudio.setState(training ? { runState: 'failed', unreadableFiles: [] } : { unreadableFiles: [] });
  raiseAlert(
    `The engine stopped (${why}).${training ? ' The run it was training keeps its last checkpoint in browser storage: at most one checkpoint interval of training is lost.' : ''} Restart the engine to go on${training ? ' and resume the run' : ''}.`,
    'restart-engine',
  );
}

/** Starts a new engine worker after the last one stopped; a run it was training is offered for resuming. */
export async function restartEngine(): Promise<void> {
  if (api) return;
  useStudio.setState((s) => ({ alerts: s.alerts.filter((a) => a.offer !== 'restart-engine'), resumeOfferDismissed: false }));
  await startStudio(startOptions);
}

/**
 * With `?diagnostics=1`, puts `velocitygan.*` on the page's global object (for the developer
 * console and the browser tests): `simulateDeviceLoss()` (a lost GPU device), `killWorker()` (the
 * engine worker terminated, as a crash would end it), `simulateStorageFull(roomBytes)` (browser
 * storage refuses writes beyond that many bytes; null lifts it) and `holdNextCheckpointSwitch()`
 * (resolves when the next checkpoint is written and verified but not switched to: kill now).
 */
function exposeDiagnostics(): void {
  (globalThis as unknown as { velocitygan: Record<string, (...args: never[]) => Promise<void>> }).velocitygan = {
    simulateDeviceLoss: () => remote().simulateDeviceLoss(),
    killWorker: async () => {
      if (engine) engineStopped(engine, 'the engine worker was terminated');
    },
    simulateStorageFull: (roomBytes: number | null) => remote().simulateStorageFull(roomBytes),
    holdNextCheckpointSwitch: () => remote().holdNextCheckpointSwitch(),
  };
}

function remote(): Comlink.Remote<StudioApi> {
  if (!api) throw new Error('the engine is not started yet');
  return api;
}

async function guarded<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    raiseAlert(`${what} failed: ${errorMessage(e)}`);
    return undefined;
  }
}

/** Hands dropped or picked files to the worker (the File objects, not their bytes). */
export function addFiles(files: DroppedFile[]): Promise<void | undefined> {
  return guarded('Adding files', () => remote().addFiles(files));
}

/** Gives picked files in place of dataset files the browser stopped letting the run read (a run held for them continues). */
export function reattachFiles(files: DroppedFile[]): Promise<void | undefined> {
  return guarded('Re-attaching files', () => remote().reattachFiles(files));
}

export function removeFile(path: string): Promise<void | undefined> {
  return guarded('Removing a file', () => remote().removeFile(path));
}

export function setListRole(path: string, role: ListRole): Promise<void | undefined> {
  return guarded('Changing a list’s role', () => remote().setListRole(path, role));
}

/** Sends a valid configuration to the worker (invalid drafts stay in the form). */
export function applyConfig(config: TrainConfig): Promise<void | undefined> {
  return guarded('Applying the configuration', () => remote().setConfig(config));
}

let batchChecks = 0;

/**
 * Checks whether `config`'s batch fits the backend's heap and puts the answer in the store
 * (`batchCheck`); a check that fails (an unreadable training list) is stored as its error, never
 * as "fits". Only the latest check's answer is kept.
 */
export async function checkBatch(config: TrainConfig | null): Promise<void> {
  const id = ++batchChecks;
  if (!config) {
    useStudio.setState({ batchCheck: null });
    return;
  }
  let answer: { fit: Awaited<ReturnType<StudioApi['batchTooLarge']>>; error: string | null };
  try {
    answer = { fit: await remote().batchTooLarge(config), error: null };
  } catch (e) {
    answer = { fit: null, error: errorMessage(e) };
  }
  if (id === batchChecks) useStudio.setState({ batchCheck: answer });
}

/**
 * Starts a new run with the form's configuration (kept runs stay as they are). When the training
 * files hold NaN or ±Infinity the worker starts nothing and the store holds its reports until the
 * user chooses: `startHeld` (those samples left out), or `dismissTrainHold`.
 */
export async function train(skipNonFinite = false): Promise<void> {
  const { config } = useStudio.getState();
  setTrainHeld(null);
  await guarded('Starting training', async () => {
    await remote().setConfig(config);
    const start = await remote().train({ skipNonFinite });
    if (!start.started) setTrainHeld({ reports: start.nonFinite, start: { kind: 'train' } });
  });
}

/**
 * Trains a kept run on from its latest checkpoint (the resume offer; Continue this run with
 * `epochs` in total). Held back like `train` on files with NaN or ±Infinity.
 */
export async function continueRun(runId: string, epochs?: number, skipNonFinite = false): Promise<void> {
  setTrainHeld(null);
  useStudio.setState({ resumeOfferDismissed: true });
  await guarded('Continuing the run', async () => {
    const start = await remote().continueRun(runId, { ...(epochs !== undefined ? { epochs } : {}), ...(skipNonFinite ? { skipNonFinite } : {}) });
    if (!start.started) setTrainHeld({ reports: start.nonFinite, start: { kind: 'continue', runId, epochs } });
  });
}

/** The user chose to leave out the samples holding NaN or ±Infinity: starts what was held back. */
export function startHeld(): Promise<void> {
  const held = useStudio.getState().trainHeld;
  if (!held) return Promise.resolve();
  return held.start.kind === 'train' ? train(true) : continueRun(held.start.runId, held.start.epochs, true);
}

/** The user chose not to train on files holding non-finite values. */
export function dismissTrainHold(): void {
  setTrainHeld(null);
}

/** Shows a kept run: its curves, its configuration in the form, its latest checkpoint as the weights to evaluate or export. */
export const openRun = (runId: string) => guarded('Opening the run', () => remote().openRun(runId));
export const renameRun = (runId: string, name: string) => guarded('Renaming the run', () => remote().renameRun(runId, name));
/** Deletes a kept run from browser storage (the page asks for confirmation first). */
export const deleteRun = (runId: string) => guarded('Deleting the run', () => remote().deleteRun(runId));

/** Loads a kept run's curves into the store (`runHistories[runId]`), for comparing runs; resolves once they are there. */
export async function loadRunHistory(runId: string): Promise<void> {
  const history = await guarded('Reading the run’s curves', () => remote().runHistory(runId));
  if (history) useStudio.setState((s) => ({ runHistories: { ...s.runHistories, [runId]: history } }));
}

export const pause = () => guarded('Pausing', () => remote().pause());
export const resume = () => guarded('Resuming', () => remote().resume());
export const stop = () => guarded('Stopping', () => remote().stop());
export const cancelTask = () => guarded('Cancelling', () => remote().cancel());

export async function evaluate(physicsSamples: number): Promise<EvaluationReport | undefined> {
  const { config } = useStudio.getState();
  return guarded('Evaluation', async () => {
    await remote().setConfig(config);
    return remote().evaluate({ physicsSamples });
  });
}

/** The file name an inference result downloads as: `<list>-predicted-velocity.npy`. */
export function inferenceFileName(listPath: string): string {
  return `${listPath.replace(/^.*\//, '').replace(/\.txt$/i, '')}-predicted-velocity.npy`;
}

/** Predicts velocities for a list, downloads them as .npy and opens the first in the map viewer (the result stays there to browse). */
export async function predict(listPath: string): Promise<void> {
  const blob = await guarded('Inference', () => remote().predict(listPath));
  if (!blob) return;
  saveBlob(blob, inferenceFileName(listPath));
  const samples = await guarded('Reading the predictions', async () => (await openNpy(blobSource(blob, inferenceFileName(listPath)))).rows);
  if (samples === undefined) return;
  useStudio.setState({ inference: { list: listPath, npy: blob, samples, generatorStep: exportStep() } });
  await openInferenceSample(0);
}

/** Downloads the last inference result again. */
export function downloadInference(): void {
  const r = useStudio.getState().inference;
  if (r) saveBlob(r.npy, inferenceFileName(r.list));
}

let openRequests = 0;

/** Opens validation sample `index` (0-based) in the maps (predicted with the current weights, and true) and the gather. */
export async function openEvaluationSample(index: number): Promise<void> {
  const id = ++openRequests;
  const maps = await guarded(`Opening sample ${index + 1}`, () => remote().evaluationSample(index));
  const count = useStudio.getState().evaluation?.samples ?? index + 1;
  if (maps && id === openRequests) useStudio.setState({ opened: { source: 'evaluation', index, count, list: null, maps } });
}

/** Opens sample `index` (0-based) of the last inference result in the maps and its seismic in the gather. */
export async function openInferenceSample(index: number): Promise<void> {
  const r = useStudio.getState().inference;
  if (!r) return;
  const id = ++openRequests;
  const predicted = await guarded('Reading the predicted map', async () => (await openNpy(blobSource(r.npy, inferenceFileName(r.list)))).readRows(index, index + 1));
  if (!predicted || id !== openRequests) return;
  const size = Math.round(Math.sqrt(predicted.length));
  useStudio.setState({
    opened: {
      source: 'inference',
      index,
      count: r.samples,
      list: r.list,
      maps: { type: 'snapshot', epoch: 0, generatorStep: r.generatorStep ?? 0, indices: [index], height: size, width: size, predicted, truth: null },
    },
  });
}

/** Back from an opened sample to the training snapshots. */
export function closeOpenedSample(): void {
  openRequests++;
  useStudio.setState({ opened: null });
}

/** The generator step the exported weights are at (the source's, else the shown run's latest). */
function exportStep(): number {
  const { weights, steps } = useStudio.getState();
  return weights?.generatorStep ?? steps.generator;
}

export async function exportWeights(): Promise<void> {
  const blob = await guarded('Exporting weights', () => remote().exportWeights());
  if (blob) saveBlob(blob, `velocitygan-generator-step${exportStep()}.safetensors`);
}

export async function exportCheckpoint(): Promise<void> {
  const blob = await guarded('Exporting the checkpoint', () => remote().exportCheckpoint());
  if (blob) saveBlob(blob, `velocitygan-checkpoint-step${exportStep()}.fwickpt`);
}

/** Downloads the run in another tool's format (OpenFWI checkpoint.pth, PaddleScience .pdparams, or the hand-over zip). */
export async function exportForeign(target: ForeignExport): Promise<void> {
  const label = { pth: 'Exporting for PyTorch', pdparams: 'Exporting for PaddleScience', handover: 'Preparing the hand-over to PyTorch' }[target];
  const files = await guarded(label, () => remote().exportForeign(target));
  for (const f of files ?? []) saveBlob(f.blob, f.name);
}

/** Imports weights or a checkpoint; what the file turned out to be goes to the store (`importReport`). */
export async function importWeights(file: File): Promise<void> {
  useStudio.setState({ importReport: null });
  const report = await guarded(`Importing ${file.name}`, () => remote().importWeights(file));
  if (report) useStudio.setState({ importReport: report });
}

export function makeDemoDataset(options: DemoOptions): Promise<void | undefined> {
  return guarded('Making the demo dataset', () => remote().makeDemoDataset(options));
}

export async function downloadDemoZip(): Promise<void> {
  const blob = await guarded('Zipping the demo dataset', () => remote().demoZip());
  if (blob) saveBlob(blob, 'velocitygan-demo-dataset.zip');
}

let gatherRequests = 0;

/** Reads one sample's input seismic (of the validation split, or of `list`) into the store (`shotGather`); only the latest request's answer is kept. */
export async function requestShotGather(index: number | null, list?: string): Promise<void> {
  const id = ++gatherRequests;
  const gather = index === null ? null : await guarded('Reading the shot gather', () => remote().shotGather(index, list));
  if (id === gatherRequests) useStudio.setState({ shotGather: gather ?? null });
}


