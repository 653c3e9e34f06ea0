// The shape of a command: typed options parsed once from commander's values, a context handed in by main()
// (the run, the output, the global options), and an exit code returned. A command never touches the
// process (its streams, env, signals or exit code) and never imports another command.
import type { z } from 'zod';
import type { RetryPolicy } from '../cluster/http.js';
import type { Printed, PrintedKind } from './formats.js';
import type { GlobalOptions } from './globals.js';
import type { RunContext } from './run-context.js';
import type { Io, Terminal } from './terminal.js';

/** How the live source reaches the API server beyond the flags: tests shorten the retry backoff. */
export interface LiveTuning {
  retry?: Partial<RetryPolicy>;
  /** The largest answer read (tests lower it instead of sending half a gigabyte). */
  maxAnswerBytes?: number;
}

export interface CommandContext<K extends PrintedKind = PrintedKind> {
  readonly globals: GlobalOptions;
  /** The abort signal, the --timeout deadline and the signal received: pass `run` to whatever reads. */
  readonly run: RunContext;
  /** stdout, stderr and the environment of this run. */
  readonly io: Io;
  /** Lines, progress phases and colour over `io`. */
  readonly terminal: Terminal;
  readonly live: LiveTuning;
  /** Prints the command's result on stdout in the -o format (already checked to be one it prints). */
  print(value: Printed[K]): void;
}

export interface CommandDefinition<S extends z.ZodType = z.ZodType, K extends PrintedKind = PrintedKind> {
  /** Commander's values (options by their camelCase names, arguments by their declared names) → typed options. */
  readonly options: S;
  /** The kind of result it prints; it accepts exactly the -o formats whose row renders that kind. */
  readonly prints: K;
  /** Added to the exit-2 message when -o asks for a format the command does not print. */
  readonly formatHint?: string;
  /**
   * True when `--timeout` bounds each of the command's inner runs (every assessment of `serve`, every cluster of a
   * fleet run) instead of the whole command: the command then starts them with `startInnerRun`.
   */
  readonly timeoutPerRun?: (options: z.output<S>, globals: GlobalOptions, env: NodeJS.ProcessEnv) => boolean;
  run(options: z.output<S>, context: CommandContext<K>): Promise<number>;
}

/** Declares a command module's default export; types its options and its context from the declaration. */
export function defineCommand<S extends z.ZodType, K extends PrintedKind>(
  definition: CommandDefinition<S, K>,
): CommandDefinition<S, K> {
  return definition;
}
