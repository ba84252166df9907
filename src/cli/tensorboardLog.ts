/**
 * `fwi train`'s TensorBoard logs, laid out as OpenFWI's gan_train.py writes them: `<dir>/train`
 * and `<dir>/val`, one event file each per run (a resumed run adds a file; TensorBoard merges
 * them). Tags and steps are OpenFWI's, so its runs and ours plot on the same axes: the step is the
 * global batch count (epoch · batches per epoch + batch), validation is logged at the step after
 * the epoch's last batch. The studio's extra numbers get tags of their own.
 *
 *   train: loss_diff (mean D(real) − mean D(fake), the Wasserstein estimate), loss_gp (unweighted
 *          penalty) every critic step; loss_g1v, loss_g2v (L1, MSE) every generator step;
 *          extra: loss_d, loss_g, loss_adv
 *   val:   loss, loss_g1v (MAE), loss_g2v (MSE); extra: rmse, ssim, mae_ms, rmse_ms
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FwiError } from '../engine/errors.ts';
import { eventRecord, fileVersionEvent, scalarsEvent } from '../engine/io/tensorboardEvents.ts';
import type { TrainerEvent } from '../engine/train/events.ts';

type Scalars = { tag: string; value: number }[];

/** The (writer, step, scalars) a trainer event becomes, or null for events TensorBoard does not get. */
export function tensorboardScalars(e: TrainerEvent, batchesPerEpoch: number): { split: 'train' | 'val'; step: number; scalars: Scalars } | null {
  if (e.type === 'critic-step') {
    const step = e.epoch * batchesPerEpoch + e.iteration;
    return {
      split: 'train',
      step,
      scalars: [
        { tag: 'loss_diff', value: e.wasserstein },
        { tag: 'loss_gp', value: e.gp },
        { tag: 'loss_d', value: e.loss },
      ],
    };
  }
  if (e.type === 'generator-step') {
    return {
      split: 'train',
      step: e.epoch * batchesPerEpoch + e.iteration,
      scalars: [
        { tag: 'loss_g1v', value: e.l1 },
        { tag: 'loss_g2v', value: e.l2 },
        { tag: 'loss_g', value: e.loss },
        { tag: 'loss_adv', value: e.adv },
      ],
    };
  }
  if (e.type === 'validation') {
    return {
      split: 'val',
      step: (e.epoch + 1) * batchesPerEpoch,
      scalars: [
        { tag: 'loss', value: e.loss },
        { tag: 'loss_g1v', value: e.mae },
        { tag: 'loss_g2v', value: e.mse },
        { tag: 'rmse', value: e.rmse },
        { tag: 'ssim', value: e.ssim },
        { tag: 'mae_ms', value: e.maeMs },
        { tag: 'rmse_ms', value: e.rmseMs },
      ],
    };
  }
  return null;
}

/** A name as PyTorch's SummaryWriter gives its files: events.out.tfevents.<seconds>.<host>.<pid>.<n>. */
function eventFileName(seconds: number, n: number): string {
  return `events.out.tfevents.${String(Math.floor(seconds)).padStart(10, '0')}.${os.hostname()}.${process.pid}.${n}`;
}

/** Appends trainer events to TensorBoard event files under `dir/train` and `dir/val`. */
export class TensorBoardLog {
  private readonly files: Record<'train' | 'val', number>;
  readonly paths: Record<'train' | 'val', string>;

  constructor(
    dir: string,
    private readonly batchesPerEpoch: number,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    const seconds = this.now();
    const open = (split: 'train' | 'val', n: number) => {
      const folder = path.join(dir, split);
      try {
        fs.mkdirSync(folder, { recursive: true });
      } catch (e) {
        throw new FwiError('io', `cannot create the TensorBoard folder (${(e as Error).message})`, folder);
      }
      const file = path.join(folder, eventFileName(seconds, n));
      const fd = fs.openSync(file, 'w');
      fs.writeSync(fd, eventRecord(fileVersionEvent(seconds)));
      return { fd, file };
    };
    const train = open('train', 0);
    const val = open('val', 1);
    this.files = { train: train.fd, val: val.fd };
    this.paths = { train: train.file, val: val.file };
  }

  /** Logs one event (only steps and validations are logged). */
  write(e: TrainerEvent): void {
    const s = tensorboardScalars(e, this.batchesPerEpoch);
    if (s) fs.writeSync(this.files[s.split], eventRecord(scalarsEvent(this.now(), s.step, s.scalars)));
  }

  close(): void {
    fs.closeSync(this.files.train);
    fs.closeSync(this.files.val);
  }
}
