// Test helpers for checks: raw objects (from test/support/objects.ts builders) through the real inventory
// builder, so check tests exercise the same reduction the CLI does. Not a test file itself.
import { BUILTIN_TYPE_LIST } from '../../src/cluster/resource-types.js';
import { type KubeObject, type ListOutcome, type ResourceType, typeKey } from '../../src/cluster/types.js';
import type { Check, CheckContext } from '../../src/checks/types.js';
import { createInventoryBuilder } from '../../src/inventory/build.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { Finding } from '../../src/model/finding.js';
import {
  containerSpec,
  controllerRef,
  deployment,
  event,
  replicaSet,
  sandboxSocketMessage,
  waiting,
  FixtureClock,
  node,
  type K8sObject,
  type PodContainer,
  pod,
  running,
  type ContainerState,
} from '../support/objects.js';

export const clock = new FixtureClock('2025-10-24T19:45:00Z');
export const NOW = clock.now;

/** The ten health checks of issue 3 (plugins and the catalog's version-gap are tested elsewhere). */
export const HEALTH_CHECK_IDS = [
  'kube-ovn',
  'cni-agent',
  'pod-failures',
  'restarts',
  'image-pull-cause',
  'node-health',
  'helmreleases',
  'workload-availability',
  'webhooks-apiservices',
  'resource-headroom',
] as const;

function typeOf(obj: K8sObject): ResourceType {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const type = BUILTIN_TYPE_LIST.find(
    (t) => t.group === group && t.version === version && t.kind === obj.kind,
  );
  if (!type) throw new Error(`no built-in type for ${obj.apiVersion} ${obj.kind}`);
  return type;
}

/** Every built-in type listed fine (so checks' needs are met), objects fed page by page like a scan. */
export function inventoryFrom(
  objects: readonly K8sObject[],
  options: { now?: string; missing?: string[] } = {},
): Inventory {
  const builder = createInventoryBuilder({
    source: { kind: 'snapshot', path: 'test' },
    now: options.now ?? NOW,
  });
  const byType = new Map<ResourceType, KubeObject[]>();
  for (const obj of objects) {
    const type = typeOf(obj);
    byType.set(type, [...(byType.get(type) ?? []), obj as KubeObject]);
  }
  for (const [type, page] of byType) builder.sink.page(type, page);
  const outcomes: ListOutcome[] = BUILTIN_TYPE_LIST.filter((t) => !options.missing?.includes(typeKey(t))).map(
    (t) => ({
      type: typeKey(t),
      status: 'ok',
      count: byType.get(t)?.length ?? 0,
    }),
  );
  return builder.finish(outcomes, 'v1.31.4');
}

export function ctx(params: Record<string, unknown> = {}, execProbe?: Record<string, boolean>): CheckContext {
  return { settings: { enabled: true, params }, ...(execProbe ? { execProbe } : {}) };
}

/** One check on its own, its params parsed as the runner parses them (defaults filled; a bad value throws). */
export function runCheck(check: Check, inventory: Inventory, context: CheckContext = ctx()): Finding[] {
  const { params } = context.settings;
  const parsed = check.paramsSchema ? check.paramsSchema.parse(params) : params;
  return check.run(inventory, { ...context, settings: { ...context.settings, params: parsed } });
}

export function readyNode(name: string, extra: Partial<Parameters<typeof node>[0]> = {}): K8sObject {
  return node({
    name,
    created: clock.daysAgo(300),
    ip: '10.0.0.1',
    roles: ['control-plane'],
    kubeletVersion: 'v1.31.4',
    osImage: 'Talos (v1.9.1)',
    kernelVersion: '6.12.6-talos',
    containerRuntimeVersion: 'containerd://2.0.1',
    capacity: { cpu: '8', memory: '32Gi' },
    allocatable: { cpu: '7800m', memory: '31Gi' },
    heartbeat: clock.minutesAgo(1),
    ...extra,
  });
}

export interface SimplePod {
  name: string;
  namespace: string;
  node?: string;
  created?: string;
  /** Owner DaemonSet/Deployment(ReplicaSet)/StatefulSet. */
  owner?: { kind: string; name: string };
  state?: ContainerState;
  lastState?: ContainerState;
  ready?: boolean;
  restarts?: number;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  reason?: string;
  message?: string;
  readyTransition?: string;
  image?: string;
  requests?: { cpu?: string; memory?: string };
  initContainers?: PodContainer[];
  deletionTimestamp?: string;
}

