/**
 * A studio checkpoint as OpenFWI's `gan_train.py` saves its `checkpoint.pth`, so that
 * `gan_train.py --resume checkpoint.pth` (torchrun, apex DDP) continues the run on a cluster:
 *
 * - `model`, `model_d`: the state dicts (no `module.` prefix: gan_train saves the unwrapped nets);
 * - `optimizer_g`, `optimizer_d`: `torch.optim.AdamW.state_dict()` of PyTorch 1.13: `state` by
 *   parameter index (`step` a float32 0-d tensor, `exp_avg`, `exp_avg_sq`) and one param group;
 * - `lr_schedulers`: the two `WarmupMultiStepLR` state dicts of OpenFWI's scheduler.py, stepped once
 *   per batch as gan_train steps them (no milestones, no warm-up: the studio's rates are constant);
 * - `epoch`: the last completed epoch (0-based; gan_train resumes at epoch + 1); `step`: batches done;
 * - `args`: gan_train's argument fields as a plain dict, not an `argparse.Namespace` (which
 *   `weights_only=True` refuses; gan_train never reads `args` on `--resume`), with the run's whole
 *   configuration under `studio_config` (model/openfwiArgs.ts).
 *
 * Written with only the opcodes and globals of torch's restricted loader. `openfwiResume.ts` reads
 * such a file (or one gan_train wrote) back as a run to continue.
 */
import type { TrainConfig } from '../config.ts';
import { PyDict, PyFloat, PyTuple, type PyWritable } from '../io/pickle.ts';
import { openFwiArgsEntries } from '../model/openfwiArgs.ts';
import { toFloat32, type SafeTensor } from '../io/safetensors.ts';
import { TorchSaveWriter } from '../io/torchSave.ts';
import { criticSteps } from '../model/critic.ts';
import { generatorSteps } from '../model/generator.ts';
import { bnKey, convKey } from '../model/network.ts';
import type { CriticWidths, GeneratorWidths } from '../model/widths.ts';
import type { Checkpoint } from './checkpoint.ts';

/** PyTorch's `model.parameters()` order: per block the conv weight and bias, then the BatchNorm weight and bias. */
export function parameterOrder(kind: 'generator' | 'critic', config: TrainConfig): string[] {
  const steps = kind === 'generator' ? generatorSteps(config.generatorWidths as unknown as GeneratorWidths) : criticSteps(config.criticWidths as unknown as CriticWidths);
  return steps.flatMap((s) =>
    'block' in s ? [convKey(s.block.name, 'weight'), convKey(s.block.name, 'bias'), bnKey(s.block.name, 'weight'), bnKey(s.block.name, 'bias')] : [],
  );
}

/** Batches trained so far: every batch has a critic step under OpenFWI's schedule; PaddleScience's trains one network per batch. */
export function batchesTrained(meta: Pick<Checkpoint['meta'], 'config' | 'criticStep' | 'generatorStep'>): number {
  return meta.config.schedule === 'paddle' ? meta.criticStep + meta.generatorStep : meta.criticStep;
}

/** Where OpenFWI's counters stand for a studio checkpoint; `partialEpoch` when it stopped mid-epoch (gan_train restarts that epoch). */
export function openFwiPosition(c: Checkpoint): { epoch: number; step: number; partialEpoch: boolean } {
  const { epoch, iteration } = c.meta.position;
  return { epoch: epoch - 1, step: batchesTrained(c.meta), partialEpoch: iteration > 0 };
}

