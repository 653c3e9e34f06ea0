import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeHealthCheck } from '../../src/checks/node-health.js';
import { clock, ctx, inventoryFrom, readyNode, runCheck } from './support.js';

describe('node-health check', () => {
  it('fails on nodes whose Ready is Unknown, saying since when and why', () => {
    const inv = inventoryFrom([
      readyNode('mgr.cp.if.ua'),
      readyNode('mgr-cozy2', {
        statusUnknown: { since: clock.daysAgo(12), lastHeartbeat: clock.daysAgo(12, 0, 1) },
      }),
    ]);
    const [f] = runCheck(nodeHealthCheck, inv, ctx());
    assert.equal(f!.id, 'node-health:not-ready');
    assert.equal(f!.status, 'fail');
    assert.equal(f!.blocking, true);
    assert.deepEqual(f!.nodes, ['mgr-cozy2']);
    assert.match(
      f!.summary,
      /mgr-cozy2 Unknown for 12 days \(NodeStatusUnknown: Kubelet stopped posting node status\.\)/,
    );
    assert.equal(f!.evidence[0]!.since, clock.daysAgo(12));
  });

  it('warns on cordoned nodes and on kubelet version skew', () => {
    const inv = inventoryFrom([
      readyNode('a', { kubeletVersion: 'v1.31.4' }),
      readyNode('b', { kubeletVersion: 'v1.29.10', unschedulable: true }),
    ]);
    const findings = runCheck(nodeHealthCheck, inv, ctx());
    assert.deepEqual(
      findings.map((f) => [f.id, f.status, f.blocking]),
      [
        ['node-health:cordoned', 'warn', false],
        ['node-health:version-skew', 'warn', false],
      ],
    );
    assert.match(findings[1]!.summary, /differ by 2 minor versions \(v1\.31\.4: a; v1\.29\.10: b\)/);
    assert.deepEqual(
      runCheck(nodeHealthCheck, inv, ctx({ maxKubeletSkew: 2 })).map((f) => f.id),
      ['node-health:cordoned'],
    );
  });

  it('blocks on pressure conditions that are True: the kubelet evicts the pods an upgrade starts', () => {
    const pressured = readyNode('disk');
    const conditions = (pressured.status as { conditions: Array<Record<string, string>> }).conditions;
    Object.assign(conditions.find((c) => c.type === 'DiskPressure')!, {
      status: 'True',
      reason: 'KubeletHasDiskPressure',
    });
    const [f] = runCheck(nodeHealthCheck, inventoryFrom([pressured, readyNode('ok')]), ctx());
    assert.deepEqual([f!.id, f!.status, f!.blocking], ['node-health:pressure', 'fail', true]);
    assert.match(f!.summary, /disk: DiskPressure for \d+ (minutes|hours|days)/);
  });

  it('passes a healthy cluster', () => {
    assert.deepEqual(
      runCheck(nodeHealthCheck, inventoryFrom([readyNode('a'), readyNode('b')]), ctx()).map((f) => f.status),
      ['pass'],
    );
  });
});
