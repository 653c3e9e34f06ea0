// The comparison of two assessments as a terminal table, as Markdown (a ticket, a PR comment, the "Since the
// last assessment" section of the report), and as JSON with its published schema. Pure: the caller passes the
// chalk instance. Every number printed is a value of the comparison (or the length of one of its lists).
import type { ChalkInstance } from 'chalk';
import { z } from 'zod';
import { type AssessmentDiff, AssessmentDiffSchema, type FindingChange } from '../model/diff.js';
import { formatRange } from '../model/text.js';
import { versionText } from './content.js';
import { md, mdCode } from './markdown-text.js';

type Option = AssessmentDiff['options']['A'];
type BackupState = AssessmentDiff['backup']['old'];
type FindingState = FindingChange['old'];

/** `old → new` when it changed, the value once when not. */
function arrow(old: string, now: string): string {
  return old === now ? now : `${old} → ${now}`;
}

const hours = (o: Option, side: 'old' | 'new') => `${formatRange(o.hoursMin[side], o.hoursMax[side])} h`;
const success = (o: Option, side: 'old' | 'new') =>
  `${formatRange(o.successMin[side], o.successMax[side])} %`;
const gap = (n: number | null) => (n === null ? 'unknown' : `${n}`);
const steps = (path: string[]) => `${path.length} step${path.length === 1 ? '' : 's'}`;

function backupText(b: BackupState): string {
  if (b === null) return 'none';
  return `${b.path} (${b.verified ? 'verified' : 'NOT verified'}${b.complete ? '' : ', partial'}, ${b.objects} objects, ${b.size}, secrets ${b.secrets})`;
}

/** A finding's state in one run: `fail (blocking)`, `warn (suppressed)`, `pass` (also: no finding). */
export function stateText(s: FindingState): string {
  if (s === null) return 'pass';
  const extra = [s.blocking && s.status === 'fail' ? 'blocking' : '', s.suppressed ? 'suppressed' : '']
    .filter(Boolean)
    .join(', ');
  return extra ? `${s.status} (${extra})` : s.status;
}

/** The rows every format shows: what, before, now. */
export function summaryRows(d: AssessmentDiff): Array<{ label: string; old: string; new: string }> {
  const rows = [
    { label: 'Verdict', old: d.verdict.old, new: d.verdict.new },
    { label: 'Recommendation', old: `Option ${d.recommendation.old}`, new: `Option ${d.recommendation.new}` },
    {
      label: 'Installed',
      old: d.version.installed.old ?? 'unknown',
      new: d.version.installed.new ?? 'unknown',
    },
    { label: 'Target', old: versionText(d.version.target.old), new: versionText(d.version.target.new) },
    { label: 'Minor versions behind', old: gap(d.version.minorGap.old), new: gap(d.version.minorGap.new) },
    {
      label: 'Upgrade path',
      old: `${steps(d.version.path.old)}${d.version.path.old.length > 0 ? `: ${d.version.path.old.join(', ')}` : ''}`,
      new: `${steps(d.version.path.new)}${d.version.path.new.length > 0 ? `: ${d.version.path.new.join(', ')}` : ''}`,
    },
  ];
  for (const key of ['A', 'C'] as const) {
    const o = d.options[key];
    rows.push(
      { label: `Option ${key} hours`, old: hours(o, 'old'), new: hours(o, 'new') },
      { label: `Option ${key} success`, old: success(o, 'old'), new: success(o, 'new') },
      { label: `Option ${key} risk`, old: o.risk.old, new: o.risk.new },
    );
  }
  rows.push({ label: 'Backup', old: backupText(d.backup.old), new: backupText(d.backup.new) });
  return rows;
}

const GROUPS = [
  ['fixed', 'fixed'],
  ['new', 'new'],
  ['stillFailing', 'still failing'],
  ['notChecked', 'not checked'],
] as const;

/** `3 fixed · 1 new · 2 still failing` (groups with nothing left out; "no finding changed" when all are). */
export function findingsHeadline(d: AssessmentDiff, separator = ' · '): string {
  const parts = GROUPS.filter(([key]) => d.findings[key].length > 0).map(
    ([key, label]) => `${d.findings[key].length} ${label}`,
  );
  return parts.length > 0 ? parts.join(separator) : 'no failing finding in either run';
}

/** Every finding failing in either run, by group. */
export function findingRows(d: AssessmentDiff): Array<{ group: string; change: FindingChange }> {
  return GROUPS.flatMap(([key, label]) => d.findings[key].map((change) => ({ group: label, change })));
}

/** Root causes resolved, new and remaining, one line each. */
export function rootCauseLines(d: AssessmentDiff): Array<{ group: string; text: string }> {
  const nodes = (list: string[] | undefined) => (list && list.length > 0 ? list.join(', ') : 'no node');
  return [
    ...d.rootCauses.resolved.map((rc) => ({
      group: 'resolved',
      text: `${rc.title} (was on ${nodes(rc.old?.nodes)})`,
    })),
    ...d.rootCauses.new.map((rc) => ({ group: 'new', text: `${rc.title} (on ${nodes(rc.new?.nodes)})` })),
    ...d.rootCauses.remaining.map((rc) => ({
      group: 'remaining',
      text: `${rc.title} (on ${arrow(nodes(rc.old?.nodes), nodes(rc.new?.nodes))}; objects downstream: ${arrow(`${rc.old?.objects}`, `${rc.new?.objects}`)})`,
    })),
  ];
}

/** One sentence on whether both runs read the same cluster. */
export function clusterLine(d: AssessmentDiff): string {
  const basis = d.cluster.evidence.map((e) => `${e.field}: ${e.why}`).join('; ') || 'no evidence either way';
  if (d.cluster.same === 'yes') return `Same cluster (${basis}).`;
  if (d.cluster.same === 'no') return `DIFFERENT clusters, compared with --force (${basis}).`;
  return `Same cluster not confirmed: nothing in the two documents tells (${basis}).`;
}

