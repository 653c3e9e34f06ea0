// The terminal view of findings: a table a person scans in a second (worst first), the root-cause chains,
// and what could not be checked; for an assessment, the verdict block after it. Pure: the caller passes the
// chalk instance (level 0 = plain text).
import type { ChalkInstance } from 'chalk';
import type { Finding, RootCause } from '../model/finding.js';
import type { Assessment, OptionScore } from '../model/assessment.js';
import { exitCodeOf, type FailOn } from '../model/policy.js';
import { formatRange } from '../model/text.js';

type Coverage = Assessment['coverage'];

export interface TerminalOptions {
  /** Longest summary before it is cut with `…` (0 = never cut). */
  maxSummary?: number;
  /** Show passing checks as rows too (default true). */
  showPassing?: boolean;
}

const SYMBOL: Record<Finding['status'], string> = { fail: '✖', warn: '⚠', unknown: '?', pass: '✔' };

/** Worst first: blocking failures, other failures, unknowns, warnings, passes; suppressed after live ones. */
function rank(finding: Finding): number {
  const base = { fail: finding.blocking ? 0 : 1, unknown: 2, warn: 3, pass: 5 }[finding.status];
  return finding.suppressed ? 4 + base / 10 : base;
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => rank(a) - rank(b) || compare(a.check, b.check) || compare(a.id, b.id));
}

function statusLabel(finding: Finding, chalk: ChalkInstance): string {
  const symbol = SYMBOL[finding.status];
  if (finding.suppressed) return chalk.dim(`${symbol} ${finding.status} (suppressed)`);
  const text = `${symbol} ${finding.status}${finding.status === 'fail' && finding.blocking ? ' BLOCKING' : ''}`;
  switch (finding.status) {
    case 'fail':
      return finding.blocking ? chalk.bold.red(text) : chalk.red(text);
    case 'warn':
      return chalk.yellow(text);
    case 'unknown':
      return chalk.magenta(text);
    default:
      return chalk.green(text);
  }
}

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return max > 0 && flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function nodesCell(nodes: readonly string[]): string {
  if (nodes.length === 0) return '-';
  return nodes.length <= 3 ? nodes.join(',') : `${nodes.slice(0, 2).join(',')} +${nodes.length - 2}`;
}

