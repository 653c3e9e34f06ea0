// The go/no-go report as Markdown, section by section like the hand-written reference report. What each
// section says comes from content.ts (shared with the HTML report); this file lays it out. Every number printed
// here is a value of the assessment JSON (or the length of one of its lists). Pure.
import type { Assessment, OptionScore } from '../model/assessment.js';
import {
  backupFacts,
  blockingHeadline,
  breakingAction,
  breakingGroups,
  cascadeStages,
  clusterName,
  comparisonRows,
  coverageGaps,
  evidenceText,
  factorRows,
  failedComponentGroups,
  findingStatusText,
  footerText,
  hoursText,
  NO_BACKUP_TEXT,
  nextStepItems,
  noBreakingChangeText,
  noGoReasons,
  optionLabel,
  otherReasons,
  planItems,
  plural,
  recommendationLine,
  rootCauseStories,
  STATUS,
  stepRows,
  successText,
  summaryLead,
  USAGE_MARK,
  versionFacts,
  versionText,
  whyTitle,
} from './content.js';
import { formatRange } from '../model/text.js';
import { sinceLastMarkdown } from './diff-render.js';
// Every value that can hold cluster text goes through md() (or mdCode/mdFenced); the words of this file are
// Markdown as written.
import { md, mdCode, mdFenced } from './markdown-text.js';

/** A table cell: one line, and no pipe left unescaped (cluster text arrives escaped by md() already). */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/(?<!\\)\|/g, '\\|');
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function header(a: Assessment): string[] {
  const status = STATUS[a.verdict];
  return [
    `# CozyStack upgrade assessment: ${a.verdict}`,
    '',
    `**Date**: ${a.generatedAt.slice(0, 10)}  `,
    `**Cluster state at**: ${a.now}  `,
    `**Cluster**: ${mdCode(clusterName(a))} (${a.cluster.source}, ${plural(a.cluster.nodes, 'node')}, ${plural(a.cluster.pods, 'pod')})  `,
    `**Decision**: ${optionLabel(a, a.recommendation)}  `,
    `**Status**: ${status.mark} **${status.label}**`,
  ];
}

function executiveSummary(a: Assessment): string[] {
  const lead = summaryLead(a);
  return [
    '## Executive summary',
    '',
    `**RECOMMENDATION: ${recommendationLine(a)}**`,
    '',
    `Upgrading the cluster in place (${lead.route}) ${lead.is}${lead.strong ? `**${lead.verb}**` : lead.verb} because:`,
    '',
    ...a.reasons.map((reason, i) => `${i + 1}. ${md(reason)}`),
  ];
}

function versionSection(a: Assessment): string[] {
  const lines = [
    '## Version gap and path',
    '',
    ...versionFacts(a).map(([label, value]) => `- ${label}: ${md(value)}`),
  ];
  if (a.version.steps.length > 0)
    lines.push(
      '',
      ...table(
        ['Step', 'Migrations', 'Breaking changes crossed', 'Notes'],
        stepRows(a).map((row) => row.map(md)),
      ),
    );
  return lines;
}

function breakingSection(a: Assessment): string[] {
  const lines = ['## Breaking changes', ''];
  const groups = breakingGroups(a);
  if (groups.length === 0) return [...lines, md(noBreakingChangeText(a))];
  for (const group of groups) {
    lines.push(`### ${group.heading}`, '');
    for (const c of group.changes)
      lines.push(
        `- ${USAGE_MARK[c.usage]}: **${md(c.title)}** (${versionText(c.version)}, ${md(c.severity)}): ${md(c.evidence)}. Action: ${md(breakingAction(c))}`,
      );
    lines.push('');
  }
  lines.pop();
  return lines;
}

function backupSection(a: Assessment): string[] {
  const b = a.backup;
  if (b === null) return ['## Backup', '', md(NO_BACKUP_TEXT)];
  return [
    '## Backup',
    '',
    `Location: ${mdCode(b.path)}`,
    '',
    ...table(
      ['Category', 'Objects', 'Size', 'Bytes'],
      [
        ...b.categories.map((c) => [md(c.category), `${c.objects}`, c.size, `${c.bytes}`]),
        ['**Total**', `**${b.totals.objects}**`, `**${b.totals.size}**`, `**${b.totals.bytes}**`],
      ],
    ),
    '',
    ...backupFacts(b).map((fact) => `- ${md(fact)}`),
  ];
}

