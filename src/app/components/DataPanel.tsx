/**
 * The data panel's body (App.tsx gives it its heading): a drop zone with button alternatives (files, a folder), the demo dataset,
 * and what the worker made of the files: each file with its shape and problems inline, lists
 * with their train/validation role, and the splits' totals.
 */
import { useRef, useState, type DragEvent } from 'react';
import { addFiles } from '../store/commands.ts';
import { useStudio } from '../store/studioStore.ts';
import { filesFromDrop, filesFromInput } from '../droppedFiles.ts';
import { DemoDataset } from './DemoDataset.tsx';
import { DataFiles } from './DataFiles.tsx';

export function DataPanel() {
  const hasFiles = useStudio((s) => (s.data?.files.length ?? 0) > 0);
  const [over, setOver] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

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
          <label className="button">
            Choose files…
            <input
              ref={filesInput}
              className="visually-hidden"
              type="file"
              multiple
              accept=".npy,.txt"
              aria-label="Dataset files"
              onChange={(e) => {
                const files = filesFromInput(e.target.files);
                e.target.value = '';
                if (files.length) void addFiles(files);
              }}
            />
          </label>
          <label className="button">
            Choose a folder…
            <input
              ref={folderInput}
              className="visually-hidden"
              type="file"
              aria-label="Dataset folder"
              {...{ webkitdirectory: '', directory: '' }}
              onChange={(e) => {
                const files = filesFromInput(e.target.files).filter((f) => /\.(npy|txt)$/i.test(f.path));
                e.target.value = '';
                if (files.length) void addFiles(files);
              }}
            />
          </label>
        </div>
      </div>
      <DemoDataset prominent={!hasFiles} />
      <DataFiles />
    </>
  );
}
