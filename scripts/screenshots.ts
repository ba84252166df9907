/**
 * Screenshots of the studio on a laptop (1440×900) and a phone (390×844) for docs/screenshots/:
 * the built app (vite preview) in Debian's Chromium with WebGPU, as the browser tests run it. It
 * adds the browser tests' small OpenFWI-layout dataset, trains three epochs at the tiny widths so
 * the curves and the maps have something to show, then takes the laptop's first screen, and the
 * phone's first screen and whole page after resizing the same page.
 *
 *     npm run screenshots          (builds first)
 *     SCREENSHOT_PORT=4187 npx tsx scripts/screenshots.ts   (an existing build)
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import playwrightConfig from '../playwright.config.ts';
import { applyWidthPreset, defaultConfig } from '../src/engine/config.ts';
import { writeTinyDataset } from '../test/e2e/harness.ts';
import { LAPTOP, PHONE } from '../test/e2e/viewports.ts';
const OUT = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const port = Number(process.env.SCREENSHOT_PORT ?? 4186);
const origin = `http://127.0.0.1:${port}`;

async function waitForServer(url: string, seconds: number): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the preview server did not answer at ${url} within ${seconds} s`);
}

/** A small dataset, a short run at the tiny widths, finished: every live view has something to show. */
async function trainDemo(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('backend').and(page.locator('[data-backend]')).waitFor({ timeout: 120_000 });
  const data = writeTinyDataset(4, 2);
  await page.getByLabel('Dataset files').setInputFiles(data.files);
  const configPath = join(data.dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, epochs: 3, snapshotEvery: 1 }));
  await page.getByLabel('Import configuration (JSON)').setInputFiles(configPath);
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('[data-testid="run-status"][data-state="finished"]').waitFor({ timeout: 900_000 });
  await page.waitForTimeout(1500); // the last chart redraw
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], { stdio: 'ignore', detached: true });
  try {
    await waitForServer(origin, 60);
    const browser = await chromium.launch(playwrightConfig.use?.launchOptions);
    try {
      const page = await browser.newPage({ baseURL: origin, viewport: LAPTOP });
      await trainDemo(page);
      await page.screenshot({ path: join(OUT, 'laptop.png') });
      await page.setViewportSize(PHONE);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(1000);
      await page.screenshot({ path: join(OUT, 'phone.png') });
      await page.screenshot({ path: join(OUT, 'phone-full-page.png'), fullPage: true });
      console.log(`screenshots written to ${OUT}: laptop.png, phone.png, phone-full-page.png`);
    } finally {
      await browser.close();
    }
  } finally {
    if (server.pid) process.kill(-server.pid);
  }
}

await main();
