/**
 * Runs mutation cases against one parser and classifies each outcome. Acceptable: a read that
 * passes the parser's check, or a FwiError naming the file. A failure: any other exception, a
 * FwiError without the file's name, a read that fails the check, a case slower than the time
 * bound, or an allocation above the bound for the file's size (a size taken from a header before
 * it was checked against the file).
 */
import fc from 'fast-check';
import { isFwiError } from '../../src/engine/errors.ts';
import { withAllocationLimit } from './allocationGuard.ts';
import { mutate, mutation, type Mutation } from './mutations.ts';
import type { FuzzParser } from './parsers.ts';

export interface FuzzOptions {
  cases: number;
  seed?: number;
  /** Wall-clock bound per case for a small file; it grows by 50 µs per byte (linear work on a 100 KB list is not a hang). */
  timeLimitMs?: number;
}

export interface FuzzSummary {
  parser: string;
  cases: number;
  /** Cases the parser read and the check accepted. */
  reads: number;
  /** Cases refused with a FwiError, by error code. */
  refusals: Record<string, number>;
  slowestMs: number;
  /** The first failure, or null. */
  failure: { mutation: Mutation; reason: string; seed: number } | null;
}

/** Largest single allocation allowed while reading a file of `size` bytes (decoding u1 to float32 is 4×). */
export const allocationLimit = (size: number) => 16 * size + (1 << 20);

/** Classifies one case: null if acceptable, else why not. */
export async function runCase(parser: FuzzParser, file: { name: string; bytes: Uint8Array }, timeLimitMs: number): Promise<{ problem: string | null; code: string | null; ms: number }> {
  const t0 = performance.now();
  const outcome = await withAllocationLimit(allocationLimit(file.bytes.length), () => parser.parse(file.bytes, file.name));
  const ms = performance.now() - t0;
  const bound = timeLimitMs + 0.05 * file.bytes.length;
  let problem: string | null = null;
  let code: string | null = null;
  if (outcome.refused.length) problem = outcome.refused[0].message;
  else if (ms > bound) problem = `took ${ms.toFixed(0)} ms (bound ${bound.toFixed(0)} ms for ${file.bytes.length} bytes)`;
  else if ('error' in outcome && outcome.error !== undefined) {
    const e = outcome.error;
    if (!isFwiError(e)) problem = `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    else if (!e.file || !e.file.includes(file.name)) problem = `FwiError does not name ${file.name}: ${e.message}`;
    else code = e.code;
  } else problem = parser.check(outcome.value, file.bytes);
  return { problem, code, ms };
}

/** Runs `cases` mutations of the parser's seeds (fast-check; stops at the first failure). */
export async function fuzzParser(parser: FuzzParser, options: FuzzOptions): Promise<FuzzSummary> {
  const seeds = parser.seeds();
  const timeLimitMs = options.timeLimitMs ?? 2000;
  const summary: FuzzSummary = { parser: parser.name, cases: 0, reads: 0, refusals: {}, slowestMs: 0, failure: null };
  // The seeds themselves must read.
  for (const s of seeds) {
    const { problem } = await runCase(parser, s, timeLimitMs);
    if (problem) throw new Error(`fuzz seed ${s.name} of ${parser.name} does not read: ${problem}`);
  }
  const result = await fc.check(
    fc.asyncProperty(mutation, async (m) => {
      const { problem, code, ms } = await runCase(parser, mutate(seeds, m), timeLimitMs);
      summary.cases++;
      summary.slowestMs = Math.max(summary.slowestMs, ms);
      if (code) summary.refusals[code] = (summary.refusals[code] ?? 0) + 1;
      else if (!problem) summary.reads++;
      if (problem) throw new Error(problem);
    }),
    // No shrinking: a mutation is a few integers already, and shrinking around a 100,000-deep header is slow.
    { numRuns: options.cases, seed: options.seed, endOnFailure: true },
  );
  if (result.failed && result.counterexample) {
    const reason = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
    summary.failure = { mutation: result.counterexample[0], reason, seed: result.seed };
  }
  return summary;
}
