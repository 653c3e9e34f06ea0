// Compact facts the checks need, reduced from whole objects as they stream past.
// Times are RFC 3339 strings; ages are computed against `Inventory.now`, one clock for the whole run.
import type { BUILTIN_TYPES, BuiltinTypeName } from '../cluster/resource-types.js';
import type { ListOutcome, SourceInfo } from '../cluster/types.js';

type KeyOfType<T> = T extends { group: ''; plural: infer P extends string }
  ? P
  : T extends { group: infer G extends string; plural: infer P extends string }
    ? `${P}.${G}`
    : never;

/**
 * The key of a built-in type the inventory reads (`pods`, `deployments.apps`,
 * `helmreleases.helm.toolkit.fluxcd.io`), as `typeKey()` spells it: what a check names in `needs`, so a typo is
 * a type error. Secrets are never read for the checks.
 */
export type InventoryTypeKey = KeyOfType<(typeof BUILTIN_TYPES)[Exclude<BuiltinTypeName, 'secrets'>]>;

export interface OwnerRef {
  kind: string;
  name: string;
}

export interface ContainerFacts {
  name: string;
  image: string;
  ready: boolean;
  restarts: number;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  /** Waiting or terminated reason: CrashLoopBackOff, ImagePullBackOff, ErrImagePull, Error, ... */
  reason?: string;
  message?: string;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  lastTermination?: { reason?: string; exitCode?: number; finishedAt?: string; message?: string };
}

export interface PodFacts {
  namespace: string;
  name: string;
  node?: string;
  /** Controller owner, resolved through ReplicaSets to the Deployment where possible. */
  owner?: OwnerRef;
  /** The ReplicaSet the pod belongs to, when `owner` was resolved through it to its Deployment. */
  replicaSet?: string;
  phase: string;
  /** status.reason: OutOfcpu, OutOfmemory, NodeLost, Evicted, ... */
  reason?: string;
  message?: string;
  /** What `kubectl get pods` prints in STATUS: CrashLoopBackOff, Init:0/5, Unknown, OutOfcpu, Running ... */
  displayStatus: string;
  /** `Init:0/5` when init containers have not all finished. */
  initProgress?: string;
  ready: boolean;
  /** Sum of container restart counts (init containers included). */
  restarts: number;
  containers: ContainerFacts[];
  initContainers: ContainerFacts[];
  createdAt?: string;
  deletedAt?: string;
  /** Most recent container termination. */
  lastTerminatedAt?: string;
  /** Best estimate of when the pod stopped being healthy (Ready=False transition, or creation when never ready). */
  failingSince?: string;
  conditions: Array<{ type: string; status: string; reason?: string; lastTransitionTime?: string }>;
  /** Sum of container requests. */
  requests: { cpuMillis: number; memoryBytes: number };
  /** `app`, `k8s-app`, `app.kubernetes.io/name`, `app.kubernetes.io/instance` only. */
  labels: Record<string, string>;
}

export interface NodeConditionFacts {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  /** lastTransitionTime: since when the condition has had this status. */
  since?: string;
}

export interface TaintFacts {
  key: string;
  effect: string;
  value?: string;
  /** timeAdded (the node controller sets it on the taints it adds). */
  since?: string;
}

export interface NodeFacts {
  name: string;
  ready: 'True' | 'False' | 'Unknown';
  readySince?: string;
  readyReason?: string;
  readyMessage?: string;
  /** Pressure conditions that are True: MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable. */
  pressures: string[];
  /** Every condition other than Ready, with its reason, message and age. */
  conditions: NodeConditionFacts[];
  taints: TaintFacts[];
  kubeletVersion?: string;
  unschedulable: boolean;
  roles: string[];
  allocatable: { cpuMillis: number; memoryBytes: number };
  createdAt?: string;
}

export interface EventFacts {
  namespace: string;
  type: string;
  reason: string;
  message: string;
  involved: { kind: string; name: string; namespace?: string };
  /** Node the event was reported on (source.host / reportingInstance / deprecatedSource.host). */
  node?: string;
  count: number;
  firstTime?: string;
  lastTime?: string;
}

export interface WorkloadContainer {
  name: string;
  image: string;
  args: string[];
  /** Literal env values only; values from Secrets/ConfigMaps are never copied. */
  env: Record<string, string>;
}

export interface WorkloadFacts {
  kind: 'Deployment' | 'DaemonSet' | 'StatefulSet';
  namespace: string;
  name: string;
  desired: number;
  ready: number;
  available: number;
  updated: number;
  containers: WorkloadContainer[];
  labels: Record<string, string>;
  createdAt?: string;
}

/** A ReplicaSet: whether it still wants pods (an old one of a Deployment is scaled to 0) and has them. */
export interface ReplicaSetFacts {
  namespace: string;
  name: string;
  /** The owning Deployment. */
  deployment?: string;
  desired: number;
  ready: number;
  available: number;
  createdAt?: string;
}

/** A Job: finished (Complete or Failed) or still running, with its pod counters. */
export interface JobFacts {
  namespace: string;
  name: string;
  /** The CronJob that created it, when one did. */
  owner?: OwnerRef;
  complete: boolean;
  failed: boolean;
  succeeded: number;
  failedPods: number;
  createdAt?: string;
}

