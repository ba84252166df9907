/**
 * "Loss curves": the WGAN-GP quantities worth watching, in two charts on one x-axis.
 * Critic: critic loss, Wasserstein estimate mean D(real) − mean D(fake), GP and λ·GP (signed:
 * the symlog scale shows them on a log-like axis).
 * Generator: generator loss, its L1 (content) term and its adversarial term, apart.
 *
 * Props (LossChartProps):
 * - critic: CriticColumns ({ step, epoch, loss, wasserstein, gp, gpWeighted }).
 * - generator: GeneratorColumns ({ step, criticStep, epoch, loss, l1, adv }).
 *   Columns may be replaced (new arrays) or appended in place; in the latter case bump:
 * - revision?: number.
 * - yScale: Record<string, YScale>, onYScaleChange(chartId, scale): per-chart y scale (linear, log,
 *   symlog), remembered by the parent; chart ids are 'critic' and 'generator'.
 * - smoothing?: number (default 0.6), onSmoothingChange?(w): controlled when given, else internal.
 * - xAxis?: XAxisKind (default 'criticStep'; also generator step, epochs completed, training time
 *   with pauses excluded), onXAxisChange?(k): likewise.
 *
 * "Pause live updates" freezes what is drawn (WCAG 2.2.2) while data keeps arriving.
 */
import { useId, useMemo, useState } from 'react';
import { CurveChart } from './CurveChart.tsx';
import { SmoothingSlider, XAxisSelect } from './CurveControls.tsx';
import { lossAxes, type CriticColumns, type GeneratorColumns, type XAxisKind } from './lossHistory.ts';
import type { YScale } from './yScale.ts';

export interface LossChartProps {
  critic: CriticColumns;
  generator: GeneratorColumns;
  revision?: number;
  yScale: Record<string, YScale>;
  onYScaleChange: (chartId: string, scale: YScale) => void;
  smoothing?: number;
  onSmoothingChange?: (weight: number) => void;
  xAxis?: XAxisKind;
  onXAxisChange?: (kind: XAxisKind) => void;
}

export function LossChart(props: LossChartProps) {
  const { critic, generator, revision = 0, yScale, onYScaleChange } = props;
  const id = useId();
  const [ownSmoothing, setOwnSmoothing] = useState(0.6);
  const [ownXAxis, setOwnXAxis] = useState<XAxisKind>('criticStep');
  const [frozen, setFrozen] = useState<{ critic: CriticColumns; generator: GeneratorColumns; revision: number } | null>(null);
  const smoothing = props.smoothing ?? ownSmoothing;
  const setSmoothing = props.onSmoothingChange ?? setOwnSmoothing;
  const xAxis = props.xAxis ?? ownXAxis;
  const setXAxis = props.onXAxisChange ?? setOwnXAxis;

  // Paused: draw copies taken at the moment of pausing, so in-place appends do not show.
  const shown = frozen ?? { critic, generator, revision };
  const togglePause = () => {
    if (frozen) setFrozen(null);
    else setFrozen({ critic: copyColumns(critic), generator: copyColumns(generator), revision });
  };

  const axes = useMemo(() => lossAxes(shown.critic, shown.generator, xAxis), [shown.critic, shown.generator, shown.revision, xAxis]);
  const criticSeries = useMemo(
    () => [
      { name: 'Critic loss', y: shown.critic.loss },
      { name: 'Wasserstein (real − fake)', y: shown.critic.wasserstein },
      { name: 'GP', y: shown.critic.gp },
      { name: 'λ·GP', y: shown.critic.gpWeighted },
    ],
    [shown.critic, shown.revision],
  );
  const generatorSeries = useMemo(
    () => [
      { name: 'Generator loss', y: shown.generator.loss },
      { name: 'L1 term', y: shown.generator.l1 },
      { name: 'Adversarial term', y: shown.generator.adv },
    ],
    [shown.generator, shown.revision],
  );
  // Identity of the raw columns changes when the store replaces them; revision when appended in place.
  const dataRevision = shown.revision * 1_000_003 + shown.critic.step.length * 7 + shown.generator.step.length;
  const xTitle = axes.title;
  const headingId = `${id}-h`;

  return (
    <section className="vg-card vg-loss" aria-labelledby={headingId}>
      <div className="vg-card-head">
        <h2 id={headingId}>Loss curves</h2>
        <div className="vg-toolbar">
          <XAxisSelect value={xAxis} onChange={setXAxis} />
          <SmoothingSlider value={smoothing} onChange={setSmoothing} />
          <button type="button" className="vg-btn" aria-pressed={frozen !== null} onClick={togglePause}>
            {frozen ? 'Resume live updates' : 'Pause live updates'}
          </button>
        </div>
      </div>
      <p className="vg-hint">
        The Wasserstein estimate is the quantity to watch: it should shrink toward 0 as the critic stops telling real from
        predicted maps. Warning signs: GP collapsing to 0 then exploding, losses of order 10⁶, NaN.
      </p>
      <div className="vg-chart-grid">
        <CurveChart
          title="Critic"
          x={axes.critic}
          xTitle={xTitle}
          xName={axes.name}
          integerX={axes.integer}
          series={criticSeries}
          revision={dataRevision}
          smoothing={smoothing}
          yScale={yScale.critic ?? 'linear'}
          onYScaleChange={(s) => onYScaleChange('critic', s)}
          filename="velocitygan-critic-losses"
        />
        <CurveChart
          title="Generator"
          x={axes.generator}
          xTitle={xTitle}
          xName={axes.name}
          integerX={axes.integer}
          series={generatorSeries}
          revision={dataRevision}
          smoothing={smoothing}
          yScale={yScale.generator ?? 'linear'}
          onYScaleChange={(s) => onYScaleChange('generator', s)}
          filename="velocitygan-generator-losses"
        />
      </div>
    </section>
  );
}

function copyColumns<T extends object>(cols: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cols)) out[k] = v && typeof v === 'object' && 'length' in v ? Array.from(v as ArrayLike<number>) : v;
  return out as T;
}
