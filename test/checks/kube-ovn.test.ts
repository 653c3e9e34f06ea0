import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kubeOvnCheck, kubeOvnProbePlan } from '../../src/checks/kube-ovn.js';
import { deployment } from '../support/objects.js';
import { clock, ctx, inventoryFrom, miniIncident, readyNode, runCheck, simplePod } from './support.js';

describe('kube-ovn check', () => {
  it('fails naming the node whose kube-ovn-cni crash-loops, with restarts over days and the socket sandbox failures', () => {
    const findings = runCheck(kubeOvnCheck, inventoryFrom(miniIncident()), ctx());
    assert.equal(findings.length, 1);
    const f = findings[0]!;
    assert.equal(f.id, 'kube-ovn:daemon');
    assert.equal(f.status, 'fail');
    assert.equal(f.blocking, true);
    assert.deepEqual(f.nodes, ['bad']);
    assert.match(f.summary, /bad: kube-ovn-cni CrashLoopBackOff \(3034 restarts over 179 days\)/);
    assert.match(f.summary, /812 pod sandbox failures/);
    assert.equal(f.counts?.sandboxFailures, 812);
    const event = f.evidence.find((e) => e.kind === 'event')!;
    assert.match(
      event.message!,
      /dial unix \/run\/openvswitch\/kube-ovn-daemon.sock: connect: no such file or directory/,
    );
    assert.equal(event.ageDays, 2);
    const pod = f.evidence.find((e) => e.kind === 'pod')!;
    assert.equal(pod.restarts, 3034);
    assert.equal(pod.ageDays, 179);
  });

  it('uses the exec probe as evidence: a node without the socket fails even if its pods look ready', () => {
    const objects = miniIncident().filter(
      (o) => o.kind !== 'Event' && !o.metadata.name.startsWith('kube-ovn-cni-badx'),
    );
    objects.push(
      simplePod({
        name: 'kube-ovn-cni-badx',
        namespace: 'cozy-kubeovn',
        node: 'bad',
        owner: { kind: 'DaemonSet', name: 'kube-ovn-cni' },
      }),
    );
    const inv = inventoryFrom(objects);
    assert.equal(runCheck(kubeOvnCheck, inv, ctx()).at(0)?.status, 'pass');
    const probed = runCheck(kubeOvnCheck, inv, ctx({}, { bad: false, good: true })).at(0)!;
    assert.equal(probed.status, 'fail');
    assert.deepEqual(probed.nodes, ['bad']);
    assert.ok(probed.evidence.some((e) => e.reason === 'SocketMissing' && e.node === 'bad'));
    assert.match(probed.summary, /exec probe/);
  });

  it('reports a node without any kube-ovn-cni pod, and only warns when just the pinger is unhealthy', () => {
    const ds = (name: string, node: string, extra = {}) =>
      simplePod({
        name: `${name}-${node}`,
        namespace: 'cozy-kubeovn',
        node,
        owner: { kind: 'DaemonSet', name },
        ...extra,
      });
    const inv = inventoryFrom([
      readyNode('a'),
      readyNode('b'),
      readyNode('c'),
      ds('kube-ovn-cni', 'a'),
      ds('kube-ovn-cni', 'b'),
      ds('kube-ovn-pinger', 'a'),
      ds('kube-ovn-pinger', 'b'),
      ds('kube-ovn-pinger', 'c', { ready: false, readyTransition: clock.hoursAgo(3) }),
    ]);
    const findings = runCheck(kubeOvnCheck, inv, ctx());
    const daemon = findings.find((f) => f.id === 'kube-ovn:daemon')!;
    assert.deepEqual(daemon.nodes, ['c']);
    assert.match(daemon.summary, /no kube-ovn-cni pod/);
    assert.equal(
      findings.some((f) => f.id === 'kube-ovn:pinger'),
      false,
      'node c is already broken; the pinger is part of it',
    );
    const onlyPinger = inventoryFrom([
      readyNode('a'),
      ds('kube-ovn-cni', 'a'),
      ds('kube-ovn-pinger', 'a', { ready: false, readyTransition: clock.hoursAgo(3) }),
    ]);
    const warn = runCheck(kubeOvnCheck, onlyPinger, ctx());
    assert.deepEqual(
      warn.map((f) => [f.id, f.status, f.blocking]),
      [['kube-ovn:pinger', 'warn', false]],
    );
  });

  it('passes when every node runs ready Kube-OVN pods, and when Kube-OVN is not deployed', () => {
    const ds = (name: string, node: string) =>
      simplePod({
        name: `${name}-${node}`,
        namespace: 'cozy-kubeovn',
        node,
        owner: { kind: 'DaemonSet', name },
      });
    const healthy = runCheck(
      kubeOvnCheck,
      inventoryFrom([readyNode('a'), ds('kube-ovn-cni', 'a'), ds('ovs-ovn', 'a')]),
      ctx(),
    );
    assert.deepEqual(
      healthy.map((f) => f.status),
      ['pass'],
    );
    const absent = runCheck(kubeOvnCheck, inventoryFrom([readyNode('a')]), ctx());
    assert.deepEqual(
      absent.map((f) => f.status),
      ['pass'],
    );
    assert.match(absent[0]!.summary, /not deployed/);
  });

  it('plans its exec probes where it looks for Kube-OVN: its namespace param', () => {
    const cni = (namespace: string, node: string) =>
      simplePod({
        name: `kube-ovn-cni-${node}`,
        namespace,
        node,
        owner: { kind: 'DaemonSet', name: 'kube-ovn-cni' },
      });
    const inv = inventoryFrom([
      readyNode('a'),
      readyNode('b'),
      cni('kube-ovn-alt', 'a'),
      cni('cozy-kubeovn', 'b'),
    ]);
    const podsOf = (plan: ReturnType<typeof kubeOvnProbePlan>) =>
      [
        ...plan.targets.map((t) => `${t.namespace}/${t.pod}`),
        ...Object.values(plan.skipped).map((r) => r.pod),
      ].sort();
    assert.deepEqual(podsOf(kubeOvnProbePlan(inv, undefined)), ['cozy-kubeovn/kube-ovn-cni-b']);
    const config = { checks: { 'kube-ovn': { params: { namespace: 'kube-ovn-alt' } } } };
    assert.deepEqual(podsOf(kubeOvnProbePlan(inv, config)), ['kube-ovn-alt/kube-ovn-cni-a']);
  });

  it('validates its params', () => {
    assert.throws(() => runCheck(kubeOvnCheck, inventoryFrom([]), ctx({ namespace: 3 })));
    assert.equal(kubeOvnCheck.paramsSchema?.safeParse({ bogus: 1 }).success, false);
  });
});

