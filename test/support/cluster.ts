// Assembles a consistent cluster from the object builders: a Deployment comes with its ReplicaSet and pods
// (owner references that resolve), a DaemonSet with one pod per node, a Service with the Endpoints its
// selector gives (ready and not-ready addresses computed from the pods), and workload status counters
// computed from the pods. Pod states are presets (running, crash loop, image pull back-off, ...) that write
// what the kubelet would. Used by scripts/generate-fixtures.ts and by the scale benchmark.
import {
  type ContainerSpec,
  type ContainerState,
  controllerRef,
  objectUid,
  cpuMillis,
  daemonSet,
  deployment,
  endpoints,
  type FixtureClock,
  type K8sObject,
  type Obj,
  type PodContainer,
  type PodInput,
  pod,
  replicaSet,
  running,
  type ServicePort,
  service,
  statefulSet,
  suffixOf,
  type TemplateInput,
  templateHashOf,
  terminated,
  waiting,
} from './objects.js';

/** What the kubelet last reported for a pod. */
export type PodState =
  | {
      kind: 'running';
      since: string;
      restarts?: number;
      lastExit?: { reason: string; exitCode: number; at: string };
    }
  | {
      kind: 'crashloop';
      /** Ready=False since. */
      failingSince: string;
      restarts: number;
      /** The failing container (default: the first). */
      container?: string;
      /** Start and end of the last run. */
      lastStart: string;
      lastFinish: string;
      exitCode?: number;
      /** 'Error' when caught right after the container exited (kubectl prints Error), else CrashLoopBackOff. */
      shownAs?: 'CrashLoopBackOff' | 'Error';
      backOff?: string;
    }
  | {
      kind: 'imagePullBackOff';
      since: string;
      container?: string;
      image?: string;
      message: string;
      errImagePull?: boolean;
    }
  | { kind: 'initStuck'; since: string; restarts?: number }
  | { kind: 'containerCreating'; since: string }
  | { kind: 'rejected'; reason: 'OutOfcpu' | 'OutOfmemory'; message: string }
  | { kind: 'unschedulable'; since: string; message: string };

export interface PodPlan {
  node?: string;
  created: string;
  state: PodState;
  /** The node stopped responding: the last status stays, Ready goes False at `since`. */
  stale?: { since: string };
  /** Someone deleted the pod but the node cannot confirm: kubectl prints Unknown (status.reason NodeLost). */
  nodeLost?: { deletedAt: string };
  /** Seed for the generated suffix (defaults to the node or the index). */
  key?: string;
}

export interface WorkloadPlan {
  namespace: string;
  name: string;
  created: string;
  labels?: Record<string, string>;
  /** Selector labels (also put on pods). */
  selector: Record<string, string>;
  podLabels?: Record<string, string>;
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  hostNetwork?: boolean;
  serviceAccountName?: string;
  priorityClassName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Obj[];
  pods: PodPlan[];
}

export interface NodeInfo {
  name: string;
  ip: string;
  /** Third octet used for pod IPs on this node. */
  podSubnet: number;
}

const ALL_TOLERATIONS: Obj[] = [{ operator: 'Exists' }];

export class ClusterBuilder {
  private readonly files = new Map<string, K8sObject[]>();
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podIps = new Map<string, number>();
  private readonly servicePlans: Array<{
    svc: K8sObject;
    selector?: Record<string, string>;
    ports: ServicePort[];
  }> = [];

  constructor(readonly clock: FixtureClock) {}

  add(file: string, ...objects: K8sObject[]): void {
    let bucket = this.files.get(file);
    if (!bucket) {
      bucket = [];
      this.files.set(file, bucket);
    }
    bucket.push(...objects);
  }

  /** The objects collected so far for one file (live: later additions show up). */
  snapshot(file: string): K8sObject[] {
    return this.files.get(file) ?? [];
  }

  registerNode(info: NodeInfo): void {
    this.nodes.set(info.name, info);
  }

