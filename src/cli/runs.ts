/**
 * `fwi runs DIR`: the runs kept under DIR (each `fwi train --out DIR/<name>` is one), newest first:
 * name, state, where its latest checkpoint stands and its data; records that cannot be read are
 * listed with why. `--rename ID --name TEXT` renames one; `--delete ID --yes` deletes one (and
 * only that one).
 */
import { FwiError } from '../engine/errors.ts';
import { RunSession } from '../engine/session/runSession.ts';
import { describeCheckpoint, type RunRecord } from '../engine/session/runRecord.ts';
import { parseCommandArgs, usageError } from './commandArgs.ts';
import { runFolders } from './runFolders.ts';

const HELP = `usage: fwi runs DIR [--rename ID --name TEXT] [--delete ID --yes]

Lists the training runs kept under DIR (each fwi train --out DIR/<id> is one), newest first.

options:
  --rename ID     give run ID the name --name TEXT
  --name TEXT     the new name
  --delete ID     delete run ID's folder (needs --yes; no other run is touched)
  --yes           confirm --delete
  -h, --help      this text`;

function bytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}

/** One run as `fwi runs` prints it (two lines). */
export function describeRun(r: RunRecord): string {
  const c = r.config;
  const at = r.latest ? describeCheckpoint(r.latest) : 'no checkpoint yet';
  const files = [...r.data.train, ...r.data.val];
  const size = files.reduce((s, f) => s + f.size, 0);
  return (
    `${r.id}  “${r.name}”  ${r.state} (${c.epochs} epochs), latest checkpoint: ${at}  (updated ${r.updatedAt})\n` +
    `    ${c.preset}, widths [${c.generatorWidths.join(', ')}], batch ${c.batchSize}; data: ${r.data.train.length} training and ${r.data.val.length} validation files, ${bytes(size)}, headers ${r.data.headerHash.slice(0, 12)}` +
    (r.message ? `\n    ${r.message}` : '')
  );
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(args, HELP, { rename: { type: 'string' }, name: { type: 'string' }, delete: { type: 'string' }, yes: { type: 'boolean' } }, true);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw usageError('give one folder of runs', HELP);
  const session = new RunSession({ store: runFolders(positionals[0]) });
  if (values.rename !== undefined) {
    if (values.name === undefined) throw usageError('--rename needs --name', HELP);
    const r = await session.renameRun(values.rename, values.name);
    console.log(`renamed ${r.id} to “${r.name}”`);
    return 0;
  }
  if (values.delete !== undefined) {
    if (!values.yes) throw new FwiError('usage', `deleting run ${values.delete} removes its checkpoint and history for good: add --yes to confirm`);
    await session.deleteRun(values.delete);
    console.log(`deleted run ${values.delete}`);
    return 0;
  }
  const { runs, unreadable } = await session.listRuns();
  if (runs.length === 0 && unreadable.length === 0) console.log(`no runs in ${positionals[0]}`);
  for (const r of runs) console.log(describeRun(r));
  for (const u of unreadable) console.error(`${u.id}: ${u.message}`);
  return unreadable.length ? 1 : 0;
}
