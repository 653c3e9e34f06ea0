// Builders of Kubernetes objects shaped exactly like `kubectl get -o json` prints them: real field names,
// real message formats, omitted zero values where the API omits them. Deterministic: every time comes from
// a FixtureClock and every uid, hash or suffix is derived from the object's name, so the same inputs always
// give the same bytes. Cheap: each call builds fresh literals (no cloning of templates), so the scale
// benchmark can call them 50 000 times.
export type Obj = Record<string, unknown>;

/** Any Kubernetes object a builder returns (what `kubectl get -o json` puts in `items`). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [key: string]: unknown;
}

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Clock and deterministic identifiers
// ---------------------------------------------------------------------------------------------------------

/** Kubernetes prints times as RFC 3339 with whole seconds. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}

/** One fixed "now" for a whole fixture; every age is written relative to it. */
export class FixtureClock {
  readonly nowMs: number;
  constructor(readonly now: string) {
    this.nowMs = Date.parse(now);
    if (Number.isNaN(this.nowMs)) throw new Error(`FixtureClock: not an RFC 3339 time: ${now}`);
  }
  ago(d: Duration): string {
    const seconds = (d.days ?? 0) * 86400 + (d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0);
    return rfc3339(this.nowMs - Math.round(seconds * 1000));
  }
  daysAgo(days: number, hours = 0, minutes = 0): string {
    return this.ago({ days, hours, minutes });
  }
  hoursAgo(hours: number, minutes = 0): string {
    return this.ago({ hours, minutes });
  }
  minutesAgo(minutes: number, seconds = 0): string {
    return this.ago({ minutes, seconds });
  }
  /** A time `d` after `from` (e.g. a container that finished 40s after it started). */
  after(from: string, d: Duration): string {
    const seconds = (d.days ?? 0) * 86400 + (d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0);
    return rfc3339(Date.parse(from) + seconds * 1000);
  }
}

/**
 * 128-bit hash of a string (cyrb128). Identifiers only need to be stable and well spread, not secure, and
 * the scale benchmark derives several per object, so this is a fast non-cryptographic hash.
 */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Hex string of any length derived from a seed (an sfc32 stream seeded by the hash): every identifier comes from here. */
export function hexOf(seed: string, length = 64): string {
  let [a, b, c, d] = hash128(seed);
  let out = '';
  while (out.length < length) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    out += (t >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, length);
}

/** A UUID (v4 layout) derived from a seed, like metadata.uid. */
export function uidOf(seed: string): string {
  const h = hexOf(seed, 32);
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// The alphabet Kubernetes uses for generated name suffixes and pod-template hashes (no vowels, no 0/1/3).
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A generated-name suffix (`kube-ovn-cni-` + `x7k2p`) derived from a seed. */
export function suffixOf(seed: string, length = 5): string {
  const h = hexOf(seed, length * 2);
  let out = '';
  for (let i = 0; i < length; i++) out += SAFE_ALPHABET[Number.parseInt(h.slice(i * 2, i * 2 + 2), 16) % 27];
  return out;
}

/** A pod-template-hash / controller-revision-hash (10 characters from the safe alphabet). */
export function templateHashOf(seed: string): string {
  return suffixOf(`template:${seed}`, 10);
}

/** A plausible resourceVersion (a decimal number), derived from a seed. */
export function resourceVersionOf(seed: string): string {
  return String((Number.parseInt(hexOf(`rv:${seed}`, 8), 16) % 90_000_000) + 1_000_000);
}

export function containerIdOf(seed: string): string {
  return `containerd://${hexOf(`cid:${seed}`)}`;
}

export function sha256Of(seed: string): string {
  return `sha256:${hexOf(`digest:${seed}`)}`;
}

/** base64 of a UTF-8 string, as Secret data holds it. */
export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

// ---------------------------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------------------------

export interface MetaInput {
  name: string;
  namespace?: string;
  created: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: OwnerReference;
  generateName?: string;
  generation?: number;
  deletionTimestamp?: string;
  finalizers?: string[];
}

/** metadata with a uid derived from kind/namespace/name, so owners can compute their children's references. */
export function meta(kind: string, input: MetaInput): Meta {
  const m = {} as Meta;
  if (input.annotations && Object.keys(input.annotations).length > 0) m.annotations = input.annotations;
  m.creationTimestamp = input.created;
  if (input.deletionTimestamp) {
    m.deletionGracePeriodSeconds = 30;
    m.deletionTimestamp = input.deletionTimestamp;
  }
  if (input.finalizers) m.finalizers = input.finalizers;
  if (input.generateName) m.generateName = input.generateName;
  if (input.generation !== undefined) m.generation = input.generation;
  if (input.labels && Object.keys(input.labels).length > 0) m.labels = input.labels;
  m.name = input.name;
  if (input.namespace) m.namespace = input.namespace;
  if (input.owner) m.ownerReferences = [input.owner];
  m.resourceVersion = resourceVersionOf(`${kind}/${input.namespace ?? ''}/${input.name}`);
  m.uid = objectUid(kind, input.name, input.namespace);
  return m;
}

export function objectUid(kind: string, name: string, namespace?: string): string {
  return uidOf(`${kind}/${namespace ?? ''}/${name}`);
}

/** The controller ownerReference a child carries for its owner. */
export function controllerRef(
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
): OwnerReference {
  return {
    apiVersion,
    blockOwnerDeletion: true,
    controller: true,
    kind,
    name,
    uid: objectUid(kind, name, namespace),
  };
}

/** `kubectl get <type> -A -o json`: a `List` of items. */
export function list(items: readonly unknown[]): Obj {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

// ---------------------------------------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------------------------------------

/** Millicores of a CPU quantity (`250m`, `2`, `0.5`). */
export function cpuMillis(q: string | undefined): number {
  if (!q) return 0;
  if (q.endsWith('m')) return Number(q.slice(0, -1));
  return Math.round(Number(q) * 1000);
}

const MEMORY_UNITS: Record<string, number> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  k: 1000,
  M: 1000 ** 2,
  G: 1000 ** 3,
};

export function memoryBytes(q: string | undefined): number {
  if (!q) return 0;
  const m = /^(\d+(?:\.\d+)?)([KMGT]i|[kMG])?$/.exec(q);
  if (!m) throw new Error(`memoryBytes: not a quantity: ${q}`);
  return Math.round(Number(m[1]) * (m[2] ? MEMORY_UNITS[m[2]]! : 1));
}

// ---------------------------------------------------------------------------------------------------------
// Nodes and namespaces
// ---------------------------------------------------------------------------------------------------------

export interface NodeInput {
  name: string;
  created: string;
  ip: string;
  roles: Array<'control-plane' | 'worker'>;
  kubeletVersion: string;
  osImage: string;
  kernelVersion: string;
  containerRuntimeVersion: string;
  capacity: { cpu: string; memory: string; pods?: string; ephemeralStorage?: string };
  allocatable: { cpu: string; memory: string; pods?: string; ephemeralStorage?: string };
  /** Ready=True since (heartbeat at `heartbeat`). */
  readySince?: string;
  /** The kubelet stopped posting status at `lastHeartbeat`; the node controller set Unknown at `since`. */
  statusUnknown?: { since: string; lastHeartbeat: string };
  heartbeat: string;
  taints?: Array<{ key: string; effect: string; value?: string; timeAdded?: string }>;
  podCIDR?: string;
  unschedulable?: boolean;
  extraLabels?: Record<string, string>;
  images?: string[];
}

export function node(n: NodeInput): K8sObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    ...n.extraLabels,
  };
  for (const role of n.roles) labels[`node-role.kubernetes.io/${role}`] = '';
  const pressure = (type: string, reason: string, message: string) => {
    if (n.statusUnknown) {
      return {
        lastHeartbeatTime: n.statusUnknown.lastHeartbeat,
        lastTransitionTime: n.statusUnknown.since,
        message: 'Kubelet stopped posting node status.',
        reason: 'NodeStatusUnknown',
        status: 'Unknown',
        type,
      };
    }
    return {
      lastHeartbeatTime: n.heartbeat,
      lastTransitionTime: n.readySince ?? n.created,
      message,
      reason,
      status: 'False',
      type,
    };
  };
  const ready = n.statusUnknown
    ? {
        lastHeartbeatTime: n.statusUnknown.lastHeartbeat,
        lastTransitionTime: n.statusUnknown.since,
        message: 'Kubelet stopped posting node status.',
        reason: 'NodeStatusUnknown',
        status: 'Unknown',
        type: 'Ready',
      }
    : {
        lastHeartbeatTime: n.heartbeat,
        lastTransitionTime: n.readySince ?? n.created,
        message: 'kubelet is posting ready status',
        reason: 'KubeletReady',
        status: 'True',
        type: 'Ready',
      };
  const annotations = {
    'cluster.x-k8s.io/cluster-name': '',
    'node.alpha.kubernetes.io/ttl': '0',
    'talos.dev/owned-annotations': '["cluster.x-k8s.io/cluster-name"]',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
  };
  const spec: Obj = {};
  if (n.podCIDR) {
    spec.podCIDR = n.podCIDR;
    spec.podCIDRs = [n.podCIDR];
  }
  if (n.taints && n.taints.length > 0) spec.taints = n.taints;
  if (n.unschedulable) spec.unschedulable = true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta('Node', { name: n.name, created: n.created, labels, annotations }),
    spec,
    status: {
      addresses: [
        { address: n.ip, type: 'InternalIP' },
        { address: n.name, type: 'Hostname' },
      ],
      allocatable: {
        cpu: n.allocatable.cpu,
        'ephemeral-storage': n.allocatable.ephemeralStorage ?? '95491281146',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: n.allocatable.memory,
        pods: n.allocatable.pods ?? '110',
      },
      capacity: {
        cpu: n.capacity.cpu,
        'ephemeral-storage': n.capacity.ephemeralStorage ?? '103606640Ki',
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: n.capacity.memory,
        pods: n.capacity.pods ?? '110',
      },
      conditions: [
        pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        ready,
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      images: (n.images ?? []).map((image) => ({
        names: [`${image.split(':')[0]}@${sha256Of(image)}`, image],
        sizeBytes: 20_000_000 + (Number.parseInt(hexOf(image, 6), 16) % 180_000_000),
      })),
      nodeInfo: {
        architecture: 'amd64',
        bootID: uidOf(`boot:${n.name}`),
        containerRuntimeVersion: n.containerRuntimeVersion,
        kernelVersion: n.kernelVersion,
        kubeProxyVersion: n.kubeletVersion,
        kubeletVersion: n.kubeletVersion,
        machineID: hexOf(`machine:${n.name}`, 32),
        operatingSystem: 'linux',
        osImage: n.osImage,
        systemUUID: uidOf(`system:${n.name}`).toUpperCase(),
      },
    },
  };
}

