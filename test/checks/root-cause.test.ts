import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_CHECKS } from '../../src/checks/registry.js';
import { findRootCauses } from '../../src/checks/root-cause.js';
import { type Finding, FindingSchema, RootCauseSchema } from '../../src/model/finding.js';
import type { Inventory } from '../../src/inventory/types.js';
import {
  clock,
  ctx,
  HEALTH_CHECK_IDS,
  inventoryFrom,
  miniIncident,
  readyNode,
  runCheck,
  simplePod,
} from './support.js';

function allFindings(inv: Inventory): Finding[] {
  return BUILTIN_CHECKS.flatMap((check) => runCheck(check, inv, ctx()));
}

describe('BUILTIN_CHECKS', () => {
  it('holds the ten checks of issue 3 with unique public ids, each returning schema-valid findings', () => {
    const ids = BUILTIN_CHECKS.map((c) => c.id);
    for (const id of HEALTH_CHECK_IDS) {
      assert.ok(ids.includes(id), id);
    }
    assert.equal(new Set(ids).size, ids.length);
    const findings = allFindings(inventoryFrom(miniIncident()));
    for (const f of findings) assert.ok(FindingSchema.safeParse(f).success, f.id);
    for (const check of BUILTIN_CHECKS) {
      assert.ok(check.paramsSchema?.safeParse({}).success, `${check.id} params have defaults`);
      assert.ok(
        findings.some((f) => f.check === check.id),
        `${check.id} returns at least one finding`,
      );
    }
  });
});

describe('findRootCauses', () => {
  it('attributes sandbox failures, pull timeouts and components down on the broken node to the Kube-OVN daemon', () => {
    const inv = inventoryFrom(miniIncident());
    const causes = findRootCauses(inv, allFindings(inv), BUILTIN_CHECKS);
    for (const c of causes) assert.ok(RootCauseSchema.safeParse(c).success);
    const ovn = causes.find((c) => c.id === 'kube-ovn-daemon')!;
    assert.deepEqual(ovn.chain, [
      'Kube-OVN daemon missing',
      'pod sandboxes fail',
      'image pulls time out',
      'components down',
    ]);
    assert.equal(ovn.title, 'Kube-OVN daemon socket missing (/run/openvswitch/kube-ovn-daemon.sock)');
    assert.equal(ovn.finding, 'kube-ovn:daemon');
    assert.deepEqual(ovn.nodes, ['bad']);
    const [sandbox, pulls, down] = ovn.effects;
    assert.deepEqual(sandbox!.objects, ['cozy-system/pod/web-abcde']);
    assert.deepEqual(pulls!.objects, ['cozy-dashboard/pod/dashboard-abcde']);
    assert.ok(pulls!.findings.includes('image-pull-cause:pod-network'));
    assert.ok(pulls!.findings.includes('pod-failures:platform'));
    assert.deepEqual(down!.objects, ['cozy-dashboard/deployment/dashboard', 'cozy-system/deployment/web']);
    assert.equal(down!.count, 2);
    assert.ok(down!.findings.includes('workload-availability:platform'));
    assert.equal(ovn.since, clock.daysAgo(179));
  });

  it('does not blame the network for failures on healthy nodes with a cause of their own', () => {
    const objects = miniIncident();
    objects.push(
      simplePod({
        name: 'oom',
        namespace: 'cozy-x',
        node: 'good',
        phase: 'Failed',
        reason: 'OutOfcpu',
        created: clock.daysAgo(3),
      }),
      simplePod({
        name: 'crash',
        namespace: 'tenant-a',
        node: 'good',
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        readyTransition: clock.daysAgo(1),
      }),
    );
    const inv = inventoryFrom(objects);
    const causes = findRootCauses(inv, allFindings(inv), BUILTIN_CHECKS);
    const ovn = causes.find((c) => c.id === 'kube-ovn-daemon')!;
    const explained = ovn.effects.flatMap((e) => e.objects);
    assert.ok(!explained.includes('cozy-x/pod/oom'));
    assert.ok(!explained.includes('tenant-a/pod/crash'));
    const exhaustion = causes.find((c) => c.id === 'resource-exhaustion')!;
    assert.deepEqual(exhaustion.effects[0]!.objects, ['cozy-x/pod/oom']);
  });

  it('names a NotReady node as a root cause of the pods lost with it', () => {
    const inv = inventoryFrom([
      readyNode('up'),
      readyNode('down', { statusUnknown: { since: clock.daysAgo(20), lastHeartbeat: clock.daysAgo(20) } }),
      simplePod({
        name: 'lost',
        namespace: 'cozy-system',
        node: 'down',
        phase: 'Unknown',
        ready: false,
        owner: { kind: 'DaemonSet', name: 'agent' },
        readyTransition: clock.daysAgo(20),
      }),
    ]);
    const causes = findRootCauses(inv, allFindings(inv), BUILTIN_CHECKS);
    assert.deepEqual(
      causes.map((c) => c.id),
      ['node-not-ready'],
    );
    assert.deepEqual(causes[0]!.chain, ['node not Ready', 'pods on the node lost', 'components down']);
    assert.deepEqual(causes[0]!.effects[0]!.objects, ['cozy-system/pod/lost']);
    assert.deepEqual(causes[0]!.effects[1]!.objects, ['cozy-system/daemonset/agent']);
  });

  it('falls back to the CNI agent as the network root cause when Kube-OVN is fine', () => {
    const inv = inventoryFrom([
      readyNode('a'),
      readyNode('b'),
      simplePod({
        name: 'cilium-a',
        namespace: 'cozy-cilium',
        node: 'a',
        owner: { kind: 'DaemonSet', name: 'cilium' },
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        restarts: 90,
        readyTransition: clock.daysAgo(3),
      }),
      simplePod({
        name: 'cilium-b',
        namespace: 'cozy-cilium',
        node: 'b',
        owner: { kind: 'DaemonSet', name: 'cilium' },
      }),
      simplePod({
        name: 'api-x',
        namespace: 'cozy-system',
        node: 'a',
        owner: { kind: 'Deployment', name: 'api' },
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        readyTransition: clock.daysAgo(2),
      }),
      simplePod({
        name: 'web-x',
        namespace: 'cozy-system',
        node: 'b',
        owner: { kind: 'Deployment', name: 'web' },
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        readyTransition: clock.daysAgo(2),
      }),
    ]);
    const causes = findRootCauses(inv, allFindings(inv), BUILTIN_CHECKS);
    assert.deepEqual(
      causes.map((c) => c.id),
      ['cni-agent'],
    );
    assert.deepEqual(causes[0]!.chain, ['CNI agent (Cilium) down', 'components down']);
    assert.deepEqual(
      causes[0]!.effects[0]!.objects,
      ['cozy-system/deployment/api'],
      'only the component on the broken node',
    );
    assert.ok(
      causes[0]!.effects[0]!.findings.includes('pod-failures:platform'),
      'matched through the failing pod',
    );
  });

  it('finds no root cause in a healthy cluster', () => {
    const inv = inventoryFrom([
      readyNode('a'),
      simplePod({ name: 'p', namespace: 'cozy-system', node: 'a' }),
    ]);
    assert.deepEqual(findRootCauses(inv, allFindings(inv), BUILTIN_CHECKS), []);
  });
});
