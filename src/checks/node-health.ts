// Nodes: NotReady/Unknown and since when, pressure conditions, cordons, kubelet version skew. A node that is
// down is the cause of every failure of its pods that began with the outage; a node under memory, disk or PID
// pressure evicts pods (the new ones an upgrade starts too): both block, each a node root cause.
import semver from 'semver';
import { z } from 'zod';
import type { EventFacts, Inventory, NodeConditionFacts, NodeFacts } from '../inventory/types.js';
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import type { RootCauseInput } from './types.js';
import { type EffectSet, earliest, failingFinding, ownerRef, rootCauseOf } from './util/cascade.js';
import {
  ageDays,
  durationPhrase,
  failOrWarn,
  isPlatformNamespace,
  objectRef,
  passFinding,
  plural,
  podRef,
} from './util/common.js';
import { isHealthy } from './util/pods.js';

const ID = 'node-health';
const TITLE = 'Node health';

export const NODE_HEALTH_FINDINGS = {
  /** Nodes not Ready: the root cause of their pods' failures. */
  notReady: `${ID}:not-ready`,
  /** Nodes under memory, disk or PID pressure (or without a configured network): blocking, a root cause. */
  pressure: `${ID}:pressure`,
  cordoned: `${ID}:cordoned`,
  versionSkew: `${ID}:version-skew`,
} as const;

const paramsSchema = z
  .object({
    maxKubeletSkew: z
      .number()
      .int()
      .nonnegative()
      .default(1)
      .describe('Minor versions kubelets may differ among themselves before it is reported.'),
    maxKubeletBehindServer: z
      .number()
      .int()
      .nonnegative()
      .default(3)
      .describe(
        'Minor versions a kubelet may lag behind the API server (Kubernetes supports n-3 since 1.28).',
      ),
  })
  .strict();

function minorOf(version: string | undefined): semver.SemVer | undefined {
  return version ? (semver.coerce(version) ?? undefined) : undefined;
}

function notReadyEvidence(node: NodeFacts, now: string): Evidence {
  const evidence: Evidence = {
    kind: 'node',
    name: node.name,
    node: node.name,
    reason: node.ready === 'Unknown' ? 'Unknown' : 'NotReady',
  };
  const message = [node.readyReason, node.readyMessage].filter(Boolean).join(': ');
  if (message) evidence.message = message;
  if (node.readySince) {
    evidence.since = node.readySince;
    const days = ageDays(node.readySince, now);
    if (days !== undefined) evidence.ageDays = days;
  }
  return evidence;
}

type Params = z.output<typeof paramsSchema>;

/** `cozy-w1 Unknown for 2 hours (NodeStatusUnknown: Kubelet stopped posting node status.; taints unreachable)`. */
function notReadyPhrase(node: NodeFacts, evidence: Evidence, now: string): string {
  const age = durationPhrase(node.readySince, now);
  const taints = node.taints
    .filter((t) => t.key.startsWith('node.kubernetes.io/'))
    .map((t) => `${t.key}:${t.effect}`);
  const details = [evidence.message, taints.length > 0 ? `taints ${taints.join(', ')}` : undefined].filter(
    Boolean,
  );
  return `${node.name} ${evidence.reason}${age ? ` for ${age}` : ''}${details.length > 0 ? ` (${details.join('; ')})` : ''}`;
}

/** What each condition means for the pods of the node. */
const PRESSURE_EFFECT: Record<string, string> = {
  MemoryPressure: 'the kubelet evicts pods to reclaim memory',
  DiskPressure: 'the kubelet evicts pods and removes images to reclaim disk',
  PIDPressure: 'the kubelet evicts pods to reclaim process IDs',
  NetworkUnavailable: 'the node network is not configured: new pods there get no network',
};

/** The kubelet's `Evicted` events for pods of this node (the pods themselves may be long deleted). */
function evictionsOn(node: string, events: readonly EventFacts[]): EventFacts[] {
  return events.filter((e) => e.reason === 'Evicted' && e.involved.kind === 'Pod' && e.node === node);
}

