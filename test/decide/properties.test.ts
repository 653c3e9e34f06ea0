// Properties of the decision over generated findings: ranges stay ranges, more trouble never makes Option A
// look better, tenant-only trouble never makes a NO-GO, and missing data never gives GO.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Finding } from '../../src/model/finding.js';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { finding, parts, pod, referencePath, seedLikeFindings } from './inputs.js';

const CHECKS = [
  'kube-ovn',
  'cni-agent',
  'node-health',
  'pod-failures',
  'restarts',
  'helmreleases',
  'webhooks-apiservices',
];

const arbFinding = (index: number) =>
  fc
    .record({
      check: fc.constantFrom(...CHECKS),
      status: fc.constantFrom('pass', 'warn', 'fail', 'unknown') as fc.Arbitrary<Finding['status']>,
      blocking: fc.boolean(),
      scope: fc.constantFrom('platform', 'tenant', 'cluster') as fc.Arbitrary<Finding['scope']>,
      age: fc.integer({ min: 0, max: 400 }),
      restarts: fc.integer({ min: 0, max: 5000 }),
      nodes: fc.subarray(['n1', 'n2', 'n3']),
    })
    .map((r) =>
      finding({
        check: r.check,
        id: `${r.check}:${index}`,
        status: r.status,
        blocking: r.blocking,
        scope: r.scope,
        nodes: r.nodes,
        objects: [`ns/pod/p${index}`],
        evidence: [pod('ns', `p${index}`, r.nodes[0] ?? 'n1', { restarts: r.restarts, ageDays: r.age })],
      }),
    );

const arbFindings = fc
  .integer({ min: 0, max: 6 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => arbFinding(i))));

describe('decision properties', () => {
  it('hours and success are ordered ranges within bounds, and the verdict matches the findings', () => {
    fc.assert(
      fc.property(arbFindings, (findings) => {
        const a = buildAssessment(parts({ version: referencePath(), findings }));
        for (const option of [a.options.A, a.options.C]) {
          assert.ok(option.hoursMin <= option.hoursMax);
          assert.ok(option.successMin <= option.successMax);
          assert.ok(option.successMin >= 0 && option.successMax <= 100);
        }
        const live = findings.filter((f) => f.scope !== 'tenant');
        const blocks = live.some((f) => f.status === 'fail' && f.blocking);
        const unknown = live.some((f) => f.status === 'unknown' && f.blocking);
        assert.equal(a.verdict, blocks ? 'NO-GO' : unknown ? 'INCOMPLETE' : 'GO');
        if (a.verdict === 'GO') assert.equal(a.recommendation, 'A');
      }),
      { numRuns: 200 },
    );
  });

  it('failures confined to tenant workloads never change the verdict or Option A', () => {
    fc.assert(
      fc.property(arbFindings, (findings) => {
        const tenant = findings.map((f) => ({ ...f, scope: 'tenant' as const }));
        const a = buildAssessment(parts({ version: referencePath(), findings: tenant }));
        const clean = buildAssessment(parts({ version: referencePath() }));
        assert.notEqual(a.verdict, 'NO-GO');
        assert.deepEqual(a.options.A, clean.options.A);
      }),
      { numRuns: 100 },
    );
  });

  it('one more blocking finding never raises Option A success nor lowers its hours', () => {
    const seed = seedLikeFindings();
    fc.assert(
      fc.property(arbFindings, fc.constantFrom(...CHECKS), (findings, check) => {
        const base = buildAssessment(
          parts({ version: referencePath(), findings, rootCauses: seed.rootCauses }),
        );
        const extra = finding({ check, id: `${check}:extra`, objects: ['ns/pod/extra'] });
        const more = buildAssessment(
          parts({ version: referencePath(), findings: [...findings, extra], rootCauses: seed.rootCauses }),
        );
        assert.ok(more.options.A.successMax <= base.options.A.successMax);
        assert.ok(more.options.A.hoursMax >= base.options.A.hoursMax);
        assert.equal(more.verdict, 'NO-GO');
      }),
      { numRuns: 100 },
    );
  });
});
