import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/types.js';
import { displayStatusOf, isHealthy, reducePod } from '../../src/inventory/pods.js';
import { clock, simplePod } from '../checks/support.js';
import { kubectlPodStatus } from '../support/kubectl-status.js';
import { pod, running, terminated, waiting } from '../support/objects.js';
import { repoPath } from '../support/repo.js';

const noop = () => {};
const asKube = (o: unknown) => o as KubeObject;

function ciliumLike(
  initDone: number,
  total: number,
  current: ReturnType<typeof waiting> | ReturnType<typeof running>,
) {
  const start = clock.daysAgo(52);
  const inits = Array.from({ length: total }, (_, i) => ({
    name: `init-${i}`,
    image: 'quay.io/cilium/cilium:v1.16.5',
    status: {
      state:
        i < initDone
          ? terminated('Completed', 0, start, clock.after(start, { seconds: 2 }))
          : i === initDone
            ? current
            : waiting('PodInitializing'),
    },
  }));
  return pod({
    name: 'cilium-x7k2p',
    namespace: 'cozy-cilium',
    created: start,
    node: 'mgr.cp.if.ua',
    containers: [
      {
        name: 'cilium-agent',
        image: 'quay.io/cilium/cilium:v1.16.5',
        status: { state: waiting('PodInitializing') },
      },
    ],
    initContainers: inits,
    phase: 'Pending',
    readyTransition: start,
  });
}

describe('displayStatusOf (kubectl STATUS column)', () => {
  it('prints Init:0/5 for a pod whose first init container has not finished', () => {
    const result = displayStatusOf(asKube(ciliumLike(0, 5, running(clock.daysAgo(52)))));
    assert.equal(result.display, 'Init:0/5');
    assert.equal(result.initProgress, 'Init:0/5');
  });

  it('prints Init:2/5 after two init containers completed', () => {
    assert.equal(displayStatusOf(asKube(ciliumLike(2, 5, running(clock.daysAgo(1))))).display, 'Init:2/5');
  });

  it('prints Init:CrashLoopBackOff for a crash-looping init container', () => {
    assert.equal(
      displayStatusOf(asKube(ciliumLike(1, 3, waiting('CrashLoopBackOff', 'back-off')))).display,
      'Init:CrashLoopBackOff',
    );
  });

  it('prints the waiting reason of a container: CrashLoopBackOff, ImagePullBackOff, ErrImagePull, ContainerCreating', () => {
    for (const reason of ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'ContainerCreating']) {
      const p = simplePod({
        name: 'a',
        namespace: 'x',
        node: 'n',
        state: waiting(reason),
        phase: reason === 'ContainerCreating' ? 'Pending' : 'Running',
      });
      assert.equal(displayStatusOf(asKube(p)).display, reason);
    }
  });

  it('prints OutOfcpu for a kubelet-rejected pod', () => {
    const p = simplePod({
      name: 'a',
      namespace: 'x',
      node: 'n',
      phase: 'Failed',
      reason: 'OutOfcpu',
      message: 'Pod was rejected',
    });
    assert.equal(displayStatusOf(asKube(p)).display, 'OutOfcpu');
  });

  it('prints Error and Completed for terminated containers', () => {
    const t0 = clock.daysAgo(3);
    const err = simplePod({
      name: 'a',
      namespace: 'x',
      node: 'n',
      state: terminated('Error', 1, t0, clock.after(t0, { minutes: 1 })),
      phase: 'Failed',
    });
    const done = simplePod({
      name: 'b',
      namespace: 'x',
      node: 'n',
      state: terminated('Completed', 0, t0, clock.after(t0, { minutes: 1 })),
      phase: 'Succeeded',
    });
    assert.equal(displayStatusOf(asKube(err)).display, 'Error');
    assert.equal(displayStatusOf(asKube(done)).display, 'Completed');
  });

  it('prints Unknown for phase Unknown, for NodeLost, and Terminating for a deleted running pod', () => {
    const unknown = simplePod({ name: 'a', namespace: 'x', node: 'n', phase: 'Unknown' });
    const lost = simplePod({
      name: 'b',
      namespace: 'x',
      node: 'n',
      reason: 'NodeLost',
      deletionTimestamp: clock.daysAgo(10),
    });
    const deleting = simplePod({
      name: 'c',
      namespace: 'x',
      node: 'n',
      deletionTimestamp: clock.minutesAgo(1),
    });
    assert.equal(displayStatusOf(asKube(unknown)).display, 'Unknown');
    assert.equal(displayStatusOf(asKube(lost)).display, 'Unknown');
    assert.equal(displayStatusOf(asKube(deleting)).display, 'Terminating');
  });

  it('prints Pending for an unscheduled pod and Running for a healthy one', () => {
    const pending = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'x' },
      spec: { containers: [] },
      status: { phase: 'Pending' },
    };
    assert.equal(displayStatusOf(asKube(pending)).display, 'Pending');
    assert.equal(
      displayStatusOf(asKube(simplePod({ name: 'a', namespace: 'x', node: 'n' }))).display,
      'Running',
    );
  });
});