export function namespace(input: {
  name: string;
  created: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: meta('Namespace', {
      name: input.name,
      created: input.created,
      labels: { 'kubernetes.io/metadata.name': input.name, ...input.labels },
      annotations: input.annotations,
    }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Containers and pods
// ---------------------------------------------------------------------------------------------------------

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: Obj }>;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string; hostPort?: number }>;
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean; mountPropagation?: string }>;
  securityContext?: Obj;
  livenessProbe?: Obj;
  readinessProbe?: Obj;
}

/** The container as it appears in a pod template or pod spec. */
export function containerSpec(c: ContainerSpec): Obj {
  const out: Obj = {};
  if (c.args) out.args = c.args;
  if (c.command) out.command = c.command;
  if (c.env) out.env = c.env;
  out.image = c.image;
  out.imagePullPolicy = 'IfNotPresent';
  if (c.livenessProbe) out.livenessProbe = c.livenessProbe;
  out.name = c.name;
  if (c.ports) out.ports = c.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }));
  if (c.readinessProbe) out.readinessProbe = c.readinessProbe;
  const resources: Obj = {};
  if (c.limits) resources.limits = c.limits;
  if (c.requests) resources.requests = c.requests;
  out.resources = resources;
  if (c.securityContext) out.securityContext = c.securityContext;
  out.terminationMessagePath = '/dev/termination-log';
  out.terminationMessagePolicy = 'File';
  if (c.volumeMounts) out.volumeMounts = c.volumeMounts;
  return out;
}

/** `state` / `lastState` of a container status. */
export type ContainerState =
  | { running: { startedAt: string } }
  | { waiting: { reason: string; message?: string } }
  | {
      terminated: {
        reason: string;
        exitCode: number;
        startedAt: string;
        finishedAt: string;
        message?: string;
        signal?: number;
      };
    };

export const running = (startedAt: string): ContainerState => ({ running: { startedAt } });
export const waiting = (reason: string, message?: string): ContainerState => ({
  waiting: message ? { message, reason } : { reason },
});
export const terminated = (
  reason: string,
  exitCode: number,
  startedAt: string,
  finishedAt: string,
  message?: string,
): ContainerState => ({
  terminated: message
    ? { exitCode, finishedAt, message, reason, startedAt }
    : { exitCode, finishedAt, reason, startedAt },
});

export interface ContainerStatusInput {
  state: ContainerState;
  lastState?: ContainerState;
  ready?: boolean;
  restartCount?: number;
  /** false when the image was never pulled (no imageID / containerID yet). */
  pulled?: boolean;
}

/** A container (spec + status) in a pod. */
export interface PodContainer extends ContainerSpec {
  status: ContainerStatusInput;
}

