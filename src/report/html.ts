// The go/no-go report as one self-contained HTML page: the sections of the Markdown report (what they say
// comes from content.ts), with pictures drawn as inline SVG, inline CSS, no script and nothing loaded from
// anywhere (a Content-Security-Policy forbids it too), readable offline and when printed to PDF. Every number
// comes from the assessment; every text from the cluster is escaped. Pure.
import type { Assessment, OptionScore } from '../model/assessment.js';
import type { AssessmentDiff } from '../model/diff.js';
import type { Finding } from '../model/finding.js';
import { formatRange } from '../model/text.js';
import {
  backupFacts,
  blockingHeadline,
  breakingAction,
  breakingGroups,
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
import {
  clusterLine,
  findingRows,
  findingsHeadline,
  rootCauseLines,
  stateText,
  summaryRows,
} from './diff-render.js';
import { Html, html, prose } from './html-markup.js';
import {
  agesPicture,
  cascadePicture,
  optionsPicture,
  timelinePicture,
  timelineScale,
} from './html-pictures.js';

const STYLE = `
:root { color-scheme: light; --ink: #1a202c; --muted: #4a5568; --line: #cbd5e0; --soft: #f7fafc; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 12px; }
h2 { font-size: 21px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 17px; margin: 24px 0 8px; }
h4 { font-size: 15px; margin: 18px 0 6px; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
code { background: var(--soft); padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
pre { background: var(--soft); border: 1px solid var(--line); padding: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--soft); white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.banner { border-radius: 8px; padding: 16px 20px; margin: 8px 0 20px; color: #fff; }
.banner .status { font-size: 24px; font-weight: 700; letter-spacing: .02em; }
.banner .advice { font-size: 16px; margin-top: 4px; }
.banner.go { background: #276749; } .banner.no-go { background: #9b2c2c; } .banner.incomplete { background: #6b46c1; }
.changed { font-weight: 700; }
.unchanged { color: var(--muted); }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--muted); }
.picture { display: block; max-width: 100%; height: auto; margin: 8px 0 16px; font-family: inherit; }
.picture text { font-size: 13px; fill: var(--ink); }
.picture text.strong { font-weight: 700; }
.picture text.small, .picture text.tick { font-size: 11px; fill: var(--muted); }
.picture text.axis-title { font-size: 12px; fill: var(--muted); }
.picture text.end { text-anchor: end; }
.picture text.value { font-size: 12px; }
.picture rect.cause { fill: #fed7d7; stroke: #c53030; stroke-width: 2; }
.picture rect.stage { fill: #feebc8; stroke: #c05621; }
.picture rect.effect { fill: #edf2f7; stroke: #718096; }
.picture rect.solid { fill: #4a5568; } .picture rect.light { fill: #cbd5e0; }
.picture rect.age { fill: #c05621; }
.picture path.marker { fill: #c53030; }
.picture line.flow { stroke: #4a5568; stroke-width: 2; }
.picture path.side { fill: none; stroke: #718096; stroke-dasharray: 5 4; }
.picture line.axis { stroke: var(--line); }
.picture text.risk-low { fill: #2e7d32; } .picture text.risk-medium { fill: #b7791f; }
.picture text.risk-high { fill: #dd6b20; } .picture text.risk-very-high { fill: #c53030; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .picture, tr { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: block; }
  .banner, .picture rect { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;

const BANNER_CLASS = { GO: 'go', 'NO-GO': 'no-go', INCOMPLETE: 'incomplete' } as const;

function section(id: string, title: string, body: Html | Html[]): Html {
  return html`<section id="${id}"><h2>${title}</h2>${body}</section>`;
}

/** A table; `numeric` columns align right, `nowrap` columns (short values such as a step) never wrap. */
function table(
  header: string[],
  rows: Array<Array<Html | string>>,
  columns: { numeric?: number[]; nowrap?: number[] } = {},
): Html {
  const cls = (i: number) =>
    columns.numeric?.includes(i) ? 'num' : columns.nowrap?.includes(i) ? 'nowrap' : null;
  return html`<table><thead><tr>${header.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (row) =>
      html`<tr>${row.map((cell, i) => (cls(i) ? html`<td class="${cls(i)}">${cell}</td>` : html`<td>${cell}</td>`))}</tr>`,
  )}</tbody></table>`;
}

function header(a: Assessment): Html {
  const status = STATUS[a.verdict];
  return html`<header><h1>CozyStack upgrade assessment: ${a.verdict}</h1>