describe('kube-ovn check: control plane', () => {
  const deploy = (name: string, replicas: number, ready: number) =>
    deployment({
      name,
      namespace: 'cozy-kubeovn',
      created: clock.daysAgo(200),
      selector: {},
      template: { labels: {}, containers: [] },
      replicas,
      status: {
        replicas,
        ready,
        availableSince: clock.daysAgo(7),
        progressingSince: clock.daysAgo(7),
        replicaSetName: `${name}-x`,
      },
    });
  const cni = simplePod({
    name: 'kube-ovn-cni-a',
    namespace: 'cozy-kubeovn',
    node: 'a',
    owner: { kind: 'DaemonSet', name: 'kube-ovn-cni' },
  });

  it('warns when ovn-central runs below its replicas and fails when kube-ovn-controller has none ready', () => {
    const degraded = runCheck(
      kubeOvnCheck,
      inventoryFrom([readyNode('a'), cni, deploy('ovn-central', 3, 2), deploy('kube-ovn-controller', 3, 3)]),
      ctx(),
    );
    assert.deepEqual(
      degraded.map((f) => [f.id, f.status, f.blocking]),
      [['kube-ovn:control-plane', 'warn', false]],
    );
    assert.match(degraded[0]!.summary, /ovn-central 2\/3 ready/);
    const down = runCheck(
      kubeOvnCheck,
      inventoryFrom([readyNode('a'), cni, deploy('ovn-central', 3, 3), deploy('kube-ovn-controller', 3, 0)]),
      ctx(),
    );
    assert.deepEqual(
      down.map((f) => [f.id, f.status, f.blocking]),
      [['kube-ovn:control-plane', 'fail', true]],
    );
    assert.deepEqual(down[0]!.objects, ['cozy-kubeovn/deployment/kube-ovn-controller']);
  });
});
