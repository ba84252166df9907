/** Predicted | True | Difference velocity maps of the fixed validation samples, from the store's snapshots. */
import { setSampleCursor, setSnapshotCursor, useStudio, useStudioDeferred } from '../store/studioStore.ts';
import { VelocityMaps } from './views/VelocityMaps.tsx';

export function MapsPanel() {
  const snapshots = useStudioDeferred((s) => s.snapshots);
  const snapshotCursor = useStudio((s) => s.snapshotCursor);
  const sampleCursor = useStudio((s) => s.sampleCursor);
  return (
    <div className="panel" data-testid="maps-panel" data-snapshots={snapshots.length}>
      <VelocityMaps snapshots={snapshots} snapshotCursor={snapshotCursor} onSnapshotCursorChange={setSnapshotCursor} sampleCursor={sampleCursor} onSampleCursorChange={setSampleCursor} />
    </div>
  );
}
