/**
 * Which tf.js backend trains, on which adapter; and when it is not WebGPU, a visible notice of
 * why each faster backend was passed over. Also says how the live curves are drawn (WebGL or SVG, and
 * why), and plainly what happens while the tab is hidden.
 */
import { curveRendering } from '../charts/webgl.ts';
import { useStudio } from '../store/studioStore.ts';

const LABEL = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU (plain JavaScript)' } as const;

export function BackendStatus() {
  const backend = useStudio((s) => s.backend);
  const error = useStudio((s) => s.backendError);
  if (error) {
    return (
      <div className="backend backend-failed" role="alert">
        The engine could not start: {error}
      </div>
    );
  }
  if (!backend) {
    return (
      <div className="backend" role="status" data-testid="backend">
        Starting the engine…
      </div>
    );
  }
  const failed = backend.fallbacks;
  return (
    <div className="backend">
      <p role="status" data-testid="backend" data-backend={backend.name}>
        Backend: <strong>{LABEL[backend.name]}</strong>
        {backend.adapter ? <> on <span data-testid="adapter">{backend.adapter}</span></> : null}
      </p>
      {backend.software ? (
        <p className="fallback-notice" data-testid="software-notice">
          This WebGPU adapter is a software renderer: the GPU is emulated on the CPU, so training is slow. The forward model
          runs on the CPU directly (WebAssembly), which is faster here.
        </p>
      ) : null}
      {failed.length > 0 ? (
        <div className="fallback-notice" data-testid="fallback-notice">
          <strong>Running on {LABEL[backend.name]}, not WebGPU: training will be slower.</strong>
          <ul>
            {failed.map((f) => (
              <li key={f.backend}>
                {LABEL[f.backend]}: {f.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p className="hidden-tab-note" data-testid="curve-renderer" data-type={curveRendering().type}>
        Live curves: {curveRendering().reason}.
      </p>
      <p className="hidden-tab-note">
        Training runs in a background worker and continues while this tab is hidden or minimised; the charts catch up when
        you return. Closing the tab stops it (the last checkpoint is kept).
      </p>
    </div>
  );
}
