import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy } from './src/app/security/cspPlugin.ts';

export default defineConfig({
  plugins: [
    react(),
    contentSecurityPolicy(),
    // Offline after the first visit: a service worker precaches the whole built app, wasm binaries
    // included (the tf.js backends and the forward model), and serves it with the network off.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script', // a registerSW.js file: the CSP allows no inline script
      includeManifestIcons: false, // the glob below takes them, once
      manifest: {
        name: 'VelocityGAN Studio',
        short_name: 'VelocityGAN',
        description: 'Train and evaluate VelocityGAN (seismic full-waveform inversion) in the browser, on your own GPU.',
        start_url: '.',
        scope: '.',
        display: 'standalone',
        background_color: '#10182b',
        theme_color: '#1f3b8c',
        icons: [
          { src: 'icons/icon.svg', sizes: 'any', type: 'image/svg+xml' },
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg,png}'], // and the manifest, which the plugin adds
        // The tf.js bundle and the wasm binaries are several MB each; all of them are the app.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  test: {
    include: ['test/unit/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
