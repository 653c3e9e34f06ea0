import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourceHeadroomCheck } from '../../src/checks/resource-headroom.js';
import { outOfCpuMessage } from '../support/objects.js';
import { clock, ctx, inventoryFrom, readyNode, runCheck, simplePod } from './support.js';

describe('resource-headroom check', () => {
  it('warns on nodes whose requests reach the threshold and on OutOfcpu rejections', () => {
    const inv = inventoryFrom([
      readyNode('full', { allocatable: { cpu: '4', memory: '8Gi' } }),
      readyNode('free', { allocatable: { cpu: '4', memory: '8Gi' } }),
      simplePod({
        name: 'big',
        namespace: 'cozy-x',
        node: 'full',
        requests: { cpu: '3800m', memory: '1Gi' },
      }),
      simplePod({
        name: 'small',
        namespace: 'cozy-x',
        node: 'free',
        requests: { cpu: '100m', memory: '1Gi' },
      }),
      simplePod({
        name: 'rejected',
        namespace: 'cozy-x',
        node: 'full',
        phase: 'Failed',
        reason: 'OutOfcpu',
        message: outOfCpuMessage(500, 3800, 4000),
        requests: { cpu: '500m' },
        created: clock.daysAgo(3),
      }),
    ]);
    const findings = runCheck(resourceHeadroomCheck, inv, ctx());
    const nodes = findings.find((f) => f.id === 'resource-headroom:nodes')!;
    assert.equal(nodes.status, 'warn');
    assert.deepEqual(nodes.nodes, ['full']);
    assert.match(nodes.summary, /full \(cpu 95%, memory 12\.5%\)/);
    const rejections = findings.find((f) => f.id === 'resource-headroom:rejections')!;
    assert.deepEqual(rejections.counts, { OutOfcpu: 1, total: 1 });
    assert.deepEqual(rejections.objects, ['cozy-x/pod/rejected']);
    assert.equal(
      runCheck(resourceHeadroomCheck, inv, ctx({ warnPercent: 96 })).some(
        (f) => f.id === 'resource-headroom:nodes',
      ),
      false,
    );
    assert.equal(
      runCheck(resourceHeadroomCheck, inv, ctx({ failPercent: 95 })).find(
        (f) => f.id === 'resource-headroom:nodes',
      )?.status,
      'fail',
    );
  });

  it('passes with room to spare', () => {
    const inv = inventoryFrom([
      readyNode('a'),
      simplePod({ name: 'p', namespace: 'cozy-x', node: 'a', requests: { cpu: '1' } }),
    ]);
    const [f] = runCheck(resourceHeadroomCheck, inv, ctx());
    assert.equal(f!.status, 'pass');
    assert.match(f!.summary, /highest 12\.8%/);
  });
});
