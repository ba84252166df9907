/**
 * Recomputes a PyTorch parity fixture (a directory laid out like test/fixtures/parity) and
 * compares every quantity it holds: the normalised inputs, both networks' forward passes from
 * the initial state (eval and train mode), the critic step (losses, gradients, weights and
 * running statistics after AdamW), the generator step on the same batch (the same, plus the
 * critic's statistics moved by D(pred)), and the metrics. Everything about the run (widths,
 * batch, transform, loss weights, optimiser, tolerances) comes from the manifest. It runs on
 * whatever tf.js backend is active; the caller supplies the files.
 */
import * as tf from '@tensorflow/tfjs';
import { normalizeSeismic, normalizeVelocity } from '../data/transforms.ts';
import { FwiError } from '../errors.ts';
import { bytesSource } from '../io/byteSource.ts';
import { openNpy } from '../io/npy.ts';
import { parseSafetensors, type SafeTensor } from '../io/safetensors.ts';
import { metrics } from '../eval/metrics.ts';
import { createCritic } from '../model/critic.ts';
import { createGenerator } from '../model/generator.ts';
import { bnKey, convKey, type Network } from '../model/network.ts';
import { loadStateDict, stateDictOf, torchLayoutValues } from '../model/stateDict.ts';
import { AdamW } from '../train/adamw.ts';
import { criticGradients, generatorGradients, nchwToNhwc, nhwcToNchw, type StepGradients } from '../train/steps.ts';
import { compareArray, compareGradients, compareLoss, compareMetric, compareParamsAfterStep, compareRunningStats, type ParityRow } from './compare.ts';
import { parseParityManifest, type ParityManifest } from './manifest.ts';

/** Read access to the fixture directory's files by name. */
export interface FixtureFiles {
  read(name: string): Promise<Uint8Array>;
}

export interface ParityReport {
  manifest: ParityManifest;
  rows: ParityRow[];
  pass: boolean;
}

interface Array4 {
  shape: number[];
  data: Float32Array;
}

type Values = ArrayLike<number>;

async function readNpy(files: FixtureFiles, name: string): Promise<Array4> {
  const file = await openNpy(bytesSource(await files.read(name), name));
  return { shape: [...file.shape], data: await file.readAll() };
}

async function readSafetensors(files: FixtureFiles, name: string): Promise<Map<string, SafeTensor>> {
  return parseSafetensors(await files.read(name), name).tensors;
}

function expectShape(name: string, a: Array4, shape: number[]): void {
  if (a.shape.length !== shape.length || a.shape.some((d, i) => shape[i] >= 0 && d !== shape[i])) {
    throw new FwiError('dataset-mismatch', `shape [${a.shape.join(', ')}], the manifest implies [${shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`, name);
  }
}

/** Conv biases feeding a BatchNorm, mapped to their conv's weight (every block here has one). */
function biasesBeforeBn(net: Network): Map<string, string> {
  const map = new Map<string, string>();
  for (const step of net.steps) if ('block' in step) map.set(convKey(step.block.name, 'bias'), convKey(step.block.name, 'weight'));
  return map;
}

async function stateValues(net: Network): Promise<Map<string, Values>> {
  const dict = await stateDictOf(net);
  const out = new Map<string, Values>();
  for (const [k, e] of Object.entries(dict)) out.set(k, e.data instanceof BigInt64Array ? Array.from(e.data, Number) : e.data);
  return out;
}

async function gradientValues(g: StepGradients): Promise<Map<string, Values>> {
  const out = new Map<string, Values>();
  for (const [k, t] of g.grads) out.set(k, await torchLayoutValues(t));
  return out;
}

function statNames(net: Network): { stats: string[]; counts: string[] } {
  const blocks = net.steps.flatMap((s) => ('block' in s ? [s.block.name] : []));
  return {
    stats: blocks.flatMap((b) => [bnKey(b, 'running_mean'), bnKey(b, 'running_var')]),
    counts: blocks.map((b) => bnKey(b, 'num_batches_tracked')),
  };
}

