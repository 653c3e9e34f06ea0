import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import type { Finding } from '../../src/model/finding.js';
import { type FailOn, verdictOfAssessment, verdictOfFindings } from '../../src/model/policy.js';
import { finding, parts, seedLikeParts, verifiedBackup } from './inputs.js';

describe('verdict', () => {
  it('NO-GO with C on the reference incident, with numbered reasons from the findings', () => {
    const a = buildAssessment(seedLikeParts());
    assert.equal(a.verdict, 'NO-GO');
    assert.equal(a.recommendation, 'C');
    assert.ok(a.reasons.some((r) => r.startsWith('Root cause: Kube-OVN daemon socket missing on 2 nodes')));
    assert.ok(a.reasons.includes('These are pre-existing issues (52–203 days old)'));
  });

  it('GO with A on a clean cluster', () => {
    const a = buildAssessment(parts());
    assert.equal(a.verdict, 'GO');
    assert.equal(a.recommendation, 'A');
  });

  it('on findings alone, assess gives the verdict check gives: one policy for both', () => {
    const platform = (over: Partial<Finding>) => finding({ check: 'helmreleases', ...over });
    const cases: Finding[][] = [
      [],
      [platform({ scope: 'tenant' })],
      [platform({ scope: 'tenant', status: 'warn', blocking: false })],
      [platform({ status: 'warn', blocking: false, severity: 'warning' })],
      [platform({ blocking: false })],
      [platform({})],
      [platform({ status: 'unknown', unknownReason: 'forbidden' })],
      [platform({ status: 'unknown', blocking: false, unknownReason: 'forbidden' })],
      [platform({ suppressed: { reason: 'known', until: '2099-01-01' } })],
      [
        platform({ status: 'unknown', unknownReason: 'x' }),
        platform({ id: 'b', status: 'warn', blocking: false }),
      ],
    ];
    for (const findings of cases) {
      for (const failOn of ['fail', 'warn'] as FailOn[]) {
        const expected = verdictOfFindings(findings, failOn);
        assert.equal(
          buildAssessment(parts({ findings, failOn })).verdict,
          expected,
          `${failOn}: ${JSON.stringify(findings.map((f) => [f.scope, f.status, f.blocking, !!f.suppressed]))}`,
        );
      }
    }
  });

  it('beyond the findings: a failed backup is NO-GO, anything missing INCOMPLETE, and a NO-GO stays NO-GO', () => {
    const blocking = [finding({ check: 'helmreleases' })];
    const none = { backupFailed: false, missing: false };
    assert.equal(verdictOfAssessment([], 'fail', none), 'GO');
    assert.equal(verdictOfAssessment([], 'fail', { ...none, backupFailed: true }), 'NO-GO');
    assert.equal(verdictOfAssessment([], 'fail', { ...none, missing: true }), 'INCOMPLETE');
    assert.equal(verdictOfAssessment(blocking, 'fail', { ...none, missing: true }), 'NO-GO');
    assert.equal(verdictOfAssessment([], 'fail', { backupFailed: true, missing: true }), 'NO-GO');
  });

  it('tenant-only failures, even marked blocking, never make a NO-GO', () => {
    const tenant = finding({ check: 'pod-failures', scope: 'tenant', title: 'tenant app crash-looping' });
    const a = buildAssessment(parts({ findings: [tenant] }));
    assert.equal(a.verdict, 'GO');
    assert.ok(a.reasons.some((r) => r.includes('confined to tenant workloads')));
  });

  it('a suppressed blocking finding does not block', () => {
    const f = finding({
      check: 'webhooks-apiservices',
      suppressed: { reason: 'known', until: '2099-01-01' },
    });
    assert.equal(buildAssessment(parts({ findings: [f] })).verdict, 'GO');
  });

  it('--fail-on warn turns a warning into NO-GO, repair first (A)', () => {
    const warn = finding({ check: 'restarts', status: 'warn', blocking: false, severity: 'warning' });
    assert.equal(buildAssessment(parts({ findings: [warn] })).verdict, 'GO');
    const a = buildAssessment(parts({ findings: [warn], failOn: 'warn' }));
    assert.equal(a.verdict, 'NO-GO');
    assert.equal(a.recommendation, 'A');
  });

  it('a small blocking problem advises repairing first rather than a fresh install', () => {
    const webhook = finding({ check: 'webhooks-apiservices', title: 'lineage webhook has no endpoints' });
    const a = buildAssessment(parts({ findings: [webhook] }));
    assert.equal(a.verdict, 'NO-GO');
    assert.equal(a.recommendation, 'A');
  });

  it('INCOMPLETE when a blocking check could not run, a type was unreadable, or the version is unknown', () => {
    const unknown = finding({ check: 'kube-ovn', status: 'unknown', unknownReason: 'pods forbidden' });
    assert.equal(buildAssessment(parts({ findings: [unknown] })).verdict, 'INCOMPLETE');
    const forbidden = {
      checksRun: 4,
      checksTotal: 4,
      unknown: [],
      unreadable: [{ type: 'events', status: 'forbidden', reason: 'RBAC' }],
    };
    assert.equal(buildAssessment(parts({ coverage: forbidden })).verdict, 'INCOMPLETE');
    const absent = {
      ...forbidden,
      unreadable: [
        { type: 'helmreleases.helm.toolkit.fluxcd.io', status: 'not-installed', reason: 'no CRD' },
      ],
    };
    assert.equal(buildAssessment(parts({ coverage: absent })).verdict, 'GO');
    const version = { ...parts().version, installed: null, steps: [] };
    assert.equal(buildAssessment(parts({ version })).verdict, 'INCOMPLETE');
  });

  it('an undetectable version is said once, not again through the path check', () => {
    const gap = finding({
      check: 'version-gap',
      status: 'unknown',
      unknownReason: 'no installer Deployment',
    });
    const version = {
      ...parts().version,
      installed: null,
      steps: [],
      unknownReason: 'no installer Deployment',
    };
    const a = buildAssessment(parts({ version, findings: [gap] }));
    assert.equal(a.verdict, 'INCOMPLETE');
    assert.equal(a.reasons.filter((r) => r.includes('no installer Deployment')).length, 1);
  });

  it('a type read only for the backup does not make the verdict INCOMPLETE', () => {
    const coverage = {
      checksRun: 4,
      checksTotal: 4,
      unknown: [],
      unreadable: [{ type: 'secrets', status: 'forbidden', reason: 'RBAC' }],
    };
    assert.equal(buildAssessment(parts({ coverage, neededTypes: ['pods', 'nodes'] })).verdict, 'GO');
    assert.equal(
      buildAssessment(parts({ coverage, neededTypes: ['pods', 'secrets'] })).verdict,
      'INCOMPLETE',
    );
  });

  it('a known NO-GO stays NO-GO when something else is missing', () => {
    const unknown = finding({ check: 'helmreleases', id: 'helmreleases', status: 'unknown' });
    const seed = seedLikeParts();
    assert.equal(buildAssessment({ ...seed, findings: [...seed.findings, unknown] }).verdict, 'NO-GO');
  });

  it('a backup that failed verification is a NO-GO; no backup is said, not hidden', () => {
    const failed = buildAssessment(parts({ backup: { ...verifiedBackup(), verified: false } }));
    assert.equal(failed.verdict, 'NO-GO');
    assert.match(failed.reasons[0]!, /failed verification/);
    const none = buildAssessment(parts({ backup: null }));
    assert.equal(none.verdict, 'GO');
    assert.match(none.reasons[0]!, /No backup taken/);
  });
});
