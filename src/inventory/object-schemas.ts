// What the inventory reads of each kind, as zod schemas: only the fields a reducer reads, every one optional
// (real clusters omit many, and null is how the API server writes an unset time), unknown fields passed through.
// A field of the wrong type is bad input, never a silent default: `restartCount: "5000"` must not read as 0
// restarts, nor `phase: 7` as a failing pod, nor `creationTimestamp: "not-a-date"` as no time at all.
// The reducers stay forgiving readers; these schemas are the gate in front of them (build.ts).
import { z } from 'zod';
import { leaf } from './schema-check.js';

/** RFC 3339 as metav1.Time and MicroTime are written (and as the API server parses them). */
const RFC3339 =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const aString = leaf('a string', (v): v is string => typeof v === 'string');
const text = aString.nullish();
const flag = leaf('true or false', (v): v is boolean => typeof v === 'boolean').nullish();
/** A Kubernetes count (restarts, replicas, scheduled pods, event repeats). */
const count = leaf(
  'a whole number ≥ 0',
  (v): v is number => Number.isSafeInteger(v) && (v as number) >= 0,
).nullish();
const integer = leaf('a whole number', (v): v is number => Number.isSafeInteger(v)).nullish();
const time = leaf(
  'an RFC 3339 timestamp such as 2025-01-31T08:00:00Z',
  (v): v is string => typeof v === 'string' && RFC3339.test(v),
).nullish();
/** A resource quantity (`250m`, `8Gi`); YAML written by hand may make a plain number of it. */
const quantity = leaf(
  'a quantity such as 250m or 8Gi',
  (v): v is string | number => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)),
).nullish();
const strings = z.array(aString).nullish();
const stringMap = z.record(z.string(), aString).nullish();
const listOf = <T extends z.ZodType>(item: T) => z.array(item).nullish();
const objectOf = <T extends z.ZodRawShape>(shape: T) => z.object(shape).nullish();

const ownerReference = z.object({ kind: aString, name: aString, controller: flag });
const metadataShape = {
  name: aString,
  namespace: text,
  creationTimestamp: time,
  deletionTimestamp: time,
  uid: text,
  labels: stringMap,
  ownerReferences: listOf(ownerReference),
};
const metadata = z.object(metadataShape);

const condition = z.object({
  type: text,
  status: text,
  reason: text,
  message: text,
  lastTransitionTime: time,
});
const conditions = listOf(condition);
const objectRef = objectOf({ kind: text, name: text, namespace: text });

/** An object the inventory only counts and names (the custom resources of CozyStack's stateful groups). */
export const NamedObject = z.object({ metadata });

// ------------------------------------------------------------------------------------------------- pods

const terminated = objectOf({
  reason: text,
  message: text,
  exitCode: integer,
  signal: integer,
  startedAt: time,
  finishedAt: time,
});
const containerStatus = z.object({
  name: text,
  image: text,
  ready: flag,
  started: flag,
  restartCount: count,
  state: objectOf({
    waiting: objectOf({ reason: text, message: text }),
    running: objectOf({ startedAt: time }),
    terminated,
  }),
  lastState: objectOf({ terminated }),
});
const podContainer = z.object({
  name: text,
  image: text,
  restartPolicy: text,
  resources: objectOf({ requests: objectOf({ cpu: quantity, memory: quantity }) }),
});
const Pod = z.object({
  metadata,
  spec: objectOf({ nodeName: text, containers: listOf(podContainer), initContainers: listOf(podContainer) }),
  status: objectOf({
    phase: text,
    reason: text,
    message: text,
    startTime: time,
    conditions,
    containerStatuses: listOf(containerStatus),
    initContainerStatuses: listOf(containerStatus),
  }),
});

// ------------------------------------------------------------------------------- nodes and namespaces

const Node = z.object({
  metadata,
  spec: objectOf({
    unschedulable: flag,
    taints: listOf(z.object({ key: text, value: text, effect: text, timeAdded: time })),
  }),
  status: objectOf({
    conditions: listOf(condition.extend({ lastHeartbeatTime: time })),
    allocatable: objectOf({ cpu: quantity, memory: quantity }),
    nodeInfo: objectOf({ kubeletVersion: text }),
  }),
});

const Namespace = z.object({
  metadata: z.object({ ...metadataShape, annotations: stringMap }),
  status: objectOf({ phase: text }),
});

// ------------------------------------------------------------------------------------------------ events

/** core/v1 and events.k8s.io/v1 Events: one kind, the second renaming most fields. */
const Event = z.object({
  metadata,
  type: text,
  reason: text,
  message: text,
  note: text,
  count,
  deprecatedCount: count,
  firstTimestamp: time,
  lastTimestamp: time,
  deprecatedFirstTimestamp: time,
  deprecatedLastTimestamp: time,
  eventTime: time,
  series: objectOf({ count, lastObservedTime: time }),
  involvedObject: objectRef,
  regarding: objectRef,
  source: objectOf({ host: text }),
  deprecatedSource: objectOf({ host: text }),
  reportingController: text,
  reportingComponent: text,
  reportingInstance: text,
});

