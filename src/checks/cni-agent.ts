// The Cilium agent runs on every node (chained after Kube-OVN in CozyStack). An agent stuck in Init,
// Unknown or crash-looping leaves its node without a working datapath.
import { z } from 'zod';
import type { Inventory, PodFacts } from '../inventory/types.js';
import type { Finding, RootCause } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import { KUBE_OVN_FINDINGS } from './kube-ovn.js';
import type { RootCauseInput } from './types.js';
import { failingFinding, networkRootCause } from './util/cascade.js';
import {
  ageDays,
  ageMs,
  ageRange,
  passFinding,
  plural,
  podEvidence,
  podRef,
  statusPhrase,
  uniqueSorted,
} from './util/common.js';
import { failsOnlyWithItsNode, podJudgement } from './util/node-and-owner.js';
import { isHealthy, podsOf } from './util/pods.js';

const ID = 'cni-agent';
const TITLE = 'CNI agent (Cilium) per node';

export const CNI_AGENT_FINDINGS = {
  /** Agents not working on some nodes: a broken-network root cause unless Kube-OVN already is one. */
  agents: `${ID}:agents`,
} as const;

const paramsSchema = z
  .object({
    namespaces: z
      .array(z.string().min(1))
      .default(['cozy-cilium', 'kube-system'])
      .describe('Namespaces searched for the agent DaemonSet, in order.'),
    daemonSet: z.string().min(1).default('cilium').describe('Name of the agent DaemonSet.'),
    startupGraceMinutes: z
      .number()
      .nonnegative()
      .default(15)
      .describe('An agent not ready for less than this long is still starting and is not reported.'),
  })
  .strict();

function describe(pod: PodFacts, now: string): string {
  const days = ageDays(pod.failingSince, now);
  const stuck = days !== undefined ? ` for ${plural(days, 'day')}` : '';
  const restarts = pod.restarts > 0 ? `, ${plural(pod.restarts, 'restart')}` : '';
  return `${pod.node ?? '(unscheduled)'}: ${statusPhrase(pod)}${stuck}${restarts}`;
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const base = { check: ID, title: TITLE, severity: 'critical' as const, blocking: true };
  const namespace = params.namespaces.find((ns) => podsOf(inventory, ns, params.daemonSet).length > 0);
  if (!namespace) {
    return [
      passFinding(
        base,
        `No ${params.daemonSet} agent pods found in ${params.namespaces.join(', ')}; nothing to check.`,
      ),
    ];
  }
  const judgement = podJudgement(inventory);
  // A Failed agent pod its DaemonSet has replaced is history, not the node's agent.
  const agents = podsOf(inventory, namespace, params.daemonSet).filter((p) => !judgement.leftover(p));
  const graceMs = params.startupGraceMinutes * 60_000;
  const unhealthy = agents.filter(
    (p) => !isHealthy(p) && ageMs(p.failingSince ?? p.createdAt, inventory.now) >= graceMs,
  );
  // An agent not ready only because its node is down is the node's failure (node-health), not Cilium's.
  const downWithNode = unhealthy.filter((p) => failsOnlyWithItsNode(p, judgement.lost));
  const failing = unhealthy.filter((p) => !downWithNode.includes(p));
  const agentNodes = new Set(agents.map((p) => p.node));
  const daemonSet = inventory.workloads.find(
    (w) => w.kind === 'DaemonSet' && w.namespace === namespace && w.name === params.daemonSet,
  );
  // Nodes without an agent at all, when the DaemonSet says it wants one everywhere it is not.
  const missing =
    daemonSet && daemonSet.desired > agents.length
      ? inventory.nodes
          .filter((n) => !agentNodes.has(n.name) && !n.unschedulable && n.ready === 'True')
          .map((n) => n.name)
      : [];
  if (failing.length === 0 && missing.length === 0) {
    const down = uniqueSorted(downWithNode.map((p) => p.node));
    return [
      passFinding(
        base,
        down.length === 0
          ? `${params.daemonSet} agent running and ready on all ${plural(agents.length, 'node')}.`
          : `${params.daemonSet} agent running and ready on the ${plural(agents.length - downWithNode.length, 'node')} that ${agents.length - downWithNode.length === 1 ? 'is' : 'are'} Ready; ` +
              `not judged on ${down.join(', ')}, which ${down.length === 1 ? 'is' : 'are'} down (the node is the cause: node-health).`,
        'platform',
      ),
    ];
  }
  const nodes = uniqueSorted([...failing.map((p) => p.node), ...missing]);
  const parts = [
    ...failing.map((p) => describe(p, inventory.now)),
    ...missing.map((n) => `${n}: no agent pod`),
  ];
  const counts: Record<string, number> = { nodes: nodes.length };
  for (const pod of failing) {
    const key = statusPhrase(pod);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const range = ageRange(failing.map((p) => ageDays(p.failingSince, inventory.now)));
  return [
    {
      ...base,
      id: CNI_AGENT_FINDINGS.agents,
      status: 'fail',
      scope: 'platform',
      summary: `${params.daemonSet} agent not working on ${plural(nodes.length, 'node')}: ${parts.join('; ')}.`,
      nodes,
      objects: failing.map(podRef),
      evidence: [
        ...failing.map((p) => podEvidence(p, inventory.now)),
        ...missing.map((n) => ({ kind: 'node', name: n, node: n, reason: `${params.daemonSet} missing` })),
      ],
      counts,
      ...(range ? { ageDays: range } : {}),
      remediation:
        `Inspect the agent's init containers (\`kubectl -n ${namespace} describe pod <pod>\`); an agent stuck in Init usually waits ` +
        'for the node network (Kube-OVN) or its BPF mounts. Fix the node network first, then delete the stuck pod.',
    },
  ];
}

function agentsRootCause(input: RootCauseInput): RootCause | undefined {
  // Cilium is chained after Kube-OVN: with the Kube-OVN daemon broken, failing agents are its effect.
  if (failingFinding(input.findings, KUBE_OVN_FINDINGS.daemon)) return undefined;
  const cause = failingFinding(input.findings, CNI_AGENT_FINDINGS.agents);
  if (!cause) return undefined;
  const title = 'CNI agent (Cilium) down';
  return networkRootCause(input, cause, { id: 'cni-agent', title, head: title });
}

export const cniAgentCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'Cilium agent pods per node: stuck in Init (e.g. Init:0/5 for weeks), Unknown, crash-looping, or missing.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'networking',
  needs: ['pods', 'nodes'],
  paramsSchema,
  rootCause: agentsRootCause,
  run,
});
