/**
 * One error type for everything that comes from outside (files, configs, weights) or fails at run
 * time in a way the user must hear about. `file` names the file at fault when there is one; the
 * CLI prints `message` without a stack trace, the app shows it next to the file.
 */
export type FwiErrorCode =
  | 'npy-magic'
  | 'npy-version'
  | 'npy-header'
  | 'npy-dtype'
  | 'npy-size'
  | 'npy-shape'
  | 'annotation-empty'
  | 'annotation-missing'
  | 'annotation-ambiguous'
  | 'annotation-syntax'
  | 'dataset-mismatch'
  | 'safetensors'
  | 'weights'
  | 'config'
  | 'cancelled'
  | 'velocity'
  | 'usage'
  | 'io'
  | 'memory'
  | 'checkpoint-damaged'
  /** A data file given earlier cannot be read any more (moved, deleted or changed on disk). */
  | 'file-unreadable'
  /** The disk or the browser's storage quota is full: nothing was replaced, the previous files are whole. */
  | 'storage-full';

export class FwiError extends Error {
  readonly code: FwiErrorCode;
  readonly file?: string;
  constructor(code: FwiErrorCode, message: string, file?: string) {
    super(file ? `${file}: ${message}` : message);
    this.name = 'FwiError';
    this.code = code;
    this.file = file;
  }
}

export function isFwiError(e: unknown): e is FwiError {
  return e instanceof FwiError || (typeof e === 'object' && e !== null && (e as { name?: string }).name === 'FwiError');
}

/** A short description of a value read from a file, for an error message: never deep, never long, never throws. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (v === undefined) return 'nothing';
  return Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v;
}

/** The message of anything thrown, as a sentence for the user (a `String()` of non-errors, no "Error: " prefix). */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message.replace(/^Error: /, '') : String(e);
}