// ------------------------------------------------------------------------------------------- workloads

const templateContainer = z.object({
  name: text,
  image: text,
  args: strings,
  env: listOf(z.object({ name: text, value: text })),
});
const podTemplate = objectOf({ spec: objectOf({ containers: listOf(templateContainer) }) });

/** Deployments and StatefulSets. */
const Replicated = z.object({
  metadata,
  spec: objectOf({ replicas: count, template: podTemplate }),
  status: objectOf({ readyReplicas: count, availableReplicas: count, updatedReplicas: count, conditions }),
});

const DaemonSet = z.object({
  metadata,
  spec: objectOf({ template: podTemplate }),
  status: objectOf({
    desiredNumberScheduled: count,
    numberReady: count,
    numberAvailable: count,
    updatedNumberScheduled: count,
    conditions,
  }),
});

const ReplicaSet = z.object({
  metadata,
  spec: objectOf({ replicas: count }),
  status: objectOf({ readyReplicas: count, availableReplicas: count }),
});

const Job = z.object({
  metadata,
  status: objectOf({ succeeded: count, failed: count, conditions }),
});

// ------------------------------------------------------------------------------ services and storage

const Endpoints = z.object({
  metadata,
  subsets: listOf(
    z.object({
      addresses: listOf(z.object({})),
      notReadyAddresses: listOf(z.object({ targetRef: objectRef })),
    }),
  ),
});

const EndpointSlice = z.object({
  metadata,
  endpoints: listOf(
    z.object({ addresses: strings, conditions: objectOf({ ready: flag }), targetRef: objectRef }),
  ),
});

const PersistentVolumeClaim = z.object({
  metadata,
  spec: objectOf({ storageClassName: text }),
  status: objectOf({ phase: text, capacity: objectOf({ storage: quantity }) }),
});

const ConfigMap = z.object({ metadata, data: stringMap });

// ---------------------------------------------------------------------------- the platform's own kinds

const sourceRef = objectOf({ kind: text, name: text, namespace: text });
const HelmRelease = z.object({
  metadata,
  spec: objectOf({
    chart: objectOf({ spec: objectOf({ chart: text, version: text, sourceRef }) }),
    chartRef: sourceRef,
    suspend: flag,
    releaseName: text,
    values: z.object({}).nullish(),
    dependsOn: listOf(z.object({ name: text, namespace: text })),
  }),
  status: objectOf({
    conditions,
    history: listOf(z.object({ chartVersion: text })),
    lastAttemptedRevision: text,
  }),
});

const Package = z.object({ metadata, spec: objectOf({ variant: text }) });

const CustomResourceDefinition = z.object({
  metadata,
  spec: objectOf({
    group: text,
    scope: text,
    names: objectOf({ kind: text, plural: text }),
    versions: listOf(z.object({ name: text, storage: flag })),
  }),
});

const WebhookConfiguration = z.object({
  metadata,
  webhooks: listOf(
    z.object({
      name: text,
      failurePolicy: text,
      clientConfig: objectOf({ service: objectOf({ namespace: text, name: text }) }),
    }),
  ),
});

const ApiService = z.object({
  metadata,
  spec: objectOf({ service: objectOf({ namespace: text, name: text }) }),
  status: objectOf({ conditions }),
});

/** By type key, as the builder's reducers are keyed. */
const SCHEMAS: Record<string, z.ZodType> = {
  pods: Pod,
  nodes: Node,
  namespaces: Namespace,
  events: Event,
  'events.events.k8s.io': Event,
  configmaps: ConfigMap,
  endpoints: Endpoints,
  'endpointslices.discovery.k8s.io': EndpointSlice,
  persistentvolumeclaims: PersistentVolumeClaim,
  'deployments.apps': Replicated,
  'statefulsets.apps': Replicated,
  'daemonsets.apps': DaemonSet,
  'replicasets.apps': ReplicaSet,
  'jobs.batch': Job,
  'packages.cozystack.io': Package,
  'customresourcedefinitions.apiextensions.k8s.io': CustomResourceDefinition,
  'helmreleases.helm.toolkit.fluxcd.io': HelmRelease,
  'validatingwebhookconfigurations.admissionregistration.k8s.io': WebhookConfiguration,
  'mutatingwebhookconfigurations.admissionregistration.k8s.io': WebhookConfiguration,
  'apiservices.apiregistration.k8s.io': ApiService,
};

/** The schema of what the inventory reduces of objects of one type; undefined for a type it only counts. */
export function reducedSchemaOf(typeKey: string): z.ZodType | undefined {
  return SCHEMAS[typeKey];
}
