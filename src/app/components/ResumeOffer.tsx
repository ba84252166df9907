/**
 * After a reload or a crashed tab: offers to resume exactly the run that was training, named with
 * its step, time and data (its configuration is already in the form). It sits at the top of the
 * page, above the panels, so it is seen without scrolling.
 */
import { continueRun, deleteRun } from '../store/commands.ts';
import { dismissResumeOffer, runActive, useStudio } from '../store/studioStore.ts';
import { runDataText, runStepsText, runTimeText } from '../runText.ts';

export function ResumeOffer() {
  const offer = useStudio((s) => s.resumeOffer);
  const dismissed = useStudio((s) => s.resumeOfferDismissed);
  const active = useStudio((s) => runActive(s.runState));
  const continuing = useStudio((s) => s.tasks.resume?.state === 'running');
  if (!offer || dismissed || active) return null;
  const { run } = offer;
  return (
    <section className="resume-offer" aria-labelledby="resume-offer-title" data-testid="resume-offer" data-run-id={run.id}>
      <h2 id="resume-offer-title">Resume run “{run.name}”?</h2>
      <p>
        It was interrupted at {runStepsText(run)} ({runTimeText(run)}), training on {runDataText(run)}; its configuration is in the form.{' '}
        {offer.dataStored
          ? 'Its dataset was kept in browser storage, so it can continue right away.'
          : `It needs its dataset again: add ${offer.files.join(', ')} first.`}
      </p>
      <div className="buttons">
        <button type="button" className="primary" disabled={continuing} onClick={() => void continueRun(run.id)}>
          Resume run
        </button>
        <button type="button" onClick={() => dismissResumeOffer()}>
          Not now
        </button>
        <button
          type="button"
          onClick={() => {
            if (confirm(`Delete run “${run.name}” from browser storage? Its checkpoint and curves are lost.`)) void deleteRun(run.id);
          }}
        >
          Delete this run
        </button>
      </div>
    </section>
  );
}