function containerStatus(podSeed: string, c: PodContainer): Obj {
  const s = c.status;
  const pulled = s.pulled ?? !('waiting' in s.state && /Image|ErrImage/.test(s.state.waiting.reason));
  const everStarted = !('waiting' in s.state) || s.lastState !== undefined;
  const out: Obj = {};
  if (pulled && everStarted) out.containerID = containerIdOf(`${podSeed}/${c.name}/${s.restartCount ?? 0}`);
  out.image = c.image;
  out.imageID = pulled ? `${c.image.split('@')[0]!.replace(/:[^/:]+$/, '')}@${sha256Of(c.image)}` : '';
  out.lastState = s.lastState ?? {};
  out.name = c.name;
  out.ready = s.ready ?? false;
  out.restartCount = s.restartCount ?? 0;
  out.started = 'running' in s.state;
  out.state = s.state;
  return out;
}

export interface PodInput {
  name: string;
  namespace: string;
  created: string;
  node?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: OwnerReference;
  generateName?: string;
  containers: PodContainer[];
  initContainers?: PodContainer[];
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** status.reason / status.message: OutOfcpu, NodeLost, Evicted ... */
  reason?: string;
  message?: string;
  podIP?: string;
  hostIP?: string;
  hostNetwork?: boolean;
  startTime?: string;
  /** When the pod was scheduled (PodScheduled=True); defaults to creation. */
  scheduledAt?: string;
  /** Last transition of the Ready/ContainersReady conditions. */
  readyTransition?: string;
  /** When all init containers completed; absent while they run. */
  initializedAt?: string;
  /** Unschedulable pods: the scheduler's message. */
  unschedulable?: { since: string; message: string };
  deletionTimestamp?: string;
  serviceAccountName?: string;
  priorityClassName?: string;
  tolerations?: Obj[];
  nodeSelector?: Record<string, string>;
  volumes?: Obj[];
  qosClass?: 'Guaranteed' | 'Burstable' | 'BestEffort';
}

const DEFAULT_TOLERATIONS: Obj[] = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];

function qosOf(p: PodInput): string {
  if (p.qosClass) return p.qosClass;
  const all = [...p.containers, ...(p.initContainers ?? [])];
  if (all.every((c) => !c.requests && !c.limits)) return 'BestEffort';
  return 'Burstable';
}

/** A pod with spec, containerStatuses, initContainerStatuses and the five conditions the kubelet writes. */
export function pod(p: PodInput): K8sObject {
  const seed = `${p.namespace}/${p.name}`;
  const init = p.initContainers ?? [];
  const spec: Obj = {
    containers: p.containers.map(containerSpec),
    dnsPolicy: p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
    enableServiceLinks: true,
  };
  if (p.hostNetwork) spec.hostNetwork = true;
  if (init.length > 0) spec.initContainers = init.map(containerSpec);
  if (p.node) spec.nodeName = p.node;
  if (p.nodeSelector) spec.nodeSelector = p.nodeSelector;
  spec.preemptionPolicy = 'PreemptLowerPriority';
  spec.priority =
    p.priorityClassName === 'system-node-critical' ? 2000001000 : p.priorityClassName ? 2000000000 : 0;
  if (p.priorityClassName) spec.priorityClassName = p.priorityClassName;
  spec.restartPolicy = 'Always';
  spec.schedulerName = 'default-scheduler';
  spec.securityContext = {};
  spec.serviceAccount = p.serviceAccountName ?? 'default';
  spec.serviceAccountName = p.serviceAccountName ?? 'default';
  spec.terminationGracePeriodSeconds = 30;
  spec.tolerations = p.tolerations ?? DEFAULT_TOLERATIONS;
  spec.volumes = p.volumes ?? [
    {
      name: `kube-api-access-${suffixOf(`sa:${seed}`)}`,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
          {
            downwardAPI: {
              items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }],
            },
          },
        ],
      },
    },
  ];

  const status: Obj = {};
  const scheduledAt = p.scheduledAt ?? p.created;
  if (p.unschedulable) {
    status.conditions = [
      {
        lastProbeTime: null,
        lastTransitionTime: p.unschedulable.since,
        message: p.unschedulable.message,
        reason: 'Unschedulable',
        status: 'False',
        type: 'PodScheduled',
      },
    ];
  } else if (p.node && !(p.phase === 'Failed' && p.reason?.startsWith('OutOf'))) {
    const allReady = p.containers.every((c) => c.status.ready);
    const initDone = init.every(
      (c) => 'terminated' in c.status.state && c.status.state.terminated.exitCode === 0,
    );
    const unready = p.containers.filter((c) => !c.status.ready).map((c) => c.name);
    const unreadyInit = init.filter((c) => !('terminated' in c.status.state)).map((c) => c.name);
    const readyAt = p.readyTransition ?? p.startTime ?? scheduledAt;
    const sandboxReady =
      p.phase === 'Running' || p.phase === 'Succeeded' || (p.podIP !== undefined && p.phase !== 'Pending');
    status.conditions = [
      {
        lastProbeTime: null,
        lastTransitionTime: sandboxReady ? (p.startTime ?? scheduledAt) : scheduledAt,
        status: sandboxReady ? 'True' : 'False',
        type: 'PodReadyToStartContainers',
      },
      initDone
        ? {
            lastProbeTime: null,
            lastTransitionTime: p.initializedAt ?? p.startTime ?? scheduledAt,
            status: 'True',
            type: 'Initialized',
          }
        : {
            lastProbeTime: null,
            lastTransitionTime: p.startTime ?? scheduledAt,
            message: `containers with incomplete status: [${unreadyInit.join(' ')}]`,
            reason: 'ContainersNotInitialized',
            status: 'False',
            type: 'Initialized',
          },
      allReady
        ? { lastProbeTime: null, lastTransitionTime: readyAt, status: 'True', type: 'Ready' }
        : {
            lastProbeTime: null,
            lastTransitionTime: readyAt,
            message: `containers with unready status: [${unready.join(' ')}]`,
            reason: 'ContainersNotReady',
            status: 'False',
            type: 'Ready',
          },
      allReady
        ? { lastProbeTime: null, lastTransitionTime: readyAt, status: 'True', type: 'ContainersReady' }
        : {
            lastProbeTime: null,
            lastTransitionTime: readyAt,
            message: `containers with unready status: [${unready.join(' ')}]`,
            reason: 'ContainersNotReady',
            status: 'False',
            type: 'ContainersReady',
          },
      { lastProbeTime: null, lastTransitionTime: scheduledAt, status: 'True', type: 'PodScheduled' },
    ];
  }
  const rejected = p.phase === 'Failed' && p.reason?.startsWith('OutOf');
  if (!rejected && p.node) {
    status.containerStatuses = p.containers.map((c) => containerStatus(seed, c));
  }
  if (p.hostIP && !p.unschedulable) {
    status.hostIP = p.hostIP;
    status.hostIPs = [{ ip: p.hostIP }];
  }
  if (!rejected && init.length > 0 && p.node) {
    status.initContainerStatuses = init.map((c) => containerStatus(seed, c));
  }
  if (p.message) status.message = p.message;
  status.phase = p.phase;
  if (p.podIP) {
    status.podIP = p.podIP;
    status.podIPs = [{ ip: p.podIP }];
  }
  status.qosClass = qosOf(p);
  if (p.reason) status.reason = p.reason;
  if (p.node && !p.unschedulable) status.startTime = p.startTime ?? scheduledAt;

  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('Pod', {
      name: p.name,
      namespace: p.namespace,
      created: p.created,
      labels: p.labels,
      annotations: p.annotations,
      owner: p.owner,
      generateName: p.generateName,
      deletionTimestamp: p.deletionTimestamp,
    }),
    spec,
    status,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Events (core/v1, as `kubectl get events -A -o json` prints them)
