/**
 * The studio's page: data and configuration on the left; the run, its curves, velocity maps,
 * shot gathers, evaluation, export and inference on the right. Every panel reads the store; the
 * worker does the work.
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
import { RunList } from './components/RunList.tsx';
import { RunPanel } from './components/RunPanel.tsx';
import { WeightsPanel } from './components/WeightsPanel.tsx';

export function App() {
  return (
    <div className="studio">
      <header className="studio-header">
        <div>
          <h1>VelocityGAN Studio</h1>
          <p className="tagline">Seismic full-waveform inversion, trained in your browser. Your data never leaves this computer.</p>
        </div>
        <BackendStatus />
      </header>
      <AlertList />
      <ResumeOffer />
      <main className="layout">
        <div className="column setup">
          <DataPanel />
          <ConfigPanel />
        </div>
        <div className="column results">
          <RunPanel />
          <RunList />
          <ChartsPanel />
          <MapsPanel />
          <GatherPanel />
          <EvaluationPanel />
          <WeightsPanel />
          <InferencePanel />
          <RunLog />
        </div>
      </main>
    </div>
  );
}
