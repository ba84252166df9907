/**
 * The run store's OPFS primitive (src/worker/opfsFiles.ts) in real Chromium: the engine's file
 * store over it keeps the last two checkpoints, replaces records by rename, appends, falls back
 * from a damaged checkpoint by name, and still works where `FileSystemHandle.move` is missing.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';

test.use({ bypassCSP: true });

test('the file store over OPFS: last two kept, records renamed into place, damaged latest refused, works without move()', async ({ page }) => {
  const bundle = await build({ entryPoints: [new URL('./opfsStoreProbe.ts', import.meta.url).pathname], bundle: true, write: false, format: 'iife', globalName: 'opfsProbe', platform: 'browser', logLevel: 'silent' });
  const seed = [...readFileSync(new URL('../fixtures/fuzz/checkpoint-w1.safetensors', import.meta.url))];
  await page.goto('/');
  await page.evaluate(`${bundle.outputFiles[0].text}\nglobalThis.opfsProbe = opfsProbe;`);
  const out = await page.evaluate((bytes) => (globalThis as unknown as { opfsProbe: { probe(s: Uint8Array): Promise<Record<string, unknown>> } }).opfsProbe.probe(new Uint8Array(bytes)), seed);
  expect(out).toEqual({
    hasMove: true,
    names: ['file:checkpoint.previous.safetensors', 'file:checkpoint.safetensors', 'file:run.json'],
    loaded: 3,
    record: 'third',
    appended: 'abcd',
    fallbackStep: 2,
    fallback: expect.stringMatching(
      /^checkpoint of generator step 3 \(critic step 15\) is damaged \(browser storage: probe-runs\/run-a\/checkpoint\.safetensors: .+\); using generator step 2 \(critic step 10\); the damaged one is kept as browser storage: probe-runs\/run-a\/checkpoint\.damaged\.safetensors$/,
    ),
    withoutMove: '4 fourth',
    namesAfter: ['checkpoint.damaged.safetensors', 'checkpoint.previous.safetensors', 'checkpoint.safetensors', 'log.txt', 'run.json'],
    afterDelete: 0,
  });
});
