/**
 * Predicted | True | Difference velocity maps: of the fixed validation samples from the store's
 * training snapshots, or of a sample opened from the evaluation's table or an inference result.
 */
import { closeOpenedSample, openEvaluationSample, openInferenceSample } from '../store/commands.ts';
import type { OpenedSample } from '../store/slices.ts';
import { setSampleCursor, setSnapshotCursor, useStudio, useStudioDeferred } from '../store/studioStore.ts';
import { VelocityMaps, type OpenedControls } from './views/VelocityMaps.tsx';

function controls(o: OpenedSample): OpenedControls {
  const open = o.source === 'evaluation' ? openEvaluationSample : openInferenceSample;
  const step = (i: number) => (i >= 0 && i < o.count ? () => void open(i) : null);
  const n = o.index + 1;
  return {
    caption: o.source === 'evaluation' ? `Validation sample ${n} of ${o.count} (from the evaluation)` : `Inference: sample ${n} of ${o.count} of ${o.list} (predicted only)`,
    previous: step(o.index - 1),
    next: step(o.index + 1),
    close: closeOpenedSample,
  };
}

export function MapsPanel() {
  const snapshots = useStudioDeferred((s) => s.snapshots);
  const snapshotCursor = useStudio((s) => s.snapshotCursor);
  const sampleCursor = useStudio((s) => s.sampleCursor);
  const opened = useStudio((s) => s.opened);
  const labelMin = useStudio((s) => s.config.transform.labelMin);
  const labelMax = useStudio((s) => s.config.transform.labelMax);
  const range: [number, number] = [labelMin, labelMax];
  if (opened) {
    return (
      <div className="panel" data-testid="maps-panel" data-snapshots={snapshots.length} data-opened={`${opened.source}:${opened.index + 1}`}>
        <VelocityMaps snapshots={[opened.maps]} snapshotCursor={null} sampleCursor={0} datasetRange={range} opened={controls(opened)} />
      </div>
    );
  }
  return (
    <div className="panel" data-testid="maps-panel" data-snapshots={snapshots.length}>
      <VelocityMaps snapshots={snapshots} snapshotCursor={snapshotCursor} onSnapshotCursorChange={setSnapshotCursor} sampleCursor={sampleCursor} onSampleCursorChange={setSampleCursor} datasetRange={range} />
    </div>
  );
}
