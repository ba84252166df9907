/**
 * The data panel's body (App.tsx gives it its heading): a drop zone with button alternatives (files, a folder), the demo dataset,
 * and what the worker made of the files: each file with its shape and problems inline, lists
 * with their train/validation role, and the splits' totals.
 */
import { useState, type DragEvent } from 'react';
import { addFiles } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';
import { filesFromDrop } from '../droppedFiles.ts';
import { DemoDataset } from './DemoDataset.tsx';
import { DataFiles } from './DataFiles.tsx';
import { DatasetFilePicker } from './views/DatasetFilePicker.tsx';

export function DataPanel() {
  const hasFiles = useStudio((s) => (s.data?.files.length ?? 0) > 0);
  const [over, setOver] = useState(false);

  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const files = await filesFromDrop(e.dataTransfer);
    if (files.length) await addFiles(files);
  };

  return (
    <>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => void onDrop(e)}
        data-testid="drop-zone"
      >
        <p>
          Drop OpenFWI <code>.npy</code> files and annotation lists (<code>.txt</code>) here, or a whole folder.
          Files stay on this computer: the studio reads them in place.
        </p>
        <div className="buttons">
          <DatasetFilePicker label="Choose files…" ariaLabel="Dataset files" onFiles={(files) => void addFiles(files)} />
          <DatasetFilePicker label="Choose a folder…" ariaLabel="Dataset folder" folder onFiles={(files) => void addFiles(files)} />
        </div>
      </div>
      <DemoDataset prominent={!hasFiles} />
      <DataFiles />
    </>
  );
}
