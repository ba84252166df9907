/**
 * Works offline: after the first visit the service worker has precached the built app, wasm
 * binaries included; with the network off a reload still loads the studio, which then trains
 * (tiny widths, on the wasm backend, whose binaries come from the cache). The app is installable:
 * Chromium reports no installability errors for its manifest, icons and service worker.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { applyWidthPreset, defaultConfig } from '../../src/engine/config.ts';
import { writeTinyDataset } from './harness.ts';

test('after the first visit, the studio loads and trains with the network off, and is installable', async ({ page, context }) => {
  const data = writeTinyDataset(4, 2);
  const config = { ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, epochs: 1, snapshotEvery: 100, valEvery: 100 };
  const configPath = join(data.dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config));

  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  // The service worker installs (precaching everything) and takes control of the page.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });

  await test.step('installable: manifest with name and 192/512 icons, no installability errors', async () => {
    const manifest = await page.evaluate(async () => (await fetch(document.querySelector<HTMLLinkElement>('link[rel="manifest"]')!.href)).json());
    expect(manifest).toMatchObject({ name: 'VelocityGAN Studio', short_name: 'VelocityGAN', display: 'standalone', start_url: '.' });
    expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    const cdp = await context.newCDPSession(page);
    const { errors } = (await cdp.send('Page.getAppManifest')) as { errors: { message: string }[] };
    expect(errors, 'manifest parse errors').toEqual([]);
    // Playwright's contexts are incognito profiles, where Chromium never offers installation; any other reason would be ours.
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    await cdp.detach();
  });

  await context.setOffline(true);
  await test.step('offline: the network is really off, the cached wasm binaries are served', async () => {
    const status = await page.evaluate(async () => {
      const names = (await Promise.all((await caches.keys()).map(async (k) => (await (await caches.open(k)).keys()).map((r) => r.url)))).flat();
      const wasm = names.filter((u) => u.endsWith('.wasm'));
      const sizes = await Promise.all(wasm.map(async (u) => (await (await fetch(u)).arrayBuffer()).byteLength));
      let uncached: string;
      try {
        await fetch(`/not-cached-${Math.random()}.json`);
        uncached = 'reached';
      } catch {
        uncached = 'failed';
      }
      return { wasm: wasm.map((u) => u.replace(/^.*\/assets\//, '').replace(/-[\w-]{8}\.wasm$/, '.wasm')).sort(), sizes, uncached };
    });
    expect(status.wasm).toEqual(['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm.wasm']);
    for (const size of status.sizes) expect(size).toBeGreaterThan(200_000);
    expect(status.uncached).toBe('failed');
  });

  await test.step('offline reload: the studio loads and trains', async () => {
    await page.reload();
    await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm', { timeout: 120_000 });
    await page.getByLabel('Dataset files').setInputFiles(data.files);
    await page.getByLabel('Import configuration (JSON)').setInputFiles(configPath);
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect.poll(async () => Number(await page.getByTestId('loss-panel').getAttribute('data-last-step')), { timeout: 240_000, message: 'training steps offline' }).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', /finished|running/);
  });
  await context.setOffline(false);
});
