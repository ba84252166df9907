/**
 * The parity fixture's `manifest.json`, read and checked once: widths, batch, transform, loss
 * weights, optimiser and tolerances. Nothing about a particular fixture is assumed; a missing
 * tolerance falls back to the values the committed fixture states.
 */
import type { LossWeights, TransformConfig } from '../config.ts';
import { errorMessage, FwiError } from '../errors.ts';
import type { AdamWOptions } from '../train/adamw.ts';
import { BN_EPS, BN_MOMENTUM } from '../model/batchNorm.ts';

export interface ParityTolerances {
  forwardMaxAbs: number;
  lossesRel: number;
  dGradsRelL2: number;
  gGradsRelL2: number;
  runningStatsMaxAbs: number;
  metricsAbs: number;
  /** A conv bias feeding BatchNorm passes when ‖g_bias‖ ≤ this · ‖g_weight‖ (its true gradient is 0). */
  biasBeforeBnRatio: number;
  /** Parameters after a step: this share of each tensor's elements within `paramsCloseAbs`… */
  paramsCloseShare: number;
  paramsCloseAbs: number;
  /** …and every element within `paramsStepMultiple·lr + paramsCloseAbs`. */
  paramsStepMultiple: number;
}

export interface ParityManifest {
  batch: number;
  generatorWidths: [number, number, number, number, number];
  criticWidths: [number, number, number, number];
  transform: TransformConfig;
  lossWeights: LossWeights;
  optimiser: AdamWOptions;
  /** Files the manifest lists (quantities whose file is absent are not checked). */
  files: Set<string>;
  expected: {
    dStep?: { loss: number; lossReal: number; lossFake: number; gp: number };
    gStep?: { loss: number; l1: number; l2: number; adv: number };
    metrics?: { mae: number; rmse: number; ssim: number };
  };
  tolerances: ParityTolerances;
}

const DEFAULT_TOLERANCES: ParityTolerances = {
  forwardMaxAbs: 1e-3,
  lossesRel: 1e-3,
  dGradsRelL2: 1e-2,
  gGradsRelL2: 1e-2,
  runningStatsMaxAbs: 1e-3,
  metricsAbs: 1e-4,
  biasBeforeBnRatio: 1e-4,
  paramsCloseShare: 0.99,
  paramsCloseAbs: 1e-6,
  paramsStepMultiple: 2,
};

type Json = Record<string, unknown>;

