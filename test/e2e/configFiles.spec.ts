/**
 * PaddleScience's files in the configuration panel: a dataset_config.json adds its datasets to the
 * presets; the example's Hydra YAML imports (mapped fields set, the others named as not used, the
 * DATASET's limits from the preset) and Export YAML writes it back over the same file. No training.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { parse } from 'yaml';

test('dataset_config.json presets, PaddleScience YAML in and out', async ({ page }) => {
  test.setTimeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'fwi-config-'));
  const datasets = join(dir, 'dataset_config.json');
  writeFileSync(datasets, JSON.stringify({ 'marmousi-70': { data_min: -30.5, data_max: 60.25, label_min: 1400, label_max: 5000, file_size: 100 } }));
  const yamlPath = join(dir, 'velocitygan.yaml');
  writeFileSync(yamlPath, readFileSync('test/fixtures/paddle/velocitygan.yaml', 'utf8').replace('DATASET: "curvevel-a"', 'DATASET: "marmousi-70"'));

  await page.goto('/');
  await page.getByLabel('Import dataset presets (dataset_config.json)').setInputFiles(datasets);
  await expect(page.getByRole('status').filter({ hasText: 'Presets from dataset_config.json: marmousi-70.' })).toBeVisible();

  await page.getByLabel('Import configuration (JSON)').setInputFiles(yamlPath);
  await expect(page.getByRole('status').filter({ hasText: 'Imported PaddleScience configuration velocitygan.yaml. Not used (no studio equivalent): hydra.run.dir' })).toBeVisible();
  await expect(page.getByLabel('Batch size', { exact: true })).toHaveValue('32');
  await expect(page.getByLabel('n_critic', { exact: true })).toHaveValue('4');
  await expect(page.getByLabel('Generator width 1')).toHaveValue('16');
  await expect(page.getByLabel('Seismic max (data_max)')).toHaveValue('60.25');
  await expect(page.getByLabel('Velocity max (m/s)')).toHaveValue('5000');

  await page.getByLabel('Epochs', { exact: true }).fill('7');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export YAML' }).click();
  const saved = join(dir, 'exported.yaml');
  await (await download).saveAs(saved);
  const text = readFileSync(saved, 'utf8');
  const y = parse(text);
  expect(y).toMatchObject({ DATASET: 'marmousi-70', seed: 1234, k: 2, TRAIN: { epochs: 7, batch_size: 32, iters_per_epoch_dis: 4 }, VIS: { vis: true, vb: 3, vsa: 2 } });
  expect(y.MODEL.gen_net).toMatchObject({ dim1: 16, dim5: 256 });
  expect(text).toContain('output_dir: ${hydra:run.dir}');
});
