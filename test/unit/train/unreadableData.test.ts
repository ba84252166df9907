/**
 * A data file that cannot be read any more mid-run (the user moved or deleted a dropped file):
 * with `holdOnUnreadableData` the trainer pauses naming the file, and once the file is readable
 * again `resume()` trains the same batch and the run equals the uninterrupted one, number for
 * number; without it (the CLI) the run fails naming the file.
 */
import { describe, expect, it } from 'vitest';
import { applyWidthPreset, defaultConfig, type TrainConfig } from '../../../src/engine/config.ts';
import { openDataset, type Dataset } from '../../../src/engine/data/dataset.ts';
import { FwiError } from '../../../src/engine/errors.ts';
import type { ByteSource } from '../../../src/engine/io/byteSource.ts';
import type { RunState, TrainerEvent } from '../../../src/engine/train/events.ts';
import { Trainer } from '../../../src/engine/train/trainer.ts';
import { layeredDataset } from './layeredDataset.ts';

const config: TrainConfig = { ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, epochs: 2, nCritic: 2, seed: 5, snapshotEvery: 1000, checkpointMinutes: 1e6, lrGenerator: 1e-3, lrCritic: 1e-3 };

/** The layered dataset, streamed (read from its files at every batch) through a seismic source that can be made unreadable. */
async function breakableDataset(): Promise<{ data: Dataset; setBroken(b: boolean): void; failedReads: () => number }> {
  const base = (await layeredDataset(0, 4)).files[0];
  let broken = false;
  let failed = 0;
  const src: ByteSource = base.seismic.source;
  const seismic: ByteSource = {
    name: src.name,
    size: src.size,
    async read(offset, length) {
      if (broken) {
        failed++;
        throw new FwiError('file-unreadable', 'could not read the file (NotReadableError: The requested file could not be read)', src.name);
      }
      return src.read(offset, length);
    },
  };
  const data = await openDataset([{ seismic, velocity: base.velocity!.source }], { memoryMode: 'stream', memoryBudgetBytes: 1 });
  return { data, setBroken: (b) => (broken = b), failedReads: () => failed };
}

function losses(events: TrainerEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'critic-step' ? [`D${e.criticStep} ${e.loss}`] : e.type === 'generator-step' ? [`G${e.generatorStep} ${e.loss}`] : []));
}

describe('a data file that cannot be read mid-run', () => {
  it('pauses the run naming the file; after the file is back, Resume trains the same batch and the run equals the uninterrupted one', async () => {
    const ref = await breakableDataset();
    const refEvents: TrainerEvent[] = [];
    expect(await new Trainer({ config, train: ref.data, backendName: 'wasm', onEvent: (e) => refEvents.push(e) }).run()).toBe('finished');

    const b = await breakableDataset();
    const events: TrainerEvent[] = [];
    const holds: string[] = [];
    let t: Trainer;
    t = new Trainer({
      config,
      train: b.data,
      backendName: 'wasm',
      holdOnUnreadableData: true,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'critic-step' && e.criticStep === 1) b.setBroken(true);
        if (e.type === 'state' && e.state === 'paused') {
          holds.push(e.message ?? '');
          // The user re-attaches the file, then presses Resume.
          setTimeout(() => {
            b.setBroken(false);
            t.resume();
          }, 5);
        }
      },
    });
    expect(await t.run()).toBe('finished');
    expect(holds).toEqual(['seismic_0.npy: could not read the file (NotReadableError: The requested file could not be read): re-attach the file to continue']);
    expect(b.failedReads()).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'state').map((e) => (e as { state: RunState }).state)).toEqual(['running', 'paused', 'running', 'finished']);
    expect(losses(events)).toEqual(losses(refEvents));
    expect(losses(events).length).toBe(6);
  }, 120_000);

  it('without holding (the CLI), fails naming the file', async () => {
    const b = await breakableDataset();
    const states: string[] = [];
    const t = new Trainer({
      config,
      train: b.data,
      backendName: 'wasm',
      onEvent: (e) => {
        if (e.type === 'critic-step' && e.criticStep === 1) b.setBroken(true);
        if (e.type === 'state') states.push(`${e.state}${e.message ? `: ${e.message}` : ''}`);
      },
    });
    await expect(t.run()).rejects.toThrow('seismic_0.npy: could not read the file (NotReadableError: The requested file could not be read)');
    expect(states).toEqual(['running', 'failed: seismic_0.npy: could not read the file (NotReadableError: The requested file could not be read)']);
  }, 120_000);
});