/** Parses and checks a parity manifest; FwiError('config') naming every field that is wrong. */
export function parseParityManifest(text: string, file = 'manifest.json'): ParityManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new FwiError('config', `not JSON: ${errorMessage(e)}`, file);
  }
  const problems: string[] = [];
  const obj = (v: unknown, path: string): Json => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Json;
    problems.push(`${path} is not an object`);
    return {};
  };
  const num = (v: unknown, path: string): number => {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    problems.push(`${path} is not a number`);
    return NaN;
  };
  const optNum = (v: unknown, path: string, fallback: number): number => (v === undefined ? fallback : num(v, path));
  const ints = (v: unknown, path: string, count: number): number[] => {
    if (Array.isArray(v) && v.length === count && v.every((d) => Number.isInteger(d) && d > 0)) return v as number[];
    problems.push(`${path} is not ${count} positive integers`);
    return new Array<number>(count).fill(1);
  };
  const m = obj(raw, 'manifest');
  const batch = num(m.batch, 'batch');
  if (Number.isFinite(batch) && (!Number.isInteger(batch) || batch < 2)) problems.push('batch must be an integer ≥ 2 (BatchNorm in training mode)');
  const t = obj(m.transform, 'transform');
  const lw = obj(m.loss_weights, 'loss_weights');
  const o = obj(m.optimizer, 'optimizer');
  if (o.name !== undefined && o.name !== 'AdamW') problems.push(`optimizer.name is "${String(o.name)}", only AdamW is supported`);
  const betas = Array.isArray(o.betas) && o.betas.length === 2 ? o.betas : (problems.push('optimizer.betas is not a pair'), [0, 0]);
  const bn = m.batchnorm === undefined ? {} : obj(m.batchnorm, 'batchnorm');
  if (bn.eps !== undefined && bn.eps !== BN_EPS) problems.push(`batchnorm.eps ${String(bn.eps)} is not PyTorch's default ${BN_EPS}`);
  if (bn.momentum !== undefined && bn.momentum !== BN_MOMENTUM) problems.push(`batchnorm.momentum ${String(bn.momentum)} is not ${BN_MOMENTUM}`);
  const tol = m.tolerances === undefined ? {} : obj(m.tolerances, 'tolerances');
  const files = new Set(m.files === undefined ? [] : Object.keys(obj(m.files, 'files')));
  const expected = m.expected === undefined ? {} : obj(m.expected, 'expected');

  const manifest: ParityManifest = {
    batch,
    generatorWidths: ints(m.generator_dims, 'generator_dims', 5) as ParityManifest['generatorWidths'],
    criticWidths: ints(m.discriminator_dims, 'discriminator_dims', 4) as ParityManifest['criticWidths'],
    transform: {
      k: optNum(t.k, 'transform.k', 1),
      dataMin: num(t.data_min, 'transform.data_min'),
      dataMax: num(t.data_max, 'transform.data_max'),
      labelMin: num(t.label_min, 'transform.label_min'),
      labelMax: num(t.label_max, 'transform.label_max'),
    },
    lossWeights: {
      g1v: num(lw.lambda_g1v, 'loss_weights.lambda_g1v'),
      g2v: num(lw.lambda_g2v, 'loss_weights.lambda_g2v'),
      adv: num(lw.lambda_adv, 'loss_weights.lambda_adv'),
      gp: num(lw.lambda_gp, 'loss_weights.lambda_gp'),
    },
    optimiser: {
      lr: num(o.lr, 'optimizer.lr'),
      betas: [num(betas[0], 'optimizer.betas[0]'), num(betas[1], 'optimizer.betas[1]')],
      eps: num(o.eps, 'optimizer.eps'),
      weightDecay: num(o.weight_decay, 'optimizer.weight_decay'),
    },
    files,
    expected: {},
    tolerances: {
      ...DEFAULT_TOLERANCES,
      forwardMaxAbs: optNum(tol.forward_max_abs, 'tolerances.forward_max_abs', DEFAULT_TOLERANCES.forwardMaxAbs),
      lossesRel: optNum(tol.losses_rel, 'tolerances.losses_rel', DEFAULT_TOLERANCES.lossesRel),
      dGradsRelL2: optNum(tol.d_grads_rel_l2, 'tolerances.d_grads_rel_l2', DEFAULT_TOLERANCES.dGradsRelL2),
      gGradsRelL2: optNum(tol.g_grads_rel_l2, 'tolerances.g_grads_rel_l2', DEFAULT_TOLERANCES.gGradsRelL2),
      runningStatsMaxAbs: optNum(tol.running_stats_max_abs, 'tolerances.running_stats_max_abs', DEFAULT_TOLERANCES.runningStatsMaxAbs),
      metricsAbs: optNum(tol.metrics_abs, 'tolerances.metrics_abs', DEFAULT_TOLERANCES.metricsAbs),
    },
  };
  if (expected.d_step !== undefined) {
    const d = obj(expected.d_step, 'expected.d_step');
    manifest.expected.dStep = {
      loss: num(d.loss, 'expected.d_step.loss'),
      lossReal: num(d.loss_real, 'expected.d_step.loss_real'),
      lossFake: num(d.loss_fake, 'expected.d_step.loss_fake'),
      gp: num(d.gp, 'expected.d_step.gp'),
    };
  }
  if (expected.g_step !== undefined) {
    const g = obj(expected.g_step, 'expected.g_step');
    manifest.expected.gStep = {
      loss: num(g.loss, 'expected.g_step.loss'),
      l1: num(g.l1, 'expected.g_step.l1'),
      l2: num(g.l2, 'expected.g_step.l2'),
      adv: num(g.adv, 'expected.g_step.adv'),
    };
  }
  if (expected.metrics !== undefined) {
    const e = obj(expected.metrics, 'expected.metrics');
    manifest.expected.metrics = { mae: num(e.mae, 'expected.metrics.mae'), rmse: num(e.rmse, 'expected.metrics.rmse'), ssim: num(e.ssim, 'expected.metrics.ssim') };
  }
  if (problems.length) throw new FwiError('config', `not a parity manifest: ${problems.join('; ')}`, file);
  return manifest;
}
