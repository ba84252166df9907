/**
 * Predicted | True | Difference (predicted − true) velocity maps of the fixed validation samples,
 * on canvases in OpenFWI's rainbow256 (or viridis), one colour range shared by the first two (the
 * sample's truth, or fixed to the dataset's velocity range), a diverging map with a symmetric range
 * for the difference, depth down, axes in metres with ticks every 100 m, and colour bars with
 * round ticks. Samples are numbered from 1, as everywhere in the studio.
 *
 * Props (VelocityMapsProps):
 * - snapshots: readonly VelocitySnapshot[] ({ epoch, generatorStep, indices, height, width,
 *   predicted (n·H·W, m/s), truth | null }: the trainer's SnapshotEvent fits; a null truth is taken
 *   from an earlier snapshot of the same samples).
 * - snapshotCursor?: number | null: index into snapshots; null follows the latest. With
 *   onSnapshotCursorChange?(c) it is controlled, otherwise kept here.
 * - sampleCursor?: number, onSampleCursorChange?(i): which of a snapshot's samples; same rule.
 * - dx?: cell size in metres (10).
 * - title?: section heading ("Velocity maps").
 * - datasetRange?: [min, max] m/s of the dataset's preset: offered as a fixed colour range, so
 *   colours mean the same velocity from sample to sample.
 * - opened?: a sample opened from the evaluation or an inference result ({ caption, previous,
 *   next, close }): its caption and Previous / Next / Back replace the snapshot controls.
 *
 * The step scrubber is a range input (arrow keys, Home/End); while the user looks back at an
 * older snapshot new ones do not move the view; "Follow latest" returns to the newest.
 */
import { useId, useMemo, useState } from 'react';
import { physicalTicks } from '../../charts/axisTicks.ts';
import type { ColormapName } from '../../charts/colormap.ts';
import { mapColumn, sampleMaps, shownSnapshotIndex, type VelocitySnapshot } from '../../charts/snapshotView.ts';
import { ColorBar } from './ColorBar.tsx';
import { RasterPanel } from './RasterPanel.tsx';
import { VelocityProfile } from './VelocityProfile.tsx';

export interface VelocityMapsProps {
  snapshots: readonly VelocitySnapshot[];
  snapshotCursor?: number | null;
  onSnapshotCursorChange?: (cursor: number | null) => void;
  sampleCursor?: number;
  onSampleCursorChange?: (slot: number) => void;
  dx?: number;
  title?: string;
  datasetRange?: [number, number];
  opened?: OpenedControls;
}

/** Controls of a sample opened outside the training snapshots. */
export interface OpenedControls {
  caption: string;
  previous: (() => void) | null;
  next: (() => void) | null;
  close: () => void;
}

const ms = (v: number) => `${Math.round(v)} m/s`;

