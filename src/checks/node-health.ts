// Nodes: NotReady/Unknown and since when, pressure conditions, cordons, kubelet version skew.
import semver from 'semver';
import { z } from 'zod';
import type { Inventory, NodeFacts } from '../inventory/types.js';
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import type { RootCauseInput } from './types.js';
import { type EffectSet, earliest, failingFinding, ownerRef, rootCauseOf } from './util/cascade.js';
import { ageDays, isPlatformNamespace, objectRef, passFinding, plural, podRef } from './util/common.js';
import { isHealthy } from './util/pods.js';

const ID = 'node-health';
const TITLE = 'Node health';

export const NODE_HEALTH_FINDINGS = {
  /** Nodes not Ready: the root cause of their pods' failures. */
  notReady: `${ID}:not-ready`,
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
      summary: `${plural(notReady.length, 'node')} of ${inventory.nodes.length} not Ready: ${evidence
        .map(
          (e) =>
            `${e.name} ${e.reason}${e.ageDays !== undefined ? ` for ${plural(e.ageDays, 'day')}` : ''}${e.message ? ` (${e.message})` : ''}`,
        )
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
  if (pressured.length > 0) {
    findings.push({
      check: ID,
      id: NODE_HEALTH_FINDINGS.pressure,
      title: 'Node pressure conditions',
      status: 'warn',
      severity: 'warning',
      blocking: false,
      scope: 'cluster',
      summary: `${plural(pressured.length, 'node')} under pressure: ${pressured.map((n) => `${n.name} (${n.pressures.join(', ')})`).join('; ')}.`,
      nodes: pressured.map((n) => n.name),
      objects: pressured.map((n) => objectRef('node', n.name)),
      evidence: pressured.flatMap((n) =>
        n.pressures.map((p) => ({ kind: 'node', name: n.name, node: n.name, reason: p })),
      ),
      remediation:
        'Free memory/disk/PIDs on these nodes; the kubelet evicts pods under pressure, also the new ones an upgrade starts.',
    });
  }
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
  const downPods = onNodes.filter((p) => pods.has(podRef(p)) && isPlatformNamespace(p.namespace));
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
  return rootCauseOf(shape, cause, stages, findings);
}

export const nodeHealthCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'Nodes NotReady/Unknown and since when, memory/disk/PID pressure, cordoned nodes, kubelet version skew.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'node',
  needs: ['nodes'],
  paramsSchema,
  rootCause: notReadyRootCause,
  run,
});