function rootCauseSections(a: Assessment): string[][] {
  return rootCauseStories(a).map(({ rootCause: rc, cause, message, explains, nodes }) => {
    const lines = [`### Root cause: ${md(rc.title)}`, ''];
    if (cause) lines.push(md(cause.summary), '');
    if (message) lines.push(...mdFenced(message), '');
    lines.push(`**Chain**: ${rc.chain.map(md).join(' → ')}`, '');
    if (rc.effects.length > 0) {
      lines.push('**Impact**:');
      for (const effect of rc.effects) lines.push(`- ${md(effect.title)}: ${effect.count}`);
      lines.push('');
    }
    if (explains.length > 0) lines.push(`**Explains**: ${explains.map(md).join('; ')}`, '');
    if (nodes.length > 0) {
      lines.push('#### Affected nodes', '');
      for (const { node, evidence } of nodes) {
        if (evidence === null) {
          lines.push(`Node ${mdCode(node)}: see above.`, '');
          continue;
        }
        lines.push(`Node ${mdCode(node)}:`);
        if (evidence.length === 0) lines.push('- (no pod evidence on this node)');
        for (const e of evidence) lines.push(`- ${md(evidenceText(e))}`);
        lines.push('');
      }
      lines.pop();
    }
    return lines;
  });
}

function failedComponents(a: Assessment): string[] {
  const groups = failedComponentGroups(a);
  if (groups.length === 0) return [];
  const lines = ['#### Failed components', ''];
  for (const { finding, reasons } of groups) {
    lines.push(`${md(finding.title)}:`, '');
    for (const r of reasons) {
      const duration = r.ages ? `, for ${formatRange(r.ages.min, r.ages.max)} days` : '';
      const where = r.namespaces.length > 0 ? ` in ${r.namespaces.map(md).join(', ')}` : '';
      const cause = r.causes.length > 0 ? `; root: ${r.causes.map(md).join(', ')}` : '';
      lines.push(`- **${md(r.reason)}** (${r.count})${where}${duration}${cause}`);
    }
    lines.push('');
  }
  lines.pop();
  return lines;
}

function healthSection(a: Assessment): string[] {
  const headline = blockingHeadline(a);
  const lines = [
    '## Health check results',
    '',
    headline.critical ? `**CRITICAL FAILURES FOUND**: ${md(headline.text)}` : md(headline.text),
    '',
  ];
  for (const section of rootCauseSections(a)) lines.push(...section, '');
  lines.push(...failedComponents(a));
  if (lines.at(-1) !== '') lines.push('');
  lines.push(
    '#### All findings',
    '',
    ...table(
      ['Status', 'Check', 'Blocking', 'Scope', 'Finding', 'Nodes'],
      a.findings.map((f) => [
        md(findingStatusText(f)),
        md(f.check),
        f.blocking ? 'yes' : 'no',
        f.scope,
        md(`${f.title}: ${f.summary}`),
        f.nodes.map(md).join(', ') || '-',
      ]),
    ),
    '',
    `Checks run: ${a.coverage.checksRun} of ${a.coverage.checksTotal}.`,
    ...coverageGaps(a).map((gap) => `- ${md(gap)}`),
  );
  return lines;
}

function whySection(a: Assessment): string[] {
  const lines = [`## ${whyTitle(a)}`, ''];
  if (a.verdict !== 'NO-GO') return [...lines, ...otherReasons(a).map((reason) => `- ${md(reason)}`)];
  const why = noGoReasons(a);
  lines.push('### Technical blockers', '');
  for (const [i, blocker] of why.blockers.entries()) {
    lines.push(`${i + 1}. **${md(blocker.title)}**${md(blocker.detail ?? '')}`);
    for (const effect of blocker.effects) lines.push(`   - ${md(effect)}`);
  }
  for (const warning of why.warningsCounted) lines.push(`- ${md(warning)}`);
  lines.push('');
  for (const cascade of why.cascades)
    lines.push(
      `### Cascade: ${md(cascade.title)}`,
      '',
      cascade.chain.map((stage, i) => (i === 0 ? md(stage) : `→ ${md(stage)}`)).join(' '),
      '',
    );
  if (why.longTerm.length > 0)
    lines.push('### Long-term degradation', '', ...why.longTerm.map((text) => `- ${md(text)}`), '');
  lines.push('### Upgrade risk', '', ...why.risk.map((text) => `- ${md(text)}`));
  return lines;
}

