/**
 * The input seismic of one sample as a shot gather: grey (negative black, positive white), time
 * down in ms, receivers across in metres, on a canvas. Clip: symmetric at a percentile of
 * |amplitude| (default 99), or OpenFWI's ±1% of the dataset's data range. Source selector for the
 * five shots.
 *
 * Props (ShotGatherProps):
 * - gather: { index (0-based; shown from 1), seismic (shots·timeSamples·receivers, raw amplitudes), shots, timeSamples,
 *   receivers } | null (the worker's ShotGather fits).
 * - dataRange?: [data_min, data_max] of the dataset preset, for the OpenFWI clip (default: this
 *   sample's own extent).
 * - dtMs?: time step in ms (1); dx?: receiver spacing in m (10).
 * - sourceColumns?: grid columns of the sources, for labels ([0, 17, 34, 52, 69]).
 * - source?: number, onSourceChange?(s): controlled when given, else kept here.
 */
import { useId, useMemo, useState } from 'react';
import { niceStep, physicalTicks } from '../../charts/axisTicks.ts';
import { finiteExtent } from '../../charts/colormap.ts';
import { seismicLimits, type SeismicClip } from '../../charts/seismicClip.ts';
import { RasterPanel } from './RasterPanel.tsx';

export interface ShotGatherData {
  index: number;
  seismic: Float32Array;
  shots: number;
  timeSamples: number;
  receivers: number;
}

export interface ShotGatherProps {
  gather: ShotGatherData | null;
  dataRange?: [number, number];
  dtMs?: number;
  dx?: number;
  sourceColumns?: number[];
  source?: number;
  onSourceChange?: (source: number) => void;
}

const OPENFWI_SOURCES = [0, 17, 34, 52, 69];
const fmt = (v: number) => Number(v.toPrecision(3)).toString().replace('-', '−');

export function ShotGather({ gather, dataRange, dtMs = 1, dx = 10, sourceColumns = OPENFWI_SOURCES, source: sourceProp, onSourceChange }: ShotGatherProps) {
  const id = useId();
  const [ownSource, setOwnSource] = useState(0);
  const [clipMode, setClipMode] = useState<SeismicClip['mode']>('percentile');
  const [percentile, setPercentile] = useState(99);
  const source = Math.min(Math.max(sourceProp ?? ownSource, 0), Math.max((gather?.shots ?? 1) - 1, 0));
  const setSource = onSourceChange ?? setOwnSource;
  const headingId = `${id}-h`;

  const shot = useMemo(() => {
    if (!gather) return null;
    const size = gather.timeSamples * gather.receivers;
    return gather.seismic.subarray(source * size, (source + 1) * size);
  }, [gather, source]);
  const ownRange = useMemo<[number, number]>(() => (gather ? finiteExtent(gather.seismic) : [-1, 1]), [gather]);
  const clip: SeismicClip = clipMode === 'openfwi' ? { mode: 'openfwi' } : { mode: 'percentile', percentile };
  // Keyed on the range's values: callers often pass a fresh [min, max] array on every render,
  // and the percentile clip sorts 70 000 amplitudes.
  const rangeLo = dataRange?.[0] ?? ownRange[0];
  const rangeHi = dataRange?.[1] ?? ownRange[1];
  const limits = useMemo(
    () => (shot ? seismicLimits(shot, clip, [rangeLo, rangeHi]) : ([-1, 1] as [number, number])),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [shot, clipMode, percentile, rangeLo, rangeHi],
  );

  if (!gather || !shot) {
    return (
      <section className="vg-card vg-gather" aria-labelledby={headingId}>
        <h2 id={headingId}>Shot gather</h2>
        <p className="vg-empty">No seismic loaded yet: add a dataset to see its shot gathers.</p>
      </section>
    );
  }

  const duration = gather.timeSamples * dtMs;
  const timeTicks = physicalTicks(gather.timeSamples, dtMs, niceStep(duration, 8));
  const receiverTicks = physicalTicks(gather.receivers, dx, 100);
  const column = sourceColumns[source];
  const sourceAt = column !== undefined ? `, source at ${column * dx} m` : '';

  return (
    <section className="vg-card vg-gather" aria-labelledby={headingId}>
      <div className="vg-card-head">
        <h2 id={headingId}>Shot gather</h2>
        <div className="vg-toolbar">
          <fieldset className="vg-source-picker">
            <legend>Source</legend>
            {Array.from({ length: gather.shots }, (_, s) => (
              <label key={s}>
                <input type="radio" name={`${id}-source`} className="vg-sr-only" checked={s === source} onChange={() => setSource(s)} />
                {s + 1}
                {sourceColumns[s] !== undefined && <span className="vg-muted"> ({sourceColumns[s] * dx} m)</span>}
              </label>
            ))}
          </fieldset>
          <label className="vg-inline-field">
            Clip{' '}
            <select value={clipMode} onChange={(e) => setClipMode(e.target.value as SeismicClip['mode'])}>
              <option value="percentile">Percentile of |amplitude|</option>
              <option value="openfwi">±1% of data range (OpenFWI)</option>
            </select>
          </label>
          {clipMode === 'percentile' && (
            <label className="vg-inline-field">
              Percentile
              <input type="number" min={50} max={100} step={0.5} value={percentile} style={{ width: '4.5em' }} onChange={(e) => {
                const v = Number(e.target.value);
                if (Number.isFinite(v) && v >= 50 && v <= 100) setPercentile(v);
              }} />
            </label>
          )}
        </div>
      </div>
      <div className="vg-gather-row">
        <RasterPanel
          title={`Sample ${gather.index + 1}, shot ${source + 1}`}
          values={shot}
          rows={gather.timeSamples}
          cols={gather.receivers}
          lo={limits[0]}
          hi={limits[1]}
          colormap="gray"
          aspect={0.75}
          pixelated={false}
          xLabel="Receiver (m)"
          yLabel="Time (ms)"
          xTicks={receiverTicks}
          yTicks={timeTicks}
          label={`Shot gather of sample ${gather.index + 1}, shot ${source + 1}${sourceAt}: ${gather.timeSamples} time samples (${duration} ms, time down) by ${gather.receivers} receivers; grey from ${fmt(limits[0])} (black) to ${fmt(limits[1])} (white).`}
        />
        <p className="vg-hint">
          Grey limits {fmt(limits[0])} to {fmt(limits[1])}
          {clipMode === 'percentile' ? ` (${percentile}th percentile of |amplitude|)` : ' (1% of data_min and data_max)'}; amplitudes beyond are clipped.
        </p>
      </div>
    </section>
  );
}
