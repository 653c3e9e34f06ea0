import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import type { Assessment } from '../../src/model/assessment.js';
import { diffAssessments } from '../../src/report/diff.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { finding, parts, pod, referencePath, seedLikeParts, verifiedBackup } from '../decide/inputs.js';
import { untracedNumbers, visibleText } from './numbers.js';

function cases(): Assessment[] {
  return [
    seedLikeParts(),
    parts(),
    parts({ version: referencePath(), backup: null }),
    parts({ findings: [finding({ check: 'kube-ovn', status: 'unknown', unknownReason: 'pods forbidden' })] }),
    parts({
      findings: [finding({ check: 'webhooks-apiservices' })],
      backup: { ...verifiedBackup(), verified: false },
    }),
    parts({
      findings: [
        finding({ check: 'restarts', status: 'warn', blocking: false, title: 'Pods restarting often' }),
      ],
      failOn: 'warn',
    }),
  ].map((p) => buildAssessment(p));
}

/** The assessment of a repair: the seed-like incident before, a clean cluster after, compared. */
function repaired(): Assessment {
  const before = buildAssessment(seedLikeParts());
  const after = buildAssessment(parts({ version: referencePath(), generatedAt: '2025-11-03T10:00:00.000Z' }));
  return { ...after, sinceLast: diffAssessments(before, after, { old: 'old.json', new: 'new.json' }) };
}

const headings = (markdown: string) => [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
const htmlHeadings = (html: string) => [...html.matchAll(/<h2>(.*?)<\/h2>/g)].map((m) => m[1]);

const HOSTILE = [
  '</details><script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '```\n</pre><svg onload=alert(3)>',
  '" onmouseover="alert(4)',
  '</style><style>body{display:none}</style>',
  '</text></svg><iframe src="http://evil.example/">',
];

/** An assessment whose every text field that comes from the cluster holds markup. */
function hostileAssessment(): Assessment {
  const [h0, h1, h2, h3, h4, h5] = HOSTILE as [string, string, string, string, string, string];
  const base = buildAssessment(
    seedLikeParts({
      findings: [
        finding({
          check: 'kube-ovn',
          id: 'kube-ovn',
          title: `Daemon ${h0}`,
          summary: `Summary ${h1}`,
          nodes: [h4],
          evidence: [
            pod(h2, h3, h4, { reason: h5, ageDays: 3, message: h0 }),
            { kind: 'event', node: h4, reason: 'FailedCreatePodSandBox', message: h2, count: 5 },
          ],
          counts: { [h5]: 1 },
        }),
      ],
      rootCauses: [
        {
          id: 'rc',
          title: `Cause ${h1}`,
          finding: 'kube-ovn',
          nodes: [h4],
          chain: [h0, h3],
          effects: [{ title: h3, count: 1, findings: ['kube-ovn'], objects: [`${h2}/Pod/${h3}`] }],
        },
      ],
      backup: { ...verifiedBackup(), path: h0 },
      notes: [h1],
    }),
  );
  return { ...base, cluster: { ...base.cluster, context: h3 }, reasons: [h2, ...base.reasons] };
}

describe('HTML go/no-go report', () => {
  it('has the sections of the Markdown report, in the same order', () => {
    for (const a of [...cases(), repaired()])
      assert.deepEqual(htmlHeadings(renderHtml(a)), headings(renderMarkdown(a)), a.verdict);
  });

  it('prints no number the assessment JSON does not hold (pictures included)', () => {
    for (const a of [...cases(), repaired()]) {
      const html = renderHtml(a);
      assert.ok(html.includes('<svg'), 'has pictures');
      assert.deepEqual(untracedNumbers(visibleText(html), a), [], a.verdict);
    }
  });

  it('the number check sees a number in a picture', () => {
    const a = buildAssessment(seedLikeParts());
    const html = renderHtml(a).replace('</svg>', '<text>987654 h</text></svg>');
    assert.deepEqual(untracedNumbers(visibleText(html), a), ['987654']);
  });

  it('draws the cascade per root cause, both options, a timeline per option and failure ages per node', () => {
    const a = buildAssessment(seedLikeParts());
    const html = renderHtml(a);
    const labels = [...html.matchAll(/<svg [^>]*aria-label="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(labels, [
      'Failure ages per node',
      'Factor timeline of Option A',
      'Factor timeline of Option C',
      'Option A and Option C: hours and success probability',
      'Cascade: Kube-OVN daemon socket missing',
    ]);
    const ages = html.slice(html.indexOf('aria-label="Failure ages per node"'));
    assert.ok(ages.indexOf('Node mgr-cozy2') < ages.indexOf('Node mgr.cp.if.ua'), 'oldest failure first');
    assert.match(ages, /cozy-kubeovn\/kube-ovn-cni-klmno \(Unknown\).*203 days/);
    const cascade = html.slice(html.indexOf('aria-label="Cascade:'));
    assert.match(cascade, /• mgr\.cp\.if\.ua/);
    assert.match(cascade, /image pulls time out<\/tspan><tspan[^>]*>objects: 9/);
    const options = html.slice(html.indexOf('aria-label="Option A and Option C'));
    assert.match(options, /very high risk/);
    assert.match(options, /class="strong risk-low"[^>]*>low risk/);
  });

  it('says the verdict in words in a coloured banner, and recommends in words', () => {
    const html = renderHtml(buildAssessment(seedLikeParts()));
    assert.match(
      html,
      /<div class="banner no-go" role="status"><div class="status">⛔ NO-GO: CRITICAL ISSUES PREVENT UPGRADE<\/div>/,
    );
    assert.match(html, /Recommendation: STOP THE IN-PLACE UPGRADE; PROCEED WITH OPTION C/);
    const go = renderHtml(buildAssessment(parts({ version: referencePath() })));
    assert.match(go, /<div class="banner go" role="status"><div class="status">✅ GO: UPGRADE IN PLACE/);
  });

  it('is self-contained: no script, nothing fetched, a policy that forbids both', () => {
    const html = renderHtml(repaired());
    assert.ok(!/<script|<link|<img|<iframe|@import|src=|href=|https?:/i.test(html));
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'/);
    assert.match(renderHtml(buildAssessment(seedLikeParts())), /<details><summary>Evidence \(4\)<\/summary>/);
  });

  it('escapes every text from the cluster: hostile names, messages and paths stay text', () => {
    const a = hostileAssessment();
    const html = renderHtml(a);
    for (const tag of ['script', 'img', 'iframe', 'svg onload', 'style><style'])
      assert.ok(!html.toLowerCase().includes(`<${tag}`), `raw <${tag} in the page`);
    // No tag carries an event handler once its (quoted, escaped) attribute values are set aside.
    for (const tag of html.match(/<[^>]*>/g) ?? [])
      assert.ok(!/\son\w+\s*=/i.test(tag.replace(/"[^"]*"/g, '""')), tag);
    // Structure is intact: every <details> closes once, and the text reads back as written.
    assert.equal(html.match(/<details/g)?.length, html.match(/<\/details>/g)?.length);
    assert.equal(html.match(/<style>/g)?.length, 1);
    const text = visibleText(html);
    for (const hostile of HOSTILE) assert.ok(text.includes(hostile.split('\n')[0]!), hostile);
  });
});
