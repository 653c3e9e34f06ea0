// The inventory builder: a PageSink that reduces each page at once to facts and drops the objects,
// then resolves what needs several types together (pod owners through ReplicaSets, event nodes,
// failure start times) in finish().
import { BUILTIN_TYPES, isBuiltinGroup, isStatefulCustomGroup } from '../cluster/resource-types.js';
import type { PageSink } from '../cluster/scan.js';
import {
  type KubeObject,
  type ListOutcome,
  type ObjectOrigin,
  type ResourceType,
  type SourceInfo,
  typeKey,
} from '../cluster/types.js';
import { emptyFacts } from './empty.js';
import { Interner } from './intern.js';
import { createObjectGate } from './object-gate.js';
import { isHealthy, ownerRef, reducePod, type TimeSeen } from './pods.js';
import {
  configMapData,
  endpointSliceReady,
  notReadyEndpointPods,
  notReadySlicePods,
  isCozystackConfigMap,
  readyEndpointAddresses,
  reduceApiService,
  reduceCrd,
  reduceEvent,
  reduceHelmRelease,
  reduceJob,
  reduceNamespace,
  reduceNode,
  reducePackage,
  reducePvc,
  reduceReplicaSet,
  reduceWebhookConfiguration,
  reduceWorkload,
} from './reducers.js';
import { inferServerVersion } from './server-version.js';
import type { EventFacts, Inventory, PodFacts, SecretKeysFact } from './types.js';

/**
 * Built-in types the inventory reads: all of them except Secrets, whose content it never needs, and Ingresses,
 * which only the migration plan reads (a check never needs them, so they never make a verdict INCOMPLETE).
 */
const NOT_FOR_THE_INVENTORY = new Set(['secrets', 'ingresses']);
const INVENTORY_BUILTINS: readonly ResourceType[] = Object.entries(BUILTIN_TYPES)
  .filter(([name]) => !NOT_FOR_THE_INVENTORY.has(name))
  .map(([, type]) => type);

/** Custom types the inventory tallies (counts and names): those in the stateful groups of CozyStack. */
function isTalliedCustomType(type: ResourceType): boolean {
  return !isBuiltinGroup(type.group) && isStatefulCustomGroup(type.group);
}

/** The types the inventory needs: the built-ins it reduces plus the discovered custom types it tallies. */
export function inventoryTypes(discovered: readonly ResourceType[]): ResourceType[] {
  const types = [...INVENTORY_BUILTINS];
  const keys = new Set(types.map(typeKey));
  for (const type of discovered) {
    const key = typeKey(type);
    if (keys.has(key) || !isTalliedCustomType(type)) continue;
    keys.add(key);
    types.push(type);
  }
  return types;
}

const MAX_TALLY_NAMES = 50;

export interface InventoryBuilder {
  sink: PageSink;
  /** The key names of one of WATCHED_SECRETS, read apart from the scan (src/inventory/secrets.ts). */
  recordSecret(ref: string, fact: SecretKeysFact): void;
  finish(outcomes: readonly ListOutcome[], serverVersion?: string): Inventory;
}

export interface InventoryBuilderOptions {
  source: SourceInfo;
  now?: string;
  /** Where a snapshot's object was read (the source's `originOf`), named when one has a field of the wrong type. */
  originOf?: (object: KubeObject) => ObjectOrigin | undefined;
}

