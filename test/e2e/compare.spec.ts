/**
 * Compare runs: two real runs trained to the end in this browser (tiny widths on WebAssembly: a
 * few seconds each, against minutes on SwiftShader's WebGPU), picked from the kept runs and
 * overlaid, their configurations compared (the seed differs), their final numbers side by side,
 * and the configurations exported as a CSV of their own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { tinyRunConfig, writeTinyDataset } from './harness.ts';

test('two kept runs overlaid, their configurations and final metrics compared, the comparison exported', async ({ page }) => {
  const data = writeTinyDataset(4, 2);
  const configPath = join(data.dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(tinyRunConfig({ epochs: 1, seed: 1, snapshotEvery: 100 })));
  // WebGL here is SwiftShader, where the studio draws curves in SVG by itself: the address asks for WebGL traces.
  await page.goto('/?backend=wasm&curves=webgl');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  await page.getByLabel('Dataset files').setInputFiles(data.files);
  await page.getByLabel('Import configuration (JSON)').setInputFiles(configPath);
  const status = page.getByTestId('run-status');

  // Run 1 (seed 1) to the end: 2 critic steps, 1 generator step, 1 validation.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'finished', { timeout: 180_000 });
  // Run 2 from the form with seed 2.
  await page.getByLabel('Seed', { exact: true }).fill('2');
  await page.getByRole('button', { name: 'New run' }).click();
  await expect(status).toHaveAttribute('data-state', /starting|running/, { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-state', 'finished', { timeout: 180_000 });

  const compare = page.getByTestId('compare-runs');
  const picks = compare.getByRole('group', { name: 'Runs to compare' }).getByRole('checkbox');
  await expect(picks).toHaveCount(2);
  // The list is newest first: pick the first run (seed 1), then the second, so they compare in that order.
  await picks.nth(1).check();
  await picks.nth(0).check();
  await expect(compare).toHaveAttribute('data-compared', '2', { timeout: 30_000 });
  const names = (await compare.getByRole('group', { name: 'Runs to compare' }).getByRole('listitem').allTextContents()).map((t) => t.replace(/\s*\(finished\)\s*$/, '').trim()).reverse();
  expect(new Set(names).size).toBe(2);

  // The overlay: the Wasserstein estimate of both runs, each a smoothed line and its faint raw one, legend by run name.
  const plot = compare.getByTestId('curve-plot');
  await expect(page.getByTestId('curve-renderer')).toHaveText('Live curves: WebGL (software renderer, asked for in the address).');
  await expect(plot).toHaveAttribute('data-renderer', 'scattergl');
  await expect.poll(() => plot.locator('.vg-plotly').evaluate((el) => ((el as unknown as { _fullData?: { name: string }[] })._fullData ?? []).map((t) => t.name)), { timeout: 30_000 }).toEqual(names.flatMap((n) => [`${n} (raw)`, n]));
  const legend = compare.getByRole('list', { name: /series/ });
  for (const n of names) await expect(legend.getByRole('button', { name: n, exact: true })).toBeVisible();
  await expect(compare.locator('figcaption').first()).toContainText('up to 2 points per series, critic step 1 to 2');
  // The WebGL layer, exported: in an SVG export it is an image; pixels in each run's colour are its curve.
  const menu = compare.locator('details.vg-menu').first();
  await menu.locator('summary').click();
  const svgDownload = page.waitForEvent('download');
  await compare.getByRole('button', { name: 'SVG', exact: true }).click();
  const svgPath = join(data.dir, 'compare.svg');
  await (await svgDownload).saveAs(svgPath);
  const glImage = readFileSync(svgPath, 'utf8').match(/<image[^>]*href="(data:image\/png;base64,[^"]+)"/)?.[1];
  expect(glImage, 'the WebGL layer in the exported SVG').toBeTruthy();
  // Each run's colour, as its legend swatch draws it (#rrggbb), in the order of names.
  const colours = await Promise.all(names.map((n) => legend.getByRole('button', { name: n, exact: true }).locator('svg line').getAttribute('stroke')));
  const curvePixels = await page.evaluate(
    async ([url, wanted]) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const c = new OffscreenCanvas(img.width, img.height);
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, img.width, img.height).data;
      return wanted.map((css) => {
        const [r, gr, b] = [1, 3, 5].map((i) => parseInt(css!.slice(i, i + 2), 16));
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - gr) + Math.abs(d[i + 2] - b) < 60) n++;
        return n;
      });
    },
    [glImage!, colours] as const,
  );
  // A 1000 px wide export: each run's smoothed line (2 px) covers well over 100 pixels of its colour.
  for (const [k, n] of curvePixels.entries()) expect(n, `pixels of ${names[k]}'s curve in the WebGL layer`).toBeGreaterThan(100);

  // Configurations: the seed differs, and only the seed.
  const config = compare.getByTestId('compare-config');
  await expect(config.locator('tr[data-differs="true"]')).toHaveCount(1);
  await expect(config.locator('tr[data-differs="true"]')).toContainText(/seed\s*1\s*2/);
  // Final metrics: both ran 2 critic steps and validated once.
  const final = compare.getByTestId('compare-final');
  await expect(final.getByRole('row', { name: /^Critic steps/ })).toHaveText(/Critic steps\s*2\s*2/);
  await expect(final.getByRole('row', { name: /^Epochs completed \(last validation\)/ })).toHaveText(/\)\s*1\s*1/);

  // One table per CSV file.
  const download = page.waitForEvent('download');
  await compare.getByRole('button', { name: 'Configurations CSV' }).click();
  const saved = join(data.dir, 'configs.csv');
  await (await download).saveAs(saved);
  const csv = readFileSync(saved, 'utf8').trim().split('\n');
  // Run names hold commas: quoted, as RFC 4180 wants.
  expect(csv[0]).toBe(['setting', ...names.map((n) => `"${n}"`), 'differs'].join(','));
  expect(csv).toContain('seed,1,2,yes');
  expect(csv.filter((l) => l.endsWith(',yes'))).toEqual(['seed,1,2,yes']);
});
