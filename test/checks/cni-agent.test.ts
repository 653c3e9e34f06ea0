import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cniAgentCheck } from '../../src/checks/cni-agent.js';
import { pod, running, terminated, waiting } from '../support/objects.js';
import { clock, ctx, inventoryFrom, readyNode, runCheck, simplePod } from './support.js';
import { controllerRef } from '../support/objects.js';

function stuckAgent(node: string, days: number) {
  const start = clock.daysAgo(days);
  return pod({
    name: `cilium-${node}`,
    namespace: 'cozy-cilium',
    created: start,
    node,
    owner: controllerRef('apps/v1', 'DaemonSet', 'cilium', 'cozy-cilium'),
    containers: [
      {
        name: 'cilium-agent',
        image: 'ghcr.io/cozystack/cozystack/cilium:1.16.5',
        status: { state: waiting('PodInitializing') },
      },
    ],
    initContainers: [
      'config',
      'mount-cgroup',
      'apply-sysctl-overwrites',
      'mount-bpf-fs',
      'clean-cilium-state',
    ].map((name, i) => ({
      name,
      image: 'ghcr.io/cozystack/cozystack/cilium:1.16.5',
      status: { state: i === 0 ? running(start) : waiting('PodInitializing') },
    })),
    phase: 'Pending',
    readyTransition: start,
  });
}

describe('cni-agent check', () => {
  it('fails on an agent stuck in Init:0/5, saying for how many days, and on an Unknown agent with restarts', () => {
    const inv = inventoryFrom([
      readyNode('mgr.cp.if.ua'),
      readyNode('mgr-cozy2'),
      readyNode('ok'),
      stuckAgent('mgr.cp.if.ua', 52),
      simplePod({
        name: 'cilium-cozy2',
        namespace: 'cozy-cilium',
        node: 'mgr-cozy2',
        owner: { kind: 'DaemonSet', name: 'cilium' },
        phase: 'Unknown',
        ready: false,
        restarts: 252,
        created: clock.daysAgo(190),
        readyTransition: clock.daysAgo(180),
      }),
      simplePod({
        name: 'cilium-ok',
        namespace: 'cozy-cilium',
        node: 'ok',
        owner: { kind: 'DaemonSet', name: 'cilium' },
      }),
    ]);
    const [f, ...rest] = runCheck(cniAgentCheck, inv, ctx());
    assert.equal(rest.length, 0);
    assert.equal(f!.status, 'fail');
    assert.deepEqual(f!.nodes, ['mgr-cozy2', 'mgr.cp.if.ua']);
    assert.match(f!.summary, /mgr\.cp\.if\.ua: Init:0\/5 for 52 days/);
    assert.match(f!.summary, /mgr-cozy2: Unknown for 180 days, 252 restarts/);
    assert.deepEqual(f!.counts, { nodes: 2, 'Init:0/5': 1, Unknown: 1 });
    assert.deepEqual(f!.ageDays, { min: 52, max: 180 });
  });

  it('ignores an agent that has only just started initialising, and flags a crash-looping one', () => {
    const fresh = stuckAgent('a', 0);
    fresh.metadata.creationTimestamp = clock.minutesAgo(2);
    const inv = inventoryFrom([readyNode('a'), fresh]);
    assert.equal(runCheck(cniAgentCheck, inv, ctx()).at(0)?.status, 'pass');
    const t = clock.minutesAgo(30);
    const crash = inventoryFrom([
      readyNode('a'),
      simplePod({
        name: 'cilium-a',
        namespace: 'cozy-cilium',
        node: 'a',
        owner: { kind: 'DaemonSet', name: 'cilium' },
        state: waiting('CrashLoopBackOff'),
        lastState: terminated('Error', 1, t, t),
        restarts: 40,
        readyTransition: clock.hoursAgo(5),
      }),
    ]);
    const f = runCheck(cniAgentCheck, crash, ctx()).at(0)!;
    assert.equal(f.status, 'fail');
    assert.equal(f.counts?.CrashLoopBackOff, 1);
  });

  it('passes when no agent is deployed', () => {
    assert.match(
      runCheck(cniAgentCheck, inventoryFrom([readyNode('a')]), ctx()).at(0)!.summary,
      /nothing to check/,
    );
  });
});