// ---------------------------------------------------------------------------------------------------------

export interface EventInput {
  namespace: string;
  involved: { kind: string; name: string; namespace?: string; apiVersion?: string; fieldPath?: string };
  reason: string;
  message: string;
  type?: 'Normal' | 'Warning';
  /** kubelet events carry the node; controller events leave it out. */
  host?: string;
  component?: string;
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
}

export function event(e: EventInput): K8sObject {
  const involvedNs = e.involved.namespace ?? e.namespace;
  const seed = `${e.namespace}/${e.involved.kind}/${e.involved.name}/${e.reason}/${e.message}`;
  const component = e.component ?? 'kubelet';
  const involvedObject: Obj = {
    apiVersion: e.involved.apiVersion ?? 'v1',
    kind: e.involved.kind,
    name: e.involved.name,
  };
  if (e.involved.fieldPath) involvedObject.fieldPath = e.involved.fieldPath;
  if (involvedNs) involvedObject.namespace = involvedNs;
  involvedObject.resourceVersion = resourceVersionOf(`${e.involved.kind}/${involvedNs}/${e.involved.name}`);
  involvedObject.uid = objectUid(
    e.involved.kind,
    e.involved.name,
    e.involved.kind === 'Node' ? undefined : involvedNs,
  );
  const source: Obj = { component };
  if (e.host) source.host = e.host;
  return {
    apiVersion: 'v1',
    count: e.count,
    eventTime: null,
    firstTimestamp: e.firstTimestamp,
    involvedObject,
    kind: 'Event',
    lastTimestamp: e.lastTimestamp,
    message: e.message,
    metadata: meta('Event', {
      name: `${e.involved.name}.${hexOf(seed, 16)}`,
      namespace: e.namespace,
      created: e.firstTimestamp,
    }),
    reason: e.reason,
    reportingComponent: component,
    reportingInstance: e.host ?? '',
    source,
    type: e.type ?? 'Warning',
  };
}

// Real message formats (kubelet 1.32 / containerd 2.0 / kube-ovn 1.13 CNI).

export function sandboxSocketMessage(sandboxSeed: string): string {
  return (
    `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox ` +
    `"${hexOf(`sandbox:${sandboxSeed}`)}": plugin type="kube-ovn" failed (add): RPC failed; ` +
    'request ip return 500 error; dial unix /run/openvswitch/kube-ovn-daemon.sock: connect: no such file or directory'
  );
}

export function backOffRestartMessage(container: string, podName: string, namespace: string): string {
  return `Back-off restarting failed container ${container} in pod ${podName}_${namespace}(${objectUid('Pod', podName, namespace)})`;
}

/** The registry host and the path kubelet's HEAD request goes to, for an image reference. */
function manifestUrl(image: string): string {
  const [ref, digest] = image.split('@');
  const slash = ref!.indexOf('/');
  const host = ref!.slice(0, slash);
  const rest = ref!.slice(slash + 1);
  const colon = rest.lastIndexOf(':');
  const repo = colon > 0 ? rest.slice(0, colon) : rest;
  const tag = digest ?? (colon > 0 ? rest.slice(colon + 1) : 'latest');
  return `https://${host}/v2/${repo}/manifests/${tag}`;
}

/** containerd's error when the registry cannot be reached (the pull times out on TCP connect). */
export function pullTimeoutError(image: string, registryIp: string): string {
  return (
    `rpc error: code = DeadlineExceeded desc = failed to pull and unpack image "${image}": ` +
    `failed to resolve reference "${image}": failed to do request: Head "${manifestUrl(image)}": ` +
    `dial tcp ${registryIp}:443: i/o timeout`
  );
}

/** containerd's error for an image reference that does not exist. */
export function pullNotFoundError(image: string): string {
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": ` +
    `failed to resolve reference "${image}": ${image}: not found`
  );
}

/** The waiting message of a container in ImagePullBackOff. */
export function imagePullBackOffMessage(image: string, pullError: string): string {
  return `Back-off pulling image "${image}": ErrImagePull: ${pullError}`;
}

export function outOfCpuMessage(requested: number, used: number, capacity: number): string {
  return `Pod was rejected: Node didn't have enough resource: cpu, requested: ${requested}, used: ${used}, capacity: ${capacity}`;
}

// ---------------------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------------------

export interface TemplateInput {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  hostNetwork?: boolean;
  serviceAccountName?: string;
  priorityClassName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Obj[];
}

function podTemplate(t: TemplateInput): Obj {
  const spec: Obj = { containers: t.containers.map(containerSpec), dnsPolicy: 'ClusterFirst' };
  if (t.hostNetwork) {
    spec.dnsPolicy = 'ClusterFirstWithHostNet';
    spec.hostNetwork = true;
  }
  if (t.initContainers) spec.initContainers = t.initContainers.map(containerSpec);
  if (t.nodeSelector) spec.nodeSelector = t.nodeSelector;
  if (t.priorityClassName) spec.priorityClassName = t.priorityClassName;
  spec.restartPolicy = 'Always';
  spec.schedulerName = 'default-scheduler';
  spec.securityContext = {};
  if (t.serviceAccountName) {
    spec.serviceAccount = t.serviceAccountName;
    spec.serviceAccountName = t.serviceAccountName;
  }
  spec.terminationGracePeriodSeconds = 30;
  if (t.tolerations) spec.tolerations = t.tolerations;
  const metadata: Obj = { creationTimestamp: null, labels: t.labels };
  if (t.annotations) metadata.annotations = t.annotations;
  return { metadata, spec };
}

/** Drops zero counters, as the API server omits them (omitempty). */
function counters(values: Record<string, number>): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(values)) if (v !== 0) out[k] = v;
  return out;
}

export interface WorkloadInput {
  name: string;
  namespace: string;
  created: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  selector: Record<string, string>;
  template: TemplateInput;
  generation?: number;
}