export function createInventoryBuilder(opts: InventoryBuilderOptions): InventoryBuilder {
  let newestMs = Number.NEGATIVE_INFINITY;
  let newest: string | undefined;
  const seen: TimeSeen = (time) => {
    if (!time) return;
    // Most times are the API server's own UTC seconds (2024-05-01T10:00:00Z), which sort as text: one no later
    // than the newest such text needs no parsing (Date.parse of every pod's and event's times was 2 % of a run).
    if (newest !== undefined && time.length === 20 && time <= newest && isUtcSeconds(time)) return;
    const ms = Date.parse(time);
    if (!Number.isNaN(ms) && ms > newestMs) {
      newestMs = ms;
      newest = new Date(ms).toISOString().replace('.000Z', 'Z');
    }
  };
  const inv: Omit<Inventory, 'now' | 'outcomes'> = { source: opts.source, ...emptyFacts() };
  const eventKeys = new Set<string>();
  const intern = new Interner();
  /** `namespace/replicaset` → owning Deployment name. */
  const replicaSetOwners = new Map<string, string>();
  const endpointsReady = new Map<string, number>();
  const sliceReady = new Map<string, number>();
  const endpointsNotReady = new Map<string, string[]>();
  const sliceNotReady = new Map<string, string[]>();

  const addEvent = (obj: KubeObject) => {
    // The same Event is served by core/v1 and events.k8s.io/v1 under the same name: keep it once.
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.uid ?? obj.metadata.name}`;
    const nameKey = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    if (eventKeys.has(key) || eventKeys.has(nameKey)) return;
    eventKeys.add(key);
    eventKeys.add(nameKey);
    inv.events.push(reduceEvent(obj, seen, intern));
  };

  const reducers: Record<string, (obj: KubeObject) => void> = {
    nodes: (o) => inv.nodes.push(reduceNode(o, seen)),
    namespaces: (o) => inv.namespaces.push(reduceNamespace(o, seen)),
    pods: (o) => inv.pods.push(reducePod(o, seen, intern)),
    events: addEvent,
    'events.events.k8s.io': addEvent,
    configmaps: (o) => {
      if (isCozystackConfigMap(o.metadata.namespace, o.metadata.name)) {
        inv.cozystackConfigMaps[`${o.metadata.namespace}/${o.metadata.name}`] = configMapData(o);
      }
    },
    endpoints: (o) => {
      const key = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      endpointsReady.set(key, readyEndpointAddresses(o));
      const notReady = notReadyEndpointPods(o);
      if (notReady.length > 0) endpointsNotReady.set(key, notReady);
    },
    'endpointslices.discovery.k8s.io': (o) => {
      const { service, ready } = endpointSliceReady(o);
      if (!service) return;
      const key = `${o.metadata.namespace ?? ''}/${service}`;
      sliceReady.set(key, (sliceReady.get(key) ?? 0) + ready);
      const notReady = notReadySlicePods(o);
      if (notReady.length > 0) sliceNotReady.set(key, [...(sliceNotReady.get(key) ?? []), ...notReady]);
    },
    persistentvolumeclaims: (o) => inv.pvcs.push(reducePvc(o)),
    'deployments.apps': (o) => inv.workloads.push(reduceWorkload(o, seen)),
    'daemonsets.apps': (o) => inv.workloads.push(reduceWorkload(o, seen)),
    'statefulsets.apps': (o) => inv.workloads.push(reduceWorkload(o, seen)),
    'replicasets.apps': (o) => {
      const rs = reduceReplicaSet(o, seen);
      inv.replicaSets.push(rs);
      if (rs.deployment) replicaSetOwners.set(`${rs.namespace}/${rs.name}`, rs.deployment);
    },
    'jobs.batch': (o) => inv.jobs.push(reduceJob(o, seen)),
    'packages.cozystack.io': (o) => inv.packages.push(reducePackage(o)),
    'customresourcedefinitions.apiextensions.k8s.io': (o) => inv.crds.push(reduceCrd(o)),
    'helmreleases.helm.toolkit.fluxcd.io': (o) => inv.helmReleases.push(reduceHelmRelease(o, seen)),
    'validatingwebhookconfigurations.admissionregistration.k8s.io': (o) =>
      inv.webhooks.push(reduceWebhookConfiguration(o)),
    'mutatingwebhookconfigurations.admissionregistration.k8s.io': (o) =>
      inv.webhooks.push(reduceWebhookConfiguration(o)),
    'apiservices.apiregistration.k8s.io': (o) => inv.apiServices.push(reduceApiService(o, seen)),
  };

  const tally = (type: ResourceType, key: string, page: KubeObject[]) => {
    const counted = inv.customResources[key] ?? { group: type.group, kind: type.kind, count: 0, names: [] };
    inv.customResources[key] = counted;
    for (const o of page) {
      counted.count++;
      if (counted.names.length < MAX_TALLY_NAMES) {
        counted.names.push(
          o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name,
        );
      }
    }
  };

  const gate = createObjectGate(opts.source, opts.originOf);
  const sink: PageSink = {
    page(type, objects) {
      const key = typeKey(type);
      inv.counts[key] = (inv.counts[key] ?? 0) + objects.length;
      const reduce = reducers[key];
      const tallied = isTalliedCustomType(type);
      if ((reduce || tallied) && !gate.admits(key, tallied, objects)) return;
      if (reduce) for (const o of objects) reduce(o);
      if (tallied) tally(type, key, objects);
    },
  };

  const finish = (outcomes: readonly ListOutcome[], serverVersion?: string): Inventory => {
    for (const [key, ready] of sliceReady) inv.serviceReadyEndpoints[key] = ready;
    // Endpoints are authoritative when listed; EndpointSlices fill in where Endpoints are absent.
    for (const [key, ready] of endpointsReady) inv.serviceReadyEndpoints[key] = ready;
    for (const [key, pods] of sliceNotReady) inv.serviceNotReadyPods[key] = pods;
    for (const key of endpointsReady.keys()) delete inv.serviceNotReadyPods[key];
    for (const [key, pods] of endpointsNotReady) inv.serviceNotReadyPods[key] = pods;
    resolveOwners(inv.pods, replicaSetOwners, intern);
    resolveEventNodes(inv.events, inv.pods);
    refineFailingSince(inv.pods, inv.events);
    const outcomeMap: Record<string, ListOutcome> = {};
    for (const outcome of outcomes) outcomeMap[outcome.type] = gate.judge(judgeEmptyList(outcome));
    const inventory: Inventory = {
      now: opts.now ?? newest ?? new Date().toISOString(),
      outcomes: outcomeMap,
      ...inv,
    };
    if (serverVersion) inventory.serverVersion = serverVersion;
    else {
      const inferred = inferServerVersion(inv.nodes);
      if (inferred) inventory.serverVersionInferred = inferred;
    }
    return inventory;
  };

  const recordSecret = (ref: string, fact: SecretKeysFact) => {
    inv.secretKeys[ref] = fact;
  };

  return { sink, recordSecret, finish };
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the form in which such times compare as text. */
function isUtcSeconds(time: string): boolean {
  return time.charCodeAt(4) === 45 && time.charCodeAt(10) === 84 && time.charCodeAt(19) === 90;
}

function resolveOwners(
  pods: PodFacts[],
  replicaSetOwners: ReadonlyMap<string, string>,
  intern: Interner,
): void {
  for (const pod of pods) {
    if (pod.owner?.kind !== 'ReplicaSet') continue;
    const deployment = replicaSetOwners.get(`${pod.namespace}/${pod.owner.name}`);
    if (!deployment) continue;
    pod.replicaSet = pod.owner.name;
    pod.owner = ownerRef('Deployment', deployment, intern);
  }
}

/** Types a running cluster is never without: a list of them that comes back empty was not a real capture. */
const NEVER_EMPTY: Record<string, string> = {
  nodes: 'a running cluster has at least one node',
  pods: 'a running CozyStack cluster always runs pods (its installer or operator, Kube-OVN, Cilium, Flux)',
  namespaces: 'every cluster has the namespaces default and kube-system',
};

/**
 * An empty list of a type that cannot be empty is not evidence of an empty cluster but of an incomplete
 * capture (`kubectl get pods -o json` without `-A`, a filtered export, a proxy that hides objects): it counts
 * as not read, so whatever depends on it says unknown instead of judging nothing.
 */
function judgeEmptyList(outcome: ListOutcome): ListOutcome {
  const why = NEVER_EMPTY[outcome.type];
  if (outcome.status !== 'ok' || outcome.count > 0 || why === undefined) return outcome;
  return {
    ...outcome,
    status: 'failed',
    reason: `the ${outcome.type} list was read but holds nothing, and ${why}: the capture is incomplete (for a snapshot: kubectl get ${outcome.type} -A -o json)`,
  };
}

/** Events about a pod that do not say their node (cluster-level reporters) take the pod's node. */
function resolveEventNodes(events: EventFacts[], pods: readonly PodFacts[]): void {
  // Indexed by pod name from the events that need a node, so the pass over every pod builds no key.
  const waiting = new Map<string, EventFacts[]>();
  for (const event of events) {
    if (event.node || event.involved.kind !== 'Pod') continue;
    waiting.set(event.involved.name, [...(waiting.get(event.involved.name) ?? []), event]);
  }
  if (waiting.size === 0) return;
  for (const pod of pods) {
    const about = pod.node ? waiting.get(pod.name) : undefined;
    if (!about) continue;
    for (const event of about)
      if ((event.involved.namespace ?? event.namespace) === pod.namespace) event.node = pod.node;
  }
}

/**
 * A failing pod's Ready transition resets at every crash-loop restart, so a Warning event about the pod
 * that started earlier (events keep their firstTimestamp while they repeat) is better evidence.
 */
function refineFailingSince(pods: PodFacts[], events: readonly EventFacts[]): void {
  const firstWarning = new Map<string, number>();
  for (const e of events) {
    if (e.type !== 'Warning' || e.involved.kind !== 'Pod' || !e.firstTime) continue;
    const key = `${e.involved.namespace ?? e.namespace}/${e.involved.name}`;
    const ms = Date.parse(e.firstTime);
    if (Number.isNaN(ms)) continue;
    firstWarning.set(key, Math.min(ms, firstWarning.get(key) ?? Number.POSITIVE_INFINITY));
  }
  for (const pod of pods) {
    if (isHealthy(pod)) continue;
    const eventMs = firstWarning.get(`${pod.namespace}/${pod.name}`);
    const currentMs = pod.failingSince ? Date.parse(pod.failingSince) : Number.NaN;
    const createdMs = pod.createdAt ? Date.parse(pod.createdAt) : Number.NaN;
    if (eventMs === undefined) continue;
    let best = Number.isNaN(currentMs) ? eventMs : Math.min(currentMs, eventMs);
    if (!Number.isNaN(createdMs)) best = Math.max(best, createdMs);
    pod.failingSince = new Date(best).toISOString().replace('.000Z', 'Z');
  }
}