<div class="banner ${BANNER_CLASS[a.verdict]}" role="status"><div class="status">${status.mark} ${status.label}</div><div class="advice">Recommendation: ${recommendationLine(a)}</div></div>
<dl class="facts"><dt>Date</dt><dd>${a.generatedAt.slice(0, 10)}</dd><dt>Cluster state at</dt><dd>${a.now}</dd><dt>Cluster</dt><dd><code>${clusterName(a)}</code> (${a.cluster.source}, ${plural(a.cluster.nodes, 'node')}, ${plural(a.cluster.pods, 'pod')})</dd><dt>Decision</dt><dd>${optionLabel(a, a.recommendation)}</dd></dl></header>`;
}

function executiveSummary(a: Assessment): Html {
  const lead = summaryLead(a);
  return section(
    'summary',
    'Executive summary',
    html`<p><strong>RECOMMENDATION: ${recommendationLine(a)}</strong></p><p>Upgrading the cluster in place (${lead.route}) ${lead.is}${lead.strong ? html`<strong>${lead.verb}</strong>` : lead.verb} because:</p><ol>${a.reasons.map((r) => html`<li>${r}</li>`)}</ol>`,
  );
}

function sinceLastSection(d: AssessmentDiff): Html {
  const rows = summaryRows(d).map((row) => [
    html`<strong>${row.label}</strong>`,
    row.old,
    row.old === row.new
      ? html`<span class="unchanged">${row.new} (unchanged)</span>`
      : html`<span class="changed">${row.new}</span>`,
  ]);
  const findings = findingRows(d);
  const causes = rootCauseLines(d);
  return section(
    'since-last',
    'Since the last assessment',
    html`<p>Compared with the assessment of ${d.old.generatedAt} (cluster state at ${d.old.now}). ${clusterLine(d)}</p>
${table(['', `Before (${d.old.generatedAt})`, `Now (${d.new.generatedAt})`], rows, { nowrap: [0] })}
<h3>Findings: ${findingsHeadline(d, ', ')}</h3>
${
  findings.length > 0
    ? table(
        ['Change', 'Finding', 'Check', 'Before', 'Now'],
        findings.map(({ group, change }) => [
          html`<strong>${group}</strong>`,
          html`${change.title} (<code>${change.id}</code>)`,
          change.check,
          stateText(change.old),
          stateText(change.new),
        ]),
        { nowrap: [0, 3, 4] },
      )
    : ''
}
<h3>Root causes</h3>
${causes.length === 0 ? html`<p>No root cause in either run.</p>` : html`<ul>${causes.map((line) => html`<li><strong>${line.group}</strong>: ${line.text}</li>`)}</ul>`}`,
  );
}

function versionSection(a: Assessment): Html {
  return section(
    'version',
    'Version gap and path',
    html`<dl class="facts">${versionFacts(a).map(([label, value]) => html`<dt>${prose(label)}</dt><dd>${value}</dd>`)}</dl>${
      a.version.steps.length > 0
        ? table(['Step', 'Migrations', 'Breaking changes crossed', 'Notes'], stepRows(a), { nowrap: [0, 1] })
        : ''
    }`,
  );
}

function breakingSection(a: Assessment): Html {
  const groups = breakingGroups(a);
  if (groups.length === 0)
    return section('breaking', 'Breaking changes', html`<p>${noBreakingChangeText(a)}</p>`);
  return section(
    'breaking',
    'Breaking changes',
    groups.map(
      (group) =>
        html`<h3>${group.heading}</h3><ul>${group.changes.map(
          (c) =>
            html`<li>${USAGE_MARK[c.usage]}: <strong>${c.title}</strong> (${versionText(c.version)}, ${c.severity}): ${c.evidence}. Action: ${breakingAction(c)}</li>`,
        )}</ul>`,
    ),
  );
}

function backupSection(a: Assessment): Html {
  const b = a.backup;
  if (b === null) return section('backup', 'Backup', html`<p>${prose(NO_BACKUP_TEXT)}</p>`);
  return section(
    'backup',
    'Backup',
    html`<p>Location: <code>${b.path}</code></p>${table(
      ['Category', 'Objects', 'Size', 'Bytes'],
      [
        ...b.categories.map((c) => [c.category, `${c.objects}`, c.size, `${c.bytes}`]),
        [
          html`<strong>Total</strong>`,
          html`<strong>${b.totals.objects}</strong>`,
          html`<strong>${b.totals.size}</strong>`,
          html`<strong>${b.totals.bytes}</strong>`,
        ],
      ],
      { numeric: [1, 2, 3] },
    )}<ul>${backupFacts(b).map((fact) => html`<li>${fact}</li>`)}</ul>`,
  );
}

function rootCauseBlocks(a: Assessment): Html[] {
  return rootCauseStories(a).map(
    ({ rootCause: rc, cause, message, explains, nodes }) => html`<h3>Root cause: ${rc.title}</h3>