export function VelocityMaps(props: VelocityMapsProps) {
  const { snapshots, dx = 10, title = 'Velocity maps' } = props;
  const id = useId();
  const [ownCursor, setOwnCursor] = useState<number | null>(null);
  const [ownSlot, setOwnSlot] = useState(0);
  const [colormap, setColormap] = useState<ColormapName>('rainbow256');
  const [profileOn, setProfileOn] = useState(false);
  const [profileCol, setProfileCol] = useState(35);
  const [fixedRange, setFixedRange] = useState(false);
  const cursor = props.snapshotCursor !== undefined ? props.snapshotCursor : ownCursor;
  const setCursor = props.onSnapshotCursorChange ?? setOwnCursor;
  const slotRequested = props.sampleCursor ?? ownSlot;
  const setSlot = props.onSampleCursorChange ?? setOwnSlot;

  const k = shownSnapshotIndex(snapshots.length, cursor);
  const snap = k >= 0 ? snapshots[k] : null;
  const slotCount = snap?.indices.length ?? 0;
  const slot = Math.min(Math.max(slotRequested, 0), Math.max(slotCount - 1, 0));
  const maps = useMemo(() => (k >= 0 ? sampleMaps(snapshots, k, slot) : null), [snapshots, k, slot, snap]);
  const headingId = `${id}-h`;

  if (!snap || !maps) {
    return (
      <section className="vg-card vg-maps" aria-labelledby={headingId}>
        <h2 id={headingId}>{title}</h2>
        <p className="vg-empty">No velocity maps yet: they appear after the first snapshot of a training run or an evaluation.</p>
      </section>
    );
  }

  const { height, width } = maps;
  const datasetRange = props.datasetRange && props.datasetRange[1] > props.datasetRange[0] ? props.datasetRange : null;
  const range: [number, number] = fixedRange && datasetRange ? datasetRange : maps.range;
  const opened = props.opened;
  const xTicks = physicalTicks(width, dx, 100);
  const yTicks = physicalTicks(height, dx, 100);
  const col = Math.min(Math.max(profileCol, 0), width - 1);
  const offset = col * dx;
  const marker = profileOn ? (col + 0.5) / width : null;
  const sampleNumber = maps.datasetIndex + 1;
  const where = `sample ${sampleNumber}, generator step ${snap.generatorStep}`;
  const axes = { xLabel: 'Offset (m)', yLabel: 'Depth (m)', xTicks, yTicks, rows: height, cols: width };
  const following = cursor === null;

  return (
    <section className="vg-card vg-maps" aria-labelledby={headingId}>
      <div className="vg-card-head">
        <h2 id={headingId}>{title}</h2>
        <div className="vg-toolbar">
          <label className="vg-inline-field">
            Colormap{' '}
            <select value={colormap} onChange={(e) => setColormap(e.target.value as ColormapName)}>
              <option value="rainbow256">rainbow256 (OpenFWI)</option>
              <option value="viridis">viridis (perceptual)</option>
            </select>
          </label>
          {datasetRange && (
            <label className="vg-check">
              <input type="checkbox" checked={fixedRange} onChange={(e) => setFixedRange(e.target.checked)} /> Dataset colour range ({Math.round(datasetRange[0])}–{Math.round(datasetRange[1])} m/s)
            </label>
          )}
          <label className="vg-check">
            <input type="checkbox" checked={profileOn} onChange={(e) => setProfileOn(e.target.checked)} /> Vertical profile
          </label>
        </div>
      </div>

      <div className="vg-maps-controls">
        {opened ? (
          <div className="vg-sample-browser" role="group" aria-label="Opened sample">
            <button type="button" className="vg-btn" onClick={opened.previous ?? undefined} disabled={!opened.previous}>
              ◀ Previous
            </button>
            <span className="vg-sample-label" aria-live="polite" data-testid="opened-sample">
              {opened.caption}
            </span>
            <button type="button" className="vg-btn" onClick={opened.next ?? undefined} disabled={!opened.next}>
              Next ▶
            </button>
            <button type="button" className="vg-btn" onClick={opened.close}>
              Back to training snapshots
            </button>
          </div>
        ) : (
          <>
            <div className="vg-sample-browser" role="group" aria-label="Validation sample">
              <button type="button" className="vg-btn" onClick={() => setSlot(slot - 1)} disabled={slot <= 0}>
                ◀ Previous
              </button>
              <span className="vg-sample-label" aria-live="polite">
                Validation sample {sampleNumber} <span className="vg-muted">({slot + 1} of {slotCount} followed during training)</span>
              </span>
              <button type="button" className="vg-btn" onClick={() => setSlot(slot + 1)} disabled={slot >= slotCount - 1}>
                Next ▶
              </button>
            </div>
            <div className="vg-scrubber">
              <label htmlFor={`${id}-scrub`}>Snapshot</label>
              <input
                id={`${id}-scrub`}
                type="range"
                min={0}
                max={Math.max(snapshots.length - 1, 0)}
                step={1}
                value={k}
                disabled={snapshots.length < 2}
                aria-valuetext={`Generator step ${snap.generatorStep}, epoch ${snap.epoch + 1}, snapshot ${k + 1} of ${snapshots.length}`}
                onChange={(e) => setCursor(Number(e.target.value))}
              />
              <span className="vg-num">
                step {snap.generatorStep} · {k + 1}/{snapshots.length}
              </span>
              <label className="vg-check">
                <input type="checkbox" checked={following} onChange={(e) => setCursor(e.target.checked ? null : k)} /> Follow latest
              </label>
            </div>
          </>
        )}
        {profileOn && (
          <label className="vg-inline-field vg-slider-field">
            Profile offset
            <input type="range" min={0} max={width - 1} step={1} value={col} onChange={(e) => setProfileCol(Number(e.target.value))} aria-valuetext={`${offset} m`} />
            <output className="vg-num">{offset} m</output>
          </label>
        )}
      </div>

      <div className="vg-maps-row">
        <RasterPanel
          {...axes}
          title="Predicted velocity"
          values={maps.predicted}
          lo={range[0]}
          hi={range[1]}
          colormap={colormap}
          markerFraction={marker}
          label={`Predicted velocity map, ${where}; colour from ${ms(range[0])} to ${ms(range[1])}.`}
        />
        {maps.truth ? (
          <RasterPanel
            {...axes}
            title="True velocity"
            values={maps.truth}
            lo={range[0]}
            hi={range[1]}
            colormap={colormap}
            markerFraction={marker}
            label={`True velocity map, sample ${sampleNumber}; colour from ${ms(range[0])} to ${ms(range[1])}.`}
          />
        ) : (
          <figure className="vg-raster vg-raster-missing">
            <h3 className="vg-raster-title">True velocity</h3>
            <p className="vg-empty">No true velocity for this sample (seismic-only data).</p>
          </figure>
        )}
        <ColorBar colormap={colormap} lo={range[0]} hi={range[1]} label="Velocity (m/s)" />
        {maps.difference && (
          <>
            <RasterPanel
              {...axes}
              title="Difference (predicted − true)"
              values={maps.difference}
              lo={maps.differenceRange[0]}
              hi={maps.differenceRange[1]}
              colormap="diverging"
              label={`Difference, predicted minus true velocity, ${where}; from ${ms(maps.differenceRange[0])} (blue) to ${ms(maps.differenceRange[1])} (red), white is zero.`}
            />
            <ColorBar colormap="diverging" lo={maps.differenceRange[0]} hi={maps.differenceRange[1]} label="Predicted − true (m/s)" />
          </>
        )}
        {profileOn && (
          <VelocityProfile
            predicted={mapColumn(maps.predicted, height, width, col)}
            truth={maps.truth ? mapColumn(maps.truth, height, width, col) : null}
            dx={dx}
            offset={offset}
            range={range}
          />
        )}
      </div>
    </section>
  );
}
