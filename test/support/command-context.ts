// A command's context for calling the pipeline, the probes or a command's steps directly: defaults for the
// global options (quiet, no colour, `-o json`), a run with no signals, and every line captured in `lines`.
import { Chalk } from 'chalk';
import type { CommandContext } from '../../src/cli/command.js';
import type { GlobalOptions } from '../../src/cli/globals.js';
import { type RunContext, type RunControl, type SignalSource, startRun } from '../../src/cli/run-context.js';
import type { Terminal } from '../../src/cli/terminal.js';

/** No signal ever arrives. */
export const noSignals: SignalSource = { listen: () => () => undefined };

/** A run as main() makes it, without the process's signals; `limit(ms)` starts a --timeout deadline. */
export function testRun(): RunControl {
  return startRun({
    signals: noSignals,
    graceMs: 60_000,
    forceExit: (line) => {
      throw new Error(`the run would have ended the process: ${line}`);
    },
  });
}

export function testGlobals(over: Partial<GlobalOptions> = {}): GlobalOptions {
  return {
    requestTimeoutMs: 30_000,
    concurrency: 2,
    chunkSize: 500,
    output: 'json',
    color: false,
    quiet: true,
    verbose: false,
    ...over,
  };
}

/** Lines prefixed by where they went: `out:`, `info:`, `error:`, `phase:`, `ok:`, `fail:`, `warn:`. */
export function recordingTerminal(
  lines: string[] = [],
  run?: Pick<RunContext, 'enterPhase'>,
): Terminal & { lines: string[] } {
  return {
    lines,
    color: new Chalk({ level: 0 }),
    out: (t) => lines.push(`out:${t}`),
    write: (t) => lines.push(`out:${t}`),
    info: (t) => lines.push(`info:${t}`),
    error: (t) => lines.push(`error:${t}`),
    async phase(text) {
      run?.enterPhase(text);
      lines.push(`phase:${text}`);
      return {
        succeed: (t) => lines.push(`ok:${t ?? text}`),
        fail: (t) => lines.push(`fail:${t ?? text}`),
        warn: (t) => lines.push(`warn:${t ?? text}`),
      };
    },
  };
}

export function testContext(
  globals: Partial<GlobalOptions> = {},
  run: RunControl = testRun(),
): CommandContext & { lines: string[] } {
  const terminal = recordingTerminal([], run.context);
  return {
    globals: testGlobals(globals),
    run: run.context,
    io: {
      stdout: { write: (t: string) => terminal.lines.push(`stdout:${t}`) },
      stderr: { write: (t: string) => terminal.lines.push(`stderr:${t}`) },
      env: {},
    },
    terminal,
    live: {},
    print: (value) => terminal.lines.push(`print:${JSON.stringify(value)}`),
    lines: terminal.lines,
  };
}
