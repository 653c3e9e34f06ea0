// Where output goes: results to stdout, progress and errors to stderr. Spinners only on a real TTY
// (ora loops forever on a 0-column pty, see node-stack.md), never with CI, NO_COLOR or --quiet.
import { Chalk, type ChalkInstance } from 'chalk';
import type { GlobalOptions } from './globals.js';

export interface Phase {
  succeed(text?: string): void;
  fail(text?: string): void;
  warn(text?: string): void;
}

export interface Terminal {
  readonly color: ChalkInstance;
  /** A result line on stdout. */
  out(text: string): void;
  /** A diagnostic line on stderr (silenced by --quiet unless it is an error). */
  info(text: string): void;
  error(text: string): void;
  /** A phase of work: a spinner on a TTY, else one plain line at start and one at the end. */
  phase(text: string): Promise<Phase>;
}

export function spinnersAllowed(globals: Pick<GlobalOptions, 'quiet' | 'color'>, env = process.env): boolean {
  const stderr = process.stderr;
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

export function createTerminal(globals: Pick<GlobalOptions, 'quiet' | 'color' | 'output'>): Terminal {
  const color = new Chalk({ level: globals.color && process.stdout.isTTY ? 1 : 0 });
  const errColor = new Chalk({ level: globals.color && process.stderr.isTTY ? 1 : 0 });
  const info = (text: string) => {
    if (!globals.quiet) process.stderr.write(`${text}\n`);
  };
  return {
    color,
    out: (text) => process.stdout.write(`${text}\n`),
    info,
    error: (text) => process.stderr.write(`${errColor.red(text)}\n`),
    async phase(text) {
      if (spinnersAllowed(globals)) {
        const { default: ora } = await import('ora');
        const spinner = ora({ text, stream: process.stderr }).start();
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
