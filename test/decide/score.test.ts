import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { DEFAULT_MODEL } from '../../src/decide/decision-model.js';
import { riskOf } from '../../src/decide/score.js';
import { finding, parts, pod, referencePath, seedLikeFindings, seedLikeParts } from './inputs.js';

const factorIds = (factors: Array<{ id: string }>) => factors.map((f) => f.id);

describe('Option A vs Option C', () => {
  it('reproduces the reference judgement from a broken pod network on two nodes', () => {
    const { options } = buildAssessment(seedLikeParts());
    assert.ok(options.A.hoursMin >= 28 && options.A.hoursMin <= 31, `A min ${options.A.hoursMin}`);
    assert.ok(options.A.hoursMax >= 42 && options.A.hoursMax <= 46, `A max ${options.A.hoursMax}`);
    assert.ok(
      options.A.successMin >= 28 && options.A.successMax <= 42,
      `A ${options.A.successMin}–${options.A.successMax}`,
    );
    assert.equal(options.A.risk, 'very high');
    assert.ok(
      options.C.hoursMin >= 7 && options.C.hoursMax <= 17,
      `C ${options.C.hoursMin}–${options.C.hoursMax}`,
    );
    assert.ok(options.C.successMin >= 90);
    assert.equal(options.C.risk, 'low');
  });

  it('a healthy cluster pays only for the path', () => {
    const { options } = buildAssessment(parts({ version: referencePath() }));
    assert.deepEqual(factorIds(options.A.factors), ['optionA.upgradeBase', 'optionA.perStep']);
    assert.ok(options.A.successMin >= 80);
    assert.equal(options.A.risk, 'low');
  });

  it('more broken nodes cost more hours and lower success', () => {
    const two = buildAssessment(seedLikeParts()).options.A;
    const seed = seedLikeFindings();
    const wider = seed.rootCauses.map((rc) => ({ ...rc, nodes: [...rc.nodes, 'node-3', 'node-4'] }));
    const four = buildAssessment(seedLikeParts({ rootCauses: wider })).options.A;
    assert.ok(four.hoursMax > two.hoursMax);
    assert.ok(four.successMin < two.successMin);
  });

  it('long-term degradation lowers success only past the threshold', () => {
    const fresh = (age: number): Finding =>
      finding({ check: 'helmreleases', evidence: [{ kind: 'helmrelease', name: 'x', ageDays: age }] });
    const young = buildAssessment(parts({ findings: [fresh(10)] })).options.A;
    const old = buildAssessment(parts({ findings: [fresh(45)] })).options.A;
    assert.ok(!factorIds(young.factors).includes('optionA.longTermDegradation'));
    assert.ok(factorIds(old.factors).includes('optionA.longTermDegradation'));
    assert.equal(young.successMin - old.successMin, -DEFAULT_MODEL.optionA.longTermDegradation.successDelta);
  });

  it('a blocking finding no root cause explains is repaired on its own, then validated', () => {
    const webhook = finding({ check: 'webhooks-apiservices', title: 'lineage webhook has no endpoints' });
    const { A } = buildAssessment(parts({ findings: [webhook] })).options;
    assert.deepEqual(factorIds(A.factors).slice(0, 2), [
      'optionA.blockingUnexplained',
      'optionA.repairValidation',
    ]);
  });

  it('breaking changes in use and pending migrations cost A hours and success', () => {
    const version = referencePath();
    version.steps[2]!.breakingChanges[0]!.usage = 'used';
    version.migrationCounter = 7;
    const { A, C } = buildAssessment(parts({ version })).options;
    assert.ok(factorIds(A.factors).includes('optionA.breakingChangeUsed'));
    const pending = A.factors.find((f) => f.id === 'optionA.pendingMigrations');
    assert.match(pending?.description ?? '', /^2 migrations pending/);
    assert.ok(factorIds(C.factors).includes('optionC.breakingChangeUsed'));
  });

  it('C grows with tenant workloads and is barely moved by cluster health', () => {
    const small = buildAssessment(seedLikeParts()).options.C;
    const large = buildAssessment(seedLikeParts({ cluster: { ...parts().cluster, tenantWorkloads: 40 } }))
      .options.C;
    assert.ok(large.hoursMax > small.hoursMax);
    const healthy = buildAssessment(parts({ version: referencePath() })).options.C;
    assert.ok(healthy.successMin - small.successMin <= 5);
  });

  it('tenant failures do not touch Option A', () => {
    const tenant = finding({
      check: 'pod-failures',
      scope: 'tenant',
      evidence: [pod('tenant-a', 'app', 'n1', { restarts: 5000 })],
    });
    const clean = buildAssessment(parts()).options.A;
    const withTenant = buildAssessment(parts({ findings: [tenant] })).options.A;
    assert.deepEqual(withTenant, clean);
  });

  it('risk bands read the lower end of the success range', () => {
    assert.equal(riskOf(95, DEFAULT_MODEL), 'low');
    assert.equal(riskOf(65, DEFAULT_MODEL), 'medium');
    assert.equal(riskOf(45, DEFAULT_MODEL), 'high');
    assert.equal(riskOf(30, DEFAULT_MODEL), 'very high');
  });
});