function pressureEvidence(node: NodeFacts, condition: NodeConditionFacts, now: string): Evidence {
  const evidence: Evidence = { kind: 'node', name: node.name, node: node.name, reason: condition.type };
  const message = [condition.reason, condition.message].filter(Boolean).join(': ');
  if (message) evidence.message = message;
  if (condition.since) {
    evidence.since = condition.since;
    const days = ageDays(condition.since, now);
    if (days !== undefined) evidence.ageDays = days;
  }
  return evidence;
}

function evictionEvidence(e: EventFacts, now: string): Evidence {
  const evidence: Evidence = {
    kind: 'event',
    namespace: e.involved.namespace ?? e.namespace,
    name: e.involved.name,
    reason: 'Evicted',
    message: e.message,
    count: e.count,
  };
  if (e.node) evidence.node = e.node;
  if (e.firstTime) {
    evidence.since = e.firstTime;
    const days = ageDays(e.firstTime, now);
    if (days !== undefined) evidence.ageDays = days;
  }
  return evidence;
}

/** Nodes under pressure: blocking, with each condition's age and the evictions it caused as evidence. */
function pressureFinding(inventory: Inventory, pressured: NodeFacts[]): Finding {
  const now = inventory.now;
  const evidence: Evidence[] = [];
  const parts: string[] = [];
  const evicted: string[] = [];
  for (const node of pressured) {
    const conditions = node.conditions.filter((c) => c.status === 'True' && node.pressures.includes(c.type));
    const evictions = evictionsOn(node.name, inventory.events);
    evidence.push(...conditions.map((c) => pressureEvidence(node, c, now)));
    evidence.push(...evictions.map((e) => evictionEvidence(e, now)));
    evicted.push(
      ...evictions.map((e) => objectRef('pod', e.involved.name, e.involved.namespace ?? e.namespace)),
    );
    const described = conditions.map((c) => {
      const age = durationPhrase(c.since, now);
      return `${c.type}${age ? ` for ${age}` : ''}${c.message ? ` (${c.message})` : ''}: ${PRESSURE_EFFECT[c.type] ?? 'the kubelet reports it'}`;
    });
    const pods = evictions.map((e) => `${e.involved.namespace ?? e.namespace}/${e.involved.name}`);
    parts.push(
      `${node.name}: ${described.join('; ')}` +
        (pods.length > 0
          ? `; ${plural(pods.length, 'pod')} evicted (${pods.slice(0, 5).join(', ')}${pods.length > 5 ? ', …' : ''})`
          : ''),
    );
  }
  return {
    check: ID,
    id: NODE_HEALTH_FINDINGS.pressure,
    title: 'Nodes under pressure',
    ...failOrWarn(true),
    scope: 'cluster',
    summary:
      `${plural(pressured.length, 'node')} under pressure: ${parts.join('. ')}. ` +
      'An upgrade starts new pods on every node; the kubelet would evict them too.',
    nodes: pressured.map((n) => n.name),
    objects: [...pressured.map((n) => objectRef('node', n.name)), ...evicted],
    evidence,
    counts: { nodes: pressured.length, evictions: evicted.length },
    remediation:
      'Free memory, disk or PIDs on these nodes (find the consumer with `kubectl top pods -A --sort-by=memory`, ' +
      '`crictl images`/`crictl rmi --prune` for disk), or add capacity, and wait until the condition is False before upgrading.',
  };
}

