/**
 * A run held because dropped files can no longer be read (moved, deleted or changed on disk after
 * they were added): names each file and why, and lets the user pick the same files again; the
 * worker checks they are the same (size, shape) and the run continues from the batch it stopped at.
 */
import { reattachFiles } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';
import { formatBytes } from './views/byteSize.ts';
import { DatasetFilePicker } from './views/DatasetFilePicker.tsx';

export function ReattachFiles() {
  const files = useStudio((s) => s.unreadableFiles);
  if (files.length === 0) return null;
  const names = files.map((f) => `${f.path} (${formatBytes(f.size)})`).join(', ');
  const reasons = [...new Set(files.map((f) => f.reason))].join('; ');
  return (
    <div className="alerts">
      <div className="alert" role="alert" data-testid="reattach-files">
        <span>
          Training is paused: {names} can no longer be read ({reasons}). {files.length > 1 ? 'They were' : 'It was'} moved, deleted or changed on disk after
          {files.length > 1 ? ' they were' : ' it was'} added. Pick the same {files.length > 1 ? 'files' : 'file'} again to continue the run where it stopped.
        </span>
        <DatasetFilePicker label="Re-attach files" ariaLabel="Re-attach files" onFiles={(picked) => void reattachFiles(picked)} />
      </div>
    </div>
  );
}
