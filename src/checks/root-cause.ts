// Root cause and cascade: failures that follow from another one are effects, not separate problems.
// A node whose CNI daemon is broken cannot create pod sandboxes; its pods' image pulls time out; the
// components those pods belong to are down. Links are made only where the evidence ties them together
// (same node, same pod, sandbox events, network-class pull errors), and every effect names its objects.
import type { Inventory, PodFacts } from '../inventory/types.js';
import { diagnosePullFailures } from './image-pull-cause.js';
import type { Finding, RootCause } from '../model/finding.js';
import { isPlatformNamespace, isStaleOnLostNode, notReadyNodes, objectRef, podRef } from './util/common.js';
import { isHealthy, isSandboxFailure, KUBE_OVN_SOCKET } from './util/pods.js';

type Effect = RootCause['effects'][number];

/** Pods and workloads an effect covers: pods as `ns/pod/name`, their owners as `ns/<kind>/name`. */
interface EffectSet {
  title: string;
  objects: Set<string>;
  /** Pods behind the objects (for components: their failing pods), matched against findings but not counted. */
  related?: Set<string>;
}

/** The component a pod belongs to; static pods (owned by their Node) stand for themselves. */
function ownerRef(pod: PodFacts): string {
  if (!pod.owner || pod.owner.kind === 'Node') return podRef(pod);
  return objectRef(pod.owner.kind.toLowerCase(), pod.owner.name, pod.namespace);
}

/** Findings (other than the cause) naming at least one of the objects. */
function findingsFor(findings: readonly Finding[], objects: ReadonlySet<string>, exclude: string): string[] {
  return findings
    .filter((f) => f.id !== exclude && f.status !== 'pass' && f.objects.some((o) => objects.has(o)))
    .map((f) => f.id);
}

function toEffect(set: EffectSet, findings: readonly Finding[], cause: string): Effect {
  const objects = [...set.objects].sort();
  return {
    title: set.title,
    count: objects.length,
    findings: findingsFor(findings, new Set([...set.objects, ...(set.related ?? [])]), cause),
    objects,
  };
}

function earliest(times: ReadonlyArray<string | undefined>): string | undefined {
  return times
    .filter((t): t is string => !!t && !Number.isNaN(Date.parse(t)))
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

/** Pods already explained by an earlier root cause are not counted again under a later one. */
class Claims {
  private readonly claimed = new Set<string>();
  take(refs: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const ref of refs) {
      if (this.claimed.has(ref)) continue;
      this.claimed.add(ref);
      out.add(ref);
    }
    return out;
  }
}

/**
 * The broken-network cascade on `nodes`: sandboxes, pulls, components. `own` are the cause's own pods.
 * A pod may show in several stages of one chain; across root causes it is counted once (claims).
 */
function networkCascade(
  inventory: Inventory,
  nodes: ReadonlySet<string>,
  own: ReadonlySet<string>,
  claims: Claims,
): { sandbox: EffectSet; pulls: EffectSet; down: EffectSet } {
  const sandboxPods = new Set<string>();
  for (const e of inventory.events) {
    if (!isSandboxFailure(e) || e.involved.kind !== 'Pod') continue;
    if (!(e.node && nodes.has(e.node)) && !e.message.includes(KUBE_OVN_SOCKET)) continue;
    const ref = objectRef('pod', e.involved.name, e.involved.namespace ?? e.namespace);
    if (!own.has(ref)) sandboxPods.add(ref);
  }
  // Network-class pull failures: on the broken nodes directly, or anywhere while the pod network is broken
  // (no registry answered with 401/404/429, so the registry is not the cause).
  const pullPods = new Set(
    diagnosePullFailures(inventory)
      .filter((d) => d.cause === 'pod-network')
      .map((d) => podRef(d.pod))
      .filter((r) => !own.has(r)),
  );
  // Components down: workloads with a failing pod that is an effect above or sits on a broken node.
  const ownOwners = new Set(inventory.pods.filter((p) => own.has(podRef(p))).map(ownerRef));
  // Pods whose status went stale with their node are the node's effects, not the network's.
  const lost = notReadyNodes(inventory);
  const affected = inventory.pods.filter(
    (p) =>
      !own.has(podRef(p)) &&
      !isHealthy(p) &&
      !isStaleOnLostNode(p, lost) &&
      (sandboxPods.has(podRef(p)) || pullPods.has(podRef(p)) || (p.node !== undefined && nodes.has(p.node))),
  );
  const fresh = claims.take([...sandboxPods, ...pullPods, ...affected.map(podRef)]);
  const keep = (refs: Iterable<string>) => new Set([...refs].filter((r) => fresh.has(r)));
  const downPods = affected.filter(
    (p) => fresh.has(podRef(p)) && isPlatformNamespace(p.namespace) && !ownOwners.has(ownerRef(p)),
  );
  const down = new Set(downPods.map(ownerRef));
  return {
    sandbox: { title: 'pod sandboxes fail', objects: keep(sandboxPods) },
    pulls: { title: 'image pulls time out', objects: keep(pullPods) },
    down: { title: 'components down', objects: down, related: new Set(downPods.map(podRef)) },
  };
}

