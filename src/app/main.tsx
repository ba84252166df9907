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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
