// Where a run writes: results to stdout, progress and errors to stderr, both given to it (the process's streams
// for the binary, buffers in-process). Spinners only on a real TTY (ora loops forever on a 0-column pty), never
// with CI, NO_COLOR or --quiet.
import { Chalk, type ChalkInstance } from 'chalk';
import type { GlobalOptions } from './globals.js';
import type { RunContext } from './run-context.js';

/** A stream a run writes text to. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** The injected output of a run: its two streams and the environment it reads (NO_COLOR, CI, KUBECONFIG, ...). */
export interface Io {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: NodeJS.ProcessEnv;
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };

export interface Phase {
  succeed(text?: string): void;
  fail(text?: string): void;
  warn(text?: string): void;
}

export interface Terminal {
  readonly color: ChalkInstance;
  /** A result line on stdout. */
  out(text: string): void;
  /** Text on stdout as is (a rendered document). */
  write(text: string): void;
  /** A diagnostic line on stderr (silenced by --quiet unless it is an error). */
  info(text: string): void;
  error(text: string): void;
  /** A phase of work: a spinner on a TTY, else one plain line at start and one at the end. */
  phase(text: string): Promise<Phase>;
}

export function spinnersAllowed(globals: Pick<GlobalOptions, 'quiet' | 'color'>, io: Io): boolean {
  const { stderr, env } = io;
  return (
    !globals.quiet &&
    globals.color &&
    stderr.isTTY === true &&
    (stderr.columns ?? 0) > 0 &&
    !env.CI &&
    !env.NO_COLOR &&
    env.TERM !== 'dumb'
  );
}

/** The terminal of one run; each phase it shows is also the run's current phase (named if --timeout ends it). */
export function createTerminal(
  globals: Pick<GlobalOptions, 'quiet' | 'color' | 'forceColor'>,
  io: Io,
  run?: Pick<RunContext, 'enterPhase'>,
): Terminal {
  const level = (tty: boolean | undefined) => (!globals.color ? 0 : (globals.forceColor ?? (tty ? 1 : 0)));
  const color = new Chalk({ level: level(io.stdout.isTTY) });
  const errColor = new Chalk({ level: level(io.stderr.isTTY) });
  const info = (text: string) => {
    if (!globals.quiet) io.stderr.write(`${text}\n`);
  };
  return {
    color,
    out: (text) => io.stdout.write(`${text}\n`),
    write: (text) => io.stdout.write(text),
    info,
    error: (text) => io.stderr.write(`${errColor.red(text)}\n`),
    async phase(text) {
      run?.enterPhase(text);
      if (spinnersAllowed(globals, io)) {
        const { default: ora } = await import('ora');
        // Only reached on a TTY, which is the process's own stderr.
        const spinner = ora({ text, stream: io.stderr as NodeJS.WritableStream }).start();
        return {
          succeed: (t) => spinner.succeed(t),
          fail: (t) => spinner.fail(t),
          warn: (t) => spinner.warn(t),
        };
      }
      info(`- ${text}`);
      return {
        succeed: (t) => info(`  done: ${t ?? text}`),
        fail: (t) => info(`  failed: ${t ?? text}`),
        warn: (t) => info(`  warning: ${t ?? text}`),
      };
    },
  };
}
