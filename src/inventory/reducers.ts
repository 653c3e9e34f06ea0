// One reducer per resource type: a whole object in, the compact facts out. The objects are dropped after.
import type { KubeObject } from '../cluster/types.js';
import type {
  ApiServiceFacts,
  CrdFacts,
  EventFacts,
  HelmReleaseFacts,
  JobFacts,
  NamespaceFacts,
  NodeConditionFacts,
  NodeFacts,
  PackageFacts,
  PvcFacts,
  ReplicaSetFacts,
  TaintFacts,
  WebhookFacts,
  WorkloadContainer,
  WorkloadFacts,
} from './types.js';
import { Interner } from './intern.js';
import type { TimeSeen } from './pods.js';
import { clip, condition, list, maybeRec, num, rec, str, stringMap, strings } from './raw.js';
import { cpuMillis, memoryBytes } from './quantity.js';

const PRESSURES = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'];

function triState(value: unknown): 'True' | 'False' | 'Unknown' {
  return value === 'True' || value === 'False' ? value : 'Unknown';
}

export function reduceNode(node: KubeObject, seen: TimeSeen): NodeFacts {
  const status = rec(node.status);
  const ready = condition(status.conditions, 'Ready');
  for (const c of list(status.conditions)) {
    seen(str(c.lastTransitionTime));
    seen(str(c.lastHeartbeatTime));
  }
  seen(node.metadata.creationTimestamp);
  const labels = node.metadata.labels ?? {};
  const roles = Object.keys(labels)
    .filter((k) => k.startsWith('node-role.kubernetes.io/'))
    .map((k) => k.slice('node-role.kubernetes.io/'.length))
    .filter((r) => r !== '');
  if (labels['kubernetes.io/role']) roles.push(labels['kubernetes.io/role']);
  const allocatable = rec(status.allocatable);
  const facts: NodeFacts = {
    name: node.metadata.name,
    ready: triState(ready?.status),
    pressures: list(status.conditions)
      .filter((c) => PRESSURES.includes(str(c.type) ?? '') && c.status === 'True')
      .map((c) => str(c.type)!),
    conditions: list(status.conditions)
      .filter((c) => str(c.type) !== undefined && c.type !== 'Ready')
      .map(nodeCondition),
    taints: list(rec(node.spec).taints)
      .filter((t) => str(t.key) !== undefined)
      .map(taint),
    unschedulable: rec(node.spec).unschedulable === true,
    roles: [...new Set(roles)].sort(),
    allocatable: { cpuMillis: cpuMillis(allocatable.cpu), memoryBytes: memoryBytes(allocatable.memory) },
  };
  if (str(ready?.lastTransitionTime)) facts.readySince = str(ready?.lastTransitionTime);
  if (str(ready?.reason)) facts.readyReason = str(ready?.reason);
  if (str(ready?.message)) facts.readyMessage = clip(str(ready?.message));
  const kubelet = str(rec(status.nodeInfo).kubeletVersion);
  if (kubelet) facts.kubeletVersion = kubelet;
  if (node.metadata.creationTimestamp) facts.createdAt = node.metadata.creationTimestamp;
  return facts;
}

function nodeCondition(c: Record<string, unknown>): NodeConditionFacts {
  const facts: NodeConditionFacts = { type: str(c.type)!, status: triState(c.status) };
  if (str(c.reason)) facts.reason = str(c.reason);
  if (str(c.message)) facts.message = clip(str(c.message));
  if (str(c.lastTransitionTime)) facts.since = str(c.lastTransitionTime);
  return facts;
}

function taint(t: Record<string, unknown>): TaintFacts {
  const facts: TaintFacts = { key: str(t.key)!, effect: str(t.effect) ?? '' };
  if (str(t.value)) facts.value = str(t.value);
  if (str(t.timeAdded)) facts.since = str(t.timeAdded);
  return facts;
}

export function reduceNamespace(ns: KubeObject, seen: TimeSeen): NamespaceFacts {
  seen(ns.metadata.creationTimestamp);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(ns.metadata.annotations ?? {})) {
    if (k.startsWith('namespace.cozystack.io/')) annotations[k] = v;
  }
  const facts: NamespaceFacts = {
    name: ns.metadata.name,
    labels: { ...(ns.metadata.labels ?? {}) },
    annotations,
  };
  const phase = str(rec(ns.status).phase);
  if (phase) facts.phase = phase;
  if (ns.metadata.creationTimestamp) facts.createdAt = ns.metadata.creationTimestamp;
  return facts;
}

