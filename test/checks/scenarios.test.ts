// Whole scenarios: a committed fixture folder through the snapshot source, the inventory builder, every
// built-in check (through the real runner) and the root-cause analysis, compared with what the reference
// report found by hand and what `<fixture>.expected.json` documents.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILTIN_CHECKS } from '../../src/checks/registry.js';
import { findRootCauses } from '../../src/checks/root-cause.js';
import { runChecks } from '../../src/checks/run.js';
import type { Finding, RootCause } from '../../src/model/finding.js';
import type { Inventory } from '../../src/inventory/types.js';
import { snapshotInventory } from '../support/inventory.js';
import { HEALTH_CHECK_IDS } from './support.js';
import { repoPath } from '../support/repo.js';

const FIXTURES = repoPath('fixtures');

/** The checks this suite is about (plugins and the catalog's version-gap are tested elsewhere). */
const HEALTH_CHECKS = new Set<string>(HEALTH_CHECK_IDS);

interface Scenario {
  inventory: Inventory;
  findings: Finding[];
  rootCauses: RootCause[];
  expected: Record<string, unknown>;
}

async function scenario(name: string): Promise<Scenario> {
  const inventory = await snapshotInventory(join(FIXTURES, name));
  const { findings } = runChecks(inventory, { checks: BUILTIN_CHECKS });
  const expectedFile = join(FIXTURES, `${name}.expected.json`);
  const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Record<string, unknown>;
  return { inventory, findings, rootCauses: findRootCauses(inventory, findings, BUILTIN_CHECKS), expected };
}

const find = (s: Scenario, id: string): Finding => {
  const f = s.findings.find((x) => x.id === id);
  assert.ok(f, `no finding ${id}; got ${s.findings.map((x) => x.id).join(', ')}`);
  return f;
};

