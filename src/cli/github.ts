// GitHub Actions: when the run is a workflow step (GITHUB_ACTIONS=true), the findings that fail or warn become
// annotations. Written to stderr, which the runner reads for workflow commands too, so stdout keeps only the
// document asked for (-o json).
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
