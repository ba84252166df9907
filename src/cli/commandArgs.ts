/**
 * The command line as every `fwi <command>` reads it: node:util parseArgs with `-h, --help`
 * added, and every mistake in it a FwiError('usage') followed by the command's help text, which
 * main.ts prints without a stack.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { errorMessage, FwiError } from '../engine/errors.ts';

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type CommandConfig<O extends ParseArgsOptionsConfig, P extends boolean> = {
  args: string[];
  options: O & typeof HELP_OPTION;
  allowPositionals: P;
};

/** What parseArgs gives for these options (and --help), positionals only where the command takes them. */
export type CommandArgs<O extends ParseArgsOptionsConfig, P extends boolean> = ReturnType<typeof parseArgs<CommandConfig<O, P>>>;

/** A usage error: the message, a blank line, then the command's help text. */
export function usageError(message: string, help: string): FwiError {
  return new FwiError('usage', `${message}\n\n${help}`);
}

/**
 * Parses `args` against `options` plus `-h, --help`; null once it has printed `help` because it
 * was asked for. Unknown options, missing values and (unless allowed) positionals throw usageError.
 */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig, const P extends boolean = false>(
  args: string[],
  help: string,
  options: O,
  allowPositionals?: P,
): CommandArgs<O, P> | null {
  let parsed: CommandArgs<O, P>;
  try {
    parsed = parseArgs({ args, options: { ...options, ...HELP_OPTION }, allowPositionals: allowPositionals ?? false }) as CommandArgs<O, P>;
  } catch (e) {
    throw usageError(errorMessage(e), help);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return null;
  }
  return parsed;
}

/** Parses a whole-number option ≥ min, `fallback` when absent; FwiError('usage') otherwise. */
export function wholeNumber(option: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new FwiError('usage', `--${option} must be a whole number ≥ ${min}, got "${text}"`);
  return n;
}
