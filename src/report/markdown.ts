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

/** Text safe inside a table cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
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
    `**Cluster**: \`${clusterName(a)}\` (${a.cluster.source}, ${plural(a.cluster.nodes, 'node')}, ${plural(a.cluster.pods, 'pod')})  `,
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
    ...a.reasons.map((reason, i) => `${i + 1}. ${reason}`),
  ];
}

function versionSection(a: Assessment): string[] {
  const lines = [
    '## Version gap and path',
    '',
    ...versionFacts(a).map(([label, value]) => `- ${label}: ${value}`),
  ];
  if (a.version.steps.length > 0)
    lines.push('', ...table(['Step', 'Migrations', 'Breaking changes crossed', 'Notes'], stepRows(a)));
  return lines;
}

function breakingSection(a: Assessment): string[] {
  const lines = ['## Breaking changes', ''];
  const groups = breakingGroups(a);
  if (groups.length === 0) return [...lines, noBreakingChangeText(a)];
  for (const group of groups) {
    lines.push(`### ${group.heading}`, '');
    for (const c of group.changes)
      lines.push(
        `- ${USAGE_MARK[c.usage]}: **${c.title}** (${versionText(c.version)}, ${c.severity}): ${c.evidence}. Action: ${breakingAction(c)}`,
      );
    lines.push('');
  }
  lines.pop();
  return lines;
}

function backupSection(a: Assessment): string[] {
  const b = a.backup;
  if (b === null) return ['## Backup', '', NO_BACKUP_TEXT];
  return [
    '## Backup',
    '',
    `Location: \`${b.path}\``,
    '',
    ...table(
      ['Category', 'Objects', 'Size', 'Bytes'],
      [
        ...b.categories.map((c) => [c.category, `${c.objects}`, c.size, `${c.bytes}`]),
        ['**Total**', `**${b.totals.objects}**`, `**${b.totals.size}**`, `**${b.totals.bytes}**`],
      ],
    ),
    '',
    ...backupFacts(b).map((fact) => `- ${fact}`),
  ];
}

function rootCauseSections(a: Assessment): string[][] {
  return rootCauseStories(a).map(({ rootCause: rc, cause, message, explains, nodes }) => {
    const lines = [`### Root cause: ${rc.title}`, ''];
    if (cause) lines.push(cause.summary, '');
    if (message) lines.push('```', message, '```', '');
    lines.push(`**Chain**: ${rc.chain.join(' → ')}`, '');
    if (rc.effects.length > 0) {
      lines.push('**Impact**:');
      for (const effect of rc.effects) lines.push(`- ${effect.title}: ${effect.count}`);
      lines.push('');
    }
    if (explains.length > 0) lines.push(`**Explains**: ${explains.join('; ')}`, '');
    if (nodes.length > 0) {
      lines.push('#### Affected nodes', '');
      for (const { node, evidence } of nodes) {
        if (evidence === null) {
          lines.push(`Node \`${node}\`: see above.`, '');
          continue;
        }
        lines.push(`Node \`${node}\`:`);
        if (evidence.length === 0) lines.push('- (no pod evidence on this node)');
        for (const e of evidence) lines.push(`- ${evidenceText(e)}`);
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
    lines.push(`${finding.title}:`, '');
    for (const r of reasons) {
      const duration = r.ages ? `, for ${formatRange(r.ages.min, r.ages.max)} days` : '';
      const where = r.namespaces.length > 0 ? ` in ${r.namespaces.join(', ')}` : '';
      const cause = r.causes.length > 0 ? `; root: ${r.causes.join(', ')}` : '';
      lines.push(`- **${r.reason}** (${r.count})${where}${duration}${cause}`);
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
    headline.critical ? `**CRITICAL FAILURES FOUND**: ${headline.text}` : headline.text,
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
        findingStatusText(f),
        f.check,
        f.blocking ? 'yes' : 'no',
        f.scope,
        `${f.title}: ${f.summary}`,
        f.nodes.join(', ') || '-',
      ]),
    ),
    '',
    `Checks run: ${a.coverage.checksRun} of ${a.coverage.checksTotal}.`,
    ...coverageGaps(a).map((gap) => `- ${gap}`),
  );
  return lines;
}

function whySection(a: Assessment): string[] {
  const lines = [`## ${whyTitle(a)}`, ''];
  if (a.verdict !== 'NO-GO') return [...lines, ...otherReasons(a).map((reason) => `- ${reason}`)];
  const why = noGoReasons(a);
  lines.push('### Technical blockers', '');
  for (const [i, blocker] of why.blockers.entries()) {
    lines.push(`${i + 1}. **${blocker.title}**${blocker.detail ?? ''}`);
    for (const effect of blocker.effects) lines.push(`   - ${effect}`);
  }
  for (const warning of why.warningsCounted) lines.push(`- ${warning}`);
  lines.push('');
  for (const cascade of why.cascades)
    lines.push(
      `### Cascade: ${cascade.title}`,
      '',
      cascade.chain.map((stage, i) => (i === 0 ? stage : `→ ${stage}`)).join(' '),
      '',
    );
  if (why.longTerm.length > 0)
    lines.push('### Long-term degradation', '', ...why.longTerm.map((text) => `- ${text}`), '');
  lines.push('### Upgrade risk', '', ...why.risk.map((text) => `- ${text}`));
  return lines;
}

function factorTable(option: OptionScore): string[] {
  return table(
    ['Factor (model row)', 'Hours', 'Success'],
    [
      ...factorRows(option).map((row) => [
        row.id ? `${row.label} (\`${row.id}\`)` : row.label,
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
      comparisonRows(a).map(([aspect, A, C]) => [`**${aspect}**`, A, C]),
    ),
  ];
}

function planSection(a: Assessment): string[] {
  return [
    '## Recommended action plan',
    '',
    ...planItems(a).flatMap((item, i) => [
      `${i + 1}. **${item.lead}**${item.rest}`,
      ...item.sub.map((sub) => `   - ${sub}`),
    ]),
  ];
}

function nextSteps(a: Assessment): string[] {
  return ['## Next steps', '', ...nextStepItems(a).map((item, i) => `${i + 1}. ${item}`)];
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

const mermaidText = (text: string) => text.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');

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
  return ['---', '', footerText(a), ...a.notes.map((note) => `- ${note}`)];
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
