// Root cause and cascade: failures that follow from another one are effects, not separate problems.
// A node whose CNI daemon is broken cannot create pod sandboxes; its pods' image pulls time out; the
// components those pods belong to are down. Links are made only where the evidence ties them together
// (same node, same pod, sandbox events, network-class pull errors), and every effect names its objects.
// The pieces every check's root-cause rule builds with; the rules themselves live beside their checks.
import type { Inventory, PodFacts } from '../../inventory/types.js';
import type { Finding, RootCause } from '../../model/finding.js';
import { diagnosePullFailures } from './pulls.js';
import type { Claims, RootCauseInput } from '../types.js';
import { isPlatformNamespace, isStaleOnLostNode, notReadyNodes, objectRef, podRef } from './common.js';
import { isHealthy, isSandboxFailure, KUBE_OVN_SOCKET } from './pods.js';

type Effect = RootCause['effects'][number];

/** Pods and workloads an effect covers: pods as `ns/pod/name`, their owners as `ns/<kind>/name`. */
export interface EffectSet {
  title: string;
  objects: Set<string>;
  /** Pods behind the objects (for components: their failing pods), matched against findings but not counted. */
  related?: Set<string>;
}

/** The finding with this id, when it fails. */
export function failingFinding(findings: readonly Finding[], id: string): Finding | undefined {
  return findings.find((f) => f.id === id && f.status === 'fail');
}

/** The component a pod belongs to; static pods (owned by their Node) stand for themselves. */
export function ownerRef(pod: PodFacts): string {
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

export function earliest(times: ReadonlyArray<string | undefined>): string | undefined {
  return times
    .filter((t): t is string => !!t && !Number.isNaN(Date.parse(t)))
    .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

/** Pods already explained by an earlier root cause are not counted again under a later one. */
export class PodClaims implements Claims {
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

export interface CauseShape {
  id: string;
  title: string;
  /** The first stage of the chain, in the words operators use for the cause. */
  head: string;
  nodes: string[];
  since?: string;
}

/** A root cause from its cause finding and its non-empty stages, each stage one effect. */
export function rootCauseOf(
  shape: CauseShape,
  cause: Finding,
  stages: readonly EffectSet[],
  findings: readonly Finding[],
): RootCause {
  const shown = stages.filter((s) => s.objects.size > 0);
  const rootCause: RootCause = {
    id: shape.id,
    title: shape.title,
    finding: cause.id,
    nodes: shape.nodes,
    chain: [shape.head, ...shown.map((s) => s.title)],
    effects: shown.map((s) => toEffect(s, findings, cause.id)),
  };
  if (shape.since) rootCause.since = shape.since;
  return rootCause;
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
): EffectSet[] {
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
  return [
    { title: 'pod sandboxes fail', objects: keep(sandboxPods) },
    { title: 'image pulls time out', objects: keep(pullPods) },
    {
      title: 'components down',
      objects: new Set(downPods.map(ownerRef)),
      related: new Set(downPods.map(podRef)),
    },
  ];
}

/** A broken pod network on the cause's nodes: its own pods, then sandboxes, pulls and components. */
export function networkRootCause(
  input: RootCauseInput,
  cause: Finding,
  shape: Pick<CauseShape, 'id' | 'title' | 'head'>,
): RootCause {
  const { inventory, findings, claims } = input;
  const nodes = new Set(cause.nodes);
  const own = new Set(cause.objects.filter((o) => o.includes('/pod/')));
  claims.take(own);
  const stages = networkCascade(inventory, nodes, own, claims);
  const since = earliest(cause.evidence.map((e) => e.since));
  return rootCauseOf({ ...shape, nodes: [...nodes].sort(), since }, cause, stages, findings);
}
