import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import type { KubeObject, ResourceType } from '../../src/cluster/types.js';
import { createInventoryBuilder, inventoryTypes } from '../../src/inventory/build.js';
import { clock, inventoryFrom, miniIncident, readyNode, simplePod } from '../checks/support.js';
import {
  configMap,
  endpoints,
  event,
  replicaSet,
  sandboxSocketMessage,
  waiting,
} from '../support/objects.js';

const k = (o: unknown) => o as KubeObject;

describe('inventoryTypes', () => {
  it('lists the built-in types without Secrets, plus discovered custom types of stateful groups only', () => {
    const proxmox: ResourceType = {
      group: 'infrastructure.cluster.x-k8s.io',
      version: 'v1alpha1',
      kind: 'ProxmoxCluster',
      plural: 'proxmoxclusters',
      namespaced: true,
    };
    const random: ResourceType = {
      group: 'example.com',
      version: 'v1',
      kind: 'Thing',
      plural: 'things',
      namespaced: true,
    };
    const types = inventoryTypes([proxmox, random, BUILTIN_TYPES.pods]);
    assert.ok(!types.includes(BUILTIN_TYPES.secrets));
    assert.ok(types.includes(BUILTIN_TYPES.pods));
    assert.equal(types.filter((t) => t.plural === 'pods').length, 1);
    assert.ok(types.includes(proxmox));
    assert.ok(!types.includes(random));
  });
});

