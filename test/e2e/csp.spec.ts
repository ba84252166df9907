/**
 * A locked-down page: the studio's Content-Security-Policy is served as a header and a <meta>
 * by the production build (vite preview) and by the dev server, the app starts under it without
 * a single violation (no inline script, no eval; wasm allowed), and a fetch to another origin is
 * blocked by the policy, from the page and from the engine worker.
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import { createServer } from 'vite';
import { CSP_HEADER, CSP_META } from '../../src/app/security/contentSecurityPolicy.ts';
import { recordForeignRequests } from './harness.ts';

interface Probe {
  outcome: string;
  violation: { directive: string; blocked: string } | null;
}

/** Fetches `url` (no-cors, so only a policy could stop it) and reports the outcome and any CSP violation event. */
function probe(target: Page | Worker, url: string): Promise<Probe> {
  const body = async (u: string): Promise<Probe> => {
    const scope = globalThis as unknown as EventTarget;
    const violation = new Promise<{ directive: string; blocked: string } | null>((resolve) => {
      scope.addEventListener('securitypolicyviolation', (e) => resolve({ directive: (e as SecurityPolicyViolationEvent).effectiveDirective, blocked: (e as SecurityPolicyViolationEvent).blockedURI }), { once: true });
      setTimeout(() => resolve(null), 5000);
    });
    let outcome: string;
    try {
      await fetch(u, { mode: 'no-cors', cache: 'no-store' });
      outcome = 'reached';
    } catch (e) {
      outcome = `blocked (${(e as Error).name})`;
    }
    return { outcome, violation: await violation };
  };
  return 'goto' in target ? target.evaluate(body, url) : target.evaluate(body, url);
}

/** Console messages in which Chromium reports a policy violation. */
function recordViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

test('production build: the CSP header and meta are served, the app runs under them, and other origins are unreachable from page and worker', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  // The same server under another name is another origin: without the policy a no-cors fetch there succeeds.
  const elsewhere = `${origin.replace('127.0.0.1', 'localhost')}/manifest.webmanifest?from=studio`;
  const foreign = recordForeignRequests(page, origin);
  const violations = recordViolations(page);
  const workerScript = page.waitForResponse((r) => /\/assets\/worker-[^/]*\.js$/.test(r.url()));

  const response = await page.goto('/');
  expect(response!.headers()['content-security-policy']).toBe(CSP_HEADER);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', CSP_META);
  expect(await page.locator('script:not([src])').count(), 'inline scripts in the built page').toBe(0);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu');
  // The worker's policy is its script's response header (a <meta> does not reach workers).
  expect((await workerScript).headers()['content-security-policy']).toBe(CSP_HEADER);
  expect(violations, 'CSP violations while the studio starts').toEqual([]);

  const fromPage = await probe(page, elsewhere);
  expect(fromPage).toEqual({ outcome: 'blocked (TypeError)', violation: { directive: 'connect-src', blocked: elsewhere } });
  const engine = page.workers().find((w) => /\/assets\/worker-/.test(w.url()));
  expect(engine, 'the engine worker').toBeDefined();
  const fromWorker = await probe(engine!, elsewhere);
  expect(fromWorker).toEqual({ outcome: 'blocked (TypeError)', violation: { directive: 'connect-src', blocked: elsewhere } });
  // The page's own origin stays reachable (the policy is not simply "no network").
  expect((await probe(page, `${origin}/manifest.webmanifest`)).outcome).toBe('reached');
  expect(foreign, 'requests that left the origin').toEqual([]);
});

test('dev server: the same CSP as a header and meta, no inline script (the React refresh preamble is a module file), the studio starts without a violation', async ({ page }) => {
  const port = Number(process.env.E2E_PORT ?? 4173) + 100;
  const server = await createServer({ server: { host: '127.0.0.1', port, strictPort: true }, logLevel: 'error', clearScreen: false });
  await server.listen();
  try {
    const violations = recordViolations(page);
    const response = await page.goto(`http://127.0.0.1:${port}/`);
    expect(response!.headers()['content-security-policy']).toBe(CSP_HEADER);
    const html = await response!.text();
    expect(html).toContain('<script type="module" src="/@id/@vitejs/plugin-react/preamble"></script>');
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g), 'inline scripts in the dev page').toBeNull();
    await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', CSP_META);
    await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', /webgpu|webgl|wasm|cpu/, { timeout: 300_000 });
    expect(violations, 'CSP violations while the dev studio starts').toEqual([]);
  } finally {
    await server.close();
  }
});
