/**
 * Faults injected in the studio through the `?diagnostics=1` hooks (`velocitygan.*` on the page,
 * commands.ts), or on disk, on tiny runs:
 * - the engine worker killed in the middle of a checkpoint save (written and verified, the switch
 *   not begun): the page says so and offers to restart; the restarted engine offers the run, which
 *   resumes from the previous complete checkpoint (one checkpoint interval lost);
 * - browser storage full during autosave: the run goes on, the page says autosave stopped and what
 *   a checkpoint needs, and Download checkpoint gives the checkpoint not kept, while training;
 *   autosave comes back with the room;
 * - a dropped file changed on disk mid-run (the browser then refuses to read it): the run pauses
 *   naming it; a different file is refused with why; the same file picked again with Re-attach
 *   files continues the run where it stopped;
 * - two tabs on one saved run: the second says the run is open elsewhere, offers no resume and
 *   cannot rename it; once the first is closed the run is whole, as the first left it.
 * The runs train on the WebAssembly backend: what is faulted (the worker, browser storage, the
 * files) is the same on every backend, and wasm trains the tiny widths in seconds where WebGPU on
 * SwiftShader spends a minute compiling kernels.
 */
import { copyFileSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { TrainConfig } from '../../src/engine/config.ts';
import { openStudioWith, tinyRunConfig, writeTinyDataset, type TinyDataset } from './harness.ts';

interface Diagnostics {
  killWorker(): Promise<void>;
  simulateStorageFull(roomBytes: number | null): Promise<void>;
  holdNextCheckpointSwitch(): Promise<void>;
}
const diagnostics = (page: Page) => ({
  killWorker: () => page.evaluate(() => (globalThis as unknown as { velocitygan: Diagnostics }).velocitygan.killWorker()),
  holdNextSwitch: () => page.evaluate(() => (globalThis as unknown as { velocitygan: Diagnostics }).velocitygan.holdNextCheckpointSwitch()),
  storageRoom: (bytes: number | null) => page.evaluate((b) => (globalThis as unknown as { velocitygan: Diagnostics }).velocitygan.simulateStorageFull(b), bytes),
});

/** Opens the studio with the diagnostics hooks, on the wasm backend, with the dataset and `config`. */
const openFaultStudio = (page: Page, data: TinyDataset, config: TrainConfig) => openStudioWith(page, data, config, '/?diagnostics=1&backend=wasm');

/** The log's messages, without their times. */
function logLines(page: Page): Promise<string[]> {
  return page
    .getByRole('log')
    .locator('li')
    .evaluateAll((items) => items.map((li) => [...li.childNodes].filter((n) => n.nodeName !== 'TIME').map((n) => n.textContent).join('')));
}

/** The critic step of the last checkpoint the log says was saved. */
async function lastCheckpointStep(page: Page): Promise<number> {
  const steps = (await logLines(page)).flatMap((l) => /^Checkpoint saved \((?:start|interval|stop)\) at critic step (\d+)$/.exec(l)?.slice(1) ?? []);
  return Number(steps.at(-1));
}

const lastStep = async (page: Page) => Number(await page.getByTestId('loss-panel').getAttribute('data-last-step'));

/** The loss curve's point count and last step, read together. */
const pointsAndLastStep = (page: Page) => page.getByTestId('loss-panel').evaluate((el) => [Number(el.getAttribute('data-points')), Number(el.getAttribute('data-last-step'))]);

async function stopRun(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'stopped', { timeout: 60_000 });
}

/** Trains a tiny run with a checkpoint after every batch until an interval checkpoint is saved; its critic step. */
async function trainUntilCheckpoint(page: Page): Promise<number> {
  await openFaultStudio(page, writeTinyDataset(4, 2), tinyRunConfig({ epochs: 50, checkpointMinutes: 0.001, snapshotEvery: 1000, valEvery: 1000 }));
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('log')).toContainText(/Checkpoint saved \(interval\) at critic step [1-9]/, { timeout: 120_000 });
  return lastCheckpointStep(page);
}

