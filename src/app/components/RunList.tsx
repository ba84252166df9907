/**
 * The runs kept in browser storage, newest first: each with its name (edit it in place), state,
 * latest checkpoint, time and data; Open shows a run (its curves, and its checkpoint to evaluate
 * or export), Delete removes it after a confirmation. Runs whose record cannot be read are listed
 * with why, to discard.
 */
import { useState } from 'react';
import type { RunRecord } from '../../worker/protocol.ts';
import { deleteRun, openRun, renameRun } from '../store/commands.ts';
import { runActive, useStudio } from '../store/studioStore.ts';
import { runDataText, runStateText, runStepsText, runTimeText, STATE_TEXT } from '../runText.ts';

export function RunList() {
  const runs = useStudio((s) => s.runs);
  const unreadable = useStudio((s) => s.unreadableRuns);
  const shownRunId = useStudio((s) => s.shownRunId);
  const runState = useStudio((s) => s.runState);
  const active = runActive(runState);
  return (
    <section className="panel run-list" aria-labelledby="run-list-title">
      <h2 id="run-list-title">Runs</h2>
      {runs.length === 0 && unreadable.length === 0 ? <p className="muted">No runs kept yet: each run you train is kept here, with its checkpoints and curves.</p> : null}
      {runs.length ? (
        // A table (one row per run, a header per column), laid out as one card per run: six columns
        // fit neither the controls column nor a phone, and each cell names its column itself.
        <table className="run-table" data-testid="run-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">Latest checkpoint</th>
              <th scope="col">Changed</th>
              <th scope="col">Data</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <RunRow key={run.id} run={run} shown={run.id === shownRunId} liveState={active && run.id === shownRunId ? STATE_TEXT[runState] : null} engineBusy={active} />
            ))}
          </tbody>
        </table>
      ) : null}
      {unreadable.map((u) => (
        <p key={u.id} className="alert" role="alert" data-testid="unreadable-run">
          <span>
            A kept run ({u.id}) could not be read: {u.message}
          </span>
          <button type="button" onClick={() => confirm(`Discard the unreadable run ${u.id}?`) && void deleteRun(u.id)}>
            Discard
          </button>
        </p>
      ))}
    </section>
  );
}

/** One kept run; `liveState` is the session's state in words while this run holds the engine. */
function RunRow({ run, shown, liveState, engineBusy }: { run: RunRecord; shown: boolean; liveState: string | null; engineBusy: boolean }) {
  const training = liveState !== null;
  const [name, setName] = useState(run.name);
  const [editing, setEditing] = useState(false);
  const commit = () => {
    setEditing(false);
    if (name.trim() && name.trim() !== run.name) void renameRun(run.id, name);
    else setName(run.name);
  };
  return (
    <tr data-run-id={run.id} aria-current={shown ? 'true' : undefined} className={shown ? 'shown' : undefined}>
      <td>
        <input
          className="run-name-field"
          aria-label={`Name of run ${run.name}`}
          value={editing ? name : run.name}
          onFocus={() => {
            setName(run.name);
            setEditing(true);
          }}
          onChange={(e) => setName(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') {
              setName(run.name);
              setEditing(false);
              e.currentTarget.blur();
            }
          }}
        />
      </td>
      <td data-testid="run-state" data-label="State">{liveState ?? runStateText(run)}</td>
      <td data-label="Latest checkpoint">{runStepsText(run)}</td>
      <td data-label="Changed">{runTimeText(run)}</td>
      <td className="run-data" data-label="Data">{runDataText(run)}</td>
      <td>
        <div className="buttons">
          <button type="button" disabled={engineBusy || shown || !run.latest} onClick={() => void openRun(run.id)} title={!run.latest ? 'this run has no checkpoint yet' : undefined}>
            Open
          </button>
          <button type="button" disabled={training} onClick={() => confirm(`Delete run “${run.name}”? Its checkpoint and curves are removed from browser storage.`) && void deleteRun(run.id)}>
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}
