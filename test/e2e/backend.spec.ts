import { expect, test } from '@playwright/test';
import { recordForeignRequests, recordLongTasks, snap, writeTinyDataset } from './harness.ts';

test('the engine starts on WebGPU in the worker and names the adapter', async ({ page, baseURL }, info) => {
  const foreign = recordForeignRequests(page, new URL(baseURL!).origin);
  await recordLongTasks(page);
  await page.goto('/');
  const backend = page.getByTestId('backend');
  await expect(backend).toHaveAttribute('data-backend', 'webgpu');
  await expect(page.getByTestId('adapter')).toContainText(/swiftshader|google/i);
  await expect(page.getByTestId('fallback-notice')).toHaveCount(0);
  await snap(page, info, 'first-screen');
  expect(foreign).toEqual([]);
});

test('without WebGPU the studio falls back and says why, visibly', async ({ page }, info) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  const notice = page.getByTestId('fallback-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('not WebGPU');
  await expect(notice).toContainText('WebGPU: skipped: the page asked for wasm');
  await snap(page, info, 'fallback-notice');

  // On wasm's 4 GiB heap full widths train up to batch 64 (OpenFWI's, the default); 96 cannot: Train says so before it is pressed.
  await page.getByLabel('Dataset files').setInputFiles(writeTinyDataset(4, 2).files);
  await page.getByLabel('Batch size', { exact: true }).fill('96');
  const refusal = "lower the batch: batch 96 is too large for the WebAssembly backend's memory at these widths (largest ≈ 64)";
  await expect(page.getByText(`To train, ${refusal}.`)).toBeVisible();
  const trainButton = page.getByRole('button', { name: 'Train', exact: true });
  await expect(trainButton).toBeDisabled();
  await expect(trainButton).toHaveAttribute('title', refusal);
});