export interface DeploymentStatusInput {
  replicas: number;
  ready: number;
  updated?: number;
  available?: number;
  /** When the Available condition last changed. */
  availableSince: string;
  progressingSince: string;
  /** The ReplicaSet named in the Progressing condition. */
  replicaSetName: string;
  /** Set when the rollout exceeded its deadline. */
  progressDeadlineExceeded?: boolean;
}

export function deployment(
  d: WorkloadInput & { replicas: number; status: DeploymentStatusInput; strategy?: Obj },
): K8sObject {
  const s = d.status;
  const available = s.available ?? s.ready;
  const updated = s.updated ?? s.replicas;
  const minAvailable = d.replicas - Math.floor(d.replicas * 0.25);
  const generation = d.generation ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('Deployment', {
      name: d.name,
      namespace: d.namespace,
      created: d.created,
      labels: d.labels,
      annotations: { 'deployment.kubernetes.io/revision': String(generation), ...d.annotations },
      generation,
    }),
    spec: {
      progressDeadlineSeconds: 600,
      replicas: d.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: d.selector },
      strategy: d.strategy ?? {
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
        type: 'RollingUpdate',
      },
      template: podTemplate(d.template),
    },
    status: {
      ...counters({ availableReplicas: available }),
      conditions: [
        available >= minAvailable
          ? {
              lastTransitionTime: s.availableSince,
              lastUpdateTime: s.availableSince,
              message: 'Deployment has minimum availability.',
              reason: 'MinimumReplicasAvailable',
              status: 'True',
              type: 'Available',
            }
          : {
              lastTransitionTime: s.availableSince,
              lastUpdateTime: s.availableSince,
              message: 'Deployment does not have minimum availability.',
              reason: 'MinimumReplicasUnavailable',
              status: 'False',
              type: 'Available',
            },
        s.progressDeadlineExceeded
          ? {
              lastTransitionTime: s.progressingSince,
              lastUpdateTime: s.progressingSince,
              message: `ReplicaSet "${s.replicaSetName}" has timed out progressing.`,
              reason: 'ProgressDeadlineExceeded',
              status: 'False',
              type: 'Progressing',
            }
          : {
              lastTransitionTime: s.progressingSince,
              lastUpdateTime: s.progressingSince,
              message: `ReplicaSet "${s.replicaSetName}" has successfully progressed.`,
              reason: 'NewReplicaSetAvailable',
              status: 'True',
              type: 'Progressing',
            },
      ],
      observedGeneration: generation,
      ...counters({
        readyReplicas: s.ready,
        replicas: s.replicas,
        unavailableReplicas: Math.max(0, s.replicas - available),
        updatedReplicas: updated,
      }),
    },
  };
}

export function replicaSet(r: {
  name: string;
  namespace: string;
  created: string;
  deploymentName: string;
  labels: Record<string, string>;
  selector: Record<string, string>;
  template: TemplateInput;
  replicas: number;
  ready: number;
  available?: number;
  revision?: number;
}): K8sObject {
  const available = r.available ?? r.ready;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta('ReplicaSet', {
      name: r.name,
      namespace: r.namespace,
      created: r.created,
      labels: r.labels,
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(r.replicas),
        'deployment.kubernetes.io/max-replicas': String(r.replicas + Math.ceil(r.replicas * 0.25)),
        'deployment.kubernetes.io/revision': String(r.revision ?? 1),
      },
      owner: controllerRef('apps/v1', 'Deployment', r.deploymentName, r.namespace),
      generation: 1,
    }),
    spec: {
      replicas: r.replicas,
      selector: { matchLabels: r.selector },
      template: podTemplate(r.template),
    },
    status: {
      ...counters({ availableReplicas: available, fullyLabeledReplicas: r.replicas }),
      observedGeneration: 1,
      ...counters({ readyReplicas: r.ready }),
      replicas: r.replicas,
    },
  };
}

export function daemonSet(
  d: WorkloadInput & {
    desired: number;
    current: number;
    ready: number;
    available?: number;
    updated?: number;
    misscheduled?: number;
  },
): K8sObject {
  const generation = d.generation ?? 1;
  const available = d.available ?? d.ready;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('DaemonSet', {
      name: d.name,
      namespace: d.namespace,
      created: d.created,
      labels: d.labels,
      annotations: { 'deprecated.daemonset.template.generation': String(generation), ...d.annotations },
      generation,
    }),
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: d.selector },
      template: podTemplate(d.template),
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
    status: {
      currentNumberScheduled: d.current,
      desiredNumberScheduled: d.desired,
      numberAvailable: available,
      numberMisscheduled: d.misscheduled ?? 0,
      numberReady: d.ready,
      ...counters({ numberUnavailable: Math.max(0, d.desired - available) }),
      observedGeneration: generation,
      updatedNumberScheduled: d.updated ?? d.current,
    },
  };
}

export function statefulSet(
  s: WorkloadInput & {
    replicas: number;
    ready: number;
    current?: number;
    serviceName: string;
    revision: string;
  },
): K8sObject {
  const current = s.current ?? s.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta('StatefulSet', {
      name: s.name,
      namespace: s.namespace,
      created: s.created,
      labels: s.labels,
      annotations: s.annotations,
      generation: s.generation ?? 1,
    }),
    spec: {
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      podManagementPolicy: 'OrderedReady',
      replicas: s.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: s.selector },
      serviceName: s.serviceName,
      template: podTemplate(s.template),
      updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
    },
    status: {
      ...counters({ availableReplicas: s.ready }),
      collisionCount: 0,
      currentReplicas: current,
      currentRevision: s.revision,
      observedGeneration: s.generation ?? 1,
      ...counters({ readyReplicas: s.ready }),
      replicas: s.replicas,
      updateRevision: s.revision,
      updatedReplicas: current,
    },
  };
}