function stateDict(w: TorchSaveWriter, tensors: Map<string, SafeTensor>, order: string[]): PyDict {
  const out = new PyDict('collections.OrderedDict');
  // The state dict's own order (parameters and buffers per block), whatever order the map came in.
  const blocks = [...new Set(order.map((k) => k.split('.')[0]))];
  for (const block of blocks) {
    for (const suffix of ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.1.running_mean', 'layers.1.running_var', 'layers.1.num_batches_tracked']) {
      const key = `${block}.${suffix}`;
      const t = tensors.get(key);
      if (!t) {
        if (suffix.endsWith('num_batches_tracked')) out.map.set(key, w.tensor({ dtype: 'I64', shape: [], data: [0] }));
        continue;
      }
      const isCount = suffix.endsWith('num_batches_tracked');
      const value = isCount
        ? w.tensor({ dtype: 'I64', shape: [], data: [Number(t.data[0])] })
        : w.tensor({ dtype: 'F32', shape: [...t.shape], data: toFloat32(t) });
      out.map.set(key, value);
    }
  }
  return out;
}

function adamwState(w: TorchSaveWriter, moments: Map<string, SafeTensor>, order: string[], step: number, lr: number, config: TrainConfig): PyDict {
  const state = new PyDict();
  if (step > 0) {
    order.forEach((name, i) => {
      const m = moments.get(`m.${name}`);
      const v = moments.get(`v.${name}`);
      if (!m || !v) return;
      state.map.set(
        i,
        new PyDict('dict', [
          ['step', w.tensor({ dtype: 'F32', shape: [], data: [step] })],
          ['exp_avg', w.tensor({ dtype: 'F32', shape: [...m.shape], data: toFloat32(m) })],
          ['exp_avg_sq', w.tensor({ dtype: 'F32', shape: [...v.shape], data: toFloat32(v) })],
        ]),
      );
    });
  }
  const group = new PyDict('dict', [
    ['lr', new PyFloat(lr)],
    ['betas', new PyTuple([new PyFloat(config.betas[0]), new PyFloat(config.betas[1])])],
    ['eps', new PyFloat(config.eps)],
    ['weight_decay', new PyFloat(config.weightDecay)],
    ['amsgrad', false],
    ['foreach', null],
    ['maximize', false],
    ['capturable', false],
    ['initial_lr', new PyFloat(lr)],
    ['params', order.map((_, i) => i)],
  ]);
  return new PyDict('dict', [
    ['state', state],
    ['param_groups', [group]],
  ]);
}

function schedulerState(lr: number, step: number): PyDict {
  return new PyDict('dict', [
    ['milestones', []],
    ['gamma', new PyFloat(0.1)],
    ['warmup_factor', new PyFloat(1e-5)],
    ['warmup_iters', 0],
    ['warmup_method', 'linear'],
    ['base_lrs', [new PyFloat(lr)]],
    ['last_epoch', step],
    ['verbose', false],
    ['_step_count', step + 1],
    ['_get_lr_called_within_step', false],
    ['_last_lr', [new PyFloat(lr)]],
  ]);
}

/** The checkpoint as OpenFWI's `checkpoint.pth` bytes (a torch.save zip archive). */
export function encodeOpenFwiCheckpoint(c: Checkpoint): Uint8Array {
  const w = new TorchSaveWriter();
  const config = c.meta.config;
  const gOrder = parameterOrder('generator', config);
  const dOrder = parameterOrder('critic', config);
  const { epoch, step } = openFwiPosition(c);
  const root = new PyDict('dict', [
    ['model', stateDict(w, c.generator, gOrder)],
    ['model_d', stateDict(w, c.critic, dOrder)],
    ['optimizer_g', adamwState(w, c.optimizerGenerator, gOrder, c.meta.optimizerSteps.generator, config.lrGenerator, config)],
    ['optimizer_d', adamwState(w, c.optimizerCritic, dOrder, c.meta.optimizerSteps.critic, config.lrCritic, config)],
    ['lr_schedulers', [schedulerState(config.lrGenerator, step), schedulerState(config.lrCritic, step)]],
    ['epoch', epoch],
    ['step', step],
    ['args', new PyDict('dict', openFwiArgsEntries(config))],
  ]);
  return w.finish(root as PyWritable, 'checkpoint');
}
