/**
 * The studio's page, in named regions (styles.css lays them out):
 * - `controls` (aside): `run-controls` (the skip link's target), then Data and Configuration,
 *   collapsible. On a laptop a column of its own that scrolls by itself; on a phone the top of
 *   the page, so Train is never more than a screen from the data.
 * - `views` (main): `live` (loss curves, velocity maps, validation metrics: on a laptop the curves
 *   and the maps are in view beside the run controls), then `results` (shot gathers, evaluation,
 *   weights, inference, log).
 * A new panel goes into the region it belongs to; a panel is one component reading the store.
 */
import { AlertList } from './components/AlertList.tsx';
import { BackendStatus } from './components/BackendStatus.tsx';
import { LossPanel, MetricsPanel } from './components/ChartsPanel.tsx';
import { ConfigPanel } from './components/ConfigPanel.tsx';
import { DataPanel } from './components/DataPanel.tsx';
import { ComparePanel } from './components/ComparePanel.tsx';
import { EvaluationPanel } from './components/EvaluationPanel.tsx';
import { GatherPanel } from './components/GatherPanel.tsx';
import { InferencePanel } from './components/InferencePanel.tsx';
import { MapsPanel } from './components/MapsPanel.tsx';
import { ResumeOffer } from './components/ResumeOffer.tsx';
import { ReattachFiles } from './components/ReattachFiles.tsx';
import { RunLog } from './components/RunLog.tsx';
import { RunList } from './components/RunList.tsx';
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
      <ReattachFiles />
      <ResumeOffer />
      <div className="studio-body">
        <aside className="controls" id="controls" aria-label="Run, data and configuration">
          <div className="run-controls" id="run-controls" tabIndex={-1}>
            <RunPanel />
          </div>
          <RunList />
          <Collapsible id="data" title="Data" className="data-panel">
            <DataPanel />
          </Collapsible>
          <Collapsible id="config" title="Configuration" defaultOpen="wide">
            <ConfigPanel />
          </Collapsible>
        </aside>
        <main className="views" id="views">
          <section className="live" id="live" aria-label="Live view">
            <LossPanel />
            <MapsPanel />
            <MetricsPanel />
          </section>
          <section className="results" id="results" aria-label="Results">
            <GatherPanel />
            <EvaluationPanel />
            <ComparePanel />
            <WeightsPanel />
            <InferencePanel />
            <RunLog />
          </section>
        </main>
      </div>
    </div>
  );
}