export function job(j: {
  name: string;
  namespace: string;
  created: string;
  labels?: Record<string, string>;
  template: TemplateInput;
  succeeded?: number;
  failed?: number;
  completedAt?: string;
  owner?: OwnerReference;
}): K8sObject {
  const uid = objectUid('Job', j.name, j.namespace);
  const complete = (j.succeeded ?? 0) > 0;
  const conditions = complete
    ? [
        {
          lastProbeTime: j.completedAt,
          lastTransitionTime: j.completedAt,
          message: 'Reached expected number of succeeded pods',
          reason: 'CompletionsReached',
          status: 'True',
          type: 'SuccessCriteriaMet',
        },
        {
          lastProbeTime: j.completedAt,
          lastTransitionTime: j.completedAt,
          message: 'Reached expected number of succeeded pods',
          reason: 'CompletionsReached',
          status: 'True',
          type: 'Complete',
        },
      ]
    : [
        {
          lastProbeTime: j.completedAt,
          lastTransitionTime: j.completedAt,
          message: 'Job has reached the specified backoff limit',
          reason: 'BackoffLimitExceeded',
          status: 'True',
          type: 'Failed',
        },
      ];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta('Job', { ...j, generation: 1, labels: { ...j.labels } }),
    spec: {
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      suspend: false,
      template: podTemplate({
        ...j.template,
        labels: { ...j.template.labels, 'batch.kubernetes.io/controller-uid': uid },
      }),
    },
    status: {
      completionTime: complete ? j.completedAt : undefined,
      conditions,
      ...counters({ failed: j.failed ?? 0 }),
      ready: 0,
      startTime: j.created,
      ...counters({ succeeded: j.succeeded ?? 0 }),
      terminating: 0,
      uncountedTerminatedPods: {},
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Services, endpoints, config
// ---------------------------------------------------------------------------------------------------------

export interface ServicePort {
  name?: string;
  port: number;
  targetPort: number | string;
  protocol?: string;
}

export function service(s: {
  name: string;
  namespace: string;
  created: string;
  clusterIP: string;
  selector?: Record<string, string>;
  ports: ServicePort[];
  labels?: Record<string, string>;
  type?: 'ClusterIP' | 'LoadBalancer' | 'NodePort';
  loadBalancerIP?: string;
}): K8sObject {
  const status: Obj = { loadBalancer: {} };
  if (s.type === 'LoadBalancer' && s.loadBalancerIP) {
    status.loadBalancer = { ingress: [{ ip: s.loadBalancerIP, ipMode: 'VIP' }] };
  }
  const spec: Obj = {
    clusterIP: s.clusterIP,
    clusterIPs: [s.clusterIP],
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports: s.ports.map((p) => {
      const out: Obj = {};
      if (p.name) out.name = p.name;
      out.port = p.port;
      out.protocol = p.protocol ?? 'TCP';
      out.targetPort = p.targetPort;
      return out;
    }),
  };
  if (s.type === 'LoadBalancer') {
    spec.allocateLoadBalancerNodePorts = true;
    spec.externalTrafficPolicy = 'Cluster';
  }
  if (s.selector) spec.selector = s.selector;
  spec.sessionAffinity = 'None';
  spec.type = s.type ?? 'ClusterIP';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('Service', { name: s.name, namespace: s.namespace, created: s.created, labels: s.labels }),
    spec,
    status,
  };
}

export interface EndpointAddress {
  ip: string;
  nodeName?: string;
  pod?: { name: string; namespace: string };
}

export function endpoints(e: {
  name: string;
  namespace: string;
  created: string;
  ready: EndpointAddress[];
  notReady: EndpointAddress[];
  ports: Array<{ name?: string; port: number; protocol?: string }>;
  labels?: Record<string, string>;
  lastChange?: string;
}): K8sObject {
  const address = (a: EndpointAddress): Obj => {
    const out: Obj = { ip: a.ip };
    if (a.nodeName) out.nodeName = a.nodeName;
    if (a.pod) {
      out.targetRef = {
        kind: 'Pod',
        name: a.pod.name,
        namespace: a.pod.namespace,
        uid: objectUid('Pod', a.pod.name, a.pod.namespace),
      };
    }
    return out;
  };
  const out: K8sObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta('Endpoints', {
      name: e.name,
      namespace: e.namespace,
      created: e.created,
      labels: e.labels,
      annotations: e.lastChange
        ? { 'endpoints.kubernetes.io/last-change-trigger-time': e.lastChange }
        : undefined,
    }),
  };
  if (e.ready.length > 0 || e.notReady.length > 0) {
    const subset: Obj = {};
    if (e.ready.length > 0) subset.addresses = e.ready.map(address);
    if (e.notReady.length > 0) subset.notReadyAddresses = e.notReady.map(address);
    subset.ports = e.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }));
    out.subsets = [subset];
  }
  return out;
}

export function configMap(c: {
  name: string;
  namespace: string;
  created: string;
  data: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): K8sObject {
  return {
    apiVersion: 'v1',
    data: c.data,
    kind: 'ConfigMap',
    metadata: meta('ConfigMap', c),
  };
}

/** A Secret; `stringData` values are base64-encoded into `data`, as the API server stores them. */
/** A networking.k8s.io/v1 Ingress routing each host to one Service port; status carries the controller's address. */
export function ingress(i: {
  name: string;
  namespace: string;
  created: string;
  hosts: string[];
  service: { name: string; port: number };
  className?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  tlsSecret?: string;
  address?: string;
}): K8sObject {
  const spec: Obj = {};
  if (i.className) spec.ingressClassName = i.className;
  spec.rules = i.hosts.map((host) => ({
    host,
    http: {
      paths: [
        {
          backend: { service: { name: i.service.name, port: { number: i.service.port } } },
          path: '/',
          pathType: 'Prefix',
        },
      ],
    },
  }));
  if (i.tlsSecret) spec.tls = [{ hosts: i.hosts, secretName: i.tlsSecret }];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta('Ingress', { ...i, generation: 1 }),
    spec,
    status: { loadBalancer: i.address ? { ingress: [{ ip: i.address }] } : {} },
  };
}

export function secret(s: {
  name: string;
  namespace: string;
  created: string;
  type?: string;
  stringData: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: OwnerReference;
}): K8sObject {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.stringData)) data[k] = b64(v);
  return {
    apiVersion: 'v1',
    data,
    kind: 'Secret',
    metadata: meta('Secret', s),
    type: s.type ?? 'Opaque',
  };
}

export function pvc(p: {
  name: string;
  namespace: string;
  created: string;
  storageClass: string;
  size: string;
  volumeName?: string;
  phase?: 'Bound' | 'Pending' | 'Lost';
  labels?: Record<string, string>;
}): K8sObject {
  const phase = p.phase ?? 'Bound';
  const out: K8sObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta('PersistentVolumeClaim', {
      ...p,
      annotations:
        phase === 'Bound'
          ? {
              'pv.kubernetes.io/bind-completed': 'yes',
              'pv.kubernetes.io/bound-by-controller': 'yes',
              'volume.beta.kubernetes.io/storage-provisioner': 'linstor.csi.linbit.com',
              'volume.kubernetes.io/storage-provisioner': 'linstor.csi.linbit.com',
            }
          : undefined,
      finalizers: ['kubernetes.io/pvc-protection'],
    }),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: p.size } },
      storageClassName: p.storageClass,
      volumeMode: 'Filesystem',
    },
    status: { phase },
  };
  if (phase === 'Bound') {
    (out.spec as Obj).volumeName =
      p.volumeName ?? `pvc-${objectUid('PersistentVolumeClaim', p.name, p.namespace)}`;
    out.status = { accessModes: ['ReadWriteOnce'], capacity: { storage: p.size }, phase };
  }
  return out;
}

