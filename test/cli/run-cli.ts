// The shared runCli (test/support/cli.ts), with GITHUB_STEP_SUMMARY removed unless a test sets it: in GitHub
// Actions the test process has it, and `assess` would append to the real job summary.
import { join } from 'node:path';
import { type CliOptions, type CliResult, REPO_ROOT, runCli as run } from '../support/cli.js';

export const fixture = (name: string) => join(REPO_ROOT, 'fixtures', name);

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return run(args, { ...options, env: { GITHUB_STEP_SUMMARY: undefined, ...options.env } });
}