function skewFindings(inventory: Inventory, params: Params): Finding[] {
  const versions = inventory.nodes
    .map((n) => ({ node: n, version: minorOf(n.kubeletVersion) }))
    .filter((v): v is { node: NodeFacts; version: semver.SemVer } => v.version !== undefined);
  if (versions.length === 0) return [];
  const minors = versions.map((v) => v.version.major * 1000 + v.version.minor);
  const skew = Math.max(...minors) - Math.min(...minors);
  const server = minorOf(inventory.serverVersion);
  const behind = server
    ? versions.filter(
        (v) =>
          v.version.major === server.major && server.minor - v.version.minor > params.maxKubeletBehindServer,
      )
    : [];
  if (skew <= params.maxKubeletSkew && behind.length === 0) return [];
  const byVersion = new Map<string, string[]>();
  for (const v of versions)
    byVersion.set(v.node.kubeletVersion!, [...(byVersion.get(v.node.kubeletVersion!) ?? []), v.node.name]);
  const listing = [...byVersion].map(([version, nodes]) => `${version}: ${nodes.join(', ')}`).join('; ');
  return [
    {
      check: ID,
      id: NODE_HEALTH_FINDINGS.versionSkew,
      title: 'Kubelet version skew',
      status: 'warn',
      severity: 'warning',
      blocking: false,
      scope: 'cluster',
      summary:
        `Kubelets differ by ${plural(skew, 'minor version')} (${listing})` +
        (behind.length > 0
          ? `; ${plural(behind.length, 'kubelet')} lag more than ${params.maxKubeletBehindServer} minors behind the API server ${inventory.serverVersion}`
          : '') +
        '. Finish the Kubernetes upgrade of all nodes before upgrading CozyStack.',
      nodes: versions.map((v) => v.node.name),
      objects: versions.map((v) => objectRef('node', v.node.name)),
      evidence: versions.map((v) => ({
        kind: 'node',
        name: v.node.name,
        node: v.node.name,
        reason: v.node.kubeletVersion,
      })),
      remediation:
        'Upgrade the lagging nodes (Talos: `talosctl upgrade-k8s`) so all kubelets run the same minor.',
    },
  ];
}

function run(inventory: Inventory, { params }: DefinedCheckContext<Params>): Finding[] {
  const now = inventory.now;
  const findings: Finding[] = [];
  const notReady = inventory.nodes.filter((n) => n.ready !== 'True');
  if (notReady.length > 0) {
    const evidence = notReady.map((n) => notReadyEvidence(n, now));
    const ages = evidence.map((e) => e.ageDays).filter((a): a is number => a !== undefined);
    findings.push({
      check: ID,
      id: NODE_HEALTH_FINDINGS.notReady,
      title: 'Nodes not Ready',
      status: 'fail',
      severity: 'critical',
      blocking: true,
      scope: 'cluster',
      summary: `${plural(notReady.length, 'node')} of ${inventory.nodes.length} not Ready: ${notReady
        .map((n, i) => notReadyPhrase(n, evidence[i]!, now))
        .join('; ')}.`,
      nodes: notReady.map((n) => n.name),
      objects: notReady.map((n) => objectRef('node', n.name)),
      evidence,
      counts: { notReady: notReady.length, nodes: inventory.nodes.length },
      ...(ages.length > 0 ? { ageDays: { min: Math.min(...ages), max: Math.max(...ages) } } : {}),
      remediation:
        'Bring the nodes back (kubelet, network, disk) or remove them from the cluster; an upgrade rolls DaemonSets onto every node and waits for them.',
    });
  }
  const pressured = inventory.nodes.filter((n) => n.pressures.length > 0);
  if (pressured.length > 0) findings.push(pressureFinding(inventory, pressured));
  const cordoned = inventory.nodes.filter((n) => n.unschedulable);
  if (cordoned.length > 0) {
    findings.push({
      check: ID,
      id: NODE_HEALTH_FINDINGS.cordoned,
      title: 'Cordoned nodes',
      status: 'warn',
      severity: 'warning',
      blocking: false,
      scope: 'cluster',
      summary: `${plural(cordoned.length, 'node')} cordoned (unschedulable): ${cordoned.map((n) => n.name).join(', ')}.`,
      nodes: cordoned.map((n) => n.name),
      objects: cordoned.map((n) => objectRef('node', n.name)),
      evidence: cordoned.map((n) => ({
        kind: 'node',
        name: n.name,
        node: n.name,
        reason: 'SchedulingDisabled',
      })),
      remediation:
        'Uncordon the nodes or make sure the remaining ones have room for the pods an upgrade recreates.',
    });
  }
  findings.push(...skewFindings(inventory, params));
  if (findings.length === 0) {
    findings.push(
      passFinding(
        { check: ID, title: TITLE, severity: 'info', blocking: false },
        `All ${plural(inventory.nodes.length, 'node')} Ready, no pressure, kubelet versions aligned.`,
      ),
    );
  }
  return findings;
}

