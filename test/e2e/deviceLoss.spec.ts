/**
 * A lost WebGPU device is reported and the run resumes from its last checkpoint. The loss is
 * real: the diagnostics hook (`?diagnostics=1`) destroys the worker's GPUDevice mid-run, as a
 * driver reset would; the studio must say so in an alert, start WebGPU again, continue from the
 * checkpoint's step (the curve neither restarts at 0 nor repeats a step) and finish the run.
 */
import { expect, test } from '@playwright/test';
import { openStudioWith, recordForeignRequests, snap, tinyRunConfig, writeTinyDataset } from './harness.ts';

test('a lost GPU device is reported and the run resumes from its last checkpoint', async ({ page, baseURL }, info) => {
  const t0 = Date.now();
  const phase = (name: string) => console.log(`device loss test: ${name} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const foreign = recordForeignRequests(page, new URL(baseURL!).origin);
  const data = writeTinyDataset(4, 2);
  // 4 samples, batch 2, 1 epoch: two critic steps, a checkpoint after every batch (0.001 min);
  // no snapshots, validation only at the end, to keep SwiftShader's work small.
  const epochs = 1;
  const totalSteps = epochs * (data.trainSamples / 2);

  // The hook exists only on request.
  await page.goto('/');
  expect(await page.evaluate(() => 'velocitygan' in window)).toBe(false);
  await openStudioWith(page, data, tinyRunConfig({ epochs, checkpointMinutes: 0.001, snapshotEvery: 100, valEvery: 100 }), '/?diagnostics=1');
  const backend = page.getByTestId('backend');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const log = page.getByRole('log');
  await expect(log).toContainText(/Checkpoint saved \(interval\) at critic step [1-9]/, { timeout: 120_000 });

  phase('checkpoint saved, destroying the device');
  await page.evaluate(() => (window as unknown as { velocitygan: { simulateDeviceLoss(): Promise<void> } }).velocitygan.simulateDeviceLoss());

  const alert = page.getByRole('alert').filter({ hasText: 'The GPU device was lost' });
  await expect(alert).toBeVisible({ timeout: 30_000 });
  const alertText = (await alert.textContent())!;
  expect(alertText).toMatch(/destroyed/);
  const match = alertText.match(/The weights in use are now the last good checkpoint's \(epoch \d+ after batch \d+, critic step (\d+), generator step \d+\)\. Restarting the engine and continuing the run from there\./);
  expect(match, `the alert names the checkpoint it resumes from: "${alertText}"`).not.toBeNull();
  const saved = Number(match![1]);
  expect(saved).toBeGreaterThanOrEqual(1);
  expect(saved).toBeLessThan(totalSteps);
  await expect(log).toContainText(`Run resumed at critic step ${saved}`, { timeout: 60_000 });
  await expect(backend).toHaveAttribute('data-backend', 'webgpu');
  // Straight after the restart the curve still holds the steps up to the checkpoint (a restart from 0 would empty it).
  const loss = page.getByTestId('loss-panel');
  await expect(loss).toHaveAttribute('data-first-step', '1');
  expect(Number(await loss.getAttribute('data-points'))).toBeGreaterThanOrEqual(saved);
  phase('run resumed');
  await snap(page, info, '1-device-lost');

  // The run continues from the checkpoint's step and finishes: one curve point per critic step,
  // starting at 1, none repeated, none missing (a restart from 0 would have left fewer points or a gap).
  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-state', 'finished', { timeout: 180_000 });
  phase('run finished');
  await expect(loss).toHaveAttribute('data-first-step', '1');
  await expect(loss).toHaveAttribute('data-last-step', String(totalSteps));
  await expect(loss).toHaveAttribute('data-points', String(totalSteps));
  await expect(page.getByRole('alert').filter({ hasText: /failed/i })).toHaveCount(0);
  // No step was trained twice: each interval checkpoint's step appears once, in order, before and after the loss.
  const lines = await log.getByRole('listitem').allTextContents();
  const intervals = lines.flatMap((l) => l.match(/Checkpoint saved \(interval\) at critic step (\d+)$/)?.slice(1).map(Number) ?? []);
  expect(intervals, 'interval checkpoints, by critic step').toEqual(Array.from({ length: totalSteps }, (_, i) => i + 1));
  await expect(backend).toHaveAttribute('data-backend', 'webgpu');
  await snap(page, info, '2-finished-after-recovery');
  expect(foreign, 'requests to other origins').toEqual([]);
});

test('a device lost while the run is paused comes back paused, and Resume finishes the run', async ({ page }) => {
  const data = writeTinyDataset(8, 2);
  // Four critic steps, a checkpoint after every batch; the pause lands after one of the first steps.
  await openStudioWith(page, data, tinyRunConfig({ epochs: 1, checkpointMinutes: 0.001, snapshotEvery: 100, valEvery: 100 }), '/?diagnostics=1');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const log = page.getByRole('log');
  const status = page.getByTestId('run-status');
  await expect(log).toContainText(/Checkpoint saved \(interval\) at critic step 1/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  const pausedLines = await log.getByRole('listitem').allTextContents();
  const saved = Math.max(...pausedLines.flatMap((l) => l.match(/Checkpoint saved \(interval\) at critic step (\d+)$/)?.slice(1).map(Number) ?? []));

  await page.evaluate(() => (window as unknown as { velocitygan: { simulateDeviceLoss(): Promise<void> } }).velocitygan.simulateDeviceLoss());
  await expect(page.getByRole('alert').filter({ hasText: 'The GPU device was lost' })).toBeVisible({ timeout: 30_000 });
  await expect(log).toContainText(`Run resumed at critic step ${saved}`, { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  // Held, not training: no step past the checkpoint appears while it waits.
  await page.waitForTimeout(3000);
  await expect(status).toHaveAttribute('data-state', 'paused');
  await expect(page.getByTestId('loss-panel')).toHaveAttribute('data-last-step', String(saved));

  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  // Three steps and a validation on SwiftShader: about a minute alone, several on a busy machine.
  await expect(status).toHaveAttribute('data-state', 'finished', { timeout: 400_000 });
  await expect(page.getByTestId('loss-panel')).toHaveAttribute('data-last-step', '4');
  await expect(page.getByRole('alert').filter({ hasText: /failed/i })).toHaveCount(0);
});
