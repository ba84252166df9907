import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/parity.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'parity-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function capture(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    return { code: await run(args), out: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

describe('fwi parity', () => {
  it('exits 1 and marks the row FAIL when a quantity is off (a fixture whose expected generator loss is wrong)', async () => {
    const dir = path.join(tmp, 'fixture');
    cpSync('test/fixtures/parity', dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    manifest.expected.g_step.loss *= 1.01;
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const json = path.join(tmp, 'rows.json');
    const { code, out } = await capture([dir, '--backend', 'wasm', '--json', json]);
    expect(code).toBe(1);
    expect(out).toMatch(/^g_step\.loss .* FAIL/m);
    expect(out).toMatch(/^g_step\.l1 .* PASS/m);
    expect(out).toContain('1 of 26 quantities FAIL');
    const rows = JSON.parse(readFileSync(json, 'utf8')).rows as { quantity: string; pass: boolean }[];
    expect(rows.filter((r) => !r.pass).map((r) => r.quantity)).toEqual(['g_step.loss']);
  });

  it('refuses a missing directory argument with usage', async () => {
    await expect(run([])).rejects.toThrow(/parity takes one fixture directory/);
  });
});