/**
 * core/v1 Event and events.k8s.io/v1 Event (which renames most fields) to one shape. Strings that repeat
 * across events (namespaces, types, reasons, kinds, nodes, times) come from `intern`.
 */
export function reduceEvent(event: KubeObject, seen: TimeSeen, intern = new Interner()): EventFacts {
  const isV1Core = event.apiVersion === 'v1' || 'involvedObject' in event;
  const involved = rec(isV1Core ? event.involvedObject : event.regarding);
  const series = rec(event.series);
  const firstTime =
    str(event.firstTimestamp) ??
    str(event.deprecatedFirstTimestamp) ??
    str(event.eventTime) ??
    event.metadata.creationTimestamp;
  const lastTime =
    str(series.lastObservedTime) ??
    str(event.lastTimestamp) ??
    str(event.deprecatedLastTimestamp) ??
    str(event.eventTime) ??
    firstTime;
  seen(firstTime);
  seen(lastTime);
  const node = str(rec(event.source).host) ?? str(rec(event.deprecatedSource).host) ?? reportingNode(event);
  const facts: EventFacts = {
    namespace: intern.string(event.metadata.namespace ?? str(involved.namespace) ?? ''),
    type: intern.string(str(event.type) ?? 'Normal'),
    reason: intern.string(str(event.reason) ?? ''),
    message: clip(str(isV1Core ? event.message : event.note) ?? str(event.message)) ?? '',
    involved: {
      kind: intern.string(str(involved.kind) ?? ''),
      name: intern.string(str(involved.name) ?? ''),
    },
    count: Math.max(1, num(series.count) ?? num(event.count) ?? num(event.deprecatedCount) ?? 1),
  };
  if (str(involved.namespace)) facts.involved.namespace = intern.string(str(involved.namespace));
  if (node) facts.node = intern.string(node);
  if (firstTime) facts.firstTime = intern.string(firstTime);
  if (lastTime) facts.lastTime = intern.string(lastTime);
  return facts;
}

/** The kubelet reports as reportingController `kubelet` with the node name as reportingInstance. */
function reportingNode(event: KubeObject): string | undefined {
  const controller = str(event.reportingController) ?? str(event.reportingComponent);
  return controller === 'kubelet' ? str(event.reportingInstance) : undefined;
}

function workloadContainers(podSpec: Record<string, unknown>): WorkloadContainer[] {
  return list(podSpec.containers).map((c) => {
    const env: Record<string, string> = {};
    for (const e of list(c.env)) {
      const name = str(e.name);
      const value = str(e.value);
      if (name && value !== undefined) env[name] = value;
    }
    return { name: str(c.name) ?? '', image: str(c.image) ?? '', args: strings(c.args), env };
  });
}

export function reduceWorkload(obj: KubeObject, seen: TimeSeen): WorkloadFacts {
  const kind = obj.kind as WorkloadFacts['kind'];
  const spec = rec(obj.spec);
  const status = rec(obj.status);
  seen(obj.metadata.creationTimestamp);
  for (const c of list(status.conditions)) seen(str(c.lastTransitionTime));
  const podSpec = rec(rec(spec.template).spec);
  let counts: Pick<WorkloadFacts, 'desired' | 'ready' | 'available' | 'updated'>;
  if (kind === 'DaemonSet') {
    counts = {
      desired: num(status.desiredNumberScheduled) ?? 0,
      ready: num(status.numberReady) ?? 0,
      available: num(status.numberAvailable) ?? 0,
      updated: num(status.updatedNumberScheduled) ?? 0,
    };
  } else {
    counts = {
      desired: num(spec.replicas) ?? 1,
      ready: num(status.readyReplicas) ?? 0,
      available: num(status.availableReplicas) ?? 0,
      updated: num(status.updatedReplicas) ?? 0,
    };
  }
  const facts: WorkloadFacts = {
    kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    ...counts,
    containers: workloadContainers(podSpec),
    labels: { ...(obj.metadata.labels ?? {}) },
  };
  if (obj.metadata.creationTimestamp) facts.createdAt = obj.metadata.creationTimestamp;
  return facts;
}

