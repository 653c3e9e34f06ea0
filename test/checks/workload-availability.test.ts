import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workloadAvailabilityCheck } from '../../src/checks/workload-availability.js';
import { daemonSet, deployment, waiting } from '../support/objects.js';
import { clock, ctx, inventoryFrom, readyNode, runCheck, simplePod } from './support.js';

const template = { labels: {}, containers: [] };
const ds = (name: string, namespace: string, desired: number, ready: number) =>
  daemonSet({
    name,
    namespace,
    created: clock.daysAgo(200),
    selector: {},
    template,
    desired,
    current: desired,
    ready,
  });
const deploy = (name: string, namespace: string, replicas: number, ready: number) =>
  deployment({
    name,
    namespace,
    created: clock.daysAgo(200),
    selector: {},
    template,
    replicas,
    status: {
      replicas,
      ready,
      availableSince: clock.daysAgo(6),
      progressingSince: clock.daysAgo(6),
      replicaSetName: `${name}-x`,
    },
  });

describe('workload-availability check', () => {
  it('fails on platform DaemonSets/Deployments below desired and names their failing pods and nodes', () => {
    const inv = inventoryFrom([
      readyNode('n1'),
      ds('kube-ovn-cni', 'cozy-kubeovn', 3, 1),
      deploy('incloud-web-gatekeeper', 'cozy-dashboard', 2, 0),
      deploy('ok', 'cozy-system', 1, 1),
      deploy('scaled-down', 'cozy-system', 0, 0),
      deploy('shop', 'tenant-acme', 1, 0),
      simplePod({
        name: 'kube-ovn-cni-abcde',
        namespace: 'cozy-kubeovn',
        node: 'n1',
        owner: { kind: 'DaemonSet', name: 'kube-ovn-cni' },
        state: waiting('CrashLoopBackOff'),
        readyTransition: clock.daysAgo(5),
      }),
    ]);
    const findings = runCheck(workloadAvailabilityCheck, inv, ctx());
    const platform = findings.find((f) => f.id === 'workload-availability:platform')!;
    assert.equal(platform.status, 'fail');
    assert.deepEqual(platform.objects, [
      'cozy-dashboard/deployment/incloud-web-gatekeeper',
      'cozy-kubeovn/daemonset/kube-ovn-cni',
    ]);
    assert.deepEqual(platform.nodes, ['n1']);
    // The DaemonSet's status says 1/3 ready, but its only captured pod crash-loops: the pods are the evidence.
    assert.equal(platform.counts?.missingReplicas, 5);
    const cni = platform.evidence.find((e) => e.name === 'kube-ovn-cni')!;
    assert.equal(cni.reason, '0/3 ready');
    assert.match(
      cni.message!,
      /status says 1\/3 ready, but the captured pods show 0 ready; kube-ovn-cni-abcde CrashLoopBackOff on n1/,
    );
    const tenant = findings.find((f) => f.id === 'workload-availability:tenant')!;
    assert.deepEqual([tenant.status, tenant.blocking], ['warn', false]);
  });

  it('passes when all workloads are available', () => {
    assert.deepEqual(
      runCheck(workloadAvailabilityCheck, inventoryFrom([deploy('ok', 'cozy-system', 2, 2)]), ctx()).map(
        (f) => f.status,
      ),
      ['pass'],
    );
  });
});
