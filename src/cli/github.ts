// GitHub Actions: when the run is a workflow step (GITHUB_ACTIONS=true), the findings that fail or warn become
// annotations, written to stderr (the runner reads workflow commands there too, so stdout keeps only the
// document asked for, -o json); and when GITHUB_STEP_SUMMARY names a file, the run's summary is appended to it.
import { appendFile } from 'node:fs/promises';
import type { Finding } from '../model/finding.js';
import type { FailOn } from '../model/policy.js';
import { renderGithubAnnotations } from '../report/annotations.js';
import type { Io } from './terminal.js';

export function writeGithubAnnotations(
  findings: readonly Finding[],
  failOn: FailOn,
  io: Pick<Io, 'env' | 'stderr'>,
): void {
  if (io.env.GITHUB_ACTIONS !== 'true') return;
  for (const line of renderGithubAnnotations(findings, failOn)) io.stderr.write(`${line}\n`);
}

/**
 * Appends to the job summary. The run's results are written already, so a failure here only warns; the
 * warning shows even with --quiet (which hides progress, not problems): a CI job must not lose its summary silently.
 */
export async function appendStepSummary(markdown: string, io: Pick<Io, 'env' | 'stderr'>): Promise<void> {
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    await appendFile(file, markdown);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    io.stderr.write(`warning: could not append the job summary to GITHUB_STEP_SUMMARY (${file}): ${code}\n`);
  }
}
