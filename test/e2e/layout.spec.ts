/**
 * The studio on a laptop (1440×900) and a phone (390×844), checked in one short run: nothing wider
 * than the screen, the named controls in view (on a laptop the run controls, the curves and the
 * maps together without scrolling; on a phone the file list whole and Train near the data), no
 * serious or critical axe-core violations, and keyboard-only Train → Pause → Resume from the skip
 * link with focus never on <body>. A run that finishes while the tab is hidden changes the tab
 * title and notifies (permission granted).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { applyWidthPreset, defaultConfig } from '../../src/engine/config.ts';
import { fileItems, snap, writeTinyDataset } from './harness.ts';
import { LAPTOP, PHONE } from './viewports.ts';

/** axe-core's serious and critical violations, one line each (rule, help, first targets). */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

/** Shown elements reaching past the viewport's sides, unless a scrolling ancestor that fits clips them. */
async function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > vw) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px > ${vw} px`);
    const fits = (r: DOMRect) => r.left >= -1 && r.right <= vw + 1;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      // Shown elements only: a closed menu's body (inside a closed <details>) is not on the page.
      // Wholly left of the page (Plotly's text-measuring svg sits at -10000 px): never on screen, never scrolls.
      if (r.right <= 0) continue;
      if (r.width === 0 || r.height === 0 || fits(r) || !el.checkVisibility({ contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true })) continue;
      let clipped = false;
      for (let a = el.parentElement; a && !clipped; a = a.parentElement) clipped = getComputedStyle(a).overflowX !== 'visible' && fits(a.getBoundingClientRect());
      if (!clipped) out.push(`<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> from ${Math.round(r.left)} to ${Math.round(r.right)} px`);
    }
    return out.slice(0, 12);
  });
}

/** Where a locator's box lies in the viewport (without scrolling). */
async function box(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await locator.boundingBox();
  expect(b, 'a box for the element').not.toBeNull();
  return b!;
}

async function expectInView(page: Page, locator: Locator, what: string): Promise<void> {
  const b = await box(locator);
  const v = page.viewportSize()!;
  expect(b.x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
  expect(b.y, `${what}: top edge`).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width, `${what}: right edge`).toBeLessThanOrEqual(v.width);
  expect(b.y + b.height, `${what}: bottom edge`).toBeLessThanOrEqual(v.height);
}

test('laptop and phone layouts fit, pass axe-core, and train by keyboard alone', async ({ page }, info) => {
  // A tab the test can hide, and a Notification that records what it is given.
  await page.addInitScript(() => {
    const w = window as unknown as { __notes: { title: string; body?: string }[]; __setHidden: (h: boolean) => void; Notification: unknown };
    w.__notes = [];
    let hidden = false;
    Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
    Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
    w.__setHidden = (h: boolean) => {
      hidden = h;
      document.dispatchEvent(new Event('visibilitychange'));
    };
    w.Notification = class {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      constructor(title: string, options?: { body?: string }) {
        w.__notes.push({ title, body: options?.body });
      }
    };
  });
  await page.setViewportSize(LAPTOP);
  const data = writeTinyDataset(4, 2);
  // Ten epochs of two batches on WebAssembly (layout, keyboard and notifications do not depend on the
  // backend; a tiny run takes seconds there, minutes on SwiftShader's WebGPU): long enough to pause,
  // resume, and hide the tab before it ends.
  const configPath = join(data.dir, 'config.json');
  writeFileSync(configPath, JSON.stringify({ ...applyWidthPreset(defaultConfig(), 'tiny'), batchSize: 2, epochs: 10, snapshotEvery: 1 }));
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
  await page.getByLabel('Dataset files').setInputFiles(data.files);
  await page.getByLabel('Import configuration (JSON)').setInputFiles(configPath);
  await expect(fileItems(page)).toHaveCount(6);
  const train = page.getByRole('button', { name: 'Train', exact: true });
  const pause = page.getByRole('button', { name: 'Pause', exact: true });
  const resume = page.getByRole('button', { name: 'Resume', exact: true });
  // After a run, Train offers a new run (beside Continue this run).
  const newRun = page.getByRole('button', { name: 'New run', exact: true });
  const status = page.getByTestId('run-status');
  const progressText = page.getByTestId('run-progress-text');
  await expect(train).toBeEnabled();
  expect(await seriousViolations(page), 'axe-core on the laptop page with data').toEqual([]);

  await test.step('keyboard only: skip link, Train, Pause, Resume; focus never on <body>', async () => {
    // Nothing has had focus yet (files went in through the inputs): the first Tab is the page's first stop.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to run controls' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#run-controls')).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(train).toBeFocused();
    // From here on, every 10 ms: is focus on <body>?
    await page.evaluate(() => {
      const w = window as unknown as { __bodyFocus: number };
      w.__bodyFocus = 0;
      setInterval(() => {
        if (document.activeElement === null || document.activeElement === document.body) w.__bodyFocus++;
      }, 10);
    });
    await page.keyboard.press('Enter');
    await expect(pause).toBeFocused({ timeout: 60_000 });
    await expect(status).toHaveAttribute('data-state', 'running');
    await page.keyboard.press('Enter');
    await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 120_000 });
    await expect(resume).toBeFocused();
    await expect(status).toContainText('Paused');
    // Paused: where the run stands, but no speed and no time left.
    // (The pause holds before the next batch: on WebAssembly one or two may have run by then.)
    await expect(progressText).toHaveText(/^ · Epoch [12] of 10, iteration [0-2] of 2$/);
    await page.keyboard.press('Enter');
    await expect(status).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
    await expect(pause).toBeFocused();
    expect(await page.evaluate(() => (window as unknown as { __bodyFocus: number }).__bodyFocus), 'times focus was seen on <body>').toBe(0);
  });

  await test.step('the run finishes while the tab is hidden: tab title and notification', async () => {
    await page.getByLabel('Notify me when a run ends while this tab is hidden').check();
    await page.evaluate(() => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(true));
    await expect(status).toHaveAttribute('data-state', 'finished', { timeout: 400_000 });
    await expect(page).toHaveTitle('✓ Run finished · VelocityGAN Studio');
    expect(await page.evaluate(() => (window as unknown as { __notes: unknown[] }).__notes)).toEqual([{ title: '✓ Run finished', body: 'Training finished: the curves, maps and weights are ready.' }]);
    await page.evaluate(() => (window as unknown as { __setHidden: (h: boolean) => void }).__setHidden(false));
    await expect(page).toHaveTitle('VelocityGAN Studio');
    await expect(progressText).toHaveText(/^ · Epoch 10 of 10, iteration 2 of 2$/);
    await expect(page.getByTestId('maps-panel')).toHaveAttribute('data-snapshots', /[1-9]/);
  });

  await test.step('laptop: run controls, curves and maps in view together; nothing too wide; axe-core', async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const [name, locator] of [['New run', newRun], ['Pause', pause], ['Resume', resume], ['Training progress', page.getByRole('progressbar', { name: 'Training progress' })]] as const) await expectInView(page, locator, name);
    await expectInView(page, page.getByTestId('loss-panel').getByRole('heading', { name: 'Critic', exact: true }), 'the critic chart title');
    await expectInView(page, page.getByTestId('loss-panel').getByRole('heading', { name: 'Generator', exact: true }), 'the generator chart title');
    await expectInView(page, page.getByTestId('maps-panel').getByText('Predicted velocity', { exact: true }), 'the predicted velocity map title');
    expect(await overflowing(page), 'elements wider than the laptop viewport').toEqual([]);
    expect(await seriousViolations(page), 'axe-core on the laptop page after a run').toEqual([]);
    await snap(page, info, 'laptop');
  });

  await test.step('phone: nothing too wide, the file list whole, Train near the data, charts fit; axe-core', async () => {
    await page.setViewportSize(PHONE);
    await page.evaluate(() => window.scrollTo(0, 0));
    // Plotly re-lays its charts out after a resize on its own schedule (a debounced window listener).
    await expect.poll(() => overflowing(page), { message: 'elements wider than the phone viewport', timeout: 5_000 }).toEqual([]);
    const name = fileItems(page).filter({ hasText: 'data1.npy' }).getByText('data1.npy', { exact: false }).first();
    expect((await box(name)).width, 'a file name takes a line, not a letter per line').toBeGreaterThan(60);
    for (const control of [page.getByLabel('Use of train.txt'), page.getByRole('button', { name: 'Remove val.txt' }), newRun]) {
      await control.scrollIntoViewIfNeeded();
      await expectInView(page, control, (await control.getAttribute('aria-label')) ?? 'New run');
    }
    const trainTop = (await box(newRun)).y;
    const dataTop = (await box(page.getByRole('region', { name: 'Data', exact: true }))).y;
    expect(Math.abs(dataTop - trainTop), 'Train within one screen of the data').toBeLessThan(PHONE.height);
    // Every chart's menus open within the screen (a menu hung from a wrapped toolbar's button could not).
    for (const chart of await page.locator('figure.vg-chart').all()) {
      const title = await chart.locator('.vg-chart-title').first().textContent();
      for (const [menu, inside] of [['Y limits', 'Min'], ['Export', 'PNG']] as const) {
        const summary = chart.locator('details.vg-menu > summary', { hasText: menu });
        await summary.scrollIntoViewIfNeeded();
        await summary.click();
        const item = menu === 'Y limits' ? chart.getByLabel(inside) : chart.getByRole('button', { name: inside, exact: true });
        await item.scrollIntoViewIfNeeded();
        await expectInView(page, item, `${menu} menu of the ${title} chart: ${inside}`);
        await summary.click();
      }
    }
    for (const panel of ['loss-panel', 'metrics-panel', 'maps-panel']) {
      const b = await box(page.getByTestId(panel));
      expect(b.x + b.width, `${panel} within the screen`).toBeLessThanOrEqual(PHONE.width);
    }
    expect(await seriousViolations(page), 'axe-core on the phone page').toEqual([]);
    await snap(page, info, 'phone');
  });
});
