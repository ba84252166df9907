/**
 * The shot-gather view of a sample's input seismic: the sample the velocity maps show (a training
 * snapshot's, or one opened from the evaluation or an inference list), else one the user picks.
 * The worker reads just that sample (streamed) into the store when the sample or the data
 * changes; the view draws what the store holds. Samples are numbered from 1.
 */
import { useEffect, useState } from 'react';
import { requestShotGather } from '../store/commands.ts';
import { useStudio, useStudioDeferred } from '../store/studioStore.ts';
import { ShotGather } from './views/ShotGather.tsx';

export function GatherPanel() {
  const data = useStudioDeferred((s) => s.data);
  const transform = useStudio((s) => s.config.transform);
  const opened = useStudio((s) => s.opened);
  const snapshotSample = useStudio((s) => {
    const snap = s.snapshotCursor === null ? s.snapshots[s.snapshots.length - 1] : s.snapshots[s.snapshotCursor];
    return snap ? (snap.indices[s.sampleCursor] ?? snap.indices[0]) : null;
  });
  const split = data?.splits.find((x) => x.role === 'validation') ?? data?.splits.find((x) => x.role === 'train');
  const samples = split?.samples ?? 0;
  const [chosen, setChosen] = useState(0);
  const shown = opened ? opened.index : snapshotSample;
  const index = shown ?? Math.min(chosen, Math.max(0, samples - 1));
  const list = opened?.source === 'inference' ? (opened.list ?? undefined) : undefined;
  const gather = useStudio((s) => s.shotGather);

  useEffect(() => {
    void requestShotGather(samples === 0 && !list ? null : index, list);
  }, [index, samples, data, list]);

  if (samples === 0 && !list) return null;
  const set = list ? `${list}` : split?.role === 'validation' ? 'validation' : 'training';
  return (
    <div className="panel" data-testid="gather-panel">
      <p className="muted gather-source" data-testid="gather-sample">
        Input seismic of {set} sample{' '}
        {shown !== null ? (
          <>{index + 1} (the sample shown in the velocity maps)</>
        ) : (
          <label className="inline">
            <input
              type="number"
              min={1}
              max={samples}
              value={index + 1}
              onChange={(e) => setChosen(Math.max(0, Math.min(samples - 1, (Number(e.target.value) || 1) - 1)))}
              aria-label="Sample shown in the shot gathers"
            />
            of {samples}
          </label>
        )}
      </p>
      <ShotGather gather={gather} dataRange={[transform.dataMin, transform.dataMax]} />
    </div>
  );
}