export function pv(p: {
  claim: { name: string; namespace: string };
  created: string;
  storageClass: string;
  size: string;
  driver?: string;
}): K8sObject {
  const name = `pvc-${objectUid('PersistentVolumeClaim', p.claim.name, p.claim.namespace)}`;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: meta('PersistentVolume', {
      name,
      created: p.created,
      annotations: { 'pv.kubernetes.io/provisioned-by': p.driver ?? 'linstor.csi.linbit.com' },
      finalizers: ['external-provisioner.volume.kubernetes.io/finalizer', 'kubernetes.io/pv-protection'],
    }),
    spec: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: p.size },
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        name: p.claim.name,
        namespace: p.claim.namespace,
        resourceVersion: resourceVersionOf(`PersistentVolumeClaim/${p.claim.namespace}/${p.claim.name}`),
        uid: objectUid('PersistentVolumeClaim', p.claim.name, p.claim.namespace),
      },
      csi: {
        driver: p.driver ?? 'linstor.csi.linbit.com',
        fsType: 'ext4',
        volumeAttributes: { 'linstor.csi.linbit.com/uses-volume-context': 'true' },
        volumeHandle: name,
      },
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: p.storageClass,
      volumeMode: 'Filesystem',
    },
    status: { lastPhaseTransitionTime: p.created, phase: 'Bound' },
  };
}

// ---------------------------------------------------------------------------------------------------------
// API extensions: CRDs, APIServices, admission webhooks
// ---------------------------------------------------------------------------------------------------------