describe('path findings', () => {
  it('a version-gap finding is priced by the path rows, not again as a repair or a warning', () => {
    const gap = finding({ check: 'version-gap', id: 'version-gap:breaking', title: 'FerretDB v1→v2 in use' });
    const warn = finding({ check: 'version-gap', id: 'version-gap:bundle', status: 'warn', blocking: false });
    const a = buildAssessment(parts({ findings: [gap, warn] }));
    assert.equal(a.verdict, 'NO-GO', 'it still blocks');
    assert.deepEqual(factorIds(a.options.A.factors), ['optionA.upgradeBase', 'optionA.perStep']);
  });
});

describe('root causes that do not block by themselves', () => {
  it('explain their effects but are priced as warnings, not repairs', () => {
    const seed = seedLikeFindings();
    const headroom = finding({
      check: 'resource-headroom',
      id: 'resource-headroom:rejections',
      status: 'warn',
      blocking: false,
      severity: 'warning',
    });
    const exhaustion = {
      id: 'resource-exhaustion',
      title: 'Node resources exhausted on mgr-cozy2',
      finding: headroom.id,
      nodes: ['mgr-cozy2'],
      chain: ['node resources exhausted', 'pods rejected (OutOfcpu/OutOfmemory)'],
      effects: [
        { title: 'pods rejected (OutOfcpu/OutOfmemory)', count: 4, findings: ['pod-failures'], objects: [] },
      ],
    };
    const base = buildAssessment(seedLikeParts()).options.A;
    const withExhaustion = buildAssessment(
      seedLikeParts({ findings: [...seed.findings, headroom], rootCauses: [...seed.rootCauses, exhaustion] }),
    ).options.A;
    const added = withExhaustion.factors.filter(
      (f) => !base.factors.some((b) => b.id === f.id && b.description === f.description),
    );
    assert.deepEqual(factorIds(added), ['optionA.warning']);
  });
});