/** Runs the whole check; `onRow` sees each row as soon as it is known. */
export async function runParity(files: FixtureFiles, onRow: (row: ParityRow) => void = () => {}): Promise<ParityReport> {
  const manifest = parseParityManifest(new TextDecoder().decode(await files.read('manifest.json')));
  const tol = manifest.tolerances;
  const listed = (name: string): boolean => manifest.files.size === 0 || manifest.files.has(name);
  const rows: ParityRow[] = [];
  const add = (...r: ParityRow[]): void => {
    for (const row of r) {
      rows.push(row);
      onRow(row);
    }
  };
  const B = manifest.batch;

  const dataRaw = await readNpy(files, 'data_raw.npy');
  expectShape('data_raw.npy', dataRaw, [B, 5, -1, -1]);
  const labelRaw = await readNpy(files, 'label_raw.npy');
  expectShape('label_raw.npy', labelRaw, [B, 1, -1, -1]);
  const dataNorm = normalizeSeismic(dataRaw.data, manifest.transform);
  const labelNorm = normalizeVelocity(labelRaw.data, manifest.transform);
  if (listed('data_norm_sample0.npy')) {
    const ref = await readNpy(files, 'data_norm_sample0.npy');
    add(compareArray('data_norm_sample0', dataNorm.subarray(0, ref.data.length), ref.data, tol.forwardMaxAbs));
  }
  if (listed('label_norm.npy')) add(compareArray('label_norm', labelNorm, (await readNpy(files, 'label_norm.npy')).data, tol.forwardMaxAbs));

  const gInit = await readSafetensors(files, 'g_init.safetensors');
  const dInit = await readSafetensors(files, 'd_init.safetensors');
  const G = createGenerator(manifest.generatorWidths, 0);
  const D = createCritic(manifest.criticWidths, 0);
  const x = nchwToNhwc(dataNorm, dataRaw.shape as [number, number, number, number]);
  const y = nchwToNhwc(labelNorm, labelRaw.shape as [number, number, number, number]);
  const disposables: { dispose(): void }[] = [G, D, x, y];
  try {
    loadStateDict(G, gInit, 'g_init.safetensors');
    loadStateDict(D, dInit, 'd_init.safetensors');

    const forward = async (quantity: string, net: Network, input: tf.Tensor4D, training: boolean): Promise<void> => {
      if (!listed(`${quantity}.npy`)) return;
      const ref = await readNpy(files, `${quantity}.npy`);
      const out = net.apply(input, training);
      try {
        const values = out.rank === 4 ? await nhwcToNchw(out as tf.Tensor4D) : ((await out.data()) as Float32Array);
        add(compareArray(quantity, values, ref.data, tol.forwardMaxAbs));
      } finally {
        out.dispose();
      }
    };
    // Each from the initial state: train mode moves the running statistics, so reload after.
    await forward('g_eval_out', G, x, false);
    await forward('g_train_out', G, x, true);
    await forward('d_real_out', D, y, true);
    loadStateDict(G, gInit, 'g_init.safetensors');
    loadStateDict(D, dInit, 'd_init.safetensors');

    const alphaArray = await readNpy(files, 'alpha.npy');
    if (alphaArray.data.length !== B) throw new FwiError('dataset-mismatch', `${alphaArray.data.length} values for batch ${B}`, 'alpha.npy');
    const alpha = tf.tensor4d(alphaArray.data, [B, 1, 1, 1]);
    const optD = new AdamW(D.params, manifest.optimiser);
    const optG = new AdamW(G.params, manifest.optimiser);
    disposables.push(alpha, optD, optG);
    const lr = manifest.optimiser.lr;
    const dBiases = biasesBeforeBn(D);
    const gBiases = biasesBeforeBn(G);
    const dStats = statNames(D);
    const gStats = statNames(G);

    const afterStep = async (quantity: string, net: Network, biases: Map<string, string>, names: { stats: string[]; counts: string[] }): Promise<void> => {
      if (!listed(`${quantity}.safetensors`)) return;
      const ref = await readSafetensors(files, `${quantity}.safetensors`);
      const ours = await stateValues(net);
      add(compareParamsAfterStep(`${quantity} params`, ours, ref, [...net.params.keys()], biases, lr, tol));
      add(compareRunningStats(`${quantity} running stats`, ours, ref, names.stats, names.counts, tol.runningStatsMaxAbs));
    };

    /**
     * One step against the fixture: its loss terms (fixture names, in the order the step returns
     * them) and its gradients; then the optimiser applies it.
     */
    const checkStep = async (
      prefix: 'd_step' | 'g_step',
      step: StepGradients,
      termNames: readonly string[],
      expected: readonly number[] | undefined,
      biases: Map<string, string>,
      gradsRelL2: number,
      optimiser: AdamW,
    ): Promise<void> => {
      try {
        const terms = Array.from(await step.terms.data());
        if (expected) add(...termNames.map((name, i) => compareLoss(`${prefix}.${name}`, terms[i], expected[i], tol.lossesRel)));
        if (listed(`${prefix}_grads.safetensors`)) {
          const ref = await readSafetensors(files, `${prefix}_grads.safetensors`);
          add(...compareGradients(`${prefix}_grads`, await gradientValues(step), ref, biases, gradsRelL2, tol));
        }
        optimiser.step(step.grads);
      } finally {
        step.terms.dispose();
        for (const g of step.grads.values()) g.dispose();
      }
    };

    // Critic step, then the generator step on the same batch.
    const ed = manifest.expected.dStep;
    const dTerms = ['loss', 'loss_real', 'loss_fake', 'gp'];
    await checkStep('d_step', criticGradients(G, D, x, y, alpha, manifest.lossWeights), dTerms, ed && [ed.loss, ed.lossReal, ed.lossFake, ed.gp], dBiases, tol.dGradsRelL2, optD);
    await afterStep('d_after', D, dBiases, dStats);
    const eg = manifest.expected.gStep;
    const gTerms = ['loss', 'l1', 'l2', 'adv'];
    await checkStep('g_step', generatorGradients(G, D, x, y, manifest.lossWeights), gTerms, eg && [eg.loss, eg.l1, eg.l2, eg.adv], gBiases, tol.gGradsRelL2, optG);
    await afterStep('g_after', G, gBiases, gStats);
    await afterStep('d_final', D, dBiases, dStats);

    const em = manifest.expected.metrics;
    if (em && listed('metrics_pred.npy')) {
      const pred = await readNpy(files, 'metrics_pred.npy');
      const label = listed('label_norm.npy') ? await readNpy(files, 'label_norm.npy') : { shape: labelRaw.shape, data: labelNorm };
      const p = tf.tensor4d(pred.data, pred.shape as [number, number, number, number]);
      const l = tf.tensor4d(label.data, label.shape as [number, number, number, number]);
      try {
        const m = await metrics(p, l);
        add(
          compareMetric('metrics.mae', m.mae, em.mae, tol.metricsAbs),
          compareMetric('metrics.rmse', m.rmse, em.rmse, tol.metricsAbs),
          compareMetric('metrics.ssim', m.ssim, em.ssim, tol.metricsAbs),
        );
      } finally {
        p.dispose();
        l.dispose();
      }
    }
  } finally {
    for (const d of disposables) d.dispose();
  }
  return { manifest, rows, pass: rows.every((r) => r.pass) };
}