function cniRootCause(
  inventory: Inventory,
  findings: readonly Finding[],
  cause: Finding,
  claims: Claims,
  kind: 'kube-ovn' | 'cni-agent',
): RootCause {
  const nodes = new Set(cause.nodes);
  const own = new Set(cause.objects.filter((o) => o.includes('/pod/')));
  claims.take(own);
  const { sandbox, pulls, down } = networkCascade(inventory, nodes, own, claims);
  const socketMissing = cause.evidence.some(
    (e) =>
      (e.reason === 'FailedCreatePodSandBox' && (e.message ?? '').includes(KUBE_OVN_SOCKET)) ||
      e.reason === 'SocketMissing',
  );
  const head =
    kind === 'kube-ovn'
      ? socketMissing
        ? 'Kube-OVN daemon socket missing'
        : 'Kube-OVN CNI daemon down'
      : 'CNI agent (Cilium) down';
  const title = socketMissing && kind === 'kube-ovn' ? `${head} (/run/openvswitch/${KUBE_OVN_SOCKET})` : head;
  const stages = [sandbox, pulls, down].filter((s) => s.objects.size > 0);
  const since = earliest(cause.evidence.map((e) => e.since));
  const nodeList = [...nodes].sort();
  const rootCause: RootCause = {
    id: kind === 'kube-ovn' ? 'kube-ovn-daemon' : 'cni-agent',
    title,
    finding: cause.id,
    nodes: nodeList,
    // The chain speaks of the daemon (as operators and issue 3 say it); the title names the socket path.
    chain: [
      socketMissing && kind === 'kube-ovn' ? 'Kube-OVN daemon missing' : head,
      ...stages.map((s) => s.title),
    ],
    effects: stages.map((s) => toEffect(s, findings, cause.id)),
  };
  if (since) rootCause.since = since;
  return rootCause;
}

function nodeDownRootCause(
  inventory: Inventory,
  findings: readonly Finding[],
  cause: Finding,
  claims: Claims,
): RootCause {
  const nodes = new Set(cause.nodes);
  const onNodes = inventory.pods.filter((p) => p.node !== undefined && nodes.has(p.node) && !isHealthy(p));
  const pods = claims.take(onNodes.map(podRef));
  const downPods = onNodes.filter((p) => pods.has(podRef(p)) && isPlatformNamespace(p.namespace));
  const stages: EffectSet[] = [
    { title: 'pods on the node lost', objects: pods },
    {
      title: 'components down',
      objects: new Set(downPods.map(ownerRef)),
      related: new Set(downPods.map(podRef)),
    },
  ].filter((s) => s.objects.size > 0);
  const rootCause: RootCause = {
    id: 'node-not-ready',
    title: nodes.size === 1 ? 'Node not Ready' : 'Nodes not Ready',
    finding: cause.id,
    nodes: [...nodes].sort(),
    chain: ['node not Ready', ...stages.map((s) => s.title)],
    effects: stages.map((s) => toEffect(s, findings, cause.id)),
  };
  const since = earliest(cause.evidence.map((e) => e.since));
  if (since) rootCause.since = since;
  return rootCause;
}

function exhaustionRootCause(findings: readonly Finding[], cause: Finding, claims: Claims): RootCause {
  const pods = claims.take(cause.objects);
  const stages: EffectSet[] = [{ title: 'pods rejected (OutOfcpu/OutOfmemory)', objects: pods }].filter(
    (s) => s.objects.size > 0,
  );
  return {
    id: 'resource-exhaustion',
    title: 'Node resources exhausted',
    finding: cause.id,
    nodes: cause.nodes,
    chain: ['node resources exhausted', ...stages.map((s) => s.title)],
    effects: stages.map((s) => toEffect(s, findings, cause.id)),
  };
}

/**
 * Root causes in order of how much they explain: a broken node network first (it explains sandbox,
 * pull and component failures), then nodes not Ready, then resource exhaustion. Each pod is counted under
 * the first cause that explains it.
 */
export function findRootCauses(inventory: Inventory, findings: readonly Finding[]): RootCause[] {
  const claims = new Claims();
  const causes: RootCause[] = [];
  const failing = (id: string) => findings.find((f) => f.id === id && f.status === 'fail');
  const kubeOvn = failing('kube-ovn:daemon');
  const cilium = failing('cni-agent:agents');
  if (kubeOvn) causes.push(cniRootCause(inventory, findings, kubeOvn, claims, 'kube-ovn'));
  else if (cilium) causes.push(cniRootCause(inventory, findings, cilium, claims, 'cni-agent'));
  const notReady = failing('node-health:not-ready');
  if (notReady) causes.push(nodeDownRootCause(inventory, findings, notReady, claims));
  const rejections = findings.find((f) => f.id === 'resource-headroom:rejections' && f.status !== 'pass');
  if (rejections) causes.push(exhaustionRootCause(findings, rejections, claims));
  return causes;
}
