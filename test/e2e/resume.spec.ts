/**
 * Never lose a run: the worker saves checkpoints to browser storage while training; a reload in
 * the middle of a run offers to resume exactly that run (by name, with its step), and the resumed
 * run continues from the saved step with its curves intact (the dataset was kept in browser
 * storage, so nothing has to be dropped again).
 */
import { expect, test } from '@playwright/test';
import { openStudioWith, recordForeignRequests, snap, tinyRunConfig, writeTinyDataset } from './harness.ts';

test('a reload mid-run offers to resume, and the run continues from its step', async ({ page, baseURL }, info) => {
  const foreign = recordForeignRequests(page, new URL(baseURL!).origin);
  const data = writeTinyDataset(4, 2);
  // A checkpoint after every batch (0.001 min); no snapshots or validation before the end, to keep it short.
  // WebAssembly: what is kept and resumed is the same on every backend, and a tiny run takes seconds
  // there against minutes on SwiftShader's WebGPU (train.spec and deviceLoss.spec run WebGPU). Enough
  // epochs that the run is still going at the reload; the test stops it.
  await openStudioWith(page, data, tinyRunConfig({ epochs: 200, checkpointMinutes: 0.001, snapshotEvery: 1000, valEvery: 1000 }), '/?backend=wasm');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByRole('log')).toContainText(/Checkpoint saved \(interval\) at critic step [1-9]/, { timeout: 240_000 });
  const before = Number(await page.getByTestId('loss-panel').getAttribute('data-last-step'));
  expect(before).toBeGreaterThanOrEqual(1);

  await page.reload();
  const offer = page.getByTestId('resume-offer');
  await expect(offer).toBeVisible({ timeout: 60_000 });
  await expect(offer.getByRole('heading')).toHaveText(/^Resume run “.+”\?$/);
  const saved = Number((await offer.textContent())!.match(/critic step (\d+)/)![1]);
  expect(saved).toBeGreaterThanOrEqual(1);
  await snap(page, info, '1-resume-offer');

  await offer.getByRole('button', { name: 'Resume run' }).click();
  await expect(offer).toHaveCount(0);
  await expect(page.getByRole('log')).toContainText(`Run resumed at critic step ${saved}`, { timeout: 60_000 });
  // The curve shows the saved steps at once, then grows past them, without a gap or a restart.
  const loss = page.getByTestId('loss-panel');
  await expect(loss).toHaveAttribute('data-first-step', '1');
  await expect
    .poll(async () => Number(await loss.getAttribute('data-last-step')), { timeout: 240_000, message: 'the resumed run trains past its checkpoint' })
    .toBeGreaterThan(saved);
  const points = Number(await loss.getAttribute('data-points'));
  const last = Number(await loss.getAttribute('data-last-step'));
  expect(points).toBe(last);
  await snap(page, info, '2-resumed');
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'stopped', { timeout: 120_000 });
  expect(foreign, 'requests to other origins').toEqual([]);
});
