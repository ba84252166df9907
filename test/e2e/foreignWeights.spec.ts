/**
 * OpenFWI's and PaddleScience's own files in the studio: OpenFWI's checkpoint.pth (written by
 * PyTorch) imports as a checkpoint to continue at its own widths, is re-exported for PaddleScience
 * as the same arrays under PaddleScience's names, and a hostile pickle is refused by name; a
 * PyTorch checkpoint.pth trains on as a new run from its steps, with its optimisers' rates.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { readPdparams } from '../../src/engine/io/pdparams.ts';
import { readWeightsFile } from '../../src/engine/model/weightsFile.ts';
import { recordForeignRequests, writeTinyDataset } from './harness.ts';

const fixture = (f: string) => join('test/fixtures/pickle', f);

test('imports a PyTorch checkpoint.pth, exports it for PaddleScience, refuses a hostile pickle', async ({ page, baseURL }) => {
  const foreign = recordForeignRequests(page, new URL(baseURL!).origin);
  const dir = mkdtempSync(join(tmpdir(), 'velocitygan-foreign-'));
  await page.goto('/');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu');

  await page.getByLabel('Import weights or checkpoint').setInputFiles(fixture('custom_checkpoint.pth'));
  await expect(page.getByTestId('weights-source')).toContainText('custom_checkpoint.pth');
  // It holds both optimisers' states: a checkpoint to continue, not weights alone.
  await expect(page.getByTestId('import-status')).toContainText('Imported OpenFWI checkpoint custom_checkpoint.pth (epoch 3 done, step 2): press Train to continue it as the new run');
  await expect(page.getByTestId('import-status')).toContainText("Not in OpenFWI's file: the gradient-penalty random stream");

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export for PaddleScience' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('model_gen.pdparams');
  const saved = join(dir, 'model_gen.pdparams');
  await file.saveAs(saved);
  const exported = readPdparams(new Uint8Array(readFileSync(saved)), saved).tensors;
  const original = readWeightsFile(new Uint8Array(readFileSync(fixture('custom_checkpoint.pth'))), 'checkpoint.pth').generator!;
  expect(exported.size).toBe(25 * 6);
  for (const [k, t] of original) {
    if (k.endsWith('num_batches_tracked')) continue;
    const name = `generator.${k.replace('running_mean', '_mean').replace('running_var', '_variance')}`;
    expect(Array.from(exported.get(name)!.data, Number), name).toEqual(Array.from(t.data, Number));
  }

  await page.getByLabel('Import weights or checkpoint').setInputFiles(fixture('refused_posix_system.pdparams'));
  await expect(page.getByRole('alert').filter({ hasText: 'refused_posix_system.pdparams: refused: the pickle refers to the global posix.system' }).first()).toBeVisible();
  // The refused file changed nothing: the imported weights are still the current ones.
  await expect(page.getByTestId('weights-source')).toContainText('custom_checkpoint.pth');
  expect(foreign, 'requests to other origins').toEqual([]);
});

test("continues a PyTorch checkpoint.pth as a new run from its steps, with its optimisers' rates and its args' normalisation", async ({ page, baseURL }) => {
  const foreign = recordForeignRequests(page, new URL(baseURL!).origin);
  const dir = mkdtempSync(join(tmpdir(), 'velocitygan-foreign-'));
  await page.goto('/');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByLabel('Dataset files').setInputFiles(writeTinyDataset(4, 2).files);
  await page.getByLabel('Import weights or checkpoint').setInputFiles(fixture('resume_checkpoint.pth'));
  // Epoch 0 done at step 3: with 2 batches an epoch here, the run continues inside epoch 2.
  await expect(page.getByTestId('import-status')).toContainText(
    'Imported OpenFWI checkpoint resume_checkpoint.pth (epoch 0 done, step 3): press Train to continue it as the new run “resume_checkpoint.pth” from epoch 2, batch 2',
  );
  await expect(page.getByTestId('import-status')).toContainText('normalisation curvefault-a (k 1.5');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const loss = page.getByTestId('loss-panel');
  await expect.poll(async () => Number(await loss.getAttribute('data-last-step')), { timeout: 240_000, message: 'the run trains past the checkpoint' }).toBeGreaterThan(3);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'stopped', { timeout: 120_000 });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export for PyTorch (.pth)' }).click();
  const saved = join(dir, 'checkpoint.pth');
  await (await download).saveAs(saved);
  const back = readWeightsFile(new Uint8Array(readFileSync(saved)), saved);
  const config = JSON.parse(back.openfwi!.args!.studio_config as string);
  expect(config).toMatchObject({ preset: 'curvefault-a', transform: { k: 1.5 }, generatorWidths: [3, 4, 5, 6, 7], lrGenerator: 2e-4, lrCritic: 3e-4, weightDecay: 1e-3, batchSize: 2, nCritic: 2 });
  // The critic's AdamW step count went on from the file's 3.
  const od = back.openfwi!.optimizerCritic as unknown as { state: Record<string, { step: { data: Float32Array } }> };
  expect(od.state['0'].step.data[0]).toBeGreaterThan(3);
  expect(back.openfwi!.step).toBe(od.state['0'].step.data[0]);
  expect(foreign, 'requests to other origins').toEqual([]);
});