/** A one-container pod; healthy (Running, ready) unless told otherwise. */
export function simplePod(p: SimplePod): K8sObject {
  const created = p.created ?? clock.daysAgo(30);
  const state = p.state ?? running(clock.after(created, { minutes: 1 }));
  const ready = p.ready ?? 'running' in state;
  return pod({
    name: p.name,
    namespace: p.namespace,
    created,
    node: p.node,
    owner: p.owner ? controllerRef('apps/v1', p.owner.kind, p.owner.name, p.namespace) : undefined,
    containers: [
      {
        name: 'main',
        image: p.image ?? 'ghcr.io/cozystack/cozystack/example:v1.0.0',
        ...(p.requests ? { requests: p.requests } : {}),
        status: { state, lastState: p.lastState, ready, restartCount: p.restarts ?? 0 },
      },
    ],
    initContainers: p.initContainers,
    phase: p.phase ?? ('running' in state || 'waiting' in state ? 'Running' : 'Failed'),
    reason: p.reason,
    message: p.message,
    readyTransition: p.readyTransition,
    podIP: '10.244.0.10',
    hostIP: '10.0.0.1',
    deletionTimestamp: p.deletionTimestamp,
  });
}

export { containerSpec };

/**
 * A small broken cluster: node `bad` has its Kube-OVN CNI daemon crash-looping (3034 restarts over 179 days),
 * a pod there fails sandbox creation on the daemon socket, another times out pulling its image, and the
 * dashboard Deployment whose pod sits there is down. Node `good` is healthy.
 */
export function miniIncident(): K8sObject[] {
  const ds = (name: string, nodeName: string, extra: Partial<SimplePod> = {}) =>
    simplePod({
      name: `${name}-${nodeName.slice(0, 4)}x`,
      namespace: 'cozy-kubeovn',
      node: nodeName,
      owner: { kind: 'DaemonSet', name },
      created: clock.daysAgo(179),
      ...extra,
    });
  const image = 'ghcr.io/cozystack/cozystack/dashboard:v0.28.0';
  const pullError = `rpc error: code = DeadlineExceeded desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Head "https://ghcr.io/v2/cozystack/cozystack/dashboard/manifests/v0.28.0": dial tcp 140.82.121.33:443: i/o timeout`;
  return [
    readyNode('bad'),
    readyNode('good'),
    ds('kube-ovn-cni', 'bad', {
      state: waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=cni-server'),
      restarts: 3034,
      readyTransition: clock.daysAgo(179),
    }),
    ds('kube-ovn-cni', 'good'),
    ds('ovs-ovn', 'bad'),
    ds('ovs-ovn', 'good'),
    simplePod({
      name: 'web-abcde',
      namespace: 'cozy-system',
      node: 'bad',
      owner: { kind: 'ReplicaSet', name: 'web-5d' },
      state: waiting('ContainerCreating'),
      phase: 'Pending',
      created: clock.daysAgo(2),
      readyTransition: clock.daysAgo(2),
    }),
    simplePod({
      name: 'dashboard-abcde',
      namespace: 'cozy-dashboard',
      node: 'bad',
      owner: { kind: 'ReplicaSet', name: 'dashboard-7d' },
      image,
      state: waiting('ImagePullBackOff', `Back-off pulling image "${image}": ErrImagePull: ${pullError}`),
      created: clock.daysAgo(8),
      readyTransition: clock.daysAgo(8),
    }),
    simplePod({
      name: 'api-abcde',
      namespace: 'cozy-system',
      node: 'good',
      image: 'ghcr.io/cozystack/cozystack/api:v0.28.0',
    }),
    event({
      namespace: 'cozy-system',
      involved: { kind: 'Pod', name: 'web-abcde' },
      reason: 'FailedCreatePodSandBox',
      message: sandboxSocketMessage('web'),
      host: 'bad',
      count: 812,
      firstTimestamp: clock.daysAgo(2),
      lastTimestamp: clock.minutesAgo(2),
    }),
    replicaSet({
      name: 'dashboard-7d',
      namespace: 'cozy-dashboard',
      created: clock.daysAgo(8),
      deploymentName: 'dashboard',
      labels: {},
      selector: {},
      template: { labels: {}, containers: [] },
      replicas: 1,
      ready: 0,
    }),
    replicaSet({
      name: 'web-5d',
      namespace: 'cozy-system',
      created: clock.daysAgo(2),
      deploymentName: 'web',
      labels: {},
      selector: {},
      template: { labels: {}, containers: [] },
      replicas: 1,
      ready: 0,
    }),
    deployment({
      name: 'dashboard',
      namespace: 'cozy-dashboard',
      created: clock.daysAgo(200),
      selector: {},
      template: { labels: {}, containers: [] },
      replicas: 1,
      status: {
        replicas: 1,
        ready: 0,
        availableSince: clock.daysAgo(8),
        progressingSince: clock.daysAgo(8),
        replicaSetName: 'dashboard-7d',
      },
    }),
  ];
}
