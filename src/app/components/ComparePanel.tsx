/**
 * "Compare runs" on the store: the kept runs (`runs`) and the curves loaded so far
 * (`runHistories`, asked for with `loadRunHistory`).
 */
import { CompareRuns } from '../compare/CompareRuns.tsx';
import { loadRunHistory } from '../store/commands.ts';
import { useStudioDeferred } from '../store/studioStore.ts';

export function ComparePanel() {
  const runs = useStudioDeferred((s) => s.runs);
  const histories = useStudioDeferred((s) => s.runHistories);
  return (
    <div className="panel" data-testid="compare-panel">
      <CompareRuns runs={runs} histories={histories} onLoadHistory={(id) => void loadRunHistory(id)} />
    </div>
  );
}