test('the worker killed mid-save: the page says so, and the restarted engine resumes from the previous complete checkpoint', async ({ page }) => {
  await trainUntilCheckpoint(page);
  // The next save stops once its checkpoint is written and read back, before the switch: kill the worker there.
  await diagnostics(page).holdNextSwitch();
  await page.waitForTimeout(1000); // the events before the held save reach the page
  const complete = await lastCheckpointStep(page);
  const shown = await lastStep(page);
  expect(shown, 'the held save is of the batch after the last complete checkpoint').toBe(complete + 1);
  await diagnostics(page).killWorker();
  const alert = page.getByRole('alert').filter({ hasText: 'The engine stopped' });
  await expect(alert).toContainText(
    'The engine stopped (the engine worker was terminated). The run it was training keeps its last checkpoint in browser storage: at most one checkpoint interval of training is lost. Restart the engine to go on and resume the run.',
  );
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'failed');
  await alert.getByRole('button', { name: 'Restart the engine' }).click();
  const offer = page.getByTestId('resume-offer');
  await expect(offer).toBeVisible({ timeout: 60_000 });
  // The held checkpoint was never switched to: the previous complete one is what the run resumes from.
  expect(Number(/critic step (\d+)/.exec((await offer.textContent())!)![1])).toBe(complete);
  await offer.getByRole('button', { name: 'Resume run' }).click();
  await expect.poll(() => logLines(page), { timeout: 60_000 }).toContain(`Run resumed at critic step ${complete}`);
  const continuing = new RegExp(`^Continuing run “.+” from .+, critic step ${complete}, generator step \\d+$`);
  await expect.poll(async () => (await logLines(page)).filter((l) => continuing.test(l)).length, { timeout: 60_000 }).toBe(1);
  await expect.poll(() => lastStep(page), { timeout: 120_000, message: 'the resumed run trains past the step it was killed at' }).toBeGreaterThan(shown);
  await stopRun(page);
  const [points, last] = await pointsAndLastStep(page);
  expect(points, 'one point per step: the lost step is trained once, not twice').toBe(last);
});

test('storage full during autosave: the run goes on, the page says what it needs, and Download checkpoint gives the checkpoint not kept', async ({ page }) => {
  const kept = await trainUntilCheckpoint(page);
  await diagnostics(page).storageRoom(0);
  const alert = page.getByRole('alert').filter({ hasText: 'Autosave stopped' });
  await expect(alert).toContainText(
    /^Autosave stopped: browser storage: velocitygan-runs\/.+: could not (write|append to): browser storage is full \(this write needed [\d.]+ MB\)\. Training goes on, but nothing more of this run is kept until there is room\. A checkpoint of this run needs about [\d.]+ MB\. Free space \(delete runs you no longer need\), or use Download checkpoint to keep the newest one\./,
    { timeout: 60_000 },
  );
  const needs = Number(/needs about ([\d.]+) MB/.exec((await alert.textContent())!)![1]);
  const atAlert = await lastStep(page);
  await expect.poll(() => lastStep(page), { timeout: 120_000, message: 'training goes on' }).toBeGreaterThan(atAlert + 1);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'running');
  const download = page.waitForEvent('download');
  await alert.getByRole('button', { name: 'Download checkpoint' }).click();
  const bytes = readFileSync(await (await download).path());
  // A checkpoint bundle: safetensors whose metadata holds the checkpoint's description.
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString()) as { __metadata__: { format: string; checkpoint: string } };
  expect(header.__metadata__.format).toBe('velocitygan-studio-checkpoint');
  const meta = JSON.parse(header.__metadata__.checkpoint) as { criticStep: number; checksums: Record<string, string> };
  expect(Object.keys(meta.checksums).sort()).toEqual(['critic', 'generator', 'optimizerCritic', 'optimizerGenerator']);
  expect(meta.criticStep, 'the checkpoint autosave could not keep is newer than the last one kept').toBeGreaterThan(kept);
  expect(Math.abs(bytes.byteLength / 1e6 - needs), `the space the page asked for (${needs} MB) is the checkpoint's size (${bytes.byteLength} bytes)`).toBeLessThan(0.1 + needs * 0.02);
  await diagnostics(page).storageRoom(null);
  await expect(page.getByRole('alert').filter({ hasText: 'Autosave works again' })).toContainText(/^Autosave works again: the checkpoint at (epoch \d+ after batch \d+|the end of epoch \d+), critic step \d+, generator step \d+ is saved\./, { timeout: 60_000 });
  await stopRun(page);
});

