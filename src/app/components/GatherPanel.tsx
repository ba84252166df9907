/**
 * The shot-gather view of a sample's input seismic. The worker reads just that sample (streamed)
 * into the store when the sample or the data changes; the view draws what the store holds.
 */
import { useEffect, useState } from 'react';
import { requestShotGather } from '../store/commands.ts';
import { useStudio, useStudioDeferred } from '../store/studioStore.ts';
import { ShotGather } from './views/ShotGather.tsx';

export function GatherPanel() {
  const data = useStudioDeferred((s) => s.data);
  const transform = useStudio((s) => s.config.transform);
  const snapshotSample = useStudio((s) => {
    const snap = s.snapshotCursor === null ? s.snapshots[s.snapshots.length - 1] : s.snapshots[s.snapshotCursor];
    return snap ? (snap.indices[s.sampleCursor] ?? snap.indices[0]) : null;
  });
  const split = data?.splits.find((x) => x.role === 'validation') ?? data?.splits.find((x) => x.role === 'train');
  const samples = split?.samples ?? 0;
  const [chosen, setChosen] = useState(0);
  const index = snapshotSample ?? Math.min(chosen, Math.max(0, samples - 1));
  const gather = useStudio((s) => s.shotGather);

  useEffect(() => {
    void requestShotGather(samples === 0 ? null : index);
  }, [index, samples, data]);

  if (samples === 0) return null;
  return (
    <div className="panel" data-testid="gather-panel">
      <p className="muted gather-source">
        Input seismic of {split?.role === 'validation' ? 'validation' : 'training'} sample{' '}
        {snapshotSample !== null ? (
          <>{index} (the sample shown in the velocity maps)</>
        ) : (
          <label className="inline">
            <input type="number" min={0} max={samples - 1} value={index} onChange={(e) => setChosen(Math.max(0, Math.min(samples - 1, Number(e.target.value) || 0)))} aria-label="Sample shown in the shot gathers" />
            of {samples}
          </label>
        )}
      </p>
      <ShotGather gather={gather} dataRange={[transform.dataMin, transform.dataMax]} />
    </div>
  );
}
