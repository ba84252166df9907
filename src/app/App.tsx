/**
 * The studio's page, in named regions (styles.css lays them out):
 * - `setup` (aside): Data and Configuration, collapsible. Beside the dashboard on a laptop
 *   (scrolling on its own), above it on a phone (Configuration folded there, so Train is near).
 * - `dashboard` (main): `run-controls` (the skip link's target) first, then `live` (curves and
 *   velocity maps, in view together with the run controls on a laptop), then `results`
 *   (shot gathers, evaluation, weights, inference, log).
 * New panels go into the region they belong to; a panel is one component reading the store.
 */
import { AlertList } from './components/AlertList.tsx';
import { BackendStatus } from './components/BackendStatus.tsx';
import { ChartsPanel } from './components/ChartsPanel.tsx';
import { ConfigPanel } from './components/ConfigPanel.tsx';
import { DataPanel } from './components/DataPanel.tsx';
import { EvaluationPanel } from './components/EvaluationPanel.tsx';
import { GatherPanel } from './components/GatherPanel.tsx';
import { InferencePanel } from './components/InferencePanel.tsx';
import { MapsPanel } from './components/MapsPanel.tsx';
import { ResumeOffer } from './components/ResumeOffer.tsx';
import { RunLog } from './components/RunLog.tsx';
import { RunPanel } from './components/RunPanel.tsx';
import { WeightsPanel } from './components/WeightsPanel.tsx';
import { Collapsible } from './layout/Collapsible.tsx';

export function App() {
  return (
    <div className="studio">
      <a className="skip-link" href="#run-controls">
        Skip to run controls
      </a>
      <header className="studio-header">
        <div className="studio-title">
          <h1>VelocityGAN Studio</h1>
          <p className="tagline">Seismic full-waveform inversion, trained in your browser. Your data never leaves this computer.</p>
        </div>
        <BackendStatus />
      </header>
      <AlertList />
      <ResumeOffer />
      <div className="studio-body">
        <aside className="setup" id="setup" aria-label="Data and configuration">
          <Collapsible id="data" title="Data" className="data-panel">
            <DataPanel />
          </Collapsible>
          <Collapsible id="config" title="Configuration" defaultOpen="wide">
            <ConfigPanel />
          </Collapsible>
        </aside>
        <main className="dashboard" id="dashboard">
          <div className="run-controls" id="run-controls" tabIndex={-1}>
            <RunPanel />
          </div>
          <section className="live" id="live" aria-label="Live view">
            <ChartsPanel />
            <MapsPanel />
          </section>
          <section className="results" id="results" aria-label="Results">
            <GatherPanel />
            <EvaluationPanel />
            <WeightsPanel />
            <InferencePanel />
            <RunLog />
          </section>
        </main>
      </div>
    </div>
  );
}
