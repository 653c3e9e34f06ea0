// Cluster text cannot inject into the Markdown report (issue 12). Hostile strings are planted where the
// cluster writes text (event and container messages, reasons, summaries, node and object names, notes), the
// report is rendered, and then rendered again to HTML by a GitHub-flavoured Markdown renderer (marked, GFM
// mode, as a reader's viewer would): no planted tag, heading, link or mailto may appear as markup, and every
// planted string must still be readable as text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { marked } from 'marked';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import type { Assessment } from '../../src/model/assessment.js';
import type { Finding } from '../../src/model/finding.js';
import { mdCode, mdFenced, mdText } from '../../src/report/markdown-text.js';
import { diffAssessments } from '../../src/report/diff.js';
import { renderDiffMarkdown } from '../../src/report/diff-render.js';
import { renderMarkdown, renderJobSummary } from '../../src/report/markdown.js';
import { finding, pod, seedLikeParts } from '../decide/inputs.js';

const HOSTILE = [
  '```\n# PWNED heading\n<img src=x onerror=alert(1)>\n```',
  '</details><script>alert(2)</script>',
  '[click](https://evil.example/)',
  'chart cozy-cilium@0.28.0 failed',
  '| broken | table |',
  '**bold** _under_ ~~strike~~ `code`',
  '<!-- comment --> &lt;entity&gt; &amp;',
  '\\`escaped backslash\\`',
];
const PAYLOAD = HOSTILE.join(' ');

function hostileFinding(): Finding {
  return finding({
    check: 'pod-failures',
    id: 'pod-failures:hostile',
    title: `Hostile ${HOSTILE[1]}`,
    summary: PAYLOAD,
    nodes: ['node-1'],
    objects: ['cozy-system/pod/evil'],
    evidence: [
      pod('cozy-system', 'evil', 'node-1', { reason: HOSTILE[2], message: PAYLOAD, count: 40, ageDays: 3 }),
    ],
    counts: { [HOSTILE[2]!]: 1 },
  });
}

function hostileAssessment(): Assessment {
  const base = seedLikeParts();
  const findings = [hostileFinding(), ...base.findings];
  // The root cause's own finding quotes the message too: it is printed in a fenced block.
  const cause = findings.find((f) => f.id === base.rootCauses[0]?.finding);
  if (cause)
    cause.evidence.push({ kind: 'event', reason: 'FailedCreatePodSandBox', message: PAYLOAD, count: 999 });
  return buildAssessment({ ...base, findings, notes: [...base.notes, PAYLOAD] });
}

/** HTML a GitHub-flavoured viewer makes of the report. */
function html(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false });
}

describe('Markdown report: cluster text stays text', () => {
  const assessment = hostileAssessment();
  const markdown = renderMarkdown(assessment);
  const rendered = html(markdown);

  it('renders no planted tag, heading, link or mailto', () => {
    assert.doesNotMatch(rendered, /<img|<script|<\/details>|<!-- comment/i);
    assert.doesNotMatch(rendered, /<h\d[^>]*>[^<]*PWNED/);
    // A link whose visible text hides its target; a bare URL shown as itself may be linked by the viewer.
    assert.doesNotMatch(rendered, />click<\/a>|mailto:/);
    assert.doesNotMatch(rendered, /<strong>bold<\/strong>|<em>under<\/em>|<del>strike<\/del>/);
  });

  it('keeps every planted string readable as text', () => {
    assert.match(rendered, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(rendered, /&lt;\/details&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
    assert.match(rendered, /cozy-cilium@0\.28\.0/);
    assert.match(rendered, /\[click\]\(/);
  });

  it('keeps the report structure: the same headings as a report without the planted text', () => {
    const headings = (text: string) => [...text.matchAll(/<h(\d)[^>]*>/g)].length;
    const clean = html(renderMarkdown(buildAssessment(seedLikeParts())));
    assert.equal(headings(rendered), headings(clean));
  });

  it('keeps the All findings table one row per finding even with pipes in the text', () => {
    const rows = rendered.slice(rendered.indexOf('All findings')).split('</table>')[0]!.match(/<tr>/g) ?? [];
    assert.equal(rows.length, assessment.findings.length + 1);
  });

  it('escapes the job summary the same way', () => {
    const summary = html(renderJobSummary(assessment));
    assert.doesNotMatch(summary, /<img|<script|mailto:/);
  });

  it('escapes the diff (and the report section "Since the last assessment") the same way', () => {
    const before = buildAssessment(seedLikeParts());
    const diff = html(
      renderDiffMarkdown(diffAssessments(before, assessment, { old: 'old.json', new: 'new.json' })),
    );
    assert.match(diff, /Hostile &lt;\/details&gt;/);
    assert.doesNotMatch(diff, /<img|<script|<\/details>|mailto:/);
  });
});

describe('markdown-text helpers', () => {
  it('fences a block longer than any backtick run inside it', () => {
    const block = mdFenced('a\n````\nb');
    assert.equal(block[0], '`````');
    assert.equal(block.at(-1), '`````');
    assert.match(html(block.join('\n')), /<pre><code>a\n````\nb\n<\/code><\/pre>/);
  });

  it('makes a code span that holds backticks, on one line', () => {
    assert.equal(mdCode('a`b'), '``a`b``');
    assert.equal(mdCode('`x`'), '`` `x` ``');
    assert.equal(mdCode('a\nb'), '`a b`');
  });

  it('puts inline text on one line with its syntax escaped', () => {
    assert.equal(mdText('a\n# b'), 'a \\# b');
    assert.equal(mdText('x@y.z'), 'x\\@y.z');
  });
});
