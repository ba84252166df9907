/**
 * Non-finite values in the studio: a NaN planted in a training seismic file and an Inf in a
 * training velocity file are named in the file table (file, sample, position, as `fwi inspect
 * --scan` names them); Train asks before training on them, and "Skip these samples and train"
 * starts the run, which names the skipped samples in the run log as it leaves them out.
 */
import { expect, test } from '@playwright/test';
import { fileItems, openStudioWith, tinyRunConfig, writeTinyDataset } from './harness.ts';

test('files with NaN/Inf are marked with file, sample and position, and Train asks before skipping those samples', async ({ page }) => {
  test.setTimeout(300_000);
  // data1.npy[1, 2, 417, 12] = NaN; model1.npy[0, 0, 33, 9] = Infinity (4 training samples).
  const data = writeTinyDataset(4, 2, (seismic, velocity) => {
    seismic[((1 * 5 + 2) * 1000 + 417) * 70 + 12] = NaN;
    velocity[(0 * 70 + 33) * 70 + 9] = Infinity;
  });
  // Seed 0 orders the 4 samples 0, 2, 1, 3: batch [0, 2] loses sample 0, [2, 1] then loses
  // sample 1, and the epoch is the one batch [2, 3].
  await openStudioWith(page, data, tinyRunConfig({ epochs: 1, snapshotEvery: 1000 }));

  const seismicRow = fileItems(page).filter({ hasText: 'data1.npy' });
  const velocityRow = fileItems(page).filter({ hasText: 'model1.npy' });
  await expect(seismicRow.getByText('1 NaN/infinite value in 1 sample (1); training asks before using them', { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(velocityRow.getByText('1 NaN/infinite value in 1 sample (0); training asks before using them', { exact: true })).toBeVisible();
  // Both files in one alert, not one announcement per file.
  await expect(page.getByRole('alert')).toHaveCount(1);
  await expect(page.getByRole('alert')).toContainText('data1.npy: 1 NaN/infinite value in 1 sample (1)');
  await expect(page.getByRole('alert')).toContainText('model1.npy: 1 NaN/infinite value in 1 sample (0)');
  await seismicRow.getByText('Where').click();
  await expect(seismicRow.locator('pre')).toHaveText('sample 1, shot 2, time 417, receiver 12: NaN');
  await velocityRow.getByText('Where').click();
  await expect(velocityRow.locator('pre')).toHaveText('sample 0, depth 33, offset 9: Infinity');
  await expect(fileItems(page).filter({ hasText: 'data2.npy' })).toHaveAttribute('data-values', 'finite');

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const ask = page.getByRole('alertdialog');
  await expect(ask).toContainText('The training files hold NaN or infinite values in 2 samples.');
  await expect(ask.getByTestId('train-hold-detail')).toContainText('data1.npy: 1 non-finite value (1 NaN) in 1 sample: 1\n  sample 1, shot 2, time 417, receiver 12: NaN');
  await expect(ask.getByTestId('train-hold-detail')).toContainText('model1.npy: 1 non-finite value (1 +Infinity) in 1 sample: 0\n  sample 0, depth 33, offset 9: Infinity');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'idle');

  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toHaveCount(0);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Skip these samples and train' }).click();
  // Both are found by the batch check before the first step; that the run then finishes on the
  // rest is the trainer's and the CLI's unit tests' business (a step on SwiftShader takes minutes).
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  const log = page.getByRole('log');
  await expect(log).toContainText('Skipping sample 0 for the rest of the run: model1.npy sample 0 (depth 33, offset 9) is Infinity', { timeout: 120_000 });
  await expect(log).toContainText('Skipping sample 1 for the rest of the run: data1.npy sample 1 (shot 2, time 417, receiver 12) is NaN');
  await expect(page.getByRole('alertdialog')).toHaveCount(0);
});