describe("scenario: seed-incident (the reference report's cluster)", async () => {
  const s = await scenario('seed-incident');

  it('runs every health check (none unknown)', () => {
    const unknown = s.findings.filter((f) => HEALTH_CHECKS.has(f.check) && f.status === 'unknown');
    assert.deepEqual(
      unknown.map((f) => `${f.id}: ${f.unknownReason}`),
      [],
    );
  });

  it('finds the Kube-OVN daemon broken on both named nodes, with restarts and durations', () => {
    const f = find(s, 'kube-ovn:daemon');
    assert.equal(f.status, 'fail');
    assert.equal(f.blocking, true);
    assert.deepEqual([...f.nodes].sort(), ['mgr-cozy2', 'mgr.cp.if.ua']);
    assert.match(f.summary, /mgr\.cp\.if\.ua: kube-ovn-cni Error \(3034 restarts over 179 days\)/);
    assert.match(f.summary, /mgr-cozy2: kube-ovn-cni Unknown \(226 restarts/);
    assert.match(f.summary, /ovs-ovn Error \(3804 restarts/);
    assert.ok(
      f.evidence.some(
        (e) =>
          e.reason === 'FailedCreatePodSandBox' &&
          /kube-ovn-daemon\.sock: connect: no such file or directory/.test(e.message ?? ''),
      ),
    );
  });

  it('finds cilium stuck in Init:0/5 for 52 days and Unknown with 252 restarts', () => {
    const f = find(s, 'cni-agent:agents');
    assert.match(f.summary, /mgr\.cp\.if\.ua: Init:0\/5 for 52 days/);
    assert.match(f.summary, /mgr-cozy2: Unknown for \d+ days, 252 restarts/);
  });

  it('counts the failing pods by reason like the report (9 ImagePullBackOff, 5 CrashLoopBackOff, 5+ Unknown/Error, 19+), the 4 OutOfcpu apart as leftovers', () => {
    const f = find(s, 'pod-failures:platform');
    const c = f.counts ?? {};
    assert.equal(c.ImagePullBackOff, 9);
    assert.equal(c.CrashLoopBackOff, 5);
    assert.ok((c.Unknown ?? 0) + (c.Error ?? 0) >= 5, JSON.stringify(c));
    assert.ok((c.total ?? 0) >= 19);
    // The fixture documents its census by kubectl STATUS; ours is the same less the leftovers its owners replaced.
    const stale = s.expected.staleFailedPods as Record<string, number>;
    const expected = Object.fromEntries(
      Object.entries(s.expected.podsByStatus as Record<string, number>)
        .map(([reason, n]) => [reason, n - (stale[reason] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    const { total, ...byReason } = c;
    assert.deepEqual(byReason, expected);
    const staleTotal = Object.values(stale).reduce((sum, n) => sum + n, 0);
    assert.equal(total, (s.expected.failingPodsTotal as number) - staleTotal);
    // The report's "OutOfCpu (4 pods)": rejected on mgr-cozy3 5 days ago, their Deployments run them on wrk-cozy1.
    const leftovers = find(s, 'pod-failures:stale');
    assert.equal(leftovers.blocking, false);
    assert.deepEqual({ ...leftovers.counts, total: undefined }, { ...stale, total: undefined });
    assert.equal(
      s.findings.some((x) => x.id === 'pod-failures:tenant'),
      false,
    );
  });

  it('dates the long-term failures 52–203 days', () => {
    assert.deepEqual(find(s, 'restarts:long-term:platform').ageDays, { min: 52, max: 203 });
  });

  it('classifies every image pull failure as the pod network, with registries reachable elsewhere', () => {
    const pulls = s.findings.filter((f) => f.check === 'image-pull-cause');
    assert.deepEqual(
      pulls.map((f) => f.id),
      ['image-pull-cause:pod-network'],
    );
    assert.equal(pulls[0]!.counts?.pods, 9);
    assert.match(pulls[0]!.summary, /i\/o timeout/);
    assert.match(pulls[0]!.summary, /registries are reachable/);
  });

  it('reports the other blockers the fixture documents: node, HelmReleases, DaemonSets, webhooks, APIService', () => {
    assert.deepEqual(find(s, 'node-health:not-ready').nodes, ['mgr-cozy2']);
    const hr = find(s, 'helmreleases:not-ready:platform');
    const down = find(s, 'workload-availability:platform');
    const apis = find(s, 'webhooks-apiservices:apiservices');
    const hooks = find(s, 'webhooks-apiservices:webhooks');
    assert.ok(apis.objects.includes('apiservice/v1alpha1.apps.cozystack.io'));
    const e = s.expected;
    const documentedReleases = e.helmReleasesNotReady as string[];
    assert.deepEqual(
      hr.objects.map((o) => o.replace('/helmrelease/', '/')).sort(),
      [...documentedReleases].sort(),
    );
    const documentedDaemonSets = e.daemonSetsBelowDesired as Record<
      string,
      { desired: number; ready: number }
    >;
    assert.ok(Object.keys(documentedDaemonSets).length > 0);
    for (const [name, { desired, ready }] of Object.entries(documentedDaemonSets)) {
      const [ns, ds] = name.split('/');
      const ev = down.evidence.find((x) => x.namespace === ns && x.name === ds);
      assert.equal(ev?.reason, `${ready}/${desired} ready`, name);
    }
    const configs = new Set(hooks.evidence.map((x) => x.name!.split('/')[0]));
    assert.deepEqual([...configs].sort(), [...(e.webhooksWithoutReadyEndpoints as string[])].sort());
  });

  it('traces the cascade: Kube-OVN daemon missing → sandboxes fail → image pulls time out → components down', () => {
    const rc = s.rootCauses[0]!;
    assert.equal(rc.id, 'kube-ovn-daemon');
    assert.deepEqual(rc.chain, [
      'Kube-OVN daemon missing',
      'pod sandboxes fail',
      'image pulls time out',
      'components down',
    ]);
    assert.deepEqual([...rc.nodes].sort(), ['mgr-cozy2', 'mgr.cp.if.ua']);
    const [sandboxes, pulls, components] = rc.effects;
    assert.ok(sandboxes!.count > 0);
    assert.equal(pulls!.count, 9);
    assert.ok(pulls!.findings.includes('image-pull-cause:pod-network'));
    assert.ok(components!.count > 0);
    assert.ok(components!.findings.includes('workload-availability:platform'));
    // The CrashLoopBackOff pods run on healthy nodes: nothing ties them to the network, so they are not effects.
    const explained = new Set(rc.effects.flatMap((x) => x.objects));
    assert.ok(![...explained].some((o) => o.includes('/pod/dashboard-')));
  });
});

describe('scenario: healthy', async () => {
  const s = await scenario('healthy');

  it('has no failing, warning or unknown health finding and no root cause', () => {
    const problems = s.findings.filter((f) => HEALTH_CHECKS.has(f.check) && f.status !== 'pass');
    assert.deepEqual(
      problems.map((f) => `${f.id}: ${f.summary}`),
      [],
    );
    assert.deepEqual(s.rootCauses, []);
    for (const id of HEALTH_CHECKS)
      assert.ok(
        s.findings.some((f) => f.check === id && f.status === 'pass'),
        id,
      );
  });
});

describe('scenario: tenant-only (failures confined to tenants)', async () => {
  const s = await scenario('tenant-only');
  const problems = s.findings.filter((f) => HEALTH_CHECKS.has(f.check) && f.status !== 'pass');

  it('reports the tenant problems, none of them blocking, none of them platform', () => {
    assert.ok(problems.length > 0, 'the fixture has tenant problems');
    for (const f of problems) {
      assert.equal(f.blocking, false, `${f.id}: ${f.summary}`);
      assert.equal(f.scope, 'tenant', `${f.id}: ${f.summary}`);
    }
    assert.deepEqual(s.rootCauses, []);
  });

  it('counts the tenant pods, names the missing image, and lists the tenant HelmRelease', () => {
    const census = find(s, 'pod-failures:tenant');
    const { total, ...byReason } = census.counts ?? {};
    assert.deepEqual(byReason, s.expected.podsByStatus);
    assert.equal(total, 2);
    assert.deepEqual(
      s.findings.filter((f) => f.check === 'image-pull-cause').map((f) => f.id),
      ['image-pull-cause:missing-image'],
    );
    const hr = find(s, 'helmreleases:not-ready:tenant');
    assert.deepEqual(
      hr.objects.map((o) => o.replace('/helmrelease/', '/')),
      s.expected.tenantHelmReleasesNotReady,
    );
  });
});
