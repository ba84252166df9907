/** Wires the data report in the store to the DataFileList view: role switches and removal go to the worker. */
import { removeFile, setListRole } from '../store/commands.ts';
import { runActive, useStudioDeferred } from '../store/studioStore.ts';
import { DataFileList } from './views/DataFileList.tsx';

export function DataFiles() {
  const report = useStudioDeferred((s) => s.data);
  const runState = useStudioDeferred((s) => s.runState);
  if (!report || report.files.length === 0) return null;
  return (
    <DataFileList
      report={report}
      onRoleChange={(path, role) => void setListRole(path, role)}
      onRemove={(path) => void removeFile(path)}
      disabled={runActive(runState)}
    />
  );
}
