// A failing pod is not always a failure of its own. Two things can explain it away, and every check that
// judges pods asks both the same way:
// - its node is down, and the pod's failure began with the outage (the node controller marked it not ready,
//   the taint manager evicted it): the node is the cause, reported by node-health;
// - it is a Failed leftover whose owner has replaced it (an evicted pod of a ReplicaSet scaled to 0, a
//   rejected pod whose Deployment is fully available, the failed first attempt of a completed Job): history,
//   one line to clean up, never a failure.
import type { Inventory, PodFacts } from '../../inventory/types.js';

/**
 * A pod whose Ready condition changed up to this long before its node stopped reporting still fails because of
 * the node: a dying node (network flapping, kubelet starving) fails its pods shortly before it goes silent.
 */
const NODE_DOWN_MARGIN_MS = 15 * 60_000;

/** Nodes whose Ready condition is not True, with when it stopped being True (when known). */
export function lostNodes(inventory: Inventory): ReadonlyMap<string, string | undefined> {
  return new Map(inventory.nodes.filter((n) => n.ready !== 'True').map((n) => [n.name, n.readySince]));
}

/**
 * The pod sits on a node that is not Ready and started failing with it. A pod that failed long before its node
 * went down (a kube-ovn-cni crash-looping for months) keeps its own failure. Without times, a pod whose status
 * the node can no longer update (Running, Unknown, Terminating) is taken as the node's.
 */
export function failsOnlyWithItsNode(pod: PodFacts, lost: ReadonlyMap<string, string | undefined>): boolean {
  if (!pod.node || !lost.has(pod.node)) return false;
  const nodeSince = Date.parse(lost.get(pod.node) ?? '');
  const podSince = Date.parse(pod.failingSince ?? '');
  if (Number.isNaN(nodeSince) || Number.isNaN(podSince)) {
    return ['Running', 'Unknown', 'Terminating'].includes(pod.displayStatus);
  }
  return podSince >= nodeSince - NODE_DOWN_MARGIN_MS;
}

/** A Failed pod its owner has replaced: who the owner is and why it no longer needs this pod. */
export interface Leftover {
  /** `Deployment cozy-fluxcd/helm-controller`, `Job cozy-kubeovn/ovs-ovn-upgrade`. */
  owner: string;
  why: string;
}

/**
 * The owner replaced the pod: its ReplicaSet is scaled to 0 (an old one of a Deployment), or its Deployment,
 * ReplicaSet, DaemonSet or StatefulSet has every desired replica available, or its Job completed. A pod without
 * an owner, or whose owner still misses replicas, is not a leftover: nobody replaced it.
 */
export function replacedLeftover(pod: PodFacts, inventory: Inventory): Leftover | undefined {
  if (pod.phase !== 'Failed' || !pod.owner) return undefined;
  const { kind, name } = pod.owner;
  const where = `${pod.namespace}/${name}`;
  const rsName = pod.replicaSet ?? (kind === 'ReplicaSet' ? name : undefined);
  const rs = rsName
    ? inventory.replicaSets.find((r) => r.namespace === pod.namespace && r.name === rsName)
    : undefined;
  if (rs && rs.desired === 0) {
    return { owner: `${kind} ${where}`, why: `its ReplicaSet ${rs.name} is scaled to 0` };
  }
  if (kind === 'Job') {
    const job = inventory.jobs.find((j) => j.namespace === pod.namespace && j.name === name);
    return job?.complete ? { owner: `Job ${where}`, why: 'the Job completed' } : undefined;
  }
  if (kind === 'ReplicaSet') {
    return rs && rs.available >= rs.desired
      ? { owner: `ReplicaSet ${where}`, why: `${rs.available}/${rs.desired} available` }
      : undefined;
  }
  const workload = inventory.workloads.find(
    (w) => w.kind === kind && w.namespace === pod.namespace && w.name === name,
  );
  if (!workload || workload.desired === 0 || workload.available < workload.desired) return undefined;
  return { owner: `${kind} ${where}`, why: `${workload.available}/${workload.desired} available` };
}

/** How pods are judged in one inventory: its lost nodes and its leftovers, computed once. */
export interface PodJudgement {
  lost: ReadonlyMap<string, string | undefined>;
  /** The pod fails because its node is down, or is a leftover its owner replaced: not a failure of its own. */
  explainedAway(pod: PodFacts): boolean;
  leftover(pod: PodFacts): Leftover | undefined;
}

const judgements = new WeakMap<Inventory, PodJudgement>();

export function podJudgement(inventory: Inventory): PodJudgement {
  const cached = judgements.get(inventory);
  if (cached) return cached;
  const lost = lostNodes(inventory);
  const leftovers = new Map<PodFacts, Leftover | undefined>();
  const leftover = (pod: PodFacts) => {
    if (!leftovers.has(pod)) leftovers.set(pod, replacedLeftover(pod, inventory));
    return leftovers.get(pod);
  };
  const judgement: PodJudgement = {
    lost,
    leftover,
    explainedAway: (pod) => failsOnlyWithItsNode(pod, lost) || leftover(pod) !== undefined,
  };
  judgements.set(inventory, judgement);
  return judgement;
}

/** Judging nothing away: for callers without an inventory (a pod judged on its own). */
export const NO_JUDGEMENT: PodJudgement = {
  lost: new Map(),
  explainedAway: () => false,
  leftover: () => undefined,
};
