/**
 * Runs are kept, named and never replaced: a stopped run is listed (renamed in place), New run
 * starts another without touching it, a reload offers to resume exactly the run that was training
 * (by name) with its configuration back in the form, and Delete asks first. No step is trained
 * here that the test does not need: each run is paused before its first batch.
 */
import { expect, test } from '@playwright/test';
import { openStudioWith, tinyRunConfig, writeTinyDataset } from './harness.ts';

test('New run after Stop keeps the old run listed; a reload offers the run it names, with its configuration', async ({ page }) => {
  await openStudioWith(page, writeTinyDataset(4, 2), tinyRunConfig({ epochs: 3, seed: 31, snapshotEvery: 100, valEvery: 100 }));
  const status = page.getByTestId('run-status');
  const list = page.getByTestId('run-list');

  // Run 1: paused before its first batch ("Pausing…" at once), then stopped: its step-0 checkpoint is kept.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', /pausing|paused/, { timeout: 5_000 });
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'stopped', { timeout: 120_000 });
  await expect(page.getByRole('button', { name: 'Continue this run' })).toBeEnabled();
  const first = list.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Stopped' }) });
  await expect(first).toContainText('step 0, before the first batch');
  await first.getByRole('textbox').fill('first run');
  await first.getByRole('textbox').press('Enter');
  await expect(page.getByTestId('run-name')).toHaveText('Run “first run”');

  // Run 2, from the form with another seed: New run, paused before its first batch.
  await page.getByLabel('Seed', { exact: true }).fill('32');
  await page.getByRole('button', { name: 'New run' }).click();
  await expect(status).toHaveAttribute('data-state', /starting|running|pausing|paused/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 120_000 });
  await expect(list.getByRole('row')).toHaveCount(3);
  await expect(list.getByRole('row').filter({ hasText: 'Stopped' }).getByRole('textbox')).toHaveValue('first run');
  const second = (await page.getByTestId('run-name').textContent())!.match(/^Run “(.+)”$/)![1];
  expect(second).not.toBe('first run');

  // A reload: the offer names run 2, at the top of the page, and the form holds run 2's configuration.
  await page.reload();
  const offer = page.getByTestId('resume-offer');
  await expect(offer.getByRole('heading')).toHaveText(`Resume run “${second}”?`, { timeout: 60_000 });
  await expect(offer).toContainText('step 0, before the first batch');
  await expect(offer).toContainText('data1.npy');
  await expect(offer).toBeInViewport();
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('32');
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('3');
  await expect(list.getByRole('row')).toHaveCount(3);
  await expect(list.getByRole('row').filter({ hasText: 'Interrupted' }).getByRole('textbox')).toHaveValue(second);

  // Delete asks first: dismissed, the run stays; accepted, it goes.
  const firstRow = list.getByRole('row').filter({ hasText: 'Stopped' });
  page.once('dialog', (d) => void d.dismiss());
  await firstRow.getByRole('button', { name: 'Delete' }).click();
  await expect(list.getByRole('row')).toHaveCount(3);
  page.once('dialog', (d) => {
    expect(d.message()).toContain('first run');
    void d.accept();
  });
  await firstRow.getByRole('button', { name: 'Delete' }).click();
  await expect(list.getByRole('row')).toHaveCount(2);

  // Resume continues run 2 itself (its dataset came back from browser storage).
  await offer.getByRole('button', { name: 'Resume run' }).click();
  await expect(page.getByTestId('run-name')).toHaveText(`Run “${second}”`, { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-state', /running|paused/, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 120_000 });
  await expect(page.getByRole('log')).toContainText('Run resumed at critic step 0');
});