${cause ? html`<p>${cause.summary}</p>` : ''}
${message ? html`<details open><summary>Message quoted from the cluster</summary><pre>${message}</pre></details>` : ''}
<p><strong>Chain</strong>: ${rc.chain.join(' → ')}</p>
${rc.effects.length > 0 ? html`<p><strong>Impact</strong>:</p><ul>${rc.effects.map((e) => html`<li>${e.title}: ${e.count}</li>`)}</ul>` : ''}
${explains.length > 0 ? html`<p><strong>Explains</strong>: ${explains.join('; ')}</p>` : ''}
${
  nodes.length > 0
    ? html`<h4>Affected nodes</h4>${nodes.map(({ node, evidence }) =>
        evidence === null
          ? html`<p>Node <code>${node}</code>: see above.</p>`
          : html`<details><summary>Node <code>${node}</code>: ${plural(evidence.length, 'pod')} quoted</summary><ul>${
              evidence.length === 0
                ? html`<li>(no pod evidence on this node)</li>`
                : evidence.map((e) => html`<li>${evidenceText(e)}</li>`)
            }</ul></details>`,
      )}`
    : ''
}`,
  );
}

function failedComponents(a: Assessment): Html {
  const groups = failedComponentGroups(a);
  if (groups.length === 0) return html``;
  return html`<h3>Failed components</h3>${groups.map(
    ({ finding, reasons }) =>
      html`<h4>${finding.title}</h4>${table(
        ['Reason', 'Count', 'Where', 'Failing for', 'Root cause'],
        reasons.map((r) => [
          html`<strong>${r.reason}</strong>`,
          `${r.count}`,
          r.namespaces.join(', ') || '-',
          r.ages ? `${formatRange(r.ages.min, r.ages.max)} days` : '-',
          r.causes.join(', ') || '-',
        ]),
        { numeric: [1], nowrap: [3] },
      )}`,
  )}`;
}

function evidenceDetails(f: Finding): Html {
  if (f.evidence.length === 0) return html``;
  return html`<details><summary>Evidence (${f.evidence.length})</summary><ul>${f.evidence.map(
    (e) =>
      html`<li>${evidenceText(e)}${e.node ? html` on <code>${e.node}</code>` : ''}${e.message ? html`<pre>${e.message}</pre>` : ''}</li>`,
  )}</ul></details>`;
}

function healthSection(a: Assessment): Html {
  const headline = blockingHeadline(a);
  const ages = agesPicture(a);
  return section(
    'health',
    'Health check results',
    html`<p>${headline.critical ? html`<strong>CRITICAL FAILURES FOUND</strong>: ` : ''}${headline.text}</p>
