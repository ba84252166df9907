/**
 * The run store's IndexedDB primitive (src/worker/idbFiles.ts: where a browser has no OPFS) in
 * real Chromium: the engine's file store over it keeps the last two checkpoints, replaces records
 * by rename, appends, falls back from a damaged checkpoint by name, renames folders whole.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';

test.use({ bypassCSP: true });

test('the file store over IndexedDB: last two kept, damaged latest refused, folders renamed whole', async ({ page }) => {
  const bundle = await build({ entryPoints: [new URL('./idbStoreProbe.ts', import.meta.url).pathname], bundle: true, write: false, format: 'iife', globalName: 'idbProbe', platform: 'browser', logLevel: 'silent' });
  const seed = [...readFileSync(new URL('../fixtures/fuzz/checkpoint-w1.safetensors', import.meta.url))];
  await page.goto('/');
  await page.evaluate(`${bundle.outputFiles[0].text}\nglobalThis.idbProbe = idbProbe;`);
  const out = await page.evaluate((bytes) => (globalThis as unknown as { idbProbe: { probe(s: Uint8Array): Promise<Record<string, unknown>> } }).idbProbe.probe(new Uint8Array(bytes)), seed);
  expect(out).toEqual({
    names: ['file:checkpoint.previous.safetensors', 'file:checkpoint.safetensors', 'file:run.json'],
    root: ['folder:run-a'],
    loaded: 3,
    record: 'second',
    appended: 'abcd',
    fallbackStep: 2,
    fallback: expect.stringMatching(
      /^checkpoint of generator step 3 \(critic step 15\) is damaged \(browser storage: probe-runs\/run-a\/checkpoint\.safetensors: .+\); using generator step 2 \(critic step 10\); the damaged one is kept as browser storage: probe-runs\/run-a\/checkpoint\.damaged\.safetensors$/,
    ),
    renamed: expect.stringMatching(/^true 0 [45]$/),
    ontoExisting: 'browser storage: probe-runs/run-b: cannot rename a folder onto run-c, which exists',
    afterDelete: '0 0',
    left: 0,
  });
});
