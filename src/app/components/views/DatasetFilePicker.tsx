/**
 * A button opening the browser's file picker for dataset files: chosen .npy files and annotation
 * lists, or (`folder`) a chosen folder's .npy and .txt files, each with its folder-relative path.
 * The input is cleared after each choice, so choosing the same files again is a choice too.
 *
 * Props: label (the button's text); ariaLabel (the input's accessible name); folder?: boolean;
 * onFiles(files): called with the files chosen, never with none.
 */
import type { DroppedFile } from '../../../worker/protocol.ts';
import { filesFromInput } from '../../droppedFiles.ts';

export interface DatasetFilePickerProps {
  label: string;
  ariaLabel: string;
  folder?: boolean;
  onFiles: (files: DroppedFile[]) => void;
}

export function DatasetFilePicker({ label, ariaLabel, folder = false, onFiles }: DatasetFilePickerProps) {
  return (
    <label className="button">
      {label}
      <input
        className="visually-hidden"
        type="file"
        aria-label={ariaLabel}
        {...(folder ? { webkitdirectory: '', directory: '' } : { multiple: true, accept: '.npy,.txt' })}
        onChange={(e) => {
          const chosen = filesFromInput(e.target.files);
          const files = folder ? chosen.filter((f) => /\.(npy|txt)$/i.test(f.path)) : chosen;
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
    </label>
  );
}