${rootCauseBlocks(a)}
${ages ? html`<h3>Failure ages per node</h3><p>How long each failing object has been failing, grouped by node; the longest bar is the oldest failure.</p>${ages}` : ''}
${failedComponents(a)}
<h3>All findings</h3>
${table(
  ['Status', 'Check', 'Blocking', 'Scope', 'Finding', 'Nodes'],
  a.findings.map((f) => [
    findingStatusText(f),
    f.check,
    f.blocking ? 'yes' : 'no',
    f.scope,
    html`<strong>${f.title}</strong>: ${f.summary}${evidenceDetails(f)}`,
    f.nodes.join(', ') || '-',
  ]),
)}
<p>Checks run: ${a.coverage.checksRun} of ${a.coverage.checksTotal}.</p>
${coverageGaps(a).length > 0 ? html`<ul>${coverageGaps(a).map((gap) => html`<li>${gap}</li>`)}</ul>` : ''}`,
  );
}

function whySection(a: Assessment): Html {
  if (a.verdict !== 'NO-GO')
    return section(
      'why',
      whyTitle(a),
      html`<ul>${otherReasons(a).map((reason) => html`<li>${reason}</li>`)}</ul>`,
    );
  const why = noGoReasons(a);
  return section(
    'why',
    whyTitle(a),
    html`<h3>Technical blockers</h3><ol>${why.blockers.map(
      (b) =>
        html`<li><strong>${b.title}</strong>${b.detail ? prose(b.detail) : ''}${
          b.effects.length > 0 ? html`<ul>${b.effects.map((e) => html`<li>${e}</li>`)}</ul>` : ''
        }</li>`,
    )}</ol>${why.warningsCounted.length > 0 ? html`<ul>${why.warningsCounted.map((w) => html`<li>${w}</li>`)}</ul>` : ''}${why.cascades.map(
      (cascade) => html`<h3>Cascade: ${cascade.title}</h3><p>${cascade.chain.join(' → ')}</p>`,
    )}${why.longTerm.length > 0 ? html`<h3>Long-term degradation</h3><ul>${why.longTerm.map((t) => html`<li>${t}</li>`)}</ul>` : ''}<h3>Upgrade risk</h3><ul>${why.risk.map((t) => html`<li>${t}</li>`)}</ul>`,
  );
}

function factorTable(option: OptionScore): Html {
  return table(
    ['Factor (model row)', 'Hours', 'Success'],
    [
      ...factorRows(option).map((row) => [
        row.id ? html`${row.label} (<code>${row.id}</code>)` : row.label,
        row.hours,
        row.success,
      ]),
      [
        html`<strong>Total</strong>`,
        html`<strong>${hoursText(option)}</strong>`,
        html`<strong>${successText(option)}</strong>`,
      ],
    ],
    { numeric: [1, 2] },
  );
}

function timelineSection(a: Assessment): Html {
  const scale = timelineScale(a);
  return section(
    'timeline',
    'Timeline per option',
    (['A', 'C'] as const).map(
      (key) =>
        html`<h3>${optionLabel(a, key)}</h3>${timelinePicture(a.options[key], key, scale)}<details><summary>Factor table</summary>${factorTable(a.options[key])}</details><p>Risk: <strong>${a.options[key].risk}</strong>.</p>`,
    ),
  );
}

function comparisonSection(a: Assessment): Html {
  return section(
    'comparison',
    'Options comparison',
    html`${optionsPicture(a)}${table(
      ['Aspect', 'Option A (in-place)', 'Option C (fresh install)'],
      comparisonRows(a).map(([aspect, A, C]) => [html`<strong>${aspect}</strong>`, A, C]),
    )}`,
  );
}

function planSection(a: Assessment): Html {
  return section(
    'plan',
    'Recommended action plan',
    html`<ol>${planItems(a).map(
      (item) =>
        html`<li><strong>${item.lead}</strong>${prose(item.rest)}${
          item.sub.length > 0 ? html`<ul>${item.sub.map((sub) => html`<li>${prose(sub)}</li>`)}</ul>` : ''
        }</li>`,
    )}</ol>`,
  );
}

function nextSteps(a: Assessment): Html {
  return section(
    'next',
    'Next steps',
    html`<ol>${nextStepItems(a).map((item) => html`<li>${prose(item)}</li>`)}</ol>`,
  );
}

function cascadeSection(a: Assessment): Html {
  if (a.rootCauses.length === 0) return html``;
  return section(
    'cascade',
    'Cascade',
    html`<p>Each root cause, the nodes it is on, and what fails downstream of it with the number of objects at each stage.</p>${a.rootCauses.map(
      (rc) => html`<h3>${rc.title}</h3>${cascadePicture(rc)}`,
    )}`,
  );
}

function footer(a: Assessment): Html {
  return html`<footer><p>${prose(footerText(a))}</p>${a.notes.length > 0 ? html`<ul>${a.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}</footer>`;
}

/** The whole report as one HTML document. */
export function renderHtml(a: Assessment): string {
  const body = [
    header(a),
    executiveSummary(a),
    a.sinceLast ? sinceLastSection(a.sinceLast) : html``,
    versionSection(a),
    breakingSection(a),
    backupSection(a),
    healthSection(a),
    whySection(a),
    timelineSection(a),
    comparisonSection(a),
    planSection(a),
    nextSteps(a),
    cascadeSection(a),
    footer(a),
  ];
  return `${html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>CozyStack upgrade assessment: ${a.verdict}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`}\n`;
}