/** Nodes not Ready lose their pods, and the components those pods belong to are down. */
function notReadyRootCause({ inventory, findings, claims }: RootCauseInput): RootCause | undefined {
  const cause = failingFinding(findings, NODE_HEALTH_FINDINGS.notReady);
  if (!cause) return undefined;
  const nodes = new Set(cause.nodes);
  const onNodes = inventory.pods.filter((p) => p.node !== undefined && nodes.has(p.node) && !isHealthy(p));
  const pods = claims.take(onNodes.map(podRef));
  // Components are down when they miss replicas; a Deployment whose evicted pods run again elsewhere is not.
  const missesReplicas = (p: (typeof onNodes)[number]) => {
    const w = inventory.workloads.find(
      (x) => x.kind === p.owner?.kind && x.namespace === p.namespace && x.name === p.owner?.name,
    );
    return w === undefined || w.available < w.desired;
  };
  const downPods = onNodes.filter(
    (p) => pods.has(podRef(p)) && isPlatformNamespace(p.namespace) && missesReplicas(p),
  );
  const stages: EffectSet[] = [
    { title: 'pods on the node lost', objects: pods },
    {
      title: 'components down',
      objects: new Set(downPods.map(ownerRef)),
      related: new Set(downPods.map(podRef)),
    },
  ];
  const shape = {
    id: 'node-not-ready',
    title: nodes.size === 1 ? 'Node not Ready' : 'Nodes not Ready',
    head: 'node not Ready',
    nodes: [...nodes].sort(),
    since: earliest(cause.evidence.map((e) => e.since)),
  };
  // A node that comes back brings its pods back: nothing else to clear.
  return { ...rootCauseOf(shape, cause, stages, findings), effectsRecover: true };
}

/** A node under pressure evicts pods; the evicted ones (gone or Failed) are its effects. */
function pressureRootCause({ findings, claims }: RootCauseInput): RootCause | undefined {
  const cause = failingFinding(findings, NODE_HEALTH_FINDINGS.pressure);
  if (!cause) return undefined;
  const conditions = [...new Set(cause.evidence.filter((e) => e.kind === 'node').map((e) => e.reason))];
  const evicted = claims.take(cause.objects.filter((o) => o.includes('/pod/')));
  const stages: EffectSet[] = [{ title: 'pods evicted', objects: evicted }];
  const where = cause.nodes.join(', ');
  const shape = {
    id: 'node-pressure',
    title: `${conditions.join(', ')} on ${where}`,
    head: `${where} under ${conditions.join(', ')}`,
    nodes: [...cause.nodes].sort(),
    since: earliest(cause.evidence.filter((e) => e.kind === 'node').map((e) => e.since)),
  };
  // Evicted pods are already replaced: freeing the node is the whole repair.
  return { ...rootCauseOf(shape, cause, stages, findings), effectsRecover: true };
}

function nodeRootCauses(input: RootCauseInput): RootCause[] {
  return [notReadyRootCause(input), pressureRootCause(input)].filter((c): c is RootCause => c !== undefined);
}

export const nodeHealthCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'Nodes NotReady/Unknown and since when (with their taints), memory/disk/PID pressure with its age and the evictions it caused (blocking), cordoned nodes, kubelet version skew.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'node',
  needs: ['nodes'],
  paramsSchema,
  rootCause: nodeRootCauses,
  run,
});
