/** Failures the user must notice now, each in role="alert", dismissable one by one. */
import { dismissAlert, useStudio } from '../store/studioStore.ts';

export function AlertList() {
  const alerts = useStudio((s) => s.alerts);
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((a) => (
        <div key={a.id} className="alert" role="alert">
          <span>{a.message}</span>
          <button type="button" className="link" onClick={() => dismissAlert(a.id)} aria-label="Dismiss this message">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
