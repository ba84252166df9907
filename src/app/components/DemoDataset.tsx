/**
 * "Use demo dataset": the worker models a small synthetic dataset (flat, curved or faulted
 * layers) with the acoustic forward model, then treats it like dropped files; it can also be
 * downloaded as a zip. `?demo=tiny` in the address picks the smallest size (a quick look).
 */
import { useState } from 'react';
import type { DemoOptions } from '../../worker/protocol.ts';
import { useFocusHandOff } from '../layout/useFocusHandOff.ts';
import { cancelTask, downloadDemoZip, makeDemoDataset } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';
import { TaskLine } from './RunPanel.tsx';

const SIZES: { value: DemoOptions['size']; label: string }[] = [
  { value: 'tiny', label: 'Tiny (quick look)' },
  { value: 'small', label: 'Small' },
  { value: 'standard', label: 'Standard' },
];

function initialSize(): DemoOptions['size'] {
  const q = new URLSearchParams(location.search).get('demo');
  return q === 'tiny' || q === 'small' || q === 'standard' ? q : 'small';
}

export function DemoDataset({ prominent }: { prominent: boolean }) {
  const task = useStudio((s) => s.tasks.demo);
  const backendReady = useStudio((s) => s.backend !== null);
  const [size, setSize] = useState<DemoOptions['size']>(initialSize);
  const [family, setFamily] = useState<DemoOptions['family']>('flat');
  const running = task?.state === 'running';
  const made = task?.state === 'done';
  // The pressed button disables itself while the worker models: focus goes to Cancel, and back when Cancel goes.
  const useButton = useFocusHandOff(() => [cancelButton]);
  const cancelButton = useFocusHandOff(() => [useButton]);

  return (
    <div className={`demo${prominent ? ' prominent' : ''}`}>
      {prominent ? <p>No data at hand? The studio can model a small synthetic dataset in the OpenFWI layout for you.</p> : null}
      <div className="buttons">
        <button ref={useButton.ref} type="button" className={prominent ? 'primary' : undefined} disabled={running || !backendReady} onClick={() => void makeDemoDataset({ size, family, seed: 1 })}>
          Use demo dataset
        </button>
        <label className="inline">
          Size{' '}
          <select value={size} onChange={(e) => setSize(e.target.value as DemoOptions['size'])} disabled={running}>
            {SIZES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Layers{' '}
          <select value={family} onChange={(e) => setFamily(e.target.value as DemoOptions['family'])} disabled={running}>
            <option value="flat">Flat</option>
            <option value="curve">Curved</option>
            <option value="fault">Faulted</option>
          </select>
        </label>
        {running ? (
          <button ref={cancelButton.ref} type="button" onClick={() => void cancelTask()}>
            Cancel
          </button>
        ) : null}
        {made ? (
          <button type="button" onClick={() => void downloadDemoZip()}>
            Download demo dataset (.zip)
          </button>
        ) : null}
      </div>
      {running && task ? <TaskLine label="Demo dataset" done={task.done} total={task.total} message={task.message} /> : null}
      {task && task.state !== 'running' ? <p role="status">{task.message}</p> : null}
    </div>
  );
}
