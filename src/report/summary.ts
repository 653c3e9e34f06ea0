// The terminal view of an assessment: the verdict block (status, recommendation, reasons, the two options)
// after the findings table of the check renderer. Pure: the caller passes the chalk instance.
import type { ChalkInstance } from 'chalk';
import { exitCodeOf } from '../model/policy.js';
import { formatRange } from '../model/text.js';
import type { Assessment, OptionScore } from '../model/assessment.js';
import { renderJunit } from './junit.js';
import { renderCheckResults, renderTotals } from './terminal.js';

function verdictText(a: Assessment, chalk: ChalkInstance): string {
  const text = `Verdict: ${a.verdict} (exit ${exitCodeOf(a.verdict)})`;
  if (a.verdict === 'GO') return chalk.bold.green(text);
  if (a.verdict === 'NO-GO') return chalk.bold.red(text);
  return chalk.bold.magenta(text);
}

function optionLine(key: 'A' | 'C', option: OptionScore, recommended: boolean): string {
  const mark = recommended ? '→' : ' ';
  return `${mark} Option ${key} (${option.name}): ${formatRange(option.hoursMin, option.hoursMax)} h, ${formatRange(option.successMin, option.successMax)} % success, ${option.risk} risk`;
}

/** Status, recommendation, numbered reasons and both options. */
export function renderVerdictBlock(a: Assessment, chalk: ChalkInstance): string {
  const advice =
    a.verdict === 'INCOMPLETE'
      ? 'no decision until the missing data can be read'
      : a.verdict === 'GO'
        ? 'upgrade in place (Option A)'
        : a.recommendation === 'C'
          ? 'do not upgrade in place; fresh install, then migrate (Option C)'
          : 'repair first, then upgrade in place (Option A)';
  return [
    verdictText(a, chalk),
    `Recommendation: ${advice}`,
    ...a.reasons.map((reason, i) => `  ${i + 1}. ${reason}`),
    optionLine('A', a.options.A, a.recommendation === 'A'),
    optionLine('C', a.options.C, a.recommendation === 'C'),
  ].join('\n');
}

/** The short summary `assess` prints: totals, the verdict block, and where the files went. */
export function renderAssessSummary(a: Assessment, chalk: ChalkInstance, files: string[]): string {
  return [
    renderTotals(a.findings, chalk),
    '',
    renderVerdictBlock(a, chalk),
    ...files.map((f) => `Wrote ${f}`),
  ].join('\n');
}

/** `report -o table`: the findings as `check` shows them, then the verdict block. */
export function renderAssessmentTable(a: Assessment, chalk: ChalkInstance): string {
  return `${renderCheckResults(a, chalk)}\n\n${renderVerdictBlock(a, chalk)}`;
}

/** JUnit XML of an assessment: one test case per check that was configured to run. */
export function renderAssessmentJunit(a: Assessment): string {
  return renderJunit({
    findings: a.findings,
    checks: a.checks,
    coverage: a.coverage,
    name: 'cozy-assess',
    timestamp: a.generatedAt,
    hostname: a.cluster.context ?? hostOf(a.cluster.server),
    failOn: a.failOn,
  });
}

function hostOf(server: string | null): string | undefined {
  if (!server) return undefined;
  try {
    return new URL(server).hostname || undefined;
  } catch {
    return undefined;
  }
}
