// Runs the built CLI (`node dist/cli/bin.js …`) the way a user or CI would, and captures what it printed.
// `npm test` builds first (`npx tsc -p tsconfig.json`); when dist/ is missing (a test run on its own from a
// fresh clone), it is built once per test process. A stale dist/ is NOT rebuilt: run `npm run build`.
// No TTY, no colour (NO_COLOR, CI) unless the test's env says otherwise. GITHUB_STEP_SUMMARY is removed unless
// the test sets it: in GitHub Actions the test process has it, and `assess` would append to the real job summary.
import { type ChildProcess, execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLI_BIN = join(REPO_ROOT, 'dist', 'cli', 'bin.js');

/** A committed fixture folder (`fixtures/<name>`) by absolute path. */
export const fixture = (name: string) => join(REPO_ROOT, 'fixtures', name);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to (and overriding) the test process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to the CLI's stdin, which is then closed. */
  input?: string;
  /** Node's own flags, before the script (`--import hooks.mjs`). */
  nodeArgs?: string[];
  /** Called once the child is running (to send it a signal, or watch its output as it comes). */
  onSpawn?: (child: ChildProcess) => void;
}

function ensureBuilt(): void {
  if (existsSync(CLI_BIN)) return;
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'tsconfig.json')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}

/** The environment the CLI runs in: the test process's, no colour, CI, no job summary, then `overrides`. */
export function cliEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    CI: '1',
    GITHUB_STEP_SUMMARY: undefined,
    ...overrides,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
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
