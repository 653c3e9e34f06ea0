// A fleet run's result (`assess`/`check` over several contexts): the row of each cluster made from its own result,
// the terminal table, the Markdown summary and the published JSON Schema. Every number printed is a value of the
// fleet document. Pure.
import type { ChalkInstance } from 'chalk';
import { z } from 'zod';
import type { Assessment, Verdict } from '../model/assessment.js';
import { type FleetAssessment, FleetAssessmentSchema, type FleetCluster } from '../model/fleet.js';
import type { Finding, RootCause } from '../model/finding.js';
import { blockingRootCauses, exitCodeOf, type FailOn, verdictOfFindings } from '../model/policy.js';
import { formatRange } from '../model/text.js';
import { mdText } from './markdown-text.js';

/** Where a cluster's files went under --report-dir (null where none was written). */
export interface ClusterFiles {
  report: string | null;
  json: string | null;
}

function topRootCause(rootCauses: readonly RootCause[], findings: readonly Finding[]): string | null {
  return (blockingRootCauses(rootCauses, findings)[0] ?? rootCauses[0])?.title ?? null;
}

/** The row of a cluster `assess` assessed. */
export function fleetRowOfAssessment(context: string, a: Assessment, files: ClusterFiles): FleetCluster {
  return {
    context,
    verdict: a.verdict,
    exitCode: exitCodeOf(a.verdict),
    recommendation: a.recommendation,
    ...files,
    error: null,
    version: {
      installed: a.version.installedRaw ?? a.version.installed,
      target: a.version.target,
      minorGap: a.version.minorGap,
    },
    hours: {
      A: { min: a.options.A.hoursMin, max: a.options.A.hoursMax },
      C: { min: a.options.C.hoursMin, max: a.options.C.hoursMax },
    },
    topRootCause: topRootCause(a.rootCauses, a.findings),
  };
}

export interface CheckedCluster {
  findings: readonly Finding[];
  rootCauses: readonly RootCause[];
  failOn: FailOn;
  /** With --target: the path's ends and gap. */
  version: FleetCluster['version'];
}

/** The row of a cluster `check` checked: its verdict is the findings' alone, as `check` exits. */
export function fleetRowOfChecks(
  context: string,
  checked: CheckedCluster,
  files: ClusterFiles,
): FleetCluster {
  const verdict = verdictOfFindings(checked.findings, checked.failOn);
  return {
    context,
    verdict,
    exitCode: exitCodeOf(verdict),
    recommendation: null,
    ...files,
    error: null,
    version: checked.version,
    hours: null,
    topRootCause: topRootCause(checked.rootCauses, checked.findings),
  };
}

/** The row of a cluster that could not be assessed: INCOMPLETE, with what its own run would have exited with. */
export function fleetRowOfFailure(context: string, exitCode: number, error: string): FleetCluster {
  return {
    context,
    verdict: 'INCOMPLETE',
    exitCode,
    recommendation: null,
    report: null,
    json: null,
    error,
    version: null,
    hours: null,
    topRootCause: null,
  };
}

function counts(fleet: FleetAssessment): string {
  const of = (v: Verdict) => fleet.clusters.filter((c) => c.verdict === v).length;
  return `${fleet.clusters.length} cluster${fleet.clusters.length === 1 ? '' : 's'}: ${of('GO')} GO, ${of('NO-GO')} NO-GO, ${of('INCOMPLETE')} INCOMPLETE`;
}

const hoursText = (h: { min: number; max: number } | undefined) => (h ? formatRange(h.min, h.max) : '-');
const gapText = (c: FleetCluster) =>
  c.version?.minorGap === null || !c.version ? '-' : String(c.version.minorGap);
/** The cause, or for a cluster without a verdict of its own, why. */
const causeText = (c: FleetCluster) => c.error ?? c.topRootCause ?? '-';

function colourVerdict(verdict: Verdict, text: string, chalk: ChalkInstance): string {
  if (verdict === 'GO') return chalk.green(text);
  if (verdict === 'NO-GO') return chalk.red(text);
  return chalk.magenta(text);
}

