import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { BadInputError } from '../../src/errors.js';
import type { Assessment } from '../../src/model/assessment.js';
import { AssessmentDiffSchema } from '../../src/model/diff.js';
import { diffAssessments, judgeSameCluster } from '../../src/report/diff.js';
import {
  diffJsonSchema,
  renderDiffJson,
  renderDiffMarkdown,
  renderDiffTable,
} from '../../src/report/diff-render.js';
import { parseAssessment, renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { finding, parts, referencePath, seedLikeParts, verifiedBackup } from '../decide/inputs.js';
import { untracedNumbers } from './numbers.js';
import { repoPath } from '../support/repo.js';

const FILES = { old: 'before.json', new: 'after.json' };
const NODES = ['mgr-cozy2', 'mgr-cozy3', 'mgr.cp.if.ua', 'wrk-cozy1'];

function withCluster(a: Assessment, cluster: Partial<Assessment['cluster']>): Assessment {
  return { ...a, cluster: { ...a.cluster, ...cluster } };
}

/** The seed-like incident, then the same cluster ten days later with the network repaired. */
function repairScenario(): { before: Assessment; after: Assessment } {
  const before = withCluster(buildAssessment(seedLikeParts({ backup: null })), { nodeNames: NODES });
  const headroom = finding({
    check: 'resource-headroom',
    id: 'resource-headroom:nodes',
    status: 'warn',
    blocking: false,
    title: 'Nodes without headroom',
    nodes: ['mgr-cozy3'],
  });
  const after = withCluster(
    buildAssessment(
      parts({
        version: referencePath(),
        generatedAt: '2025-11-03T10:05:00.000Z',
        now: '2025-11-03T10:00:00.000Z',
        findings: [
          headroom,
          finding({ check: 'cni-agent', status: 'warn', blocking: false, title: 'Cilium agent restarting' }),
        ],
      }),
    ),
    { nodeNames: NODES },
  );
  return { before, after };
}

describe('diff of two assessments', () => {
  it('a repair: verdict, recommendation, findings fixed / new / still failing, root causes, options, backup', () => {
    const { before, after } = repairScenario();
    const d = diffAssessments(before, after, FILES);
    assert.deepEqual(d.verdict, { old: 'NO-GO', new: 'GO', changed: true });
    assert.deepEqual(d.recommendation, { old: 'C', new: 'A', changed: true });
    assert.deepEqual(d.cluster.same, 'yes');
    assert.deepEqual(
      d.findings.fixed.map((f) => f.id),
      ['kube-ovn', 'pod-failures', 'image-pull-cause'],
    );
    assert.deepEqual(
      d.findings.new.map((f) => f.id),
      ['resource-headroom:nodes'],
    );
    const still = d.findings.stillFailing;
    assert.deepEqual(
      still.map((f) => [f.id, f.old?.status, f.new?.status, f.changed]),
      [['cni-agent', 'fail', 'warn', true]],
    );
    assert.deepEqual(
      d.rootCauses.resolved.map((rc) => [rc.id, rc.old?.nodes, rc.new]),
      [['kube-ovn-daemon', ['mgr.cp.if.ua', 'mgr-cozy2'], null]],
    );
    assert.equal(d.options.A.hoursMin.old, before.options.A.hoursMin);
    assert.equal(d.options.A.hoursMin.new, after.options.A.hoursMin);
    assert.equal(d.options.A.risk.changed, before.options.A.risk !== after.options.A.risk);
    assert.deepEqual(d.backup.old, null);
    assert.equal(d.backup.new?.path, 'cozy-backup/20251024-1931');
    assert.equal(d.version.path.changed, false);
    assert.equal(AssessmentDiffSchema.parse(d).schemaVersion, 1);
  });

  it('a finding whose check did not run again is "not checked", never "fixed"', () => {
    const { before, after } = repairScenario();
    const d = diffAssessments(
      before,
      { ...after, checks: after.checks.filter((c) => c.id !== 'kube-ovn') },
      FILES,
    );
    assert.deepEqual(
      d.findings.notChecked.map((f) => f.id),
      ['kube-ovn'],
    );
    assert.ok(!d.findings.fixed.some((f) => f.id === 'kube-ovn'));
  });

  it('a suppression is a change of a still-failing finding', () => {
    const a = buildAssessment(
      parts({ findings: [finding({ check: 'restarts', status: 'warn', blocking: false })] }),
    );
    const b = buildAssessment(
      parts({
        findings: [
          finding({ check: 'restarts', status: 'warn', blocking: false, suppressed: { reason: 'known' } }),
        ],
      }),
    );
    const [change] = diffAssessments(a, b, FILES).findings.stillFailing;
    assert.deepEqual(
      [change?.old?.suppressed, change?.new?.suppressed, change?.changed],
      [false, true, true],
    );
  });
});

describe('same cluster, judged on the documents', () => {
  const base = buildAssessment(parts());

  it('the API server decides between live runs; the context name is not evidence', () => {
    const live = (server: string, context: string) =>
      withCluster(base, { source: 'live', server, context, snapshot: null });
    assert.equal(
      judgeSameCluster(live('https://10.0.0.1:6443', 'a'), live('https://10.0.0.1:6443', 'b')).same,
      'yes',
    );
    assert.equal(
      judgeSameCluster(live('https://10.0.0.1:6443', 'a'), live('https://10.9.9.9:6443', 'a')).same,
      'no',
    );
  });

  it('node names: a shared name confirms, two complete lists without one contradict', () => {
    const nodes = (names: string[]) => withCluster(base, { nodeNames: names, snapshot: `snap-${names[0]}` });
    assert.equal(judgeSameCluster(nodes(['a', 'b']), nodes(['b', 'c'])).same, 'yes');
    const judged = judgeSameCluster(nodes(['a', 'b']), nodes(['c', 'd']));
    assert.equal(judged.same, 'no');
    assert.deepEqual(judged.evidence.find((e) => e.agrees === false)?.field, 'cluster.nodeNames');
  });

  it('older documents without a node list: the nodes findings name can confirm, never contradict', () => {
    const named = (node: string, snapshot: string) =>
      buildAssessment(
        parts({
          cluster: { ...parts().cluster, snapshot },
          findings: [finding({ check: 'x', nodes: [node] })],
        }),
      );
    assert.equal(judgeSameCluster(named('a', 's1'), named('a', 's2')).same, 'yes');
    assert.equal(judgeSameCluster(named('a', 's1'), named('b', 's2')).same, 'unconfirmed');
    assert.equal(judgeSameCluster(named('a', 's1'), named('b', 's1')).same, 'yes');
  });

  it('different clusters are bad input naming both files and the evidence, unless forced', () => {
    const a = withCluster(base, { nodeNames: ['a'] });
    const b = withCluster(base, { nodeNames: ['z'], snapshot: 'other' });
    assert.throws(
      () => diffAssessments(a, b, FILES),
      (error: unknown) =>
        error instanceof BadInputError &&
        error.field === 'cluster.nodeNames' &&
        /^before\.json and after\.json are assessments of different clusters: cluster\.nodeNames: a vs z/.test(
          error.message,
        ),
    );
    const forced = diffAssessments(a, b, FILES, true);
    assert.deepEqual([forced.cluster.same, forced.cluster.forced], ['no', true]);
  });
});

describe('diff output', () => {
  it('the committed JSON Schema is what the zod schema produces now (run `npm run schema` after a change)', () => {
    const committed = readFileSync(repoPath('schema', 'diff.schema.json'), 'utf8');
    assert.equal(committed, diffJsonSchema());
    const schema = JSON.parse(committed);
    for (const field of [
      'verdict',
      'recommendation',
      'cluster',
      'findings',
      'rootCauses',
      'version',
      'options',
      'backup',
    ])
      assert.ok(schema.required.includes(field), field);
  });

  it('JSON round-trips through the schema; Markdown and the table print only numbers the diff holds', () => {
    const { before, after } = repairScenario();
    const d = diffAssessments(before, after, FILES);
    assert.deepEqual(AssessmentDiffSchema.parse(JSON.parse(renderDiffJson(d))), d);
    const markdown = renderDiffMarkdown(d);
    assert.match(markdown, /^# CozyStack assessment diff: NO-GO → GO\n/);
    assert.match(markdown, /\| \*\*Verdict\*\* \| NO-GO \| \*\*GO\*\* \|/);
    assert.match(markdown, /\| \*\*Minor versions behind\*\* \| 9 \| 9 \(unchanged\) \|/);
    assert.match(markdown, /## Findings: 3 fixed, 1 new, 1 still failing/);
    assert.match(
      markdown,
      /\| ⚠️ still failing \| Cilium agent restarting \(`cni-agent`\) \| cni-agent \| fail \(blocking\) \| warn \|/,
    );
    assert.match(
      markdown,
      /- ✅ resolved: Kube-OVN daemon socket missing \(was on mgr\.cp\.if\.ua, mgr-cozy2\)/,
    );
    assert.deepEqual(untracedNumbers(markdown, d), []);
    const table = renderDiffTable(d, new Chalk({ level: 0 }));
    assert.match(table, /^Assessment diff: NO-GO → GO\n/);
    assert.match(table, /Verdict {16}NO-GO → GO/);
    assert.match(table, /Findings: 3 fixed · 1 new · 1 still failing/);
    assert.match(table, /\n {2}new {11}resource-headroom:nodes {2}pass → warn {13}Nodes without headroom\n/);
    assert.deepEqual(untracedNumbers(table, d), []);
  });

  it('the report of `assess --previous` has a "Since the last assessment" section, kept in the JSON', () => {
    const { before, after } = repairScenario();
    const withPrevious = { ...after, sinceLast: diffAssessments(before, after, FILES) };
    const markdown = renderMarkdown(withPrevious);
    const since = markdown.indexOf('## Since the last assessment\n');
    assert.ok(since > markdown.indexOf('## Executive summary') && since < markdown.indexOf('## Version gap'));
    assert.match(
      markdown,
      /Compared with the assessment of 2025-10-24T19:45:00\.000Z .*Same cluster \(cluster\.nodeNames: shared nodes/,
    );
    assert.deepEqual(untracedNumbers(markdown, withPrevious), []);
    assert.deepEqual(parseAssessment(renderJson(withPrevious), 'a.json'), withPrevious);
    assert.ok(!renderMarkdown(after).includes('Since the last assessment'));
  });

  it('an unconfirmed cluster says so; a forced one says the clusters differ', () => {
    const a = buildAssessment(parts({ backup: verifiedBackup() }));
    const b = withCluster(a, { snapshot: 'elsewhere' });
    assert.match(renderDiffMarkdown(diffAssessments(a, b, FILES)), /Same cluster not confirmed/);
    const forced = diffAssessments(
      withCluster(a, { nodeNames: ['a'] }),
      withCluster(a, { nodeNames: ['b'] }),
      FILES,
      true,
    );
    assert.match(renderDiffMarkdown(forced), /DIFFERENT clusters, compared with --force/);
  });
});
