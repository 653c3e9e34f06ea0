// CPU and memory requests against what each node can allocate, and pods the kubelet rejected for lack
// of resources (OutOfcpu, OutOfmemory). An upgrade starts new pods next to the old ones: it needs room.
import { z } from 'zod';
import type { Inventory, NodeFacts, PodFacts } from '../inventory/types.js';
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import type { RootCauseInput } from './types.js';
import { rootCauseOf } from './util/cascade.js';
import { podJudgement } from './util/node-and-owner.js';
import {
  countBy,
  formatCounts,
  objectRef,
  passFinding,
  plural,
  podEvidence,
  podRef,
  uniqueSorted,
} from './util/common.js';

const ID = 'resource-headroom';
const TITLE = 'Resource headroom';

export const RESOURCE_HEADROOM_FINDINGS = {
  nodes: `${ID}:nodes`,
  /** Pods the kubelet rejected: the root cause of their failures. */
  rejections: `${ID}:rejections`,
} as const;

const paramsSchema = z
  .object({
    warnPercent: z
      .number()
      .positive()
      .default(90)
      .describe('Requests at or above this share of allocatable CPU or memory warn.'),
    failPercent: z
      .number()
      .positive()
      .default(100)
      .describe('Requests at or above this share of allocatable fail.'),
  })
  .strict();

interface NodeUsage {
  node: NodeFacts;
  cpuPercent: number;
  memoryPercent: number;
}

function percent(used: number, allocatable: number): number {
  return allocatable > 0 ? Math.round((used / allocatable) * 1000) / 10 : 0;
}

export function nodeUsage(inventory: Inventory): NodeUsage[] {
  const requests = new Map<string, { cpu: number; memory: number }>();
  for (const pod of inventory.pods) {
    // Finished pods hold no resources; pods not yet bound to a node hold none either.
    if (!pod.node || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    const sum = requests.get(pod.node) ?? { cpu: 0, memory: 0 };
    sum.cpu += pod.requests.cpuMillis;
    sum.memory += pod.requests.memoryBytes;
    requests.set(pod.node, sum);
  }
  return inventory.nodes.map((node) => {
    const used = requests.get(node.name) ?? { cpu: 0, memory: 0 };
    return {
      node,
      cpuPercent: percent(used.cpu, node.allocatable.cpuMillis),
      memoryPercent: percent(used.memory, node.allocatable.memoryBytes),
    };
  });
}

function isRejected(pod: PodFacts): boolean {
  return /^OutOf/.test(pod.reason ?? '') || /^OutOf/.test(pod.displayStatus);
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const findings: Finding[] = [];
  const usage = nodeUsage(inventory);
  const tight = usage.filter((u) => Math.max(u.cpuPercent, u.memoryPercent) >= params.warnPercent);
  if (tight.length > 0) {
    const full = tight.some((u) => Math.max(u.cpuPercent, u.memoryPercent) >= params.failPercent);
    const evidence: Evidence[] = tight.map((u) => ({
      kind: 'node',
      name: u.node.name,
      node: u.node.name,
      reason: `requests cpu ${u.cpuPercent}%, memory ${u.memoryPercent}%`,
      message: `allocatable ${u.node.allocatable.cpuMillis}m CPU, ${Math.round(u.node.allocatable.memoryBytes / 2 ** 20)}Mi memory`,
    }));
    findings.push({
      check: ID,
      id: RESOURCE_HEADROOM_FINDINGS.nodes,
      title: 'Nodes without headroom',
      status: full ? 'fail' : 'warn',
      severity: 'warning',
      blocking: false,
      scope: 'cluster',
      summary: `${plural(tight.length, 'node')} at or above ${params.warnPercent}% of allocatable in requests: ${tight
        .map((u) => `${u.node.name} (cpu ${u.cpuPercent}%, memory ${u.memoryPercent}%)`)
        .join('; ')}.`,
      nodes: tight.map((u) => u.node.name),
      objects: tight.map((u) => objectRef('node', u.node.name)),
      evidence,
      counts: { nodes: tight.length },
      remediation:
        'Add capacity or lower requests before upgrading: rolling updates need room for a new pod next to the old one.',
    });
  }
  // A rejection whose owner has since run the pod elsewhere is history (pod-failures lists it to clean up).
  const { leftover } = podJudgement(inventory);
  const rejected = inventory.pods.filter((p) => isRejected(p) && !leftover(p));
  if (rejected.length > 0) {
    const byReason = countBy(rejected, (p) => p.reason ?? p.displayStatus);
    findings.push({
      check: ID,
      id: RESOURCE_HEADROOM_FINDINGS.rejections,
      title: 'Pods rejected for lack of resources',
      status: 'warn',
      severity: 'warning',
      blocking: false,
      scope: 'cluster',
      summary: `${plural(rejected.length, 'pod')} rejected by the kubelet for lack of resources (${formatCounts(byReason)}) on ${uniqueSorted(rejected.map((p) => p.node)).join(', ') || 'unknown nodes'}.`,
      nodes: uniqueSorted(rejected.map((p) => p.node)),
      objects: rejected.map(podRef),
      evidence: rejected.map((p) => podEvidence(p, inventory.now)),
      counts: { ...Object.fromEntries(byReason), total: rejected.length },
      remediation:
        'Rejected pods stay as Failed leftovers: delete them once understood. Repeated rejections mean the node is over-committed (often static or DaemonSet pods).',
    });
  }
  if (findings.length === 0) {
    const max = usage.reduce((m, u) => Math.max(m, u.cpuPercent, u.memoryPercent), 0);
    findings.push(
      passFinding(
        { check: ID, title: TITLE, severity: 'info', blocking: false },
        `Requests stay below ${params.warnPercent}% of allocatable on all ${plural(usage.length, 'node')} (highest ${max}%); no pod rejected for resources.`,
      ),
    );
  }
  return findings;
}

/** Exhausted node resources explain the pods the kubelet rejected; the finding warns, so it does not block. */
function exhaustionRootCause({ findings, claims }: RootCauseInput): RootCause | undefined {
  const cause = findings.find((f) => f.id === RESOURCE_HEADROOM_FINDINGS.rejections && f.status !== 'pass');
  if (!cause) return undefined;
  const shape = {
    id: 'resource-exhaustion',
    title: 'Node resources exhausted',
    head: 'node resources exhausted',
    nodes: cause.nodes,
  };
  const stages = [{ title: 'pods rejected (OutOfcpu/OutOfmemory)', objects: claims.take(cause.objects) }];
  return rootCauseOf(shape, cause, stages, findings);
}

export const resourceHeadroomCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'CPU and memory requests vs allocatable per node, and pods rejected with OutOfcpu/OutOfmemory.',
  defaultSeverity: 'warning',
  blocking: false,
  role: 'standalone',
  needs: ['nodes', 'pods'],
  paramsSchema,
  rootCause: exhaustionRootCause,
  run,
});