export function reduceReplicaSet(obj: KubeObject, seen: TimeSeen): ReplicaSetFacts {
  seen(obj.metadata.creationTimestamp);
  const status = rec(obj.status);
  const facts: ReplicaSetFacts = {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    desired: num(rec(obj.spec).replicas) ?? 1,
    ready: num(status.readyReplicas) ?? 0,
    available: num(status.availableReplicas) ?? 0,
  };
  const owner = (obj.metadata.ownerReferences ?? []).find((r) => r.kind === 'Deployment');
  if (owner) facts.deployment = owner.name;
  if (obj.metadata.creationTimestamp) facts.createdAt = obj.metadata.creationTimestamp;
  return facts;
}

export function reduceJob(obj: KubeObject, seen: TimeSeen): JobFacts {
  seen(obj.metadata.creationTimestamp);
  const status = rec(obj.status);
  const conditions = list(status.conditions);
  for (const c of conditions) seen(str(c.lastTransitionTime));
  const holds = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
  const facts: JobFacts = {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    complete: holds('Complete'),
    failed: holds('Failed'),
    succeeded: num(status.succeeded) ?? 0,
    failedPods: num(status.failed) ?? 0,
  };
  const owner =
    (obj.metadata.ownerReferences ?? []).find((r) => r.controller) ?? obj.metadata.ownerReferences?.[0];
  if (owner) facts.owner = { kind: owner.kind, name: owner.name };
  if (obj.metadata.creationTimestamp) facts.createdAt = obj.metadata.creationTimestamp;
  return facts;
}

/** A v1 Package: only its variant (its values may carry anything the operator put there). */
export function reducePackage(obj: KubeObject): PackageFacts {
  const variant = str(rec(obj.spec).variant);
  return variant ? { name: obj.metadata.name, variant } : { name: obj.metadata.name };
}

export function reduceHelmRelease(hr: KubeObject, seen: TimeSeen): HelmReleaseFacts {
  const spec = rec(hr.spec);
  const status = rec(hr.status);
  const chartSpec = rec(rec(spec.chart).spec);
  const chartRef = maybeRec(spec.chartRef);
  const ready = condition(status.conditions, 'Ready');
  const stalled = condition(status.conditions, 'Stalled');
  for (const c of list(status.conditions)) seen(str(c.lastTransitionTime));
  seen(hr.metadata.creationTimestamp);
  const history = list(status.history);
  const lastAttempted = str(status.lastAttemptedRevision);
  const sourceRef = maybeRec(chartSpec.sourceRef) ?? chartRef;
  const facts: HelmReleaseFacts = {
    namespace: hr.metadata.namespace ?? '',
    name: hr.metadata.name,
    chart: str(chartSpec.chart) ?? str(chartRef?.name) ?? '',
    ready: triState(ready?.status),
    stalled: stalled?.status === 'True',
    suspended: spec.suspend === true,
    valueKeys: Object.keys(rec(spec.values)).sort(),
    labels: { ...(hr.metadata.labels ?? {}) },
  };
  const dependsOn = list(spec.dependsOn)
    .filter((d) => str(d.name) !== undefined)
    .map((d) => `${str(d.namespace) ?? facts.namespace}/${str(d.name)}`);
  if (dependsOn.length > 0) facts.dependsOn = dependsOn;
  if (str(chartSpec.version)) facts.chartVersionSpec = str(chartSpec.version);
  const deployed = str(history[0]?.chartVersion) ?? lastAttempted;
  if (deployed) facts.deployedChartVersion = deployed;
  if (lastAttempted) facts.lastAttemptedRevision = lastAttempted;
  if (sourceRef) {
    facts.sourceRef = { kind: str(sourceRef.kind) ?? '', name: str(sourceRef.name) ?? '' };
    if (str(sourceRef.namespace)) facts.sourceRef.namespace = str(sourceRef.namespace);
  }
  if (str(spec.releaseName)) facts.releaseName = str(spec.releaseName);
  if (str(ready?.reason)) facts.readyReason = str(ready?.reason);
  if (str(ready?.message)) facts.readyMessage = clip(str(ready?.message));
  if (str(ready?.lastTransitionTime)) facts.readySince = str(ready?.lastTransitionTime);
  if (stalled?.status === 'True' && str(stalled.reason)) facts.stalledReason = str(stalled.reason);
  if (hr.metadata.creationTimestamp) facts.createdAt = hr.metadata.creationTimestamp;
  return facts;
}