/** The terminal table: one line per cluster, then the fleet's verdict and exit code. */
export function renderFleetTable(fleet: FleetAssessment, chalk: ChalkInstance): string {
  const header = ['CONTEXT', 'VERDICT', 'EXIT', 'REC', 'GAP', 'A (h)', 'C (h)', 'TOP ROOT CAUSE / ERROR'];
  const rows = fleet.clusters.map((c) => [
    c.context,
    c.verdict,
    String(c.exitCode),
    c.recommendation ?? '-',
    gapText(c),
    hoursText(c.hours?.A),
    hoursText(c.hours?.C),
    causeText(c).replace(/\s+/g, ' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[], verdict?: Verdict) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
        return i === 1 && verdict ? colourVerdict(verdict, padded, chalk) : padded;
      })
      .join('  ');
  return [
    chalk.bold(line(header)),
    ...rows.map((r, i) => line(r, fleet.clusters[i]!.verdict)),
    '',
    colourVerdict(
      fleet.verdict,
      `Fleet verdict: ${fleet.verdict} (exit ${fleet.exitCode}); ${counts(fleet)}`,
      chalk.bold,
    ),
  ].join('\n');
}

/** A path as a link target: percent-encoded, parentheses and pipes too (they would end the link or the cell). */
const linkTarget = (path: string) =>
  encodeURI(path).replace(/[()|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Text safe inside a Markdown table cell: cluster text escaped, one line. */
const cell = (text: string) => mdText(text);

/** The fleet summary (`--report FILE`, `-o markdown`, the CI job summary). */
export function renderFleetMarkdown(fleet: FleetAssessment): string {
  const what = fleet.command === 'assess' ? 'upgrade assessment' : 'health checks';
  const lines = [
    `# CozyStack ${what} of ${fleet.clusters.length} cluster${fleet.clusters.length === 1 ? '' : 's'}: ${fleet.verdict}`,
    '',
    `**Date**: ${fleet.generatedAt.slice(0, 10)}  `,
    `**Clusters**: ${counts(fleet).replace(/^\d+ clusters?: /, '')}  `,
    `**Exit code**: ${fleet.exitCode} (the worst verdict: NO-GO over INCOMPLETE over GO)`,
    '',
    '| Context | Verdict | Recommendation | Version gap | Option A (h) | Option C (h) | Top root cause | Report |',
    '|---|---|---|---|---|---|---|---|',
    ...fleet.clusters.map((c) => {
      const gap = c.version
        ? `${c.version.installed ?? '?'} → ${c.version.target ?? '?'}${c.version.minorGap === null ? '' : ` (${c.version.minorGap} minor)`}`
        : '-';
      const report = c.report ?? c.json;
      return `| ${[
        cell(c.context),
        `**${c.verdict}**`,
        c.recommendation ? `Option ${c.recommendation}` : '-',
        cell(gap),
        hoursText(c.hours?.A),
        hoursText(c.hours?.C),
        c.topRootCause ? cell(c.topRootCause) : '-',
        report ? `[${cell(report)}](${linkTarget(report)})` : '-',
      ].join(' | ')} |`;
    }),
  ];
  const failed = fleet.clusters.filter((c) => c.error !== null);
  if (failed.length > 0) {
    lines.push('', '## Not assessed', '');
    for (const c of failed) lines.push(`- **${cell(c.context)}** (exit ${c.exitCode}): ${cell(c.error!)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The published JSON Schema (schema/fleet-assessment.schema.json), generated from the zod schema. */
export function fleetJsonSchema(): string {
  const { $schema, ...schema } = z.toJSONSchema(FleetAssessmentSchema, { target: 'draft-2020-12' });
  const published = {
    $schema,
    $id: 'https://github.com/cozystack/cozy-assess/schema/fleet-assessment.schema.json',
    title: 'cozy-assess fleet assessment',
    description:
      'The document written by `cozy-assess assess|check --context a,b,c -o json` (or --all-contexts), schemaVersion 1.',
    ...schema,
  };
  return `${JSON.stringify(published, null, 2)}\n`;
}