/** A `packages.cozystack.io` Package (v1 platform configuration): its name and variant only. */
export interface PackageFacts {
  name: string;
  variant?: string;
}

/**
 * What Helm's record of one release revision says (a `helm.sh/release.v1` Secret): the chart and its version,
 * the revision and its status. Nothing else of the record (values, manifest, templates) is kept.
 */
export interface HelmReleaseRecordFacts {
  namespace: string;
  release: string;
  revision: number;
  /** deployed, superseded, failed, pending-upgrade, ... */
  status: string;
  chart: string;
  chartVersion: string;
  appVersion?: string;
  deployedAt?: string;
}

/** The outcome of reading the Helm records of one release: read, or why not. */
export interface HelmRecordsRead {
  namespace: string;
  release: string;
  status: 'ok' | 'forbidden' | 'not-installed' | 'failed';
  reason?: string;
  records: HelmReleaseRecordFacts[];
}

export interface HelmReleaseFacts {
  namespace: string;
  name: string;
  chart: string;
  /** spec.chart.spec.version (a semver range or exact version). */
  chartVersionSpec?: string;
  /** Version actually deployed: status.history[0].chartVersion, else lastAttemptedRevision. */
  deployedChartVersion?: string;
  lastAttemptedRevision?: string;
  sourceRef?: { kind: string; name: string; namespace?: string };
  releaseName?: string;
  /** Flux `dependsOn`, as `namespace/name`: the releases this one waits for. */
  dependsOn?: string[];
  ready: 'True' | 'False' | 'Unknown';
  readyReason?: string;
  readyMessage?: string;
  readySince?: string;
  stalled: boolean;
  stalledReason?: string;
  suspended: boolean;
  /** Top-level keys of spec.values (enough for breaking-change detection, nothing secret). */
  valueKeys: string[];
  labels: Record<string, string>;
  createdAt?: string;
}

export interface CrdFacts {
  name: string;
  group: string;
  kind: string;
  plural: string;
  scope: 'Namespaced' | 'Cluster';
  versions: string[];
  storedVersion?: string;
}

export interface WebhookFacts {
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  name: string;
  webhooks: Array<{
    name: string;
    failurePolicy: string;
    service?: { namespace: string; name: string };
  }>;
}

export interface ApiServiceFacts {
  name: string;
  service?: { namespace: string; name: string };
  available: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface NamespaceFacts {
  name: string;
  phase?: string;
  labels: Record<string, string>;
  /** `namespace.cozystack.io/*` annotations only. */
  annotations: Record<string, string>;
  createdAt?: string;
}

export interface PvcFacts {
  namespace: string;
  name: string;
  phase?: string;
  storageClass?: string;
  capacity?: string;
}

export interface CustomResourceTally {
  group: string;
  kind: string;
  count: number;
  /** `namespace/name` (or `name`), the first 50 only. */
  names: string[];
}

/**
 * What the inventory knows of one Secret it reads: whether it exists and its key names. Never a value: the
 * object is reduced to its key names the moment it is read.
 */
export type SecretKeysFact =
  | { status: 'found'; keys: string[] }
  | { status: 'absent' }
  | { status: 'unreadable'; reason: string };

export interface Inventory {
  /** The one clock every age is computed against (RFC 3339). */
  now: string;
  source: SourceInfo;
  /** The API server's version as it reported it (`/version`, a snapshot's version.json). */
  serverVersion?: string;
  /** When the server did not report it: the version inferred from the control-plane kubelets, with the evidence. */
  serverVersionInferred?: { version: string; evidence: string };
  /** One outcome per listed type, keyed by type key (`pods`, `helmreleases.helm.toolkit.fluxcd.io`). */
  outcomes: Record<string, ListOutcome>;
  nodes: NodeFacts[];
  namespaces: NamespaceFacts[];
  pods: PodFacts[];
  events: EventFacts[];
  workloads: WorkloadFacts[];
  replicaSets: ReplicaSetFacts[];
  jobs: JobFacts[];
  helmReleases: HelmReleaseFacts[];
  /** The installer's Helm records (v1: release `cozystack` in cozy-system), when they were looked for. */
  installerRecords?: HelmRecordsRead;
  packages: PackageFacts[];
  /** Data of the CozyStack ConfigMaps in `cozy-system` (`cozystack`, `cozystack-version`, ...), and `cozy-cilium/cni-configuration`, keyed `namespace/name`. */
  cozystackConfigMaps: Record<string, Record<string, string>>;
  crds: CrdFacts[];
  webhooks: WebhookFacts[];
  apiServices: ApiServiceFacts[];
  /** Ready endpoint addresses per Service, keyed `namespace/name` (from Endpoints, else EndpointSlices). */
  serviceReadyEndpoints: Record<string, number>;
  /** Pods behind each Service's not-ready endpoints, keyed `namespace/name` (only Services that have some). */
  serviceNotReadyPods: Record<string, string[]>;
  pvcs: PvcFacts[];
  /** The few Secrets a fact needs (WATCHED_SECRETS in src/inventory/secrets.ts), keyed `namespace/name`. */
  secretKeys: Record<string, SecretKeysFact>;
  /** Custom resources seen, keyed by type key (`proxmoxclusters.infrastructure.cluster.x-k8s.io`). */
  customResources: Record<string, CustomResourceTally>;
  /** Object counts per type key, whatever the type. */
  counts: Record<string, number>;
}
