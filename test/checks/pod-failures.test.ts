import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podFailuresCheck } from '../../src/checks/pod-failures.js';
import { terminated, waiting } from '../support/objects.js';
import { clock, ctx, inventoryFrom, readyNode, runCheck, simplePod } from './support.js';

describe('pod-failures check', () => {
  const t = clock.daysAgo(200);
  const objects = [
    readyNode('n1'),
    readyNode('n2'),
    simplePod({
      name: 'dash-1',
      namespace: 'cozy-dashboard',
      node: 'n1',
      state: waiting('CrashLoopBackOff'),
      restarts: 900,
      readyTransition: clock.daysAgo(6),
    }),
    simplePod({
      name: 'capi-1',
      namespace: 'cozy-cluster-api',
      node: 'n2',
      state: waiting('ImagePullBackOff', 'Back-off pulling image'),
      readyTransition: clock.daysAgo(8),
    }),
    simplePod({
      name: 'cpu-1',
      namespace: 'cozy-monitoring',
      node: 'n2',
      phase: 'Failed',
      reason: 'OutOfcpu',
      message: "Pod was rejected: Node didn't have enough resource: cpu",
      created: clock.daysAgo(20),
    }),
    simplePod({
      name: 'old-1',
      namespace: 'kube-system',
      node: 'n1',
      phase: 'Unknown',
      ready: false,
      created: clock.daysAgo(210),
      readyTransition: clock.daysAgo(203),
    }),
    simplePod({
      name: 'err-1',
      namespace: 'cozy-linstor',
      node: 'n1',
      state: terminated('Error', 1, t, t),
      phase: 'Failed',
      readyTransition: clock.daysAgo(179),
    }),
    simplePod({
      name: 'creating',
      namespace: 'cozy-system',
      node: 'n1',
      state: waiting('ContainerCreating'),
      phase: 'Pending',
      created: clock.hoursAgo(3),
      readyTransition: clock.hoursAgo(3),
    }),
    simplePod({
      name: 'just-started',
      namespace: 'cozy-system',
      node: 'n1',
      state: waiting('ContainerCreating'),
      phase: 'Pending',
      created: clock.minutesAgo(2),
      readyTransition: clock.minutesAgo(2),
    }),
    simplePod({
      name: 'tenant-app',
      namespace: 'tenant-acme',
      node: 'n2',
      state: waiting('CrashLoopBackOff'),
      restarts: 30,
      readyTransition: clock.daysAgo(1),
    }),
    simplePod({ name: 'fine', namespace: 'cozy-system', node: 'n2' }),
    simplePod({
      name: 'job-done',
      namespace: 'cozy-system',
      node: 'n2',
      state: terminated('Completed', 0, t, t),
      phase: 'Succeeded',
    }),
  ];

  it('counts platform failures by reason, names namespaces and nodes, and gives the age range', () => {
    const findings = runCheck(podFailuresCheck, inventoryFrom(objects), ctx());
    const platform = findings.find((f) => f.id === 'pod-failures:platform')!;
    assert.equal(platform.status, 'fail');
    assert.equal(platform.blocking, true);
    assert.deepEqual(platform.counts, {
      CrashLoopBackOff: 1,
      ContainerCreating: 1,
      Error: 1,
      ImagePullBackOff: 1,
      OutOfcpu: 1,
      Unknown: 1,
      total: 6,
    });
    assert.deepEqual(platform.ageDays, { min: 0, max: 203 });
    assert.match(platform.summary, /By node: n1 4, n2 2/);
    assert.ok(platform.objects.includes('cozy-dashboard/pod/dash-1'));
    assert.ok(
      !platform.objects.includes('cozy-system/pod/just-started'),
      'a pod still within its grace period is not stuck',
    );
  });

  it('reports tenant failures separately as a non-blocking warning', () => {
    const tenant = runCheck(podFailuresCheck, inventoryFrom(objects), ctx()).find(
      (f) => f.scope === 'tenant',
    )!;
    assert.equal(tenant.id, 'pod-failures:tenant');
    assert.equal(tenant.status, 'warn');
    assert.equal(tenant.blocking, false);
    assert.deepEqual(tenant.objects, ['tenant-acme/pod/tenant-app']);
  });

  it('leaves pods that fail only because their node is down to node-health, but counts those that failed before', () => {
    const lost = readyNode('lost', {
      statusUnknown: { since: clock.daysAgo(7), lastHeartbeat: clock.daysAgo(7) },
    });
    const inv = inventoryFrom([
      lost,
      simplePod({
        name: 'stale',
        namespace: 'kube-system',
        node: 'lost',
        ready: false,
        readyTransition: clock.daysAgo(7),
      }),
      // Unknown since the node went silent: the node's failure, not its own.
      simplePod({
        name: 'with-the-node',
        namespace: 'cozy-system',
        node: 'lost',
        ready: false,
        reason: 'NodeLost',
        deletionTimestamp: clock.daysAgo(6),
        readyTransition: clock.daysAgo(7),
      }),
      // Unknown now, but failing for two months before the node went down: a failure of its own.
      simplePod({
        name: 'long-before',
        namespace: 'cozy-system',
        node: 'lost',
        ready: false,
        reason: 'NodeLost',
        deletionTimestamp: clock.daysAgo(6),
        readyTransition: clock.daysAgo(60),
      }),
    ]);
    const platform = runCheck(podFailuresCheck, inv, ctx()).find((f) => f.id === 'pod-failures:platform')!;
    assert.deepEqual(platform.counts, { Unknown: 1, total: 1 });
    assert.deepEqual(platform.objects, ['cozy-system/pod/long-before']);
  });

  it('uses the pendingGraceMinutes param, and passes a healthy cluster', () => {
    const strict = runCheck(podFailuresCheck, inventoryFrom(objects), ctx({ pendingGraceMinutes: 1 })).find(
      (f) => f.id === 'pod-failures:platform',
    )!;
    assert.equal(strict.counts?.ContainerCreating, 2);
    const healthy = runCheck(
      podFailuresCheck,
      inventoryFrom([readyNode('n1'), simplePod({ name: 'a', namespace: 'cozy-system', node: 'n1' })]),
      ctx(),
    );
    assert.deepEqual(
      healthy.map((f) => [f.id, f.status]),
      [['pod-failures', 'pass']],
    );
  });
});
