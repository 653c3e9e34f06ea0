import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restartsCheck, restartsPerDay } from '../../src/checks/restarts.js';
import { waiting } from '../support/objects.js';
import { clock, ctx, inventoryFrom, readyNode, runCheck, simplePod } from './support.js';

describe('restarts check', () => {
  const objects = [
    readyNode('n1'),
    simplePod({
      name: 'ovn',
      namespace: 'cozy-kubeovn',
      node: 'n1',
      created: clock.daysAgo(179),
      state: waiting('CrashLoopBackOff'),
      restarts: 3034,
      readyTransition: clock.daysAgo(179),
    }),
    simplePod({
      name: 'cilium',
      namespace: 'cozy-cilium',
      node: 'n1',
      created: clock.daysAgo(60),
      state: waiting('CrashLoopBackOff'),
      restarts: 10,
      readyTransition: clock.daysAgo(52),
    }),
    simplePod({
      name: 'old',
      namespace: 'kube-system',
      node: 'n1',
      phase: 'Unknown',
      ready: false,
      created: clock.daysAgo(210),
      readyTransition: clock.daysAgo(203),
    }),
    simplePod({
      name: 'recent',
      namespace: 'cozy-dashboard',
      node: 'n1',
      state: waiting('CrashLoopBackOff'),
      restarts: 900,
      created: clock.daysAgo(6),
      readyTransition: clock.daysAgo(6),
    }),
    simplePod({
      name: 'flappy',
      namespace: 'tenant-x',
      node: 'n1',
      restarts: 400,
      created: clock.daysAgo(10),
    }),
  ];

  it('reports platform failures older than the threshold as long-term degradation with their age range', () => {
    const findings = runCheck(restartsCheck, inventoryFrom(objects), ctx());
    const longTerm = findings.find((f) => f.id === 'restarts:long-term:platform')!;
    assert.deepEqual(longTerm.ageDays, { min: 52, max: 203 });
    assert.deepEqual(longTerm.counts, { pods: 3, restarts: 3044 });
    assert.match(longTerm.summary, /3 platform pods have been failing for 52–203 days/);
    assert.ok(!longTerm.objects.includes('cozy-dashboard/pod/recent'));
    assert.equal(longTerm.blocking, false);
  });

  it('lists pods restarting often with restarts per day, platform and tenant apart', () => {
    const findings = runCheck(restartsCheck, inventoryFrom(objects), ctx());
    const platform = findings.find((f) => f.id === 'restarts:frequent:platform')!;
    assert.deepEqual(
      platform.objects,
      ['cozy-kubeovn/pod/ovn', 'cozy-dashboard/pod/recent'],
      'most restarts first',
    );
    assert.match(platform.summary, /cozy-dashboard\/recent 900 \(150\/day\)/);
    const ovn = platform.evidence.find((e) => e.name === 'ovn')!;
    assert.equal(ovn.message, '3034 restarts over 179 days (16.9/day)');
    const tenant = findings.find((f) => f.id === 'restarts:frequent:tenant')!;
    assert.equal(tenant.scope, 'tenant');
    assert.deepEqual(tenant.objects, ['tenant-x/pod/flappy']);
  });

  it('honours its thresholds and passes a quiet cluster', () => {
    const strict = runCheck(restartsCheck, inventoryFrom(objects), ctx({ longTermDays: 200 }));
    assert.deepEqual(strict.find((f) => f.id === 'restarts:long-term:platform')?.objects, [
      'kube-system/pod/old',
    ]);
    const quiet = runCheck(
      restartsCheck,
      inventoryFrom([
        readyNode('n1'),
        simplePod({ name: 'a', namespace: 'cozy-system', node: 'n1', restarts: 2 }),
      ]),
      ctx(),
    );
    assert.deepEqual(
      quiet.map((f) => f.status),
      ['pass'],
    );
    assert.equal(restartsPerDay({ restarts: 10, createdAt: clock.hoursAgo(3) } as never, clock.now), 10);
  });
});
