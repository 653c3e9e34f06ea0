// The inventory facts the judgement rules read: node conditions with their age and taints, ReplicaSet and Job
// state, the v1 Package variant, captured-but-empty lists, the Kubernetes version inferred from control-plane
// kubelets, and messages clipped without losing their telling tail.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import type { KubeObject, ListOutcome } from '../../src/cluster/types.js';
import { createInventoryBuilder } from '../../src/inventory/build.js';
import { clip } from '../../src/inventory/raw.js';
import { reduceJob, reduceNode, reducePackage, reduceReplicaSet } from '../../src/inventory/reducers.js';
import { inferServerVersion, kubernetesVersionOf } from '../../src/inventory/server-version.js';
import type { NodeFacts } from '../../src/inventory/types.js';
import { clock, readyNode, simplePod } from '../checks/support.js';
import { customObject, job, replicaSet } from '../support/objects.js';

const k = (o: unknown) => o as KubeObject;
const noop = () => {};
const ok = (type: string, count: number): ListOutcome => ({ type, status: 'ok', count });

describe('node facts', () => {
  it('keeps every non-Ready condition with its reason and age, and the taints with when they were added', () => {
    const raw = readyNode('cozy-w1', {
      taints: [
        { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', timeAdded: clock.minutesAgo(50) },
      ],
    });
    const conditions = (raw.status as { conditions: Array<Record<string, string>> }).conditions;
    Object.assign(conditions.find((c) => c.type === 'MemoryPressure')!, {
      status: 'True',
      reason: 'KubeletHasInsufficientMemory',
      message: 'kubelet has insufficient memory available',
      lastTransitionTime: clock.minutesAgo(52),
    });
    const n = reduceNode(k(raw), noop);
    assert.deepEqual(n.pressures, ['MemoryPressure']);
    assert.deepEqual(
      n.conditions.find((c) => c.type === 'MemoryPressure'),
      {
        type: 'MemoryPressure',
        status: 'True',
        reason: 'KubeletHasInsufficientMemory',
        message: 'kubelet has insufficient memory available',
        since: clock.minutesAgo(52),
      },
    );
    assert.ok(!n.conditions.some((c) => c.type === 'Ready'));
    assert.deepEqual(n.taints, [
      { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule', since: clock.minutesAgo(50) },
    ]);
  });
});

describe('owner facts', () => {
  it('a ReplicaSet: desired, ready, available and its Deployment; a pod keeps the ReplicaSet it was resolved through', () => {
    const rs = replicaSet({
      name: 'helm-controller-5b8c7f9d6x',
      namespace: 'cozy-fluxcd',
      created: clock.daysAgo(131),
      deploymentName: 'helm-controller',
      labels: {},
      selector: {},
      template: { labels: {}, containers: [] },
      replicas: 0,
      ready: 0,
    });
    assert.deepEqual(reduceReplicaSet(k(rs), noop), {
      namespace: 'cozy-fluxcd',
      name: 'helm-controller-5b8c7f9d6x',
      deployment: 'helm-controller',
      desired: 0,
      ready: 0,
      available: 0,
      createdAt: clock.daysAgo(131),
    });
    const builder = createInventoryBuilder({ source: { kind: 'snapshot' }, now: clock.now });
    builder.sink.page(BUILTIN_TYPES.pods, [
      k(
        simplePod({
          name: 'helm-controller-5b8c7f9d6x-abcde',
          namespace: 'cozy-fluxcd',
          node: 'n1',
          owner: { kind: 'ReplicaSet', name: 'helm-controller-5b8c7f9d6x' },
        }),
      ),
    ]);
    builder.sink.page(BUILTIN_TYPES.replicasets, [k(rs)]);
    const inv = builder.finish([]);
    assert.deepEqual(inv.pods[0]?.owner, { kind: 'Deployment', name: 'helm-controller' });
    assert.equal(inv.pods[0]?.replicaSet, 'helm-controller-5b8c7f9d6x');
    assert.equal(inv.replicaSets.length, 1);
  });

  it('a Job: complete or failed, with its pod counters', () => {
    const done = job({
      name: 'ovs-ovn-upgrade',
      namespace: 'cozy-kubeovn',
      created: clock.daysAgo(21),
      template: { labels: {}, containers: [] },
      succeeded: 1,
      failed: 1,
      completedAt: clock.daysAgo(21),
    });
    assert.deepEqual(
      { ...reduceJob(k(done), noop), createdAt: undefined },
      {
        namespace: 'cozy-kubeovn',
        name: 'ovs-ovn-upgrade',
        complete: true,
        failed: false,
        succeeded: 1,
        failedPods: 1,
        createdAt: undefined,
      },
    );
    const failed = job({
      name: 'cozystack-migration-hook',
      namespace: 'cozy-system',
      created: clock.daysAgo(1),
      template: { labels: {}, containers: [] },
      failed: 4,
      completedAt: clock.hoursAgo(20),
    });
    const f = reduceJob(k(failed), noop);
    assert.equal(f.complete, false);
    assert.equal(f.failed, true);
    assert.equal(f.failedPods, 4);
  });
});

describe('the v1 Package', () => {
  it('keeps the name and the variant, none of the values', () => {
    const pkg = customObject({
      apiVersion: 'cozystack.io/v1alpha1',
      kind: 'Package',
      name: 'cozystack.cozystack-platform',
      created: clock.daysAgo(60),
      spec: { variant: 'isp-full', components: { platform: { values: { token: 'x' } } } },
    });
    assert.deepEqual(reducePackage(k(pkg)), { name: 'cozystack.cozystack-platform', variant: 'isp-full' });
  });
});

describe('captured but empty lists', () => {
  it('an empty list of nodes, pods or namespaces counts as not read, saying why', () => {
    const builder = createInventoryBuilder({ source: { kind: 'snapshot' }, now: clock.now });
    builder.sink.page(BUILTIN_TYPES.nodes, [k(readyNode('n1'))]);
    const inv = builder.finish([
      ok('nodes', 1),
      ok('pods', 0),
      ok('namespaces', 0),
      ok('events', 0),
      ok('jobs.batch', 0),
    ]);
    assert.equal(inv.outcomes.nodes?.status, 'ok');
    assert.equal(inv.outcomes.pods?.status, 'failed');
    assert.match(
      inv.outcomes.pods?.reason ?? '',
      /read but holds nothing.*always runs pods.*capture is incomplete/,
    );
    assert.equal(inv.outcomes.namespaces?.status, 'failed');
    // Types a cluster may well have none of stay as they are.
    assert.equal(inv.outcomes.events?.status, 'ok');
    assert.equal(inv.outcomes['jobs.batch']?.status, 'ok');
  });
});

describe('the Kubernetes version', () => {
  const node = (name: string, kubeletVersion: string, roles = ['control-plane']) =>
    ({ name, kubeletVersion, roles }) as NodeFacts;

  it('is inferred from the lowest control-plane kubelet when the server did not say, and says so', () => {
    const inferred = inferServerVersion([
      node('cp1', 'v1.32.9'),
      node('cp2', 'v1.33.4'),
      node('w1', 'v1.31.0', ['worker']),
    ]);
    assert.equal(inferred?.version, 'v1.32.9');
    assert.match(
      inferred?.evidence ?? '',
      /2 control-plane nodes \(cp1, cp2\) \(they differ: v1\.32\.9, v1\.33\.4; the lowest counts\)/,
    );
    assert.equal(inferServerVersion([node('w1', 'v1.31.0', ['worker'])]), undefined);
  });

  it("prefers the server's own answer, and only the builder infers when it has none", () => {
    assert.deepEqual(kubernetesVersionOf({ serverVersion: 'v1.33.1' }), { version: 'v1.33.1' });
    const inferred = { version: 'v1.32.9', evidence: 'inferred from …' };
    assert.deepEqual(kubernetesVersionOf({ serverVersionInferred: inferred }), {
      version: 'v1.32.9',
      inferred: 'inferred from …',
    });
    const builder = createInventoryBuilder({ source: { kind: 'snapshot' }, now: clock.now });
    builder.sink.page(BUILTIN_TYPES.nodes, [k(readyNode('cp1'))]);
    const told = builder.finish([], 'v1.31.7');
    assert.equal(told.serverVersion, 'v1.31.7');
    assert.equal(told.serverVersionInferred, undefined);
    const silent = createInventoryBuilder({ source: { kind: 'snapshot' }, now: clock.now });
    silent.sink.page(BUILTIN_TYPES.nodes, [k(readyNode('cp1'))]);
    const guessed = silent.finish([]);
    assert.equal(guessed.serverVersion, undefined);
    assert.equal(guessed.serverVersionInferred?.version, 'v1.31.4');
  });
});

describe('clip', () => {
  it("keeps a long message's head and its telling tail", () => {
    const message = `failed to pull and unpack image "registry.corp.example.net/x:1": ${'a'.repeat(900)}: 401 Unauthorized`;
    const clipped = clip(message)!;
    assert.equal(clipped.length, 500);
    assert.ok(clipped.startsWith('failed to pull and unpack image'));
    assert.ok(clipped.endsWith(': 401 Unauthorized'));
    assert.equal(clip('short'), 'short');
  });
});
