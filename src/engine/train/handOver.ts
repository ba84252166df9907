/**
 * "Hand over to PyTorch": what continuing a studio run with OpenFWI's own `gan_train.py` (torchrun,
 * apex DDP) needs, as files to unpack in an OpenFWI checkout: the run as OpenFWI's
 * `checkpoint.pth` (where gan_train's `--resume` looks: `<output>/<save name>/`), the annotation
 * lists in OpenFWI's format, a `dataset_config.json` entry for the run's normalisation, and the
 * exact command line with the run's settings.
 *
 * gan_train.py facts this relies on (lanl/OpenFWI): `--resume` is joined to `-o/-n`; lists are
 * joined to `-ap` and split on a tab, the label path losing its last character (so every line ends
 * with a newline); `epochs = epoch_block × num_block`; the models are built at the default widths;
 * `optimizer.load_state_dict` restores lr, betas, eps and weight decay from the checkpoint.
 */
import { zipSync } from 'fflate';
import type { TrainConfig } from '../config.ts';
import { FwiError } from '../errors.ts';
import { openFwiDatasetName } from '../model/openfwiArgs.ts';
import { widthPresets } from '../model/widths.ts';
import type { Checkpoint } from './checkpoint.ts';
import { encodeOpenFwiCheckpoint, openFwiPosition } from './openfwiCheckpoint.ts';

export interface HandOverInput {
  checkpoint: Checkpoint;
  /** Seismic and velocity file paths of each list line, as they should appear in OpenFWI's lists. */
  train: readonly { seismic: string; velocity: string | null }[];
  val: readonly { seismic: string; velocity: string | null }[];
  /** Samples per .npy file when all files hold the same number (OpenFWI's one `file_size`), else null. */
  fileSize: number | null;
}

export interface HandOverFile {
  name: string;
  bytes: Uint8Array;
}

function list(pairs: HandOverInput['train'], which: string): string {
  if (pairs.length === 0) throw new FwiError('usage', `no ${which} list to hand over: add the annotation lists the run was trained with`);
  const missing = pairs.find((p) => !p.velocity);
  if (missing) throw new FwiError('usage', `the ${which} list has seismic without velocity (${missing.seismic}); gan_train needs pairs`);
  return pairs.map((p) => `${p.seismic}\t${p.velocity}\n`).join('');
}

/** gan_train.py's command line for this run (one node; raise --nproc_per_node for more GPUs). */
export function ganTrainCommand(config: TrainConfig, name: string): string {
  const g = (v: number) => String(v);
  return [
    'torchrun --standalone --nproc_per_node=1 gan_train.py',
    `-ds ${name} -o models -l models -n ${name} -m InversionNet -md Discriminator`,
    '-ap . -t train.txt -v val.txt',
    `-b ${config.batchSize} --lr_g ${g(config.lrGenerator)} --lr_d ${g(config.lrCritic)} --weight-decay ${g(config.weightDecay)} -nc ${config.nCritic}`,
    `-g1v ${g(config.lambda.g1v)} -g2v ${g(config.lambda.g2v)} -adv ${g(config.lambda.adv)} -gp ${g(config.lambda.gp)} --k ${g(config.transform.k)}`,
    `-eb ${config.epochs} -nb 1 -r checkpoint.pth --tensorboard`,
  ].join(' \\\n  ');
}

function notes(input: HandOverInput, name: string, command: string): string {
  const c = input.checkpoint.meta.config;
  const { epoch, step, partialEpoch } = openFwiPosition(input.checkpoint);
  const full = widthPresets.full;
  const defaultWidths = c.generatorWidths.every((w, i) => w === full.generator[i]) && c.criticWidths.every((w, i) => w === full.critic[i]);
  const lines = [
    '# Continue this run with OpenFWI',
    '',
    'Unpack this folder into a checkout of https://github.com/lanl/OpenFWI (beside gan_train.py), with the',
    'data files where the lists name them (paths are relative to that folder), then run `sh run.sh`:',
    '',
    '```sh',
    command,
    '```',
    '',
    `- \`models/${name}/checkpoint.pth\`: both networks, their AdamW states and schedulers; epoch ${epoch} done, step ${step}.` +
      ` gan_train resumes at epoch ${epoch + 1} (0-based) and trains to epoch ${c.epochs - 1}.`,
    `- \`dataset_config.json\`: the \`${name}\` entry (the run's normalisation). gan_train reads this file from its own folder:` +
      ' merge the entry into OpenFWI\'s file, or replace it (only the `-ds` entry is read).',
    '- `train.txt`, `val.txt`: the run\'s annotation lists in OpenFWI\'s format (seismic, tab, velocity).',
  ];
  if (partialEpoch) {
    lines.push(`- The run stopped inside epoch ${input.checkpoint.meta.position.epoch}; OpenFWI resumes at whole epochs, so that epoch is trained again from its start.`);
  }
  if (input.fileSize === null) {
    lines.push('- Warning: the .npy files hold different numbers of samples; OpenFWI\'s FWIDataset assumes one `file_size` for all. Re-split them (`fwi synth --openfwi-layout` writes equal files).');
  }
  if (!defaultWidths) {
    lines.push(
      `- Widths: gan_train.py builds the default InversionNet and Discriminator. This run is generator [${c.generatorWidths.join(', ')}], critic [${c.criticWidths.join(', ')}];` +
        ' replace the two model lines in gan_train.py with:',
      '',
      '```python',
      `model = network.InversionNet(*${JSON.stringify(c.generatorWidths)}, sample_spatial=args.sample_spatial).to(device)`,
      `model_d = network.Discriminator(*${JSON.stringify(c.criticWidths)}).to(device)`,
      '```',
    );
  }
  if (c.schedule !== 'openfwi') lines.push('- This run used PaddleScience\'s schedule; gan_train continues with OpenFWI\'s (a generator step every `-nc` batches).');
  lines.push(
    '- Learning rates, betas, eps and weight decay come back from the checkpoint\'s optimiser state (gan_train\'s `load_state_dict`);' +
      ' with more GPUs each takes `-b` samples per step.',
    '',
  );
  return lines.join('\n');
}

/** Every file of the hand-over, by path inside the bundle. */
export function handOverFiles(input: HandOverInput): HandOverFile[] {
  const c = input.checkpoint.meta.config;
  const name = openFwiDatasetName(c);
  const t = c.transform;
  const entry = {
    [name]: { data_min: t.dataMin, data_max: t.dataMax, label_min: t.labelMin, label_max: t.labelMax, file_size: input.fileSize ?? 500 },
  };
  const command = ganTrainCommand(c, name);
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    { name: `models/${name}/checkpoint.pth`, bytes: encodeOpenFwiCheckpoint(input.checkpoint) },
    { name: 'train.txt', bytes: text(list(input.train, 'training')) },
    { name: 'val.txt', bytes: text(list(input.val, 'validation')) },
    { name: 'dataset_config.json', bytes: text(`${JSON.stringify(entry, null, 4)}\n`) },
    { name: 'run.sh', bytes: text(`#!/bin/sh\n${command}\n`) },
    { name: 'HANDOVER.md', bytes: text(notes(input, name, command)) },
  ];
}

/** The hand-over as one zip (what the studio downloads); unpack it into an OpenFWI checkout. */
export function handOverBundle(input: HandOverInput): Uint8Array {
  return zipSync(Object.fromEntries(handOverFiles(input).map((f) => [f.name, [f.bytes, { level: f.name.endsWith('.pth') ? 0 : 6 }]])));
}