describe('reducePod', () => {
  it('keeps restarts, last termination, requests, node and the failure start (Ready transition)', () => {
    const last = clock.hoursAgo(2);
    const p = simplePod({
      name: 'kube-ovn-cni-abcde',
      namespace: 'cozy-kubeovn',
      node: 'mgr.cp.if.ua',
      created: clock.daysAgo(179),
      state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container'),
      lastState: terminated('Error', 1, clock.after(last, { minutes: -1 }), last),
      restarts: 3034,
      readyTransition: clock.daysAgo(179),
      requests: { cpu: '100m', memory: '100Mi' },
    });
    const facts = reducePod(asKube(p), noop);
    assert.equal(facts.displayStatus, 'CrashLoopBackOff');
    assert.equal(facts.restarts, 3034);
    assert.equal(facts.node, 'mgr.cp.if.ua');
    assert.equal(facts.lastTerminatedAt, last);
    assert.equal(facts.failingSince, clock.daysAgo(179));
    assert.deepEqual(facts.requests, { cpuMillis: 100, memoryBytes: 100 * 2 ** 20 });
    assert.equal(facts.containers[0]?.message, 'back-off 5m0s restarting failed container');
    assert.equal(facts.ready, false);
    assert.equal(isHealthy(facts), false);
  });

  it('gives a healthy pod no failingSince', () => {
    const facts = reducePod(asKube(simplePod({ name: 'a', namespace: 'x', node: 'n' })), noop);
    assert.equal(isHealthy(facts), true);
    assert.equal(facts.failingSince, undefined);
  });

  it('reports every timestamp it reads to the clock', () => {
    const times: string[] = [];
    reducePod(
      asKube(simplePod({ name: 'a', namespace: 'x', node: 'n', created: clock.daysAgo(2) })),
      (t) => t && times.push(t),
    );
    assert.ok(times.includes(clock.daysAgo(2)));
  });
});

describe('displayStatusOf against an independent kubectl printPod port, on every fixture pod', () => {
  it('agrees with kubectlPodStatus except where a lost node makes the pod Unknown', () => {
    const root = `${repoPath('fixtures')}/`;
    let compared = 0;
    for (const fixture of readdirSync(root)) {
      const file = join(root, fixture, 'pods.json');
      if (!existsSync(file)) continue;
      const pods = (JSON.parse(readFileSync(file, 'utf8')) as { items: KubeObject[] }).items;
      for (const p of pods) {
        const ours = displayStatusOf(p).display;
        const theirs = kubectlPodStatus(p as never);
        const status = p.status as { phase?: string; reason?: string };
        const lost = status.phase === 'Unknown' || status.reason === 'NodeLost';
        assert.equal(
          ours,
          lost ? 'Unknown' : theirs,
          `${fixture}: ${p.metadata.namespace}/${p.metadata.name}`,
        );
        compared++;
      }
    }
    assert.ok(compared > 50, `compared ${compared} pods`);
  });
});
