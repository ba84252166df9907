/** The run's log from the store, shown by the LogView (role="log"). */
import { useStudioDeferred } from '../store/studioStore.ts';
import { LogView } from './views/LogView.tsx';

export function RunLog() {
  const log = useStudioDeferred((s) => s.log);
  return (
    <section className="panel" aria-labelledby="log-title">
      <h2 id="log-title">Log</h2>
      <LogView entries={log} label="Training log" />
    </section>
  );
}
