// Runs the CLI like test/support/cli.ts but with a safety net: a timer that reports a run that does not end as
// `hung` (and kills it, for the binary), so a test asserting `!hung` fails instead of the suite waiting forever.
// The timer is generous (it is a net, not a measurement): tests never assert wall times.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { CLI_BIN, type InProcessOptions, REPO_ROOT, runBinary, runCli } from '../support/cli.js';

export const fixture = (name: string) => join(REPO_ROOT, 'fixtures', name);

export interface GuardedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The kill-timer fired: the process did not end by itself. */
  hung: boolean;
}

export interface GuardedOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill-timer (default 60 s). */
  killAfterMs?: number;
  /** Called once the child is running (to send it a signal, for example). */
  onSpawn?: (child: ChildProcess, output: { stdout(): string; stderr(): string }) => void;
}

export async function runGuarded(args: string[], options: GuardedOptions = {}): Promise<GuardedResult> {
  // runBinary builds dist/ when it is missing; a --version call is the cheapest way to get that done first.
  await runBinary(['--version']);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    CI: '1',
    GITHUB_STEP_SUMMARY: undefined,
    ...options.env,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, options.killAfterMs ?? 60_000);
  options.onSpawn?.(child, { stdout: () => stdout, stderr: () => stderr });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
    child.on('close', (c, s) => done([c, s])),
  );
  clearTimeout(timer);
  return { code, signal, stdout, stderr, hung };
}

/** In this process (main() with its own output): the same result, `hung` when it has not ended after the timer. */
export async function runGuardedInProcess(
  args: string[],
  options: InProcessOptions & { hungAfterMs?: number } = {},
): Promise<GuardedResult> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), options.hungAfterMs ?? 60_000);
  });
  const result = await Promise.race([runCli(args, options), hung]);
  clearTimeout(timer);
  if (result === 'hung') return { code: null, signal: null, stdout: '', stderr: '', hung: true };
  return { ...result, signal: null, hung: false };
}

const folders: string[] = [];
// Registered once at the top level, so it runs when the test file ends (an `after` registered inside a
// `before` hook would run at once).
after(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A temporary folder removed when the test file ends. */
export async function tempFolder(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  folders.push(dir);
  return dir;
}

/** Polls until `ready` holds (at most ~10 s); false when it never did. */
export async function waitFor(ready: () => boolean | Promise<boolean>, tries = 200): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await ready()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Exit code and output in one line, for assertion messages. */
export function describeRun(result: GuardedResult): string {
  return `exit ${result.code}${result.signal ? ` (signal ${result.signal})` : ''}${result.hung ? ' HUNG' : ''}\nstdout: ${result.stdout.slice(0, 2000)}\nstderr: ${result.stderr.slice(0, 2000)}`;
}