  nodeIp(name: string): string {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`unknown node ${name}`);
    return n.ip;
  }

  private podIp(nodeName: string): string {
    const n = this.nodes.get(nodeName)!;
    const next = (this.podIps.get(nodeName) ?? 10) + 1;
    this.podIps.set(nodeName, next);
    return `10.244.${n.podSubnet}.${next}`;
  }

  addDeployment(plan: WorkloadPlan & { replicas?: number; revision?: number; strategy?: Obj }): void {
    const replicas = plan.replicas ?? plan.pods.filter((p) => p.state.kind !== 'rejected').length;
    const template = this.template(plan);
    const hash = templateHashOf(`${plan.namespace}/${plan.name}`);
    const rsName = `${plan.name}-${hash}`;
    const pods = plan.pods.map((p, i) =>
      this.workloadPod(
        plan,
        p,
        `${rsName}-${suffixOf(`${plan.namespace}/${rsName}/${p.key ?? i}`)}`,
        {
          ...plan.selector,
          ...plan.podLabels,
          'pod-template-hash': hash,
        },
        controllerRef('apps/v1', 'ReplicaSet', rsName, plan.namespace),
      ),
    );
    const live = pods.filter((p) => (p.status as Obj).phase !== 'Failed');
    const ready = live.filter(isPodReady).length;
    const firstReady = this.clock.after(plan.created, { minutes: 2 });
    const failingSince = earliestFailure(plan.pods);
    this.add(
      'deployments.json',
      deployment({
        name: plan.name,
        namespace: plan.namespace,
        created: plan.created,
        labels: plan.labels,
        selector: plan.selector,
        template,
        replicas,
        generation: plan.revision,
        strategy: plan.strategy,
        status: {
          replicas: live.length,
          ready,
          availableSince:
            ready >= replicas - Math.floor(replicas * 0.25) ? firstReady : (failingSince ?? firstReady),
          progressingSince: firstReady,
          replicaSetName: rsName,
        },
      }),
    );
    this.add(
      'replicasets.json',
      replicaSet({
        name: rsName,
        namespace: plan.namespace,
        created: plan.created,
        deploymentName: plan.name,
        labels: { ...plan.selector, ...plan.podLabels, 'pod-template-hash': hash },
        selector: { ...plan.selector, 'pod-template-hash': hash },
        template: { ...template, labels: { ...template.labels, 'pod-template-hash': hash } },
        replicas: live.length,
        ready,
        revision: plan.revision,
      }),
    );
    this.add('pods.json', ...pods);
  }

  addDaemonSet(plan: WorkloadPlan): void {
    const template = this.template({ ...plan, tolerations: plan.tolerations ?? ALL_TOLERATIONS });
    const hash = templateHashOf(`${plan.namespace}/${plan.name}`).slice(0, 9);
    const pods = plan.pods.map((p, i) =>
      this.workloadPod(
        { ...plan, tolerations: plan.tolerations ?? ALL_TOLERATIONS },
        p,
        `${plan.name}-${suffixOf(`${plan.namespace}/${plan.name}/${p.key ?? p.node ?? i}`)}`,
        {
          ...plan.selector,
          ...plan.podLabels,
          'controller-revision-hash': hash,
          'pod-template-generation': '1',
        },
        controllerRef('apps/v1', 'DaemonSet', plan.name, plan.namespace),
      ),
    );
    const ready = pods.filter(isPodReady).length;
    this.add(
      'daemonsets.json',
      daemonSet({
        name: plan.name,
        namespace: plan.namespace,
        created: plan.created,
        labels: plan.labels,
        selector: plan.selector,
        template,
        desired: plan.pods.length,
        current: plan.pods.length,
        ready,
      }),
    );
    this.add('pods.json', ...pods);
  }

  addStatefulSet(plan: WorkloadPlan & { serviceName: string }): void {
    const template = this.template(plan);
    const revision = `${plan.name}-${templateHashOf(`${plan.namespace}/${plan.name}`).slice(0, 10)}`;
    const pods = plan.pods.map((p, i) =>
      this.workloadPod(
        plan,
        p,
        `${plan.name}-${i}`,
        {
          ...plan.selector,
          ...plan.podLabels,
          'apps.kubernetes.io/pod-index': String(i),
          'controller-revision-hash': revision,
          'statefulset.kubernetes.io/pod-name': `${plan.name}-${i}`,
        },
        controllerRef('apps/v1', 'StatefulSet', plan.name, plan.namespace),
      ),
    );
    this.add(
      'statefulsets.json',
      statefulSet({
        name: plan.name,
        namespace: plan.namespace,
        created: plan.created,
        labels: plan.labels,
        selector: plan.selector,
        template,
        replicas: plan.pods.length,
        ready: pods.filter(isPodReady).length,
        serviceName: plan.serviceName,
        revision,
      }),
    );
    this.add('pods.json', ...pods);
  }

  /** A pod with no controller (static/mirror pods pass their own owner). */
  addPod(input: PodInput): K8sObject {
    const p = pod(input);
    this.add('pods.json', p);
    return p;
  }

  /** A Service; its Endpoints are computed from the pods when the cluster is built. */
  addService(s: {
    namespace: string;
    name: string;
    created: string;
    clusterIP: string;
    selector?: Record<string, string>;
    ports: ServicePort[];
    labels?: Record<string, string>;
    type?: 'ClusterIP' | 'LoadBalancer';
    loadBalancerIP?: string;
  }): void {
    const svc = service(s);
    this.servicePlans.push({ svc, selector: s.selector, ports: s.ports });
    this.add('services.json', svc);
  }

  /** Files, each a list of objects, in a stable order. */
  build(): Map<string, K8sObject[]> {
    // Index pods by namespace once, so endpoints cost O(pods in the namespace) per Service, not O(all pods).
    const podsByNamespace = new Map<string, K8sObject[]>();
    for (const p of this.files.get('pods.json') ?? []) {
      const ns = p.metadata.namespace ?? '';
      const bucket = podsByNamespace.get(ns) ?? [];
      bucket.push(p);
      podsByNamespace.set(ns, bucket);
    }
    for (const plan of this.servicePlans) {
      const pods = podsByNamespace.get(plan.svc.metadata.namespace ?? '') ?? [];
      this.add('endpoints.json', this.endpointsFor(plan, pods));
    }
    this.servicePlans.length = 0;
    return new Map([...this.files.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** Sum of CPU requests (millicores) of the pods bound to a node that still hold resources. */
  cpuRequestedOn(nodeName: string): number {
    let total = 0;
    for (const p of this.files.get('pods.json') ?? []) {
      const spec = p.spec as {
        nodeName?: string;
        containers: Array<{ resources?: { requests?: { cpu?: string } } }>;
      };
      const phase = (p.status as Obj).phase;
      if (spec.nodeName !== nodeName || phase === 'Failed' || phase === 'Succeeded') continue;
      for (const c of spec.containers) total += cpuMillis(c.resources?.requests?.cpu);
    }
    return total;
  }

  private endpointsFor(
    plan: { svc: K8sObject; selector?: Record<string, string>; ports: ServicePort[] },
    namespacePods: readonly K8sObject[],
  ): K8sObject {
    const ns = plan.svc.metadata.namespace!;
    const ready: Array<{ ip: string; nodeName?: string; pod: { name: string; namespace: string } }> = [];
    const notReady: typeof ready = [];
    if (plan.selector) {
      for (const p of namespacePods) {
        const labels = p.metadata.labels ?? {};
        if (!Object.entries(plan.selector).every(([k, v]) => labels[k] === v)) continue;
        const status = p.status as { podIP?: string; phase: string };
        if (!status.podIP || status.phase === 'Failed' || status.phase === 'Succeeded') continue;
        if (p.metadata.deletionTimestamp) continue;
        const address = {
          ip: status.podIP,
          nodeName: (p.spec as { nodeName?: string }).nodeName,
          pod: { name: p.metadata.name, namespace: ns },
        };
        (isPodReady(p) ? ready : notReady).push(address);
      }
    }
    return endpoints({
      name: plan.svc.metadata.name,
      namespace: ns,
      created: plan.svc.metadata.creationTimestamp!,
      ready,
      notReady,
      ports: plan.ports.map((p) => ({
        ...(p.name ? { name: p.name } : {}),
        port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
      })),
      labels: plan.svc.metadata.labels,
    });
  }

  private template(plan: WorkloadPlan): TemplateInput {
    return {
      labels: { ...plan.selector, ...plan.podLabels },
      containers: plan.containers,
      initContainers: plan.initContainers,
      hostNetwork: plan.hostNetwork,
      serviceAccountName: plan.serviceAccountName,
      priorityClassName: plan.priorityClassName,
      nodeSelector: plan.nodeSelector,
      tolerations: plan.tolerations,
    };
  }

  private workloadPod(
    plan: WorkloadPlan,
    p: PodPlan,
    name: string,
    labels: Record<string, string>,
    owner: ReturnType<typeof controllerRef>,
  ): K8sObject {
    const state = p.state;
    const hasSandbox =
      state.kind !== 'rejected' && state.kind !== 'unschedulable' && state.kind !== 'containerCreating';
    const podIP =
      p.node && hasSandbox ? (plan.hostNetwork ? this.nodeIp(p.node) : this.podIp(p.node)) : undefined;
    const input: PodInput = {
      name,
      namespace: plan.namespace,
      created: p.created,
      node: state.kind === 'unschedulable' ? undefined : p.node,
      labels,
      owner,
      generateName: name.replace(/[^-]+$/, ''),
      containers: plan.containers.map((c) => ({
        ...c,
        status: containerStatusFor(
          c.name,
          plan,
          p,
          this.clock,
          `${name}_${plan.namespace}(${objectUid('Pod', name, plan.namespace)})`,
        ),
      })),
      initContainers: plan.initContainers?.map((c, i) => ({
        ...c,
        status: initStatusFor(i, plan, p, this.clock),
      })),
      phase: phaseOf(state),
      hostNetwork: plan.hostNetwork,
      hostIP: p.node && state.kind !== 'unschedulable' ? this.nodeIp(p.node) : undefined,
      podIP,
      startTime: state.kind === 'rejected' ? undefined : this.clock.after(p.created, { seconds: 1 }),
      scheduledAt: p.created,
      serviceAccountName: plan.serviceAccountName,
      priorityClassName: plan.priorityClassName,
      nodeSelector: plan.nodeSelector,
      tolerations: plan.tolerations,
    };
    if (state.kind === 'rejected') {
      input.reason = state.reason;
      input.message = state.message;
      input.startTime = p.created;
    }
    if (state.kind === 'unschedulable') input.unschedulable = { since: state.since, message: state.message };
    input.readyTransition = readyTransitionOf(p, this.clock);
    if (plan.initContainers && state.kind !== 'initStuck') {
      input.initializedAt = this.clock.after(p.created, { seconds: 20 });
    }
    if (p.nodeLost && p.node) {
      input.deletionTimestamp = p.nodeLost.deletedAt;
      input.reason = 'NodeLost';
      input.message = `Node ${p.node} which was running pod ${name} is unresponsive`;
    }
    if (p.stale || p.nodeLost) {
      // The node controller marks every pod on an unresponsive node not ready; containers keep their last state.
      for (const c of input.containers) c.status.ready = false;
    }
    return pod(input);
  }
}

function isPodReady(p: K8sObject): boolean {
  const conditions = ((p.status as Obj).conditions ?? []) as Array<{ type: string; status: string }>;
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function earliestFailure(pods: PodPlan[]): string | undefined {
  let earliest: string | undefined;
  for (const p of pods) {
    const t = failureStart(p.state);
    if (t && (!earliest || t < earliest)) earliest = t;
  }
  return earliest;
}

function failureStart(s: PodState): string | undefined {
  switch (s.kind) {
    case 'crashloop':
      return s.failingSince;
    case 'imagePullBackOff':
    case 'initStuck':
    case 'containerCreating':
    case 'unschedulable':
      return s.since;
    default:
      return undefined;
  }
}

function readyTransitionOf(p: PodPlan, clock: FixtureClock): string {
  if (p.stale) return p.stale.since;
  const start = failureStart(p.state);
  if (start && !(p.nodeLost && p.state.kind === 'running')) return start;
  if (p.state.kind === 'running') return clock.after(p.state.since, { seconds: 8 });
  return clock.after(p.created, { seconds: 5 });
}

function phaseOf(s: PodState): PodInput['phase'] {
  switch (s.kind) {
    case 'rejected':
      return 'Failed';
    case 'imagePullBackOff':
    case 'initStuck':
    case 'containerCreating':
    case 'unschedulable':
      return 'Pending';
    default:
      return 'Running';
  }
}

function containerStatusFor(
  name: string,
  plan: WorkloadPlan,
  p: PodPlan,
  clock: FixtureClock,
  podRef: string,
): PodContainer['status'] {
  const s = p.state;
  const first = plan.containers[0]!.name;
  switch (s.kind) {
    case 'running': {
      const lastState: ContainerState | undefined = s.lastExit
        ? terminated(
            s.lastExit.reason,
            s.lastExit.exitCode,
            clock.after(p.created, { seconds: 3 }),
            s.lastExit.at,
          )
        : undefined;
      return { state: running(s.since), ready: true, restartCount: s.restarts ?? 0, lastState };
    }
    case 'crashloop': {
      if (name !== (s.container ?? first)) {
        return { state: running(clock.after(p.created, { seconds: 4 })), ready: true };
      }
      const exitCode = s.exitCode ?? 1;
      const last = terminated('Error', exitCode, s.lastStart, s.lastFinish);
      if (s.shownAs === 'Error') {
        // Caught right after an exit: `state` is this run, `lastState` the run before it.
        const previousEnd = clock.after(s.lastStart, { minutes: -5 });
        const previous = terminated(
          'Error',
          exitCode,
          clock.after(previousEnd, { minutes: -2 }),
          previousEnd,
        );
        return { state: last, lastState: previous, ready: false, restartCount: s.restarts };
      }
      return {
        state: waiting(
          'CrashLoopBackOff',
          s.backOff ?? `back-off 5m0s restarting failed container=${name} pod=${podRef}`,
        ),
        lastState: last,
        ready: false,
        restartCount: s.restarts,
      };
    }
    case 'imagePullBackOff':
      if (name !== (s.container ?? first)) {
        return { state: running(clock.after(p.created, { seconds: 30 })), ready: true };
      }
      return {
        state: waiting(s.errImagePull ? 'ErrImagePull' : 'ImagePullBackOff', s.message),
        ready: false,
        restartCount: 0,
        pulled: false,
      };
    case 'initStuck':
    case 'containerCreating':
      return {
        state: waiting(s.kind === 'initStuck' ? 'PodInitializing' : 'ContainerCreating'),
        pulled: s.kind === 'initStuck',
      };
    default:
      return { state: waiting('ContainerCreating'), pulled: false };
  }
}

function initStatusFor(
  index: number,
  plan: WorkloadPlan,
  p: PodPlan,
  clock: FixtureClock,
): PodContainer['status'] {
  const s = p.state;
  if (s.kind === 'initStuck') {
    if (index === 0) return { state: running(s.since), ready: false, restartCount: s.restarts ?? 0 };
    return { state: waiting('PodInitializing'), pulled: true };
  }
  if (s.kind === 'containerCreating' || s.kind === 'unschedulable' || s.kind === 'rejected') {
    return { state: waiting('PodInitializing'), pulled: false };
  }
  void plan;
  const start = clock.after(p.created, { seconds: 2 + index * 3 });
  return {
    state: terminated('Completed', 0, start, clock.after(start, { seconds: 2 })),
    ready: true,
    restartCount: 0,
  };
}