test('a dropped file changed on disk mid-run: the run pauses naming it, a different file is refused, Re-attach files continues it', async ({ page }) => {
  // Training in order (no shuffle) from data1.npy (30 samples) then data3.npy (2): with batch 2, data3.npy is first read
  // for batch 16, while batch 15 trains (the next batch is read ahead).
  const data = writeTinyDataset(30, 2);
  const second = writeTinyDataset(2, 2);
  const data3 = join(data.dir, 'data3.npy');
  copyFileSync(join(second.dir, 'data1.npy'), data3);
  copyFileSync(join(second.dir, 'model1.npy'), join(data.dir, 'model3.npy'));
  writeFileSync(join(data.dir, 'train.txt'), 'data1.npy\tmodel1.npy\ndata3.npy\tmodel3.npy\n');
  data.files.push(data3, join(data.dir, 'model3.npy'));
  await openFaultStudio(page, data, tinyRunConfig({ epochs: 500, shuffle: false, valEvery: 1000, snapshotEvery: 1000 }));
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  // Pause as soon as it can be pressed (while starting or in the first batches): the run holds well before batch 15.
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  expect(await lastStep(page), 'paused before batch 15, which reads data3.npy ahead').toBeLessThan(15);
  // Changed on disk since it was added: the browser refuses every read of the File it gave.
  const later = new Date(Date.now() + 60_000);
  utimesSync(data3, later, later);
  await page.getByRole('button', { name: 'Resume', exact: true }).click();

  const reattach = page.getByTestId('reattach-files');
  await expect(reattach).toContainText(
    /^Training is paused: data3\.npy \(2\.67 MiB\) can no longer be read \(The requested file could not be read, .+\)\. It was moved, deleted or changed on disk after it was added\. Pick the same file again to continue the run where it stopped\./,
    { timeout: 60_000 },
  );
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'paused');
  expect((await logLines(page)).filter((l) => /^Run paused: data3\.npy: could not read the file \(The requested file could not be read, .+\): re-attach the file to continue$/.test(l))).toHaveLength(1);
  expect(await lastStep(page), 'held after batch 15, whose read-ahead of batch 16 met data3.npy').toBe(15);

  // Another file of that name (three samples, not two) is refused, with both sizes.
  const other = join(writeTinyDataset(3, 1).dir, 'data1.npy');
  const renamed = join(mkdtempSync(join(tmpdir(), 'velocitygan-e2e-other-')), 'data3.npy');
  copyFileSync(other, renamed);
  await page.getByLabel('Re-attach files').setInputFiles(renamed);
  const n = (path: string) => statSync(path).size.toLocaleString('en-US');
  await expect(page.getByRole('alert').filter({ hasText: 'Re-attaching files failed' })).toContainText(
    `Re-attaching files failed: data3.npy: was not re-attached: the file picked has ${n(renamed)} bytes, the one the run reads has ${n(data3)} bytes; pick the same file the run was reading`,
  );
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'paused');

  // The same file picked again: the run trains batch 16 (once) and goes on.
  await page.getByLabel('Re-attach files').setInputFiles(data3);
  await expect.poll(() => logLines(page), { timeout: 60_000 }).toContain('Re-attached data3.npy: the same size and shape as before');
  await expect(reattach).toHaveCount(0);
  await expect.poll(() => lastStep(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(17);
  await stopRun(page);
  await expect(page.getByTestId('loss-panel')).toHaveAttribute('data-first-step', '1');
  const [points, last] = await pointsAndLastStep(page);
  expect(points, 'no batch trained twice or skipped').toBe(last);
});

test('two tabs on one saved run: the second says it is open elsewhere and cannot change it; the run stays whole', async ({ page, context }) => {
  await openFaultStudio(page, writeTinyDataset(4, 2), tinyRunConfig({ epochs: 50, snapshotEvery: 1000, valEvery: 1000 }));
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  const name = await page.getByTestId('run-list').locator('tr[data-run-id] input.run-name-field').first().inputValue();

  const second = await context.newPage();
  await second.goto('/?backend=wasm');
  await expect(second.getByRole('alert').filter({ hasText: 'is open in another tab or window' })).toContainText(
    `Run “${name}” is open in another tab or window: continue it there (or close it there, then reload here).`,
  );
  await expect(second.getByTestId('resume-offer')).toHaveCount(0);
  const field = second.getByLabel(`Name of run ${name}`);
  await field.fill('renamed in the second tab');
  await field.press('Enter');
  await field.blur();
  await expect(second.getByRole('alert').filter({ hasText: 'Renaming the run failed' })).toContainText(`Renaming the run failed: run “${name}” is open in another tab or window: rename it there`);

  await stopRun(page);
  const stoppedAt = await lastCheckpointStep(page);
  await page.close();
  // The first tab is gone: the second finds the run whole, stopped at the checkpoint the first saved last, under its name.
  await second.reload();
  await expect(second.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  const row = second.getByTestId('run-list').locator('tr[data-run-id]');
  await expect(row).toHaveCount(1);
  await expect(row.getByLabel(`Name of run ${name}`)).toHaveValue(name);
  await expect(row).toContainText('Stopped');
  await expect(row).toContainText(new RegExp(`critic step ${stoppedAt}, generator step \\d+`));
  await expect(second.getByRole('alert')).toHaveCount(0);
  await expect(second.getByTestId('unreadable-run')).toHaveCount(0);
});
