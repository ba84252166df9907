/**
 * The physics check in context: the prediction's mean seismic misfit beside the same misfit of
 * the true model, a smoothed true model and a constant model on the same samples (numbers
 * computed on the user's data by the evaluation), one sentence placing the prediction among
 * them, and a short guide with its sources.
 *
 * Props: physics: the engine's PhysicsCheck; synthetic: whether the data is the studio's demo
 * (made by the same forward model, so the true model scores 0).
 */
import type { PhysicsCheck } from '../../../engine/eval/physicsCheck.ts';
import { physicsMeans } from '../../../engine/eval/physicsCheck.ts';
import { misfitVerdict } from '../../charts/misfitScale.ts';

export interface PhysicsGuideProps {
  physics: PhysicsCheck;
  synthetic: boolean;
}

const f4 = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : '—');

export function PhysicsGuide({ physics, synthetic }: PhysicsGuideProps) {
  const m = physicsMeans(physics);
  const n = physics.indices.length;
  const rows: [string, number, string][] = [
    ['Prediction', m.predicted, 'the generator’s velocity map'],
    ['True model', m.truth, synthetic ? 'the demo was made by this same forward model, so 0' : 'the gap between this forward model and the one that made the data'],
    [`Smoothed true model (σ ${physics.smoothingSigmaM} m)`, m.smoothed, 'the background right, the interfaces blurred'],
    ['Constant model', m.constant, 'each sample’s mean velocity: no structure'],
  ];
  return (
    <div className="vg-physics" data-testid="physics-guide">
      <div className="vg-table-wrap vg-table-plain">
        <table className="vg-table">
          <caption>
            Physics check on {n} sample{n === 1 ? '' : 's'} ({physics.indices.map((i) => i + 1).join(', ')}): mean relative misfit ‖F(v) − d‖ / ‖d‖
          </caption>
          <thead>
            <tr>
              <th scope="col">Velocity model v</th>
              <th scope="col">Misfit</th>
              <th scope="col" className="vg-what">What it is</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([name, value, what], k) => (
              <tr key={name} className={k === 0 ? 'vg-ours' : undefined}>
                <th scope="row">{name}</th>
                <td>{f4(value)}</td>
                <td className="vg-what">{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="vg-verdict">{misfitVerdict(m)}</p>
      <details className="vg-guide">
        <summary>Reading the physics misfit</summary>
        <p>
          Each velocity map v is forward-modelled with the studio’s acoustic finite-difference scheme (OpenFWI’s geometry: five
          shots, 70 receivers, 15 Hz Ricker wavelet, 1 s at 1 ms; <a href="https://github.com/lanl/OpenFWI">OpenFWI</a>, Deng et
          al., NeurIPS 2022) and its seismic F(v) is compared with the input seismic d. This is the least-squares data misfit that
          full-waveform inversion minimises (Tarantola, <i>Geophysics</i> 49(8), 1984; Virieux &amp; Operto, <i>Geophysics</i> 74(6),
          2009). 0 is a perfect fit; 1 is what predicting no waves at all would score (F(v) = 0); above 1 the modelled arrivals are
          out of phase with the recorded ones.
        </p>
        <p>
          The three references are scored on the same samples, so they set the scale on your data: the true model is the best
          this forward model can do; a smoothed true model, the usual starting model of FWI (Virieux &amp; Operto 2009), keeps the
          travel times of the background but loses the reflections of sharp interfaces; a constant model has neither. MAE and
          SSIM say how close the map is; this says whether waves through it explain the data.
        </p>
      </details>
    </div>
  );
}