function factorTable(option: OptionScore): string[] {
  return table(
    ['Factor (model row)', 'Hours', 'Success'],
    [
      ...factorRows(option).map((row) => [
        row.id ? `${md(row.label)} (${mdCode(row.id)})` : md(row.label),
        row.hours,
        row.success,
      ]),
      ['**Total**', `**${hoursText(option)}**`, `**${successText(option)}**`],
    ],
  );
}

function timelineSection(a: Assessment): string[] {
  return [
    '## Timeline per option',
    ...(['A', 'C'] as const).flatMap((key) => [
      '',
      `### ${optionLabel(a, key)}`,
      '',
      ...factorTable(a.options[key]),
      '',
      `Risk: **${a.options[key].risk}**.`,
    ]),
  ];
}

function comparisonSection(a: Assessment): string[] {
  return [
    '## Options comparison',
    '',
    ...table(
      ['Aspect', 'Option A (in-place)', 'Option C (fresh install)'],
      comparisonRows(a).map(([aspect, A, C]) => [`**${aspect}**`, md(A), md(C)]),
    ),
  ];
}

function planSection(a: Assessment): string[] {
  return [
    '## Recommended action plan',
    '',
    ...planItems(a).flatMap((item, i) => [
      `${i + 1}. **${md(item.lead)}**${md(item.rest)}`,
      ...item.sub.map((sub) => `   - ${md(sub)}`),
    ]),
  ];
}

function nextSteps(a: Assessment): string[] {
  return ['## Next steps', '', ...nextStepItems(a).map((item, i) => `${i + 1}. ${md(item)}`)];
}

/** Mermaid node ids made of letters only, so the diagram adds no numbers of its own. */
function letterId(prefix: string, index: number): string {
  let id = '';
  let n = index;
  do {
    id = String.fromCharCode(97 + (n % 26)) + id;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `${prefix}${id}`;
}

const MERMAID_ENTITY: Record<string, string> = { '&': '#amp;', '"': '#quot;', '<': '#lt;', '>': '#gt;' };
/** Mermaid label text: Mermaid's own entity codes for the characters that end a label or start HTML. */
const mermaidText = (text: string) =>
  text.replace(/[\r\n]+/g, ' ').replace(/[&"<>]/g, (c) => MERMAID_ENTITY[c] ?? c);

function cascadeDiagram(a: Assessment): string[] {
  if (a.rootCauses.length === 0) return [];
  const lines = ['## Cascade', '', '```mermaid', 'flowchart LR'];
  a.rootCauses.forEach((rc, r) => {
    const prefix = letterId('r', r);
    const stageId = (s: number) => `${prefix}${letterId('s', s)}`;
    const { stages, sideEffects } = cascadeStages(rc);
    stages.forEach((stage, s) => {
      const where = s === 0 && rc.nodes.length > 0 ? ` on ${rc.nodes.join(', ')}` : '';
      const count = stage.counts.length > 0 ? `: ${stage.counts.join(', ')}` : '';
      lines.push(`  ${stageId(s)}["${mermaidText(`${stage.title}${where}${count}`)}"]`);
      if (s > 0) lines.push(`  ${stageId(s - 1)} --> ${stageId(s)}`);
    });
    for (const effect of sideEffects) {
      const id = `${prefix}${letterId('e', effect.index)}`;
      lines.push(
        `  ${id}["${mermaidText(`${effect.title}: ${effect.count}`)}"]`,
        `  ${stageId(0)} -.-> ${id}`,
      );
    }
  });
  lines.push('```');
  return lines;
}

function footer(a: Assessment): string[] {
  return ['---', '', md(footerText(a)), ...a.notes.map((note) => `- ${md(note)}`)];
}

export function renderMarkdown(a: Assessment): string {
  const sections = [
    header(a),
    executiveSummary(a),
    a.sinceLast ? sinceLastMarkdown(a.sinceLast) : [],
    versionSection(a),
    breakingSection(a),
    backupSection(a),
    healthSection(a),
    whySection(a),
    timelineSection(a),
    comparisonSection(a),
    planSection(a),
    nextSteps(a),
    cascadeDiagram(a),
    footer(a),
  ].filter((s) => s.length > 0);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}

/** The short Markdown for a CI job summary ($GITHUB_STEP_SUMMARY): status, reasons, options. */
export function renderJobSummary(a: Assessment): string {
  return `${[header(a), executiveSummary(a), comparisonSection(a)].map((s) => s.join('\n')).join('\n\n')}\n`;
}