describe('createInventoryBuilder', () => {
  it('resolves pod owners through ReplicaSets that arrive after the pods', () => {
    const builder = createInventoryBuilder({ source: { kind: 'snapshot' }, now: clock.now });
    const p = simplePod({
      name: 'dashboard-7d9f8-abcde',
      namespace: 'cozy-dashboard',
      node: 'n1',
      owner: { kind: 'ReplicaSet', name: 'dashboard-7d9f8' },
    });
    builder.sink.page(BUILTIN_TYPES.pods, [k(p)]);
    const rs = replicaSet({
      name: 'dashboard-7d9f8',
      namespace: 'cozy-dashboard',
      created: clock.daysAgo(9),
      deploymentName: 'dashboard',
      labels: {},
      selector: {},
      template: { labels: {}, containers: [] },
      replicas: 1,
      ready: 0,
    });
    builder.sink.page(BUILTIN_TYPES.replicasets, [k(rs)]);
    const inv = builder.finish([]);
    assert.deepEqual(inv.pods[0]?.owner, { kind: 'Deployment', name: 'dashboard' });
  });

  it('uses the newest timestamp seen as the clock when no `now` is given', () => {
    const builder = createInventoryBuilder({ source: { kind: 'snapshot' } });
    builder.sink.page(BUILTIN_TYPES.nodes, [k(readyNode('a', { heartbeat: '2025-10-24T19:30:00Z' }))]);
    const inv = builder.finish([]);
    assert.equal(inv.now, '2025-10-24T19:30:00Z');
    const fixed = createInventoryBuilder({ source: { kind: 'snapshot' }, now: '2026-01-01T00:00:00Z' });
    fixed.sink.page(BUILTIN_TYPES.nodes, [k(readyNode('a'))]);
    assert.equal(fixed.finish([]).now, '2026-01-01T00:00:00Z');
  });

  it('orders second and sub-second times alike when it finds the newest (text order is skipped only where it holds)', () => {
    const newestOf = (...times: string[]) => {
      const builder = createInventoryBuilder({ source: { kind: 'snapshot' } });
      builder.sink.page(
        BUILTIN_TYPES.nodes,
        times.map((heartbeat, i) => k(readyNode(`n${i}`, { heartbeat }))),
      );
      return builder.finish([]).now;
    };
    assert.equal(newestOf('2025-10-24T19:30:00.500Z', '2025-10-24T19:30:00Z'), '2025-10-24T19:30:00.500Z');
    assert.equal(newestOf('2025-10-24T19:30:00.500Z', '2025-10-24T19:30:01Z'), '2025-10-24T19:30:01Z');
    assert.equal(newestOf('2025-10-24T19:30:00Z', '2025-10-24T21:30:00+02:00'), '2025-10-24T19:30:00Z');
    assert.equal(newestOf('2025-10-24T19:30:00Z', '2025-10-24T19:30:01+00:00'), '2025-10-24T19:30:01Z');
    assert.equal(newestOf('2025-10-24T19:30:05Z', '2025-10-24T19:30:04Z'), '2025-10-24T19:30:05Z');
  });

  it('keeps an event once when both core/v1 and events.k8s.io/v1 serve it, and reads the v1 field names', () => {
    const core = event({
      namespace: 'cozy-x',
      involved: { kind: 'Pod', name: 'p1' },
      reason: 'FailedCreatePodSandBox',
      message: sandboxSocketMessage('p1'),
      host: 'mgr-cozy2',
      count: 7,
      firstTimestamp: clock.daysAgo(3),
      lastTimestamp: clock.minutesAgo(5),
    });
    const v1 = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: core.metadata,
      reason: 'FailedCreatePodSandBox',
      note: core.message,
      regarding: core.involvedObject,
      deprecatedSource: { host: 'mgr-cozy2' },
      deprecatedCount: 7,
      deprecatedFirstTimestamp: clock.daysAgo(3),
      deprecatedLastTimestamp: clock.minutesAgo(5),
      type: 'Warning',
    };
    const only = {
      ...v1,
      metadata: { ...core.metadata, name: 'other', uid: 'u2' },
      regarding: { kind: 'Node', name: 'n1' },
      deprecatedSource: undefined,
      reportingController: 'kubelet',
      reportingInstance: 'n1',
      series: { count: 12, lastObservedTime: clock.minutesAgo(1) },
    };
    const builder = createInventoryBuilder({ source: { kind: 'snapshot' }, now: clock.now });
    builder.sink.page(BUILTIN_TYPES.events, [k(core)]);
    builder.sink.page(BUILTIN_TYPES.eventsV1, [k(v1), k(only)]);
    const inv = builder.finish([]);
    assert.equal(inv.events.length, 2);
    const sandbox = inv.events.find(
      (e) => e.reason === 'FailedCreatePodSandBox' && e.involved.kind === 'Pod',
    )!;
    assert.equal(sandbox.count, 7);
    assert.equal(sandbox.node, 'mgr-cozy2');
    assert.equal(sandbox.firstTime, clock.daysAgo(3));
    const nodeEvent = inv.events.find((e) => e.involved.kind === 'Node')!;
    assert.equal(nodeEvent.count, 12);
    assert.equal(nodeEvent.node, 'n1');
    assert.equal(nodeEvent.lastTime, clock.minutesAgo(1));
  });

  it("moves a failing pod's failingSince back to its first Warning event, never before creation", () => {
    const p = simplePod({
      name: 'capi-kubeadm-bootstrap-controller-manager-5b4f-xk2lp',
      namespace: 'cozy-cluster-api',
      node: 'n1',
      created: clock.daysAgo(10),
      state: waiting('CrashLoopBackOff'),
      readyTransition: clock.minutesAgo(3),
      restarts: 1800,
    });
    const ev = event({
      namespace: 'cozy-cluster-api',
      involved: { kind: 'Pod', name: p.metadata.name },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      host: 'n1',
      count: 1800,
      firstTimestamp: clock.daysAgo(6),
      lastTimestamp: clock.minutesAgo(1),
    });
    const inv = inventoryFrom([p, ev]);
    assert.equal(inv.pods[0]?.failingSince, clock.daysAgo(6));
  });

  it('counts ready endpoints (Endpoints over EndpointSlices) and keeps only CozyStack ConfigMaps', () => {
    const ep = endpoints({
      name: 'cozystack-api',
      namespace: 'cozy-system',
      created: clock.daysAgo(5),
      ready: [],
      notReady: [{ ip: '10.0.0.3' }],
      ports: [{ port: 443 }],
    });
    const ep2 = endpoints({
      name: 'ok',
      namespace: 'cozy-system',
      created: clock.daysAgo(5),
      ready: [{ ip: '10.0.0.4' }, { ip: '10.0.0.5' }],
      notReady: [],
      ports: [{ port: 443 }],
    });
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'only-slice-x',
        namespace: 'cozy-system',
        labels: { 'kubernetes.io/service-name': 'only-slice' },
      },
      endpoints: [
        { addresses: ['10.0.0.9'], conditions: { ready: true } },
        { addresses: ['10.0.0.8'], conditions: { ready: false } },
      ],
    };
    const cms = [
      configMap({
        name: 'cozystack',
        namespace: 'cozy-system',
        created: clock.daysAgo(200),
        data: { bundle: 'paas-full' },
      }),
      configMap({
        name: 'kube-root-ca.crt',
        namespace: 'cozy-system',
        created: clock.daysAgo(200),
        data: { 'ca.crt': 'x' },
      }),
    ];
    const inv = inventoryFrom([ep, ep2, ...cms, slice as never]);
    assert.equal(inv.serviceReadyEndpoints['cozy-system/cozystack-api'], 0);
    assert.equal(inv.serviceReadyEndpoints['cozy-system/ok'], 2);
    assert.equal(inv.serviceReadyEndpoints['cozy-system/only-slice'], 1);
    assert.deepEqual(Object.keys(inv.cozystackConfigMaps), ['cozy-system/cozystack']);
    assert.equal(inv.counts.configmaps, 2);
  });

  it('summarises custom resources of stateful groups by type', () => {
    const type: ResourceType = {
      group: 'infrastructure.cluster.x-k8s.io',
      version: 'v1alpha1',
      kind: 'ProxmoxCluster',
      plural: 'proxmoxclusters',
      namespaced: true,
    };
    const builder = createInventoryBuilder({ source: { kind: 'snapshot' }, now: clock.now });
    builder.sink.page(type, [
      k({ apiVersion: 'x/v1', kind: 'ProxmoxCluster', metadata: { name: 'pve', namespace: 'tenant-root' } }),
    ]);
    const inv = builder.finish([
      { type: 'proxmoxclusters.infrastructure.cluster.x-k8s.io', status: 'ok', count: 1 },
    ]);
    assert.deepEqual(inv.customResources['proxmoxclusters.infrastructure.cluster.x-k8s.io'], {
      group: 'infrastructure.cluster.x-k8s.io',
      kind: 'ProxmoxCluster',
      count: 1,
      names: ['tenant-root/pve'],
    });
    assert.equal(inv.outcomes['proxmoxclusters.infrastructure.cluster.x-k8s.io']?.status, 'ok');
  });
});

describe('createInventoryBuilder keeps facts, not objects', () => {
  it('yields the same inventory when every input object is wiped right after its page (no references kept)', async () => {
    const objects = miniIncident();
    const reference = inventoryFrom(structuredClone(objects));
    const wiped = inventoryFrom(objects.map((o) => wipeAfterPage(o)));
    await new Promise((done) => setImmediate(done));
    assert.deepEqual(objects[0]?.metadata, {}, 'the inputs were wiped');
    assert.deepEqual(wiped, reference);
  });
});

/** An object whose nested parts are emptied right after the (synchronous) inventory build returns. */
function wipeAfterPage<T extends object>(object: T): T {
  queueMicrotask(() => {
    const wipe = (value: unknown): void => {
      if (!value || typeof value !== 'object') return;
      for (const key of Object.keys(value)) {
        const child = (value as Record<string, unknown>)[key];
        wipe(child);
        if (Array.isArray(value)) continue;
        (value as Record<string, unknown>)[key] = typeof child === 'object' ? {} : child;
      }
      if (Array.isArray(value)) value.length = 0;
    };
    wipe(object);
  });
  return object;
}
