/**
 * Entry point: starts the engine worker (backend choice happens there), then renders the studio.
 * `?backend=wasm` (or webgl, cpu) starts the backend search lower, to try the fallbacks.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { StudioBackend } from '../worker/protocol.ts';
import { App } from './App.tsx';
import { startStudio } from './store/commands.ts';
import './styles.css';
import './views.css';

const asked = new URLSearchParams(location.search).get('backend');
const prefer = (['webgpu', 'webgl', 'wasm', 'cpu'] as const).find((b) => b === asked) as StudioBackend | undefined;
void startStudio({ prefer });

// Plotly (1.5 MB) is parsed while the page is idle after its first paint, not in the middle of a
// run when the first curve arrives (that parse alone is a long task on a slow machine).
const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 2000));
idle(() => void import('./charts/plotly.ts'), { timeout: 4000 });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
