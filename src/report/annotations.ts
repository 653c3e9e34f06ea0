// GitHub Actions workflow commands for the findings that matter to a CI gate: `::error` for each finding that
// fails the run (a blocking one; with --fail-on warn, warnings too), `::warning` for each warning that does not,
// and for a blocking check that could not tell (the run is INCOMPLETE). Tenant findings warn at most, as the
// policy says. Each line names the check and the finding; GitHub shows them on the run's summary page. Pure.
import type { Finding } from '../model/finding.js';
import {
  blockingFindings,
  type FailOn,
  tenantFailures,
  unknownBlockingFindings,
  warningFindings,
} from '../model/policy.js';

/** Escapes a workflow command's message (GitHub's rules: `%`, CR and LF are encoded). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value (also `:` and `,`). */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function line(level: 'error' | 'warning', title: string, finding: Finding, text: string): string {
  return `::${level} title=${escapeProperty(`cozy-assess ${title}: ${finding.id}`)}::${escapeData(text)}`;
}

/** One workflow command per finding that fails the run, warns, or left a blocking check unknown. */
export function renderGithubAnnotations(findings: readonly Finding[], failOn: FailOn): string[] {
  const blocking = blockingFindings(findings);
  const warnings = [...warningFindings(findings), ...tenantFailures(findings)];
  const unknown = unknownBlockingFindings(findings);
  const remedy = (f: Finding) => (f.remediation ? ` (${f.remediation})` : '');
  return [
    ...blocking.map((f) => line('error', 'blocking', f, `${f.summary}${remedy(f)}`)),
    ...warnings.map((f) =>
      failOn === 'warn' && f.scope !== 'tenant'
        ? line('error', 'warning (--fail-on warn)', f, `${f.summary}${remedy(f)}`)
        : line('warning', f.scope === 'tenant' ? 'tenant warning' : 'warning', f, `${f.summary}${remedy(f)}`),
    ),
    ...unknown.map((f) =>
      line(
        'error',
        'unknown (INCOMPLETE)',
        f,
        `${f.summary}: ${f.unknownReason ?? 'could not be evaluated'}`,
      ),
    ),
  ];
}
