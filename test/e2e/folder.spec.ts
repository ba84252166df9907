/**
 * "Choose a folder…" (an <input webkitdirectory>): every .npy and .txt file under the folder is
 * added under its path relative to the folder's parent (webkitRelativePath), other files are left
 * out, the annotation lists resolve their pairs against those paths, and the data is ready to train.
 * No training: this checks the data panel only.
 */
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fileItems, writeTinyDataset } from './harness.ts';

test('choosing a folder lists its files by relative path and resolves the train and validation lists', async ({ page }) => {
  test.setTimeout(30_000);
  const data = writeTinyDataset(4, 2);
  writeFileSync(join(data.dir, 'notes.md'), 'not a dataset file\n');
  const folder = basename(data.dir);
  await page.goto('/');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu');

  await page.getByLabel('Dataset folder').setInputFiles(data.dir);
  for (const name of ['data1.npy', 'model1.npy', 'data2.npy', 'model2.npy', 'train.txt', 'val.txt']) {
    await expect(fileItems(page).filter({ has: page.getByText(`${folder}/${name}`, { exact: true }) })).toHaveCount(1);
  }
  await expect(fileItems(page).filter({ hasText: 'notes.md' })).toHaveCount(0);
  await expect(fileItems(page).filter({ hasText: `${folder}/data1.npy` })).toContainText('(4, 5, 1000, 70)');
  await expect(fileItems(page).filter({ hasText: `${folder}/model2.npy` })).toContainText('(2, 1, 70, 70)');
  await expect(page.getByLabel('Use of train.txt')).toHaveValue('train');
  await expect(page.getByLabel('Use of val.txt')).toHaveValue('validation');

  const summary = page.getByLabel('Dataset summary');
  await expect(summary.getByText('Ready to train')).toBeVisible();
  await expect(summary.locator('div').filter({ hasText: 'Resolved pairs' }).locator('dd')).toHaveText('2');
  await expect(summary.locator('div').filter({ hasText: /^Train samples/ }).locator('dd')).toContainText('4');
  await expect(summary.locator('div').filter({ hasText: /^Validation samples/ }).locator('dd')).toContainText('2');
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
});
