import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { renderMarkdown, renderJobSummary } from '../../src/report/markdown.js';
import { finding, parts, referencePath, seedLikeParts, verifiedBackup } from '../decide/inputs.js';
import { untracedNumbers } from './numbers.js';

const SECTIONS = [
  '## Executive summary',
  '## Version gap and path',
  '## Breaking changes',
  '## Backup',
  '## Health check results',
  '## Why the upgrade',
  '## Timeline per option',
  '## Options comparison',
  '## Recommended action plan',
  '## Next steps',
];

function sectionOf(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `missing section ${heading}`);
  const next = markdown.indexOf('\n## ', start + heading.length);
  return markdown.slice(start, next < 0 ? undefined : next);
}

describe('Markdown go/no-go report', () => {
  it('has the reference sections in order, the status in the title and a Mermaid cascade', () => {
    const markdown = renderMarkdown(buildAssessment(seedLikeParts()));
    assert.match(markdown, /^# CozyStack upgrade assessment: NO-GO\n/);
    let at = 0;
    for (const heading of SECTIONS) {
      const found = markdown.indexOf(heading, at);
      assert.ok(found > at, `${heading} missing or out of order`);
      at = found;
    }
    const mermaid = sectionOf(markdown, '## Cascade');
    assert.match(mermaid, /```mermaid\nflowchart LR\n/);
    assert.match(mermaid, /Kube-OVN daemon missing on mgr\.cp\.if\.ua, mgr-cozy2/);
    assert.match(mermaid, /image pulls time out: 9/);
  });

  it('fills each section from the assessment', () => {
    const assessment = buildAssessment(seedLikeParts());
    const markdown = renderMarkdown(assessment);
    const summary = sectionOf(markdown, '## Executive summary');
    assert.match(summary, /PROCEED WITH OPTION C/);
    for (const [i, reason] of assessment.reasons.entries())
      assert.ok(summary.includes(`${i + 1}. ${reason}`), reason);
    const version = sectionOf(markdown, '## Version gap and path');
    assert.match(version, /Current: v0\.28\.0-54-g22cf18ff \(219 days old\)/);
    assert.match(version, /Gap: 9 minor versions/);
    assert.match(version, /Path: 7 incremental steps/);
    assert.match(sectionOf(markdown, '## Breaking changes'), /not used: \*\*FerretDB v1→v2\*\*/);
    const backup = sectionOf(markdown, '## Backup');
    assert.match(backup, /\| ConfigMaps \| 900 \| 3\.7M \| 3879731 \|/);
    assert.match(backup, /Checksums verified: ✅ yes/);
    const health = sectionOf(markdown, '## Health check results');
    assert.match(
      health,
      /Node `mgr\.cp\.if\.ua`:\n- cozy-kubeovn\/kube-ovn-cni-abcde: Error \(3034 restarts, 179 days\)/,
    );
    assert.match(health, /dial unix \/run\/openvswitch\/kube-ovn-daemon\.sock/);
    assert.match(
      health,
      /\*\*ImagePullBackOff\*\* \(9\) in cozy-system, for 8 days; root: Kube-OVN daemon socket missing/,
    );
    const comparison = sectionOf(markdown, '## Options comparison');
    const { A, C } = assessment.options;
    assert.ok(
      comparison.includes(
        `| **Time required** | ${A.hoursMin}–${A.hoursMax} h | ${C.hoursMin}–${C.hoursMax} h |`,
      ),
    );
    assert.match(comparison, /\| \*\*Risk level\*\* \| Very high \| Low \|/);
    assert.match(comparison, /\| \*\*Recommendation\*\* \| ABORT \| PROCEED \|/);
    assert.match(sectionOf(markdown, '## Why the upgrade cannot proceed'), /### Long-term degradation/);
    assert.match(sectionOf(markdown, '## Recommended action plan'), /Fresh install\*\* of v0\.37\.2/);
  });

  it('prints no number the assessment JSON does not hold', () => {
    const cases = [
      seedLikeParts(),
      parts(),
      parts({ version: referencePath(), backup: null }),
      parts({
        findings: [finding({ check: 'kube-ovn', status: 'unknown', unknownReason: 'pods forbidden' })],
      }),
      parts({
        findings: [finding({ check: 'webhooks-apiservices' })],
        backup: { ...verifiedBackup(), verified: false },
      }),
    ];
    for (const input of cases) {
      const assessment = buildAssessment(input);
      assert.deepEqual(untracedNumbers(renderMarkdown(assessment), assessment), [], assessment.verdict);
    }
  });

  it('the number check catches a number that is not in the JSON', () => {
    const assessment = buildAssessment(parts());
    assert.deepEqual(untracedNumbers(`${renderMarkdown(assessment)}\nTotal: 987654 h\n`, assessment), [
      '987654',
    ]);
  });

  it('GO says why the upgrade can proceed and plans the steps', () => {
    const markdown = renderMarkdown(buildAssessment(parts({ version: referencePath() })));
    assert.match(markdown, /^# CozyStack upgrade assessment: GO\n/);
    assert.match(markdown, /## Why the upgrade can proceed\n\n- No blocking finding on the platform\./);
    assert.match(sectionOf(markdown, '## Recommended action plan'), /- v0\.35\.0 → v0\.37\.2: apply/);
    assert.ok(!markdown.includes('```mermaid'), 'no cascade without root causes');
  });

  it("names the path strategy and the other strategy's step count; the plan says how it upgrades", () => {
    const conservative = renderMarkdown(
      buildAssessment(
        parts({
          version: {
            ...referencePath(),
            strategy: 'conservative',
            stepCounts: { conservative: 7, shortest: 1 },
          },
        }),
      ),
    );
    assert.match(
      sectionOf(conservative, '## Version gap and path'),
      /Path: 7 incremental steps required \(strategy conservative \(the newest patch of every minor line\); shortest: 1 step\)/,
    );
    assert.match(sectionOf(conservative, '## Recommended action plan'), /Upgrade one release line at a time/);
    const one = referencePath();
    const shortest = renderMarkdown(
      buildAssessment(
        parts({
          version: {
            ...one,
            steps: [{ ...one.steps.at(-1)!, from: one.steps[0]!.from }],
            strategy: 'shortest',
            stepCounts: { conservative: 7, shortest: 1 },
          },
        }),
      ),
    );
    assert.match(
      sectionOf(shortest, '## Version gap and path'),
      /Path: 1 incremental step required \(strategy shortest \(only the stops upstream requires\); conservative: 7 steps\)/,
    );
    assert.match(
      sectionOf(shortest, '## Recommended action plan'),
      /Upgrade in the fewest steps upstream supports/,
    );
    // A document from before strategies reads as it did.
    assert.match(
      renderMarkdown(buildAssessment(parts({ version: referencePath() }))),
      /Path: 7 incremental steps required\n/,
    );
  });

  it('INCOMPLETE says what is missing, and the summary for CI holds status, reasons and options', () => {
    const assessment = buildAssessment(
      parts({
        findings: [finding({ check: 'kube-ovn', status: 'unknown', unknownReason: 'pods forbidden' })],
      }),
    );
    const markdown = renderMarkdown(assessment);
    assert.match(sectionOf(markdown, '## Why no decision can be made yet'), /- kube-ovn: pods forbidden/);
    const summary = renderJobSummary(assessment);
    assert.match(summary, /^# CozyStack upgrade assessment: INCOMPLETE/);
    assert.match(summary, /## Options comparison/);
    assert.ok(!summary.includes('## Health check results'));
  });

  it('renders the same assessment identically', () => {
    const assessment = buildAssessment(seedLikeParts());
    assert.equal(renderMarkdown(assessment), renderMarkdown(JSON.parse(JSON.stringify(assessment))));
  });
});

describe('action plan when repairing first', () => {
  it('a backup that failed verification asks for a new one; --fail-on warn lists the warnings to fix', () => {
    const failed = renderMarkdown(
      buildAssessment(parts({ backup: { ...verifiedBackup(), verified: false } })),
    );
    assert.match(failed, /1\. \*\*Repair first\*\* \(no usable backup yet\):\n {3}- Take a new backup/);
    const warn = finding({
      check: 'restarts',
      status: 'warn',
      blocking: false,
      title: 'Pods restarting often',
    });
    const strict = renderMarkdown(buildAssessment(parts({ findings: [warn], failOn: 'warn' })));
    assert.match(strict, /- Fix or suppress \(with a reason and a date\) the warning: Pods restarting often/);
  });
});
