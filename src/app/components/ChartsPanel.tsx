/**
 * "Loss curves" and "Validation metrics": the chart views on the store's metric columns, as two
 * panels the page places apart (the velocity maps sit between them). Y-scale choices are
 * remembered per chart (localStorage), shared by both panels.
 */
import { useState } from 'react';
import { LossChart } from '../charts/LossChart.tsx';
import { MetricsChart } from '../charts/MetricsChart.tsx';
import { loadYScales, saveYScales } from '../charts/yScaleChoice.ts';
import type { YScale } from '../charts/yScale.ts';
import { useStudioDeferred } from '../store/studioStore.ts';

/** The remembered y scales; a change is merged into what is stored (the other panel's choices stay). */
function useYScales(): [Record<string, YScale>, (chart: string, scale: YScale) => void] {
  const [yScale, setYScale] = useState<Record<string, YScale>>(loadYScales);
  const onYScaleChange = (chart: string, scale: YScale) => {
    setYScale((old) => ({ ...old, [chart]: scale }));
    saveYScales({ ...loadYScales(), [chart]: scale });
  };
  return [yScale, onYScaleChange];
}

export function LossPanel() {
  // A new object with its revision whenever points arrive (store/slices.ts).
  const { critic, generator, revision } = useStudioDeferred((s) => s.losses);
  const [yScale, onYScaleChange] = useYScales();
  return (
    <div className="panel" data-testid="loss-panel" data-points={critic.step.length} data-first-step={critic.step[0] ?? 0} data-last-step={critic.step[critic.step.length - 1] ?? 0}>
      <LossChart critic={critic} generator={generator} revision={revision} yScale={yScale} onYScaleChange={onYScaleChange} />
    </div>
  );
}

export function MetricsPanel() {
  const validation = useStudioDeferred((s) => s.validation);
  const [yScale, onYScaleChange] = useYScales();
  return (
    <div className="panel" data-testid="metrics-panel" data-points={validation.length}>
      <MetricsChart validation={validation} yScale={yScale} onYScaleChange={onYScaleChange} />
    </div>
  );
}
