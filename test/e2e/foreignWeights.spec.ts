/**
 * OpenFWI's and PaddleScience's own files in the studio: OpenFWI's checkpoint.pth (written by
 * PyTorch) imports as generator weights at its own widths, is re-exported for PaddleScience as
 * the same arrays under PaddleScience's names, and a hostile pickle is refused by name.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { readPdparams } from '../../src/engine/io/pdparams.ts';
import { readWeightsFile } from '../../src/engine/model/weightsFile.ts';
import { recordForeignRequests } from './harness.ts';

const fixture = (f: string) => join('test/fixtures/pickle', f);

test('imports a PyTorch checkpoint.pth, exports it for PaddleScience, refuses a hostile pickle', async ({ page, baseURL }) => {
  const foreign = recordForeignRequests(page, new URL(baseURL!).origin);
  const dir = mkdtempSync(join(tmpdir(), 'velocitygan-foreign-'));
  await page.goto('/');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu');

  await page.getByLabel('Import weights or checkpoint').setInputFiles(fixture('custom_checkpoint.pth'));
  await expect(page.getByTestId('weights-source')).toContainText('custom_checkpoint.pth');
  await expect(page.getByTestId('import-status')).toContainText('widths 6, 10, 12, 20, 24');

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
