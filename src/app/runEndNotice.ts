/**
 * What to tell a user whose tab is hidden when a run ends: a tab title and a notification, for a
 * run that finished or failed (a stop is the user's own doing and needs no notice).
 */

export interface RunEndNotice {
  /** Put before the page's title while the tab stays hidden. */
  title: string;
  /** The notification's text. */
  body: string;
}

/** The notice for a change of run state (the session's or the trainer's words), or null when the change needs none. */
export function runEndNotice(previous: string, next: string, message: string | null): RunEndNotice | null {
  if (previous === next) return null;
  if (next === 'finished') return { title: '✓ Run finished', body: message ?? 'Training finished: the curves, maps and weights are ready.' };
  if (next === 'failed') return { title: '⚠ Run failed', body: message ?? 'Training failed.' };
  return null;
}

/** "✓ Run finished · VelocityGAN Studio". */
export function noticeTitle(notice: RunEndNotice, pageTitle: string): string {
  return `${notice.title} · ${pageTitle}`;
}
