// The scenario fixtures of cluster states an expert judged by hand (fixtures/<name>.expected.json with a
// `class`): `check` and `assess` run on each (in process, through main()), and must reach the expert's conclusion: verdict,
// exit codes, recommendation, root causes (and the ones to reject), which findings block, warn, say unknown
// or must not appear.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Judgement } from '../../scripts/fixtures/expectation.js';
import { type Assessment, AssessmentSchema } from '../../src/model/assessment.js';
import type { Finding, RootCause } from '../../src/model/finding.js';
import { fixture, REPO_ROOT, runCli } from '../support/cli.js';

const judged = readdirSync(join(REPO_ROOT, 'fixtures'))
  .filter((file) => file.endsWith('.expected.json'))
  .map((file) => ({
    name: file.slice(0, -'.expected.json'.length),
    expected: JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures', file), 'utf8')) as Judgement & {
      class?: string;
    },
  }))
  .filter((f) => f.expected.class !== undefined);

/** A value planted in the v1 fixtures' Helm release records: it must never be printed. */
const PLANTED = 'cozy-test-helm-value-7c1e';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cozy-judgement-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  assessment: Assessment;
  assessCode: number;
  checkCode: number;
  checkFindings: Finding[];
  printed: string;
}

async function judge(name: string, target: string): Promise<Outcome> {
  const report = join(dir, `${name}.md`);
  const assessed = await runCli([
    '--snapshot',
    fixture(name),
    '-q',
    'assess',
    '--target',
    target,
    '--no-backup',
    '--report',
    report,
    '-o',
    'json',
  ]);
  const checked = await runCli(['--snapshot', fixture(name), '-q', 'check', '-o', 'json']);
  const markdown = await readFile(report, 'utf8');
  return {
    assessment: AssessmentSchema.parse(JSON.parse(assessed.stdout)),
    assessCode: assessed.code,
    checkCode: checked.code,
    checkFindings: (JSON.parse(checked.stdout) as { findings: Finding[] }).findings,
    printed: [assessed.stdout, assessed.stderr, checked.stdout, checked.stderr, markdown].join('\n'),
  };
}

const describeFinding = (f: Finding | undefined) =>
  f ? `${f.id}: ${f.status}${f.blocking ? ' blocking' : ''}` : 'absent';

function assertRootCause(causes: RootCause[], expected: Judgement['rootCauses'][number]): void {
  const rc = causes.find((c) => c.id === expected.id);
  assert.ok(rc, `no root cause ${expected.id}; got ${causes.map((c) => c.id).join(', ') || 'none'}`);
  assert.deepEqual([...rc.nodes].sort(), [...expected.nodes].sort(), `${rc.id} nodes`);
  assert.ok(rc.title.includes(expected.title), `${rc.id} title "${rc.title}" lacks "${expected.title}"`);
  const chain = rc.chain.join(' → ');
  let from = 0;
  for (const stage of expected.chain) {
    const at = chain.indexOf(stage, from);
    assert.ok(at >= 0, `${rc.id} chain "${chain}" lacks "${stage}" (in order)`);
    from = at + stage.length;
  }
}

function assertFindings(findings: Finding[], expected: Judgement): void {
  const byId = (id: string) => findings.find((f) => f.id === id);
  for (const id of expected.blocking) {
    const f = byId(id);
    assert.ok(f?.status === 'fail' && f.blocking, `${id} must block; it is ${describeFinding(f)}`);
  }
  for (const id of expected.nonBlocking) {
    const f = byId(id);
    assert.ok(
      f && f.status !== 'pass' && !f.blocking,
      `${id} must be reported without blocking; it is ${describeFinding(f)}`,
    );
  }
  for (const id of expected.absent) {
    const f = byId(id);
    assert.ok(
      !f || f.status === 'pass' || f.status === 'unknown',
      `${id} must not be reported; it is ${describeFinding(f)}`,
    );
  }
  for (const id of expected.unknown) {
    const f = byId(id);
    assert.ok(
      f?.status === 'unknown' && f.blocking,
      `${id} must be a blocking unknown; it is ${describeFinding(f)}`,
    );
  }
}

describe('scenario fixtures reach the expert judgement', () => {
  for (const { name, expected } of judged) {
    it(`${name}: ${expected.verdict}, Option ${expected.recommendation}`, async () => {
      const outcome = await judge(name, expected.target);
      const a = outcome.assessment;
      assert.equal(a.verdict, expected.verdict, a.reasons.join('\n'));
      assert.equal(outcome.assessCode, expected.exitCode, 'assess exit code');
      assert.equal(outcome.checkCode, expected.checkExitCode, 'check exit code');
      assert.equal(a.recommendation, expected.recommendation, a.reasons.join('\n'));
      for (const rc of expected.rootCauses) assertRootCause(a.rootCauses, rc);
      assert.equal(a.rootCauses.length, expected.rootCauses.length, a.rootCauses.map((c) => c.id).join(', '));
      for (const id of expected.notRootCauses) {
        assert.ok(!a.rootCauses.some((c) => c.id === id), `${id} must not be a root cause`);
      }
      assertFindings(a.findings, expected);
      assert.ok(!outcome.printed.includes(PLANTED), 'a value of the Helm release record was printed');
    });
  }
});

describe('the installed version of a v1 cluster whose operator image tag two releases ship', () => {
  it("is decided by Helm's record of the installer chart, and says so", async () => {
    const outcome = await judge('v1-shared-operator-tag', 'v1.5.4');
    const version = outcome.assessment.version;
    assert.equal(version.installed, '1.4.6');
    assert.equal(
      version.detectedFrom,
      'Helm release cozy-system/cozystack revision 3 (chart cozy-installer 1.4.6)',
    );
    assert.equal(version.bundle, 'isp-full');
    assert.ok(
      outcome.assessment.notes.some((n) =>
        /v1\.4\.5 is shipped by v1\.4\.5 and v1\.4\.6; Helm's record/.test(n),
      ),
      outcome.assessment.notes.join('\n'),
    );
    assert.match(outcome.printed, /read from Helm release cozy-system\/cozystack revision 3/);
    assert.ok(!outcome.printed.includes(PLANTED));
  });
});

describe('a snapshot without version.json', () => {
  it('infers the Kubernetes version from the control-plane kubelets and marks it inferred in the JSON and the report', async () => {
    const outcome = await judge('no-version-json', 'v1.5.4');
    const cluster = outcome.assessment.cluster;
    assert.equal(cluster.kubernetesVersion, 'v1.32.9');
    assert.match(
      cluster.kubernetesVersionInferred ?? '',
      /control-plane nodes \(cozy-cp1, cozy-cp2, cozy-cp3\)/,
    );
    assert.match(
      outcome.printed,
      /Kubernetes: v1\.32\.9 \(inferred from the kubelet version of 3 control-plane nodes/,
    );
    const k8s = outcome.assessment.breakingChanges.find((c) => c.id === 'management-kubernetes-1.33');
    assert.equal(k8s?.usage, 'used');
    assert.match(k8s?.evidence ?? '', /API server v1\.32\.9 \(inferred from/);
  });
});
