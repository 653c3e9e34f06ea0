// Runs the CLI the way a user or CI would and captures what it printed. `runCli` runs main() in this process
// with its own output, environment and working folder (fast: most tests); `runBinary` runs the built binary
// (`node dist/cli/bin.js`, for the end-to-end runs, Node flags and signals). `npm test` builds first; when dist/
// is missing (a test run on its own from a fresh clone), it is built once per test process. A stale dist/ is
// NOT rebuilt: run `npm run build`.
// No TTY, no colour (NO_COLOR, CI) unless the test's env says otherwise. GITHUB_STEP_SUMMARY is removed unless
// the test sets it: in GitHub Actions the test process has it, and `assess` would append to the real job summary.
// GITHUB_ACTIONS likewise (it turns findings into annotations on stderr).
import { type ChildProcess, execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveTuning } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import type { RetryPolicy } from '../../src/cluster/http.js';
import type { SignalSource, StopSignal } from '../../src/cli/run-context.js';
import { noSignals } from './command-context.js';
import { REPO_ROOT } from './repo.js';

export { REPO_ROOT };

export const CLI_BIN = join(REPO_ROOT, 'dist', 'cli', 'bin.js');

/** A committed fixture folder (`fixtures/<name>`) by absolute path. */
export const fixture = (name: string) => join(REPO_ROOT, 'fixtures', name);

/** Retries at once (1-4 ms, no jitter): fault tests prove what is retried, not how long the backoff waits. */
export const FAST_RETRY: Partial<RetryPolicy> = { baseDelayMs: 1, maxDelayMs: 4, jitter: false };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to (and overriding) the test process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** The working folder relative paths resolve against (default: the repository root). */
  cwd?: string;
}

export interface InProcessOptions extends CliOptions {
  /** How the live source retries (default: the real backoff). */
  live?: LiveTuning;
}

export interface BinaryOptions extends CliOptions {
  /** Written to the CLI's stdin, which is then closed. */
  input?: string;
  /** Node's own flags, before the script (`--import hooks.mjs`). */
  nodeArgs?: string[];
  /** Called once the child is running (to send it a signal, or watch its output as it comes). */
  onSpawn?: (child: ChildProcess) => void;
}

/** The environment the CLI runs in: the test process's, no colour, CI, no job summary, then `overrides`. */
export function cliEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    CI: '1',
    GITHUB_STEP_SUMMARY: undefined,
    GITHUB_ACTIONS: undefined,
    ...overrides,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

/**
 * The CLI resolves relative paths against the process's working folder, as from a shell; runs with different
 * folders therefore take turns (runs with the same folder may overlap), and the test's own folder is back once
 * none is running.
 */
const cwdGate = {
  active: 0,
  home: process.cwd(),
  folder: process.cwd(),
  waiting: [] as Array<() => void>,
};

async function inFolder<T>(folder: string, work: () => Promise<T>): Promise<T> {
  while (cwdGate.active > 0 && cwdGate.folder !== folder) {
    await new Promise<void>((resume) => cwdGate.waiting.push(resume));
  }
  if (cwdGate.folder !== folder) {
    process.chdir(folder);
    cwdGate.folder = folder;
  }
  cwdGate.active++;
  try {
    return await work();
  } finally {
    cwdGate.active--;
    if (cwdGate.active === 0) {
      if (cwdGate.folder !== cwdGate.home) {
        process.chdir(cwdGate.home);
        cwdGate.folder = cwdGate.home;
      }
      for (const resume of cwdGate.waiting.splice(0)) resume();
    }
  }
}

/** `cozy-assess ARGS` in this process: main() with captured output, the test's env and folder, no signals. */
export async function runCli(args: string[], options: InProcessOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  return inFolder(options.cwd ?? REPO_ROOT, async () => {
    // What would end the process (a stopped run that ignores the abort) ends the run here, with its code.
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolveExit) => {
      exit = resolveExit;
    });
    const code = await Promise.race([
      main(['node', 'cozy-assess', ...args], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: cliEnv(options.env),
        signals: noSignals,
        exit,
        live: options.live,
      }),
      exited,
    ]);
    return { code, stdout, stderr };
  });
}

/** A command still running in this process (`serve`): its output as it comes, and the signals it is sent. */
export interface RunningCli {
  /** The first stderr line matching `pattern` (waiting for it); rejects if the run ends first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Delivers SIGINT or SIGTERM to the run, as the process would. */
  signal(signal: StopSignal): void;
  /** Resolves when the run has ended. */
  readonly done: Promise<CliResult>;
  stderr(): string;
}

/** `cozy-assess ARGS` in this process, left running: for long-running commands and signals mid-run. */
export function startCli(args: string[], options: InProcessOptions = {}): RunningCli {
  let stdout = '';
  let stderr = '';
  let ended = false;
  const listeners = new Set<(signal: StopSignal) => void>();
  const signals: SignalSource = {
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const watchers = new Set<() => void>();
  const notify = () => {
    for (const watcher of [...watchers]) watcher();
  };
  const done = inFolder(options.cwd ?? REPO_ROOT, async () => {
    let exit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolveExit) => {
      exit = resolveExit;
    });
    const code = await Promise.race([
      main(['node', 'cozy-assess', ...args], {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: {
          write: (text: string) => {
            stderr += text;
            notify();
          },
        },
        env: cliEnv(options.env),
        signals,
        exit,
        live: options.live,
      }),
      exited,
    ]);
    return { code, stdout, stderr };
  }).finally(() => {
    ended = true;
    notify();
  });
  return {
    done,
    stderr: () => stderr,
    signal: (signal) => {
      for (const listener of [...listeners]) listener(signal);
    },
    waitFor: (pattern) =>
      new Promise((resolveMatch, reject) => {
        const look = () => {
          const match = stderr
            .split('\n')
            .map((line) => pattern.exec(line))
            .find(Boolean);
          if (match) {
            watchers.delete(look);
            resolveMatch(match);
          } else if (ended) {
            watchers.delete(look);
            reject(new Error(`the run ended before a line matched ${pattern}; stderr:\n${stderr}`));
          }
        };
        watchers.add(look);
        look();
      }),
  };
}

function ensureBuilt(): void {
  if (existsSync(CLI_BIN)) return;
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.json')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}

/** `node dist/cli/bin.js ARGS` as a separate process. */
export function runBinary(args: string[], options: BinaryOptions = {}): Promise<CliResult> {
  ensureBuilt();
  const env = cliEnv(options.env);
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), CLI_BIN, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
    options.onSpawn?.(child);
  });
}
