/** Failures the user must notice now, each in role="alert", dismissable one by one. */
import type { AlertOffer } from '../../worker/protocol.ts';
import { exportCheckpoint, restartEngine } from '../store/commands.ts';
import { dismissAlert, useStudio } from '../store/studioStore.ts';

const OFFERS: Record<AlertOffer, { label: string; act: () => Promise<unknown> }> = {
  'download-checkpoint': { label: 'Download checkpoint', act: exportCheckpoint },
  'restart-engine': { label: 'Restart the engine', act: restartEngine },
};

export function AlertList() {
  const alerts = useStudio((s) => s.alerts);
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((a) => (
        <div key={a.id} className="alert" role="alert">
          <span>{a.message}</span>
          {a.offer && (
            <button type="button" onClick={() => void OFFERS[a.offer!].act()}>
              {OFFERS[a.offer].label}
            </button>
          )}
          <button type="button" className="link" onClick={() => dismissAlert(a.id)} aria-label="Dismiss this message">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
