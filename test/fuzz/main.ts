/**
 * `npm run fuzz -- [--cases N] [--seed S] [--parser NAME]`: long fuzz runs of every parser (the
 * unit tests run 200 cases each). Prints cases, reads and refusals per parser, and the first
 * failure of each, with the seed that replays it; exits 1 if any parser failed.
 */
import { FUZZ_PARSERS } from './parsers.ts';
import { fuzzParser } from './runFuzz.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const cases = Number(option('cases') ?? 2000);
const seed = option('seed') === undefined ? Date.now() % 2 ** 31 : Number(option('seed'));
const only = option('parser');
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) {
  console.error('usage: npm run fuzz -- [--cases N] [--seed S] [--parser NAME]');
  process.exit(2);
}
const parsers = FUZZ_PARSERS.filter((p) => !only || p.name === only);
if (!parsers.length) {
  console.error(`no parser named "${only}" (known: ${FUZZ_PARSERS.map((p) => p.name).join(', ')})`);
  process.exit(2);
}

console.log(`fuzzing ${parsers.length} parser(s), ${cases} cases each, seed ${seed}`);
let failed = false;
for (const parser of parsers) {
  const s = await fuzzParser(parser, { cases, seed });
  const refusals = Object.entries(s.refusals).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`${s.parser.padEnd(18)} ${String(s.cases).padStart(7)} cases  ${String(s.reads).padStart(6)} read  refused: ${refusals || 'none'}  slowest ${s.slowestMs.toFixed(0)} ms`);
  if (s.failure) {
    failed = true;
    console.log(`  FAILURE (seed ${s.failure.seed}): ${s.failure.reason}\n  mutation: ${JSON.stringify(s.failure.mutation)}`);
  }
}
process.exit(failed ? 1 : 0);