export function reduceCrd(crd: KubeObject): CrdFacts {
  const spec = rec(crd.spec);
  const names = rec(spec.names);
  const versions = list(spec.versions);
  const stored = versions.find((v) => v.storage === true);
  const facts: CrdFacts = {
    name: crd.metadata.name,
    group: str(spec.group) ?? '',
    kind: str(names.kind) ?? '',
    plural: str(names.plural) ?? '',
    scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
    versions: versions.map((v) => str(v.name)).filter((v): v is string => v !== undefined),
  };
  if (str(stored?.name)) facts.storedVersion = str(stored?.name);
  return facts;
}

export function reduceWebhookConfiguration(obj: KubeObject): WebhookFacts {
  return {
    kind: obj.kind as WebhookFacts['kind'],
    name: obj.metadata.name,
    webhooks: list(obj.webhooks).map((w) => {
      const service = maybeRec(rec(w.clientConfig).service);
      const hook: WebhookFacts['webhooks'][number] = {
        name: str(w.name) ?? '',
        // The API server defaults failurePolicy to Fail in admissionregistration.k8s.io/v1.
        failurePolicy: str(w.failurePolicy) ?? 'Fail',
      };
      if (service) hook.service = { namespace: str(service.namespace) ?? '', name: str(service.name) ?? '' };
      return hook;
    }),
  };
}

export function reduceApiService(obj: KubeObject, seen: TimeSeen): ApiServiceFacts {
  const spec = rec(obj.spec);
  const service = maybeRec(spec.service);
  const available = condition(rec(obj.status).conditions, 'Available');
  seen(str(available?.lastTransitionTime));
  const facts: ApiServiceFacts = { name: obj.metadata.name, available: triState(available?.status) };
  if (service) facts.service = { namespace: str(service.namespace) ?? '', name: str(service.name) ?? '' };
  if (str(available?.reason)) facts.reason = str(available?.reason);
  if (str(available?.message)) facts.message = clip(str(available?.message));
  return facts;
}

export function reducePvc(obj: KubeObject): PvcFacts {
  const facts: PvcFacts = { namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
  const phase = str(rec(obj.status).phase);
  const storageClass = str(rec(obj.spec).storageClassName);
  const capacity = str(rec(rec(obj.status).capacity).storage);
  if (phase) facts.phase = phase;
  if (storageClass) facts.storageClass = storageClass;
  if (capacity) facts.capacity = capacity;
  return facts;
}

/** Ready addresses of a core/v1 Endpoints object. */
export function readyEndpointAddresses(obj: KubeObject): number {
  return list(obj.subsets).reduce((sum, s) => sum + list(s.addresses).length, 0);
}

/** Pods behind a core/v1 Endpoints object's not-ready addresses (targetRef of kind Pod). */
export function notReadyEndpointPods(obj: KubeObject): string[] {
  return list(obj.subsets)
    .flatMap((s) => list(s.notReadyAddresses))
    .map((a) => rec(a.targetRef))
    .filter((ref) => ref.kind === 'Pod' && str(ref.name) !== undefined)
    .map((ref) => str(ref.name)!);
}

/** Pods behind a discovery.k8s.io/v1 EndpointSlice's endpoints that are not ready. */
export function notReadySlicePods(obj: KubeObject): string[] {
  return list(obj.endpoints)
    .filter((e) => rec(e.conditions).ready === false)
    .map((e) => rec(e.targetRef))
    .filter((ref) => ref.kind === 'Pod' && str(ref.name) !== undefined)
    .map((ref) => str(ref.name)!);
}

/** Service name and ready addresses of a discovery.k8s.io/v1 EndpointSlice. */
export function endpointSliceReady(obj: KubeObject): { service?: string; ready: number } {
  const service = obj.metadata.labels?.['kubernetes.io/service-name'];
  const ready = list(obj.endpoints)
    .filter((e) => rec(e.conditions).ready !== false)
    .reduce((sum, e) => sum + Math.max(1, strings(e.addresses).length), 0);
  return service ? { service, ready } : { ready };
}

/** CozyStack ConfigMaps worth keeping whole (small, non-secret platform configuration). */
export function isCozystackConfigMap(namespace: string | undefined, name: string): boolean {
  if (namespace === 'cozy-system') return name.startsWith('cozystack');
  return namespace === 'cozy-cilium' && name === 'cni-configuration';
}

export function configMapData(obj: KubeObject): Record<string, string> {
  return stringMap(obj.data);
}
