/**
 * The studio's Content-Security-Policy: the page and its workers may load and contact only the
 * app's own origin. Scripts come only from files of that origin (no inline script, no eval);
 * 'wasm-unsafe-eval' lets the tf.js wasm backend and the forward model's SIMD kernel compile
 * WebAssembly. Styles may be inline (the dev server injects CSS as <style>, charts set styles);
 * images may be data:/blob: URLs (chart export, canvases). Nothing in an imported config or
 * checkpoint is ever evaluated: they are parsed as JSON and binary data only.
 *
 * Served as a response header by the dev server and `vite preview` (vite.config.ts; the header
 * is what binds the workers) and as a <meta> in every built page (for any static host).
 */
const DIRECTIVES: Record<string, string> = {
  'default-src': "'self'",
  'script-src': "'self' 'wasm-unsafe-eval'",
  'worker-src': "'self'",
  'connect-src': "'self'",
  'img-src': "'self' data: blob:",
  'style-src': "'self' 'unsafe-inline'",
  'font-src': "'self'",
  'manifest-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'self'",
  'form-action': "'self'",
};

/** Directives only a response header may carry (a <meta> policy ignores them with a warning). */
const HEADER_ONLY: Record<string, string> = { 'frame-ancestors': "'none'" };

const join = (d: Record<string, string>) =>
  Object.entries(d)
    .map(([k, v]) => `${k} ${v}`)
    .join('; ');

/** The policy as the `Content-Security-Policy` response header. */
export const CSP_HEADER = join({ ...DIRECTIVES, ...HEADER_ONLY });

/** The policy as a `<meta http-equiv="Content-Security-Policy">` content attribute. */
export const CSP_META = join(DIRECTIVES);
