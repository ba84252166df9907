/**
 * Vite plugin: the studio's Content-Security-Policy on every response of the dev server and of
 * `vite preview`, and as a <meta> in the built index.html. In dev, the React Fast Refresh preamble
 * that @vitejs/plugin-react injects as an inline script is loaded as a module file instead, so
 * the dev page runs under the same no-inline-script policy as the production one.
 */
import type { Plugin } from 'vite';
import { CSP_HEADER, CSP_META } from './contentSecurityPolicy.ts';

const INLINE_PREAMBLE = /<script type="module">\s*import \{ injectIntoGlobalHook \}[\s\S]*?<\/script>/;

export function contentSecurityPolicy(): Plugin {
  return {
    name: 'velocitygan:content-security-policy',
    config: () => ({
      server: { headers: { 'Content-Security-Policy': CSP_HEADER } },
      preview: { headers: { 'Content-Security-Policy': CSP_HEADER } },
    }),
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const out = ctx.server ? html.replace(INLINE_PREAMBLE, '<script type="module" src="/@id/@vitejs/plugin-react/preamble"></script>') : html;
        return {
          html: out,
          tags: [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' }],
        };
      },
    },
  };
}