describe('what one networking repair covers', () => {
  const notReady = finding({
    check: 'node-health',
    id: 'node-health:not-ready',
    title: 'Node not Ready',
    nodes: ['mgr-cozy2'],
  });
  const nodeCause = {
    id: 'node-not-ready',
    title: 'Node not Ready: mgr-cozy2',
    finding: notReady.id,
    nodes: ['mgr-cozy2'],
    chain: ['node not Ready'],
    effects: [],
  };
  const releases = finding({
    check: 'helmreleases',
    id: 'helmreleases:not-ready:platform',
    title: 'Platform HelmReleases not Ready',
    objects: ['cozy-dashboard/helmrelease/dashboard', 'cozy-system/helmrelease/cozystack-api'],
  });

  it('a NotReady node whose networking is being repaired is part of that repair', () => {
    const seed = seedLikeFindings();
    const a = buildAssessment(
      seedLikeParts({ findings: [...seed.findings, notReady], rootCauses: [...seed.rootCauses, nodeCause] }),
    ).options.A;
    assert.ok(!factorIds(a.factors).includes('optionA.repairNode'));
    assert.match(
      a.factors.find((f) => f.id === 'optionA.repairNetworking')!.description,
      /includes Node not Ready: mgr-cozy2/,
    );
  });

  it('the same NotReady node without broken networking is its own repair', () => {
    const a = buildAssessment(parts({ findings: [notReady], rootCauses: [nodeCause] })).options.A;
    assert.deepEqual(factorIds(a.factors).slice(0, 2), ['optionA.repairNode', 'optionA.repairValidation']);
  });

  it('while the pod network is broken, failing HelmReleases are presumed downstream and priced per object', () => {
    const seed = seedLikeFindings();
    const base = buildAssessment(seedLikeParts()).options.A;
    const a = buildAssessment(seedLikeParts({ findings: [...seed.findings, releases] })).options.A;
    const perObject = (o: typeof a) => o.factors.find((f) => f.id === 'optionA.cascadePerObject')!;
    assert.match(perObject(a).description, /with Platform HelmReleases not Ready: presumed downstream/);
    const added = perObject(a).hoursMax - perObject(base).hoursMax;
    assert.ok(Math.abs(added - 2 * DEFAULT_MODEL.optionA.cascadePerObject.hoursMax) < 1e-9, `${added}`);
    assert.ok(!factorIds(a.factors).includes('optionA.blockingUnexplained'));
    const alone = buildAssessment(parts({ findings: [releases] })).options.A;
    assert.equal(alone.factors[0]!.id, 'optionA.blockingUnexplained');
  });

  it('learns what a finding means from the role its check declares, not from the check name', () => {
    const seed = seedLikeFindings();
    const plugin = finding({
      check: 'ingress-probe',
      title: 'Ingress controller down',
      objects: ['ns/deployment/x'],
    });
    const declared = (role?: 'workload') => [
      ...parts().checks,
      { id: 'ingress-probe', title: 'Ingress', role },
    ];
    const withRole = buildAssessment(
      seedLikeParts({ findings: [...seed.findings, plugin], checks: declared('workload') }),
    ).options.A;
    assert.match(
      withRole.factors.find((f) => f.id === 'optionA.cascadePerObject')!.description,
      /with Ingress controller down: presumed downstream/,
    );
    const withoutRole = buildAssessment(
      seedLikeParts({ findings: [...seed.findings, plugin], checks: declared() }),
    ).options.A;
    assert.ok(
      withoutRole.factors.some((f) => f.id === 'optionA.blockingUnexplained' && f.basis[0] === plugin.id),
    );
    // The Kube-OVN finding stands for a networking repair because kube-ovn declares `networking`, not by its name.
    const undeclared = parts().checks.map((c) => (c.id === 'kube-ovn' ? { id: c.id, title: c.title } : c));
    const plain = buildAssessment(seedLikeParts({ checks: undeclared })).options.A;
    assert.ok(!factorIds(plain.factors).includes('optionA.repairNetworking'));
    assert.ok(factorIds(plain.factors).includes('optionA.repairOther'));
  });

  it('warning-severity breaking changes in use are listed at no cost; info ones not at all', () => {
    const version = referencePath();
    version.steps[0]!.breakingChanges = [
      { id: 'w', title: 'review me', version: '0.29.0', severity: 'warning', usage: 'used', evidence: 'x' },
      { id: 'i', title: 'automatic', version: '0.29.0', severity: 'info', usage: 'used', evidence: 'y' },
    ];
    const { A, C } = buildAssessment(parts({ version })).options;
    const review = A.factors.filter((f) => f.id === 'optionA.breakingChangeReview');
    assert.deepEqual(
      review.map((f) => f.basis),
      [['w']],
    );
    assert.ok(!A.factors.some((f) => f.basis.includes('i')));
    assert.ok(!factorIds(C.factors).includes('optionC.breakingChangeUsed'));
  });
});

describe('a node repair', () => {
  const down = finding({
    check: 'node-health',
    id: 'node-health:not-ready',
    title: 'Nodes not Ready',
    nodes: ['w1', 'w2'],
    objects: ['node/w1', 'node/w2'],
  });
  const degraded = finding({
    check: 'workload-availability',
    id: 'workload-availability:platform',
    title: 'Platform components below desired replicas',
    objects: ['cozy-kubeovn/daemonset/kube-ovn-cni'],
  });
  const cause = (effectsRecover?: boolean) => ({
    id: 'node-not-ready',
    title: 'Nodes not Ready',
    finding: down.id,
    nodes: ['w1', 'w2'],
    chain: ['node not Ready', 'components down'],
    effects: [
      {
        title: 'components down',
        count: 1,
        findings: [degraded.id],
        objects: ['cozy-kubeovn/daemonset/kube-ovn-cni'],
      },
    ],
    ...(effectsRecover === undefined ? {} : { effectsRecover }),
  });

  it('is priced per node, and has no cascade when its effects recover with it: repair first, then A', () => {
    const recovers = buildAssessment(parts({ findings: [down, degraded], rootCauses: [cause(true)] }));
    const repair = recovers.options.A.factors.find((f) => f.id === 'optionA.repairNode')!;
    assert.equal(repair.hoursMin, 2 * DEFAULT_MODEL.optionA.repairNode.hoursMin);
    assert.equal(repair.successDelta, 2 * DEFAULT_MODEL.optionA.repairNode.successDelta);
    assert.ok(!factorIds(recovers.options.A.factors).includes('optionA.cascade'));
    assert.equal(recovers.verdict, 'NO-GO');
    assert.equal(recovers.recommendation, 'A');
    const lingers = buildAssessment(parts({ findings: [down, degraded], rootCauses: [cause()] }));
    assert.ok(factorIds(lingers.options.A.factors).includes('optionA.cascade'));
  });
});
