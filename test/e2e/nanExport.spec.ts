/**
 * After a NaN, Export uses the last good checkpoint. A critic learning rate of 1e30 makes the
 * critic's loss non-finite at its second step, after that step's generator forward pass moved the
 * generator's BatchNorm running statistics (so the live networks hold NaN). The run fails naming
 * the checkpoint whose weights are in use; the exported generator's running statistics are finite
 * and equal, value for value, to that checkpoint's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { parseSafetensors, toFloat32 } from '../../src/engine/io/safetensors.ts';
import { openStudioWith, tinyRunConfig, writeTinyDataset } from './harness.ts';

test('a NaN mid-run: Export gives the last good checkpoint’s running statistics, finite', async ({ page }) => {
  const data = writeTinyDataset(4, 2);
  // Batches in file order; a checkpoint after every batch (0.001 min), so critic step 1's is the last good one.
  await openStudioWith(page, data, tinyRunConfig({ epochs: 1, shuffle: false, lrCritic: 1e30, checkpointMinutes: 0.001, snapshotEvery: 100, valEvery: 100 }));
  await page.getByRole('button', { name: 'Train', exact: true }).click();

  const status = page.getByTestId('run-status');
  await expect(status).toHaveAttribute('data-state', 'failed', { timeout: 300_000 });
  const message = (await status.textContent())!;
  expect(message).toMatch(/is (NaN|-?Infinity) at critic step 2/);
  const using = message.match(/The weights in use are now the last good checkpoint's \(epoch 1 after batch 1, critic step (\d+), generator step 0\)/);
  expect(using, message).not.toBeNull();
  expect(Number(using![1])).toBe(1);
  await expect(page.getByTestId('weights-source')).toContainText('critic step 1, generator step 0 (its last good checkpoint)');
  // The failure is one alert, not two.
  await expect(page.getByRole('alert').filter({ hasText: 'critic step 2' })).toHaveCount(1);

  const save = async (button: string, name: string) => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: button }).click();
    const path = join(data.dir, name);
    await (await download).saveAs(path);
    return parseSafetensors(new Uint8Array(readFileSync(path)), name);
  };
  const weights = await save('Export weights', 'generator.safetensors');
  const checkpoint = await save('Download checkpoint', 'checkpoint.fwickpt');
  const statistics = [...weights.tensors.keys()].filter((k) => /running_(mean|var)$/.test(k));
  expect(statistics.length).toBeGreaterThan(0);
  for (const k of statistics) {
    const exported = Array.from(toFloat32(weights.tensors.get(k)!));
    expect(exported.every(Number.isFinite), `${k} is finite`).toBe(true);
    expect(exported, k).toEqual(Array.from(toFloat32(checkpoint.tensors.get(`generator.${k}`)!)));
  }
  expect(weights.metadata).toMatchObject({ critic_step: '1', generator_step: '0' });
});
