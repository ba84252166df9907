/** After a reload or a crashed tab: offers to resume the run the worker saved in browser storage. */
import { discardSavedRun, resumeSavedRun } from '../store/commands.ts';
import { dismissResumeOffer, useStudio } from '../store/studioStore.ts';

export function ResumeOffer() {
  const saved = useStudio((s) => s.savedRun);
  const error = useStudio((s) => s.savedRunError);
  const dismissed = useStudio((s) => s.resumeOfferDismissed);
  const runState = useStudio((s) => s.runState);
  if (dismissed || runState === 'running' || runState === 'paused') return null;
  if (error) return <UnreadableRun error={error} />;
  if (!saved) return null;
  const when = new Date(saved.savedAt).toLocaleString();
  return (
    <section className="resume-offer" aria-labelledby="resume-offer-title" data-testid="resume-offer">
      <h2 id="resume-offer-title">Resume previous run?</h2>
      <p>
        A run was saved {when}: epoch {saved.epoch + 1} of {saved.epochs}, critic step {saved.criticStep}, generator step{' '}
        {saved.generatorStep}.{' '}
        {saved.dataStored
          ? 'Its dataset was kept in browser storage, so it can continue right away.'
          : `It needs its dataset again: add ${saved.files.join(', ')} first.`}
      </p>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => void resumeSavedRun()}>
          Resume previous run
        </button>
        <button type="button" onClick={() => dismissResumeOffer()}>
          Not now
        </button>
        <button
          type="button"
          onClick={() => {
            if (confirm('Delete the saved run from browser storage?')) void discardSavedRun();
          }}
        >
          Discard saved run
        </button>
      </div>
    </section>
  );
}

/** A saved run that cannot be read: says why, and offers to discard it (or leave it for later). */
function UnreadableRun({ error }: { error: string }) {
  return (
    <section className="resume-offer" role="alert" aria-labelledby="resume-offer-title" data-testid="resume-offer-error">
      <h2 id="resume-offer-title">The saved run could not be read</h2>
      <p>{error.charAt(0).toUpperCase() + error.slice(1)}.</p>
      <div className="buttons">
        <button type="button" onClick={() => void discardSavedRun()}>
          Discard
        </button>
        <button type="button" onClick={() => dismissResumeOffer()}>
          Not now
        </button>
      </div>
    </section>
  );
}