/** The findings table: STATUS, CHECK, TITLE, NODES, SUMMARY. */
export function renderFindingsTable(
  findings: readonly Finding[],
  chalk: ChalkInstance,
  options: TerminalOptions = {},
): string {
  const maxSummary = options.maxSummary ?? 160;
  const shown = sortFindings(findings).filter((f) => options.showPassing !== false || f.status !== 'pass');
  if (shown.length === 0) return chalk.dim('(no findings)');
  const rows = shown.map((f) => ({
    status: { plain: plainStatus(f), styled: statusLabel(f, chalk) },
    cells: [f.check, cut(f.title, 60), nodesCell(f.nodes), cut(suffixed(f), maxSummary)],
  }));
  const headers = ['STATUS', 'CHECK', 'TITLE', 'NODES', 'SUMMARY'];
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (i === 0 ? r.status.plain.length : r.cells[i - 1]!.length))),
  );
  const line = (cells: string[], styledFirst?: string, plainFirst?: string) =>
    cells
      .map((cell, i) => {
        const last = i === cells.length - 1;
        if (i === 0 && styledFirst !== undefined)
          return styledFirst + ' '.repeat(widths[0]! - plainFirst!.length);
        return last ? cell : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  const out = [chalk.bold(line(headers))];
  for (const row of rows)
    out.push(line([row.status.plain, ...row.cells], row.status.styled, row.status.plain));
  return out.join('\n');
}

function plainStatus(finding: Finding): string {
  const symbol = SYMBOL[finding.status];
  if (finding.suppressed) return `${symbol} ${finding.status} (suppressed)`;
  return `${symbol} ${finding.status}${finding.status === 'fail' && finding.blocking ? ' BLOCKING' : ''}`;
}

function suffixed(finding: Finding): string {
  if (!finding.suppressed) return finding.summary;
  const until = finding.suppressed.until ? ` until ${finding.suppressed.until}` : '';
  return `${finding.summary} [suppressed${until}: ${finding.suppressed.reason}]`;
}

/** Root causes as chains: `Kube-OVN daemon missing → pod sandboxes fail → ...` with the nodes and effect counts. */
export function renderRootCauses(rootCauses: readonly RootCause[], chalk: ChalkInstance): string {
  if (rootCauses.length === 0) return '';
  const lines = [chalk.bold('Root causes')];
  for (const cause of rootCauses) {
    const nodes = cause.nodes.length > 0 ? ` on ${cause.nodes.join(', ')}` : '';
    const since = cause.since ? ` since ${cause.since}` : '';
    lines.push(`  ${chalk.red('●')} ${cause.title}${nodes}${since}`);
    if (cause.chain.length > 0) lines.push(`    ${cause.chain.join(' → ')}`);
    for (const effect of cause.effects) lines.push(`    - ${effect.title}: ${effect.count}`);
  }
  return lines.join('\n');
}

/** Coverage and unreadable types: what the run could not see, so nobody mistakes silence for health. */
export function renderCoverage(coverage: Coverage, chalk: ChalkInstance): string {
  const complete = coverage.checksRun === coverage.checksTotal && coverage.unknown.length === 0;
  const head = `Coverage: ${coverage.checksRun}/${coverage.checksTotal} checks ran`;
  const lines = [complete ? head : chalk.magenta(head)];
  for (const u of coverage.unknown) lines.push(`  ? ${u.check}: ${u.reason}`);
  // Grouped by how they failed: a snapshot without many types would otherwise print a screenful.
  // A failed read is rare and its reason is the lead to follow (a timeout, an answer of the wrong shape): each
  // gets its own line with it.
  const byStatus = new Map<string, string[]>();
  for (const t of coverage.unreadable) {
    if (t.status === 'failed' && t.reason) lines.push(`  not read (failed): ${t.type}: ${t.reason}`);
    else byStatus.set(t.status, [...(byStatus.get(t.status) ?? []), t.type]);
  }
  for (const [status, types] of byStatus) lines.push(`  not read (${status}): ${types.join(', ')}`);
  return lines.join('\n');
}

/** One line of counts: `2 blocking · 3 failing · 1 warning · 1 unknown · 5 passed · 1 suppressed`. */
export function renderTotals(findings: readonly Finding[], chalk: ChalkInstance): string {
  const live = findings.filter((f) => !f.suppressed);
  const blocking = live.filter((f) => f.status === 'fail' && f.blocking).length;
  const parts = [
    blocking > 0 ? chalk.bold.red(`${blocking} blocking`) : `${blocking} blocking`,
    `${live.filter((f) => f.status === 'fail').length} failing`,
    `${live.filter((f) => f.status === 'warn').length} warning`,
    `${live.filter((f) => f.status === 'unknown').length} unknown`,
    `${live.filter((f) => f.status === 'pass').length} passed`,
    `${findings.length - live.length} suppressed`,
  ];
  return parts.join(' · ');
}

/** The whole `check` output for a terminal. */
export function renderCheckResults(
  result: { findings: readonly Finding[]; rootCauses: readonly RootCause[]; coverage: Coverage },
  chalk: ChalkInstance,
  options: TerminalOptions = {},
): string {
  return [
    renderFindingsTable(result.findings, chalk, options),
    renderRootCauses(result.rootCauses, chalk),
    renderTotals(result.findings, chalk),
    renderCoverage(result.coverage, chalk),
  ]
    .filter((block) => block !== '')
    .join('\n\n');
}

/** The last line of `check`: what its exit code means. */
export function renderCheckVerdict(code: number, failOn: FailOn, chalk: ChalkInstance): string {
  switch (code) {
    case 3:
      return chalk.bold.red(
        failOn === 'warn' ? 'Result: failing (--fail-on warn), exit 3' : 'Result: blocking findings, exit 3',
      );
    case 4:
      return chalk.bold.magenta('Result: incomplete, a blocking check could not be evaluated, exit 4');
    default:
      return chalk.bold.green('Result: nothing blocking, exit 0');
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------
// An assessment: the verdict block (status, recommendation, reasons, the two options) after the findings.

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

/** What `assess` prints when it is done: totals, the verdict block, and where the files went. */
export function renderAssessOutcome(a: Assessment, chalk: ChalkInstance, files: string[]): string {
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