export function crd(c: {
  group: string;
  kind: string;
  plural: string;
  singular?: string;
  scope: 'Namespaced' | 'Cluster';
  versions: string[];
  /** The served+stored version; defaults to the last one listed. */
  storage?: string;
  created: string;
  shortNames?: string[];
  categories?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): K8sObject {
  const storage = c.storage ?? c.versions[c.versions.length - 1]!;
  const names: Obj = { kind: c.kind, listKind: `${c.kind}List`, plural: c.plural };
  if (c.categories) names.categories = c.categories;
  if (c.shortNames) names.shortNames = c.shortNames;
  names.singular = c.singular ?? c.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: meta('CustomResourceDefinition', {
      name: `${c.plural}.${c.group}`,
      created: c.created,
      labels: c.labels,
      annotations: c.annotations,
      generation: 1,
    }),
    spec: {
      conversion: { strategy: 'None' },
      group: c.group,
      names,
      scope: c.scope,
      versions: c.versions.map((v) => ({
        additionalPrinterColumns: [{ jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' }],
        name: v,
        schema: {
          openAPIV3Schema: {
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
            type: 'object',
          },
        },
        served: true,
        storage: v === storage,
        subresources: { status: {} },
      })),
    },
    status: {
      acceptedNames: names,
      conditions: [
        {
          lastTransitionTime: c.created,
          message: 'no conflicts found',
          reason: 'NoConflicts',
          status: 'True',
          type: 'NamesAccepted',
        },
        {
          lastTransitionTime: c.created,
          message: 'the initial names have been accepted',
          reason: 'InitialNamesAccepted',
          status: 'True',
          type: 'Established',
        },
      ],
      storedVersions: [storage],
    },
  };
}

export function apiService(a: {
  group: string;
  version: string;
  created: string;
  service?: { namespace: string; name: string; port?: number };
  available: { status: 'True' | 'False' | 'Unknown'; reason: string; message: string; since: string };
  groupPriorityMinimum?: number;
  versionPriority?: number;
  labels?: Record<string, string>;
}): K8sObject {
  const spec: Obj = {};
  if (a.service) {
    spec.caBundle = b64(
      `-----BEGIN CERTIFICATE-----\n${hexOf(`ca:${a.group}`, 64)}\n-----END CERTIFICATE-----\n`,
    );
  }
  spec.group = a.group;
  spec.groupPriorityMinimum = a.groupPriorityMinimum ?? 1000;
  if (a.service) spec.service = { ...a.service, port: a.service.port ?? 443 };
  else spec.service = null;
  spec.version = a.version;
  spec.versionPriority = a.versionPriority ?? 15;
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: meta('APIService', { name: `${a.version}.${a.group}`, created: a.created, labels: a.labels }),
    spec,
    status: {
      conditions: [
        {
          lastTransitionTime: a.available.since,
          message: a.available.message,
          reason: a.available.reason,
          status: a.available.status,
          type: 'Available',
        },
      ],
    },
  };
}

export interface WebhookInput {
  name: string;
  service: { namespace: string; name: string; path: string; port?: number };
  failurePolicy: 'Fail' | 'Ignore';
  rules: Array<{
    apiGroups: string[];
    apiVersions: string[];
    operations: string[];
    resources: string[];
    scope?: string;
  }>;
  namespaceSelector?: Obj;
  timeoutSeconds?: number;
}

function webhookEntry(w: WebhookInput, mutating: boolean): Obj {
  const out: Obj = {
    admissionReviewVersions: ['v1'],
    clientConfig: {
      caBundle: b64(`-----BEGIN CERTIFICATE-----\n${hexOf(`ca:${w.name}`, 64)}\n-----END CERTIFICATE-----\n`),
      service: { ...w.service, port: w.service.port ?? 443 },
    },
    failurePolicy: w.failurePolicy,
    matchPolicy: 'Equivalent',
    name: w.name,
    namespaceSelector: w.namespaceSelector ?? {},
    objectSelector: {},
  };
  if (mutating) out.reinvocationPolicy = 'Never';
  out.rules = w.rules.map((r) => ({ ...r, scope: r.scope ?? '*' }));
  out.sideEffects = 'None';
  out.timeoutSeconds = w.timeoutSeconds ?? 10;
  return out;
}

export function validatingWebhookConfiguration(c: {
  name: string;
  created: string;
  webhooks: WebhookInput[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): K8sObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: meta('ValidatingWebhookConfiguration', { ...c, generation: 1 }),
    webhooks: c.webhooks.map((w) => webhookEntry(w, false)),
  };
}

export function mutatingWebhookConfiguration(c: {
  name: string;
  created: string;
  webhooks: WebhookInput[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}): K8sObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta('MutatingWebhookConfiguration', { ...c, generation: 1 }),
    webhooks: c.webhooks.map((w) => webhookEntry(w, true)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Flux
// ---------------------------------------------------------------------------------------------------------

export interface HelmReleaseInput {
  name: string;
  namespace: string;
  created: string;
  chart: string;
  /** spec.chart.spec.version (a range or an exact version). */
  versionSpec: string;
  sourceRef: { kind: 'HelmRepository'; name: string; namespace: string };
  /** The chart version of the last release Helm recorded (status.history[0].chartVersion). */
  chartVersion: string;
  appVersion?: string;
  releaseName?: string;
  labels?: Record<string, string>;
  values?: Obj;
  dependsOn?: Array<{ name: string; namespace?: string }>;
  suspend?: boolean;
  interval?: string;
  /** Helm release revision of history[0]. */
  revision?: number;
  deployedAt: string;
  /** Ready=True (the default) or a failure. */
  failure?: {
    reason: 'InstallFailed' | 'UpgradeFailed' | 'ArtifactFailed' | 'DependencyNotReady' | 'TestFailed';
    message: string;
    since: string;
    /** Retries exhausted: Stalled=True with reason RetriesExceeded. */
    stalled?: boolean;
    failures?: number;
  };
}

/** helm.toolkit.fluxcd.io/v2 HelmRelease as helm-controller v1.2 (Flux 2.5) writes its status. */
export function helmRelease(h: HelmReleaseInput): K8sObject {
  const releaseName = h.releaseName ?? h.name;
  const seed = `${h.namespace}/${h.name}`;
  const configDigest = sha256Of(`config:${seed}`);
  const revision = h.revision ?? 1;
  const action = revision > 1 ? 'upgrade' : 'install';
  const f = h.failure;
  const historyStatus =
    f && (f.reason === 'InstallFailed' || f.reason === 'UpgradeFailed') ? 'failed' : 'deployed';
  const conditions: Obj[] = [];
  if (f) {
    conditions.push({
      lastTransitionTime: f.since,
      message: f.message,
      observedGeneration: 1,
      reason: f.reason,
      status: 'False',
      type: 'Ready',
    });
    if (f.stalled) {
      conditions.push({
        lastTransitionTime: f.since,
        message: `Failed to ${action} after ${f.failures ?? 1} attempt(s)`,
        observedGeneration: 1,
        reason: 'RetriesExceeded',
        status: 'True',
        type: 'Stalled',
      });
    }
    if (historyStatus === 'failed') {
      conditions.push({
        lastTransitionTime: f.since,
        message: f.message,
        observedGeneration: 1,
        reason: f.reason,
        status: 'False',
        type: 'Released',
      });
    }
  } else {
    const message = `Helm ${action} succeeded for release ${h.namespace}/${releaseName}.v${revision} with chart ${h.chart}@${h.chartVersion}`;
    const reason = revision > 1 ? 'UpgradeSucceeded' : 'InstallSucceeded';
    conditions.push(
      {
        lastTransitionTime: h.deployedAt,
        message,
        observedGeneration: 1,
        reason,
        status: 'True',
        type: 'Ready',
      },
      {
        lastTransitionTime: h.deployedAt,
        message,
        observedGeneration: 1,
        reason,
        status: 'True',
        type: 'Released',
      },
    );
  }
  const spec: Obj = {
    chart: {
      spec: {
        chart: h.chart,
        reconcileStrategy: 'Revision',
        sourceRef: h.sourceRef,
        version: h.versionSpec,
      },
    },
  };
  if (h.dependsOn) spec.dependsOn = h.dependsOn;
  spec.install = { crds: 'CreateReplace', remediation: { retries: -1 } };
  spec.interval = h.interval ?? '5m0s';
  spec.releaseName = releaseName;
  if (h.suspend) spec.suspend = true;
  spec.upgrade = { crds: 'CreateReplace', remediation: { retries: -1 } };
  if (h.values) spec.values = h.values;
  const status: Obj = {
    conditions,
    helmChart: `${h.sourceRef.namespace}/${h.namespace}-${h.name}`,
    history: [
      {
        appVersion: h.appVersion ?? h.chartVersion,
        chartName: h.chart,
        chartVersion: h.chartVersion,
        configDigest,
        digest: sha256Of(`release:${seed}:${revision}`),
        firstDeployed: h.created,
        lastDeployed: f ? f.since : h.deployedAt,
        name: releaseName,
        namespace: h.namespace,
        status: historyStatus,
        version: revision,
      },
    ],
  };
  if (f && historyStatus === 'failed') {
    status[f.reason === 'InstallFailed' ? 'installFailures' : 'upgradeFailures'] = f.failures ?? 1;
  }
  status.lastAttemptedConfigDigest = configDigest;
  status.lastAttemptedGeneration = 1;
  status.lastAttemptedReleaseAction = action;
  status.lastAttemptedRevision = h.chartVersion;
  status.observedGeneration = 1;
  status.storageNamespace = h.namespace;
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: meta('HelmRelease', {
      name: h.name,
      namespace: h.namespace,
      created: h.created,
      labels: h.labels,
      finalizers: ['finalizers.fluxcd.io'],
      generation: 1,
    }),
    spec,
    status,
  };
}

export function helmRepository(r: {
  name: string;
  namespace: string;
  created: string;
  url: string;
  readySince: string;
  revision: string;
  labels?: Record<string, string>;
}): K8sObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'HelmRepository',
    metadata: meta('HelmRepository', { ...r, finalizers: ['finalizers.fluxcd.io'], generation: 1 }),
    spec: { interval: '5m0s', provider: 'generic', timeout: '60s', url: r.url },
    status: {
      artifact: {
        digest: r.revision,
        lastUpdateTime: r.readySince,
        path: `helmrepository/${r.namespace}/${r.name}/index-${r.revision.slice(7, 71)}.yaml`,
        revision: r.revision,
        size: 48231,
        url: `http://source-controller.cozy-fluxcd.svc.cluster.local./helmrepository/${r.namespace}/${r.name}/index-${r.revision.slice(7, 71)}.yaml`,
      },
      conditions: [
        {
          lastTransitionTime: r.readySince,
          message: `stored artifact: revision '${r.revision}'`,
          observedGeneration: 1,
          reason: 'Succeeded',
          status: 'True',
          type: 'Ready',
        },
        {
          lastTransitionTime: r.readySince,
          message: `stored artifact: revision '${r.revision}'`,
          observedGeneration: 1,
          reason: 'Succeeded',
          status: 'True',
          type: 'ArtifactInStorage',
        },
      ],
      observedGeneration: 1,
      url: `http://source-controller.cozy-fluxcd.svc.cluster.local./helmrepository/${r.namespace}/${r.name}/index.yaml`,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Generic custom objects (cluster-API, Proxmox, Kube-OVN, ...)
// ---------------------------------------------------------------------------------------------------------

export function customObject(c: {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  created: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  owner?: OwnerReference;
  finalizers?: string[];
  spec?: Obj;
  status?: Obj;
}): K8sObject {
  const out: K8sObject = {
    apiVersion: c.apiVersion,
    kind: c.kind,
    metadata: meta(c.kind, { ...c, generation: 1 }),
  };
  if (c.spec) out.spec = c.spec;
  if (c.status) out.status = c.status;
  return out;
}

/** A cluster-API style condition. */
export function capiCondition(
  type: string,
  status: 'True' | 'False',
  since: string,
  reason?: string,
  message?: string,
): Obj {
  const out: Obj = { lastTransitionTime: since };
  if (message) out.message = message;
  if (reason) out.reason = reason;
  if (status === 'False') out.severity = 'Error';
  out.status = status;
  out.type = type;
  return out;
}