/** A table cell: one line, and no pipe left unescaped (cluster text arrives escaped by md() already). */
const mdCell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/(?<!\\)\|/g, '\\|');
const mdRow = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;

const GROUP_MARK: Record<string, string> = {
  fixed: '✅ fixed',
  new: '❌ new',
  'still failing': '⚠️ still failing',
  'not checked': '❓ not checked',
  resolved: '✅ resolved',
  remaining: '⚠️ remaining',
};

/** The body shared by `diff -o markdown` and the report's "Since the last assessment" section. */
function markdownBody(d: AssessmentDiff, heading: string): string[] {
  const lines = [
    mdRow(['', `Before (${d.old.generatedAt})`, `Now (${d.new.generatedAt})`]),
    '|---|---|---|',
    ...summaryRows(d).map((row) =>
      mdRow([
        `**${row.label}**`,
        md(row.old),
        row.old === row.new ? `${md(row.new)} (unchanged)` : `**${md(row.new)}**`,
      ]),
    ),
    '',
    `${heading} Findings: ${findingsHeadline(d, ', ')}`,
  ];
  const rows = findingRows(d);
  if (rows.length > 0) {
    lines.push(
      '',
      '| Change | Finding | Check | Before | Now |',
      '|---|---|---|---|---|',
      ...rows.map(({ group, change }) =>
        mdRow([
          GROUP_MARK[group] ?? group,
          `${md(change.title)} (${mdCode(change.id)})`,
          md(change.check),
          md(stateText(change.old)),
          md(stateText(change.new)),
        ]),
      ),
    );
  }
  const causes = rootCauseLines(d);
  lines.push('', `${heading} Root causes`, '');
  if (causes.length === 0) lines.push('No root cause in either run.');
  for (const line of causes) lines.push(`- ${GROUP_MARK[line.group] ?? line.group}: ${md(line.text)}`);
  return lines;
}

/** The report's "Since the last assessment" section (Markdown lines). */
export function sinceLastMarkdown(d: AssessmentDiff): string[] {
  return [
    '## Since the last assessment',
    '',
    `Compared with the assessment of ${d.old.generatedAt} (cluster state at ${d.old.now}). ${md(clusterLine(d))}`,
    '',
    ...markdownBody(d, '###'),
  ];
}

/** `diff -o markdown`: for a ticket or a pull-request comment. */
export function renderDiffMarkdown(d: AssessmentDiff): string {
  return `${[
    `# CozyStack assessment diff: ${arrow(d.verdict.old, d.verdict.new)}`,
    '',
    clusterLine(d),
    '',
    ...markdownBody(d, '##'),
  ].join('\n')}\n`;
}

/** `diff -o json`: the comparison document (schema/diff.schema.json). */
export function renderDiffJson(d: AssessmentDiff): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** The published JSON Schema of the comparison, generated from the zod schema. */
export function diffJsonSchema(): string {
  const { $schema, ...schema } = z.toJSONSchema(AssessmentDiffSchema, { target: 'draft-2020-12' });
  const published = {
    $schema,
    $id: 'https://github.com/cozystack/cozy-assess/schema/diff.schema.json',
    title: 'cozy-assess diff',
    description: 'The document written by `cozy-assess diff OLD.json NEW.json -o json` (schemaVersion 1).',
    ...schema,
  };
  return `${JSON.stringify(published, null, 2)}\n`;
}

function colourGroup(group: string, chalk: ChalkInstance): string {
  const label = group.padEnd(13);
  if (group === 'fixed' || group === 'resolved') return chalk.green(label);
  if (group === 'new') return chalk.bold.red(label);
  if (group === 'not checked') return chalk.magenta(label);
  return chalk.yellow(label);
}

/** `diff -o table`: what changed, for a terminal. */
export function renderDiffTable(d: AssessmentDiff, chalk: ChalkInstance): string {
  const rows = summaryRows(d);
  const width = Math.max(...rows.map((r) => r.label.length));
  const lines = [
    chalk.bold(`Assessment diff: ${arrow(d.verdict.old, d.verdict.new)}`),
    `Before: ${d.old.generatedAt} (${d.old.verdict})   Now: ${d.new.generatedAt} (${d.new.verdict})`,
    d.cluster.same === 'yes' ? clusterLine(d) : chalk.magenta(clusterLine(d)),
    '',
    ...rows.map((r) => {
      const value = r.old === r.new ? chalk.dim(`${r.new} (unchanged)`) : `${r.old} → ${chalk.bold(r.new)}`;
      return `${r.label.padEnd(width)}  ${value}`;
    }),
    '',
    chalk.bold(`Findings: ${findingsHeadline(d)}`),
  ];
  const findings = findingRows(d).map(({ group, change }) => ({
    group,
    id: change.id,
    state: arrow(stateText(change.old), stateText(change.new)),
    title: change.title,
  }));
  const idWidth = Math.max(0, ...findings.map((f) => f.id.length));
  const stateWidth = Math.max(0, ...findings.map((f) => f.state.length));
  for (const f of findings)
    lines.push(
      `  ${colourGroup(f.group, chalk)} ${f.id.padEnd(idWidth)}  ${f.state.padEnd(stateWidth)}  ${f.title}`,
    );
  const causes = rootCauseLines(d);
  if (causes.length > 0) {
    lines.push('', chalk.bold('Root causes'));
    for (const line of causes) lines.push(`  ${colourGroup(line.group, chalk)} ${line.text}`);
  }
  return lines.join('\n');
}
