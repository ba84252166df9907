/**
 * Saving to the user's disk from the page: an object URL on a temporary link, revoked after the
 * click so repeated exports do not leak memory. Nothing leaves the machine.
 */

/** Starts a browser download of `blob` under `filename`. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the download starts asynchronously after click().
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Starts a browser download of text content. */
export function downloadText(text: string, filename: string, type: string): void {
  downloadBlob(new Blob([text], { type }), filename);
}
