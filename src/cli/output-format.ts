// The -o/--output formats a command can print: one check, one message, run before any work is done.
import { BadInputError } from '../errors.js';
import type { GlobalOptions, OutputFormat } from './globals.js';

/** "a", "a or b", "a, b or c". */
function either(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Exit 2 (bad input) when `command` cannot print the chosen -o format; returns the format otherwise. */
export function requireOutputFormat<F extends OutputFormat>(
  globals: GlobalOptions,
  command: string,
  allowed: readonly F[],
  hint?: string,
): F {
  const format = globals.output as F;
  if (allowed.includes(format)) return format;
  throw new BadInputError(
    `-o/--output: '${command}' prints ${either(allowed)}, not ${globals.output}`,
    undefined,
    'output',
    hint,
  );
}
