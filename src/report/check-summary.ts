// The GitHub job summary of `cozy-assess check` (GITHUB_STEP_SUMMARY), as `assess` writes its own: the result
// and exit code, the counts, the findings that fail or warn (blocking first), the checks that could not tell,
// and what could not be read. Markdown; pure.
import type { Coverage } from '../model/assessment.js';
import type { Finding } from '../model/finding.js';
import {
  blockingFindings,
  type FailOn,
  tenantFailures,
  unknownBlockingFindings,
  warningFindings,
} from '../model/policy.js';

export interface CheckSummaryInput {
  findings: readonly Finding[];
  coverage: Coverage;
  exitCode: number;
  failOn: FailOn;
  /** Where the findings come from: the kubeconfig context, the server, or the snapshot folder. */
  source: string;
  now: string;
}

const RESULT: Record<number, string> = {
  0: 'nothing blocking',
  3: 'blocking findings',
  4: 'incomplete: a blocking check could not be evaluated',
};

/** A table cell: one line, no pipe breaking the row. */
const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

function findingRows(title: string, findings: readonly Finding[]): string[] {
  if (findings.length === 0) return [];
  return [
    `### ${title} (${findings.length})`,
    '',
    '| check | finding | summary |',
    '|---|---|---|',
    ...findings.map((f) => `| \`${f.check}\` | \`${cell(f.id)}\` | ${cell(f.summary)} |`),
    '',
  ];
}

export function renderCheckSummaryMarkdown(input: CheckSummaryInput): string {
  const failOnWarn = input.failOn === 'warn';
  const result =
    input.exitCode === 3 && failOnWarn ? 'failing (--fail-on warn)' : (RESULT[input.exitCode] ?? 'error');
  const blocking = blockingFindings(input.findings);
  const warnings = warningFindings(input.findings);
  const tenant = tenantFailures(input.findings);
  const unknown = unknownBlockingFindings(input.findings);
  const suppressed = input.findings.filter((f) => f.suppressed).length;
  const lines = [
    `## cozy-assess check: ${result} (exit ${input.exitCode})`,
    '',
    `**Source**: \`${cell(input.source)}\`  `,
    `**Cluster state at**: ${input.now}  `,
    `**Checks**: ${input.coverage.checksRun} of ${input.coverage.checksTotal} ran; ${blocking.length} blocking, ` +
      `${warnings.length} warnings, ${tenant.length} tenant, ${unknown.length} unknown, ${suppressed} suppressed`,
    '',
    ...findingRows('Blocking', blocking),
    ...findingRows(failOnWarn ? 'Warnings (failing with --fail-on warn)' : 'Warnings', warnings),
    ...findingRows('Unknown (blocking checks that could not tell)', unknown),
    ...findingRows('Tenant (never gating)', tenant),
  ];
  if (input.coverage.unreadable.length > 0) {
    lines.push(
      '### Could not be read',
      '',
      ...input.coverage.unreadable.map((t) => `- \`${t.type}\` (${t.status}): ${cell(t.reason)}`),
      '',
    );
  }
  return `${lines.join('\n').trimEnd()}\n\n`;
}
