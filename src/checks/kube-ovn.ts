// Kube-OVN is the pod network of CozyStack (paas-full): its CNI daemon (`kube-ovn-cni`) must answer on
// /run/openvswitch/kube-ovn-daemon.sock on every node, or no pod sandbox can be created there (#452).
// Kube-OVN is the cause when its pods fail on a node that is Ready, or when sandbox errors (or the exec probe)
// name the daemon socket; its pods that are not ready only because their node is down are the node's.
// The sandbox errors are events: when events cannot be read, that evidence is unknown, and so is the verdict.
import { z } from 'zod';
import type { EventFacts, Inventory, PodFacts } from '../inventory/types.js';
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import type { ProbeResults, ProbeTarget } from '../cluster/exec-probe.js';
import type { ChecksConfig } from './config.js';
import { type DefinedCheckContext, defineCheck, paramsFromConfig } from './define.js';
import type { RootCauseInput } from './types.js';
import { failingFinding, networkRootCause } from './util/cascade.js';
import {
  ageDays,
  ageRange,
  failOrWarn,
  listed,
  objectRef,
  passFinding,
  plural,
  podEvidence,
  podRef,
  restartsPhrase,
  statusPhrase,
  uniqueSorted,
} from './util/common.js';
import { failsOnlyWithItsNode, type PodJudgement, podJudgement } from './util/node-and-owner.js';
import { isHealthy, isKubeOvnSocketFailure, KUBE_OVN_SOCKET, podsOf } from './util/pods.js';

const ID = 'kube-ovn';

export const KUBE_OVN_FINDINGS = {
  /** The CNI daemon is broken on some nodes: the root cause of the broken-network cascade. */
  daemon: `${ID}:daemon`,
  /** Sandbox failures naming the socket could not be looked for: events were not read. */
  events: `${ID}:events`,
  /** Degraded but not broken (the pinger). */
  pinger: `${ID}:pinger`,
  controlPlane: `${ID}:control-plane`,
} as const;

export const KUBE_OVN_NAMESPACE = 'cozy-kubeovn';
const CNI_DAEMONSET = 'kube-ovn-cni';
const CNI_CONTAINER = 'cni-server';
const TITLE = 'Kube-OVN daemon per node';

const paramsSchema = z
  .object({
    namespace: z.string().min(1).default(KUBE_OVN_NAMESPACE).describe('Namespace Kube-OVN runs in.'),
  })
  .strict();
type Params = z.output<typeof paramsSchema>;
type Context = DefinedCheckContext<Params>;

/** Per-node DaemonSets of Kube-OVN; `critical` ones break pod networking on their node. */
const COMPONENTS = [
  { name: 'kube-ovn-cni', critical: true },
  { name: 'ovs-ovn', critical: true },
  { name: 'kube-ovn-pinger', critical: false },
] as const;

interface NodeReport {
  node: string;
  broken: boolean;
  /** Kube-OVN pods not ready only because the node itself is down. */
  downWithNode: PodFacts[];
  problems: string[];
  evidence: Evidence[];
  pods: PodFacts[];
  sandboxFailures: number;
}

function socketEventsByNode(events: readonly EventFacts[]): Map<string, EventFacts[]> {
  const out = new Map<string, EventFacts[]>();
  for (const e of events) {
    if (!isKubeOvnSocketFailure(e)) continue;
    const node = e.node ?? '(unknown node)';
    out.set(node, [...(out.get(node) ?? []), e]);
  }
  return out;
}

function nodeReport(
  inventory: Inventory,
  node: string,
  podsByComponent: Map<string, PodFacts[]>,
  socketEvents: readonly EventFacts[],
  probe: boolean | undefined,
  judgement: PodJudgement,
): NodeReport {
  const nodeDown = judgement.lost.has(node);
  const report: NodeReport = {
    node,
    broken: false,
    downWithNode: [],
    problems: [],
    evidence: [],
    pods: [],
    sandboxFailures: 0,
  };
  for (const component of COMPONENTS) {
    const all = podsByComponent.get(component.name) ?? [];
    if (all.length === 0) continue; // component not deployed at all
    // A Failed pod its DaemonSet has replaced is not the node's Kube-OVN.
    const onNode = all.filter((p) => p.node === node && !judgement.leftover(p));
    if (onNode.length === 0) {
      // A node that is down may have lost its pods with it: that is the node's failure, not Kube-OVN's.
      if (nodeDown) continue;
      if (component.critical) report.broken = true;
      report.problems.push(`no ${component.name} pod`);
      report.evidence.push({ kind: 'node', name: node, node, reason: `${component.name} missing` });
      continue;
    }
    for (const pod of onNode.filter((p) => !isHealthy(p))) {
      if (failsOnlyWithItsNode(pod, judgement.lost)) {
        report.downWithNode.push(pod);
        continue;
      }
      if (component.critical) report.broken = true;
      report.pods.push(pod);
      report.problems.push(`${component.name} ${statusPhrase(pod)} (${restartsPhrase(pod, inventory.now)})`);
      report.evidence.push(podEvidence(pod, inventory.now));
    }
  }
  if (socketEvents.length > 0) {
    report.broken = true;
    const count = socketEvents.reduce((sum, e) => sum + e.count, 0);
    report.sandboxFailures = count;
    const first = socketEvents
      .map((e) => e.firstTime)
      .filter((t): t is string => !!t)
      .sort()[0];
    report.problems.push(`${plural(count, 'pod sandbox failure')} naming ${'kube-ovn-daemon.sock'}`);
    report.evidence.push({
      kind: 'event',
      node,
      reason: 'FailedCreatePodSandBox',
      message: socketEvents[0]!.message,
      count,
      ...(first ? { since: first, ageDays: ageDays(first, inventory.now) } : {}),
    });
  }
  // The pod the probe ran in, so the evidence names it (kubectl exec into the same pod reproduces it).
  const cniPod = podsByComponent.get('kube-ovn-cni')?.find((p) => p.node === node);
  const probed = cniPod ? { namespace: cniPod.namespace, name: cniPod.name } : {};
  if (probe === false) {
    report.broken = true;
    report.problems.push('daemon socket absent (exec probe)');
    report.evidence.push({
      kind: 'probe',
      ...probed,
      node,
      reason: 'SocketMissing',
      message: 'test -S /run/openvswitch/kube-ovn-daemon.sock failed (exit 1) in the kube-ovn-cni pod',
    });
  } else if (probe === true && report.broken) {
    report.evidence.push({
      kind: 'probe',
      ...probed,
      node,
      reason: 'SocketPresent',
      message: 'test -S /run/openvswitch/kube-ovn-daemon.sock succeeded in the kube-ovn-cni pod',
    });
  }
  return report;
}

function run(inventory: Inventory, context: Context): Finding[] {
  const { params } = context;
  const base = { check: ID, title: TITLE, severity: 'critical' as const, blocking: true };
  const podsByComponent = new Map(
    COMPONENTS.map((c) => [c.name, podsOf(inventory, params.namespace, c.name)] as const),
  );
  const socketEvents = socketEventsByNode(inventory.events);
  const deployed =
    [...podsByComponent.values()].some((pods) => pods.length > 0) ||
    inventory.workloads.some((w) => w.namespace === params.namespace && w.name === 'kube-ovn-cni');
  if (!deployed && socketEvents.size === 0) {
    return [
      passFinding(
        base,
        `Kube-OVN is not deployed (no kube-ovn-cni pods in ${params.namespace}); nothing to check.`,
      ),
    ];
  }
  const nodeNames = uniqueSorted([
    ...inventory.nodes.map((n) => n.name),
    ...[...podsByComponent.values()].flat().map((p) => p.node),
    ...socketEvents.keys(),
  ]);
  const judgement = podJudgement(inventory);
  const reports = nodeNames.map((node) =>
    nodeReport(
      inventory,
      node,
      podsByComponent,
      socketEvents.get(node) ?? [],
      context.execProbe?.[node],
      judgement,
    ),
  );
  // The worst node first: most sandbox failures, then most restarts of its Kube-OVN pods.
  const weight = (r: NodeReport) => r.sandboxFailures * 1e6 + r.pods.reduce((sum, p) => sum + p.restarts, 0);
  const broken = reports
    .filter((r) => r.broken)
    .sort((a, b) => weight(b) - weight(a) || a.node.localeCompare(b.node));
  const degraded = reports.filter((r) => !r.broken && r.problems.length > 0);
  const downNote = nodeDownNote(reports.filter((r) => !r.broken && r.downWithNode.length > 0));
  const findings: Finding[] = [];
  if (broken.length > 0) {
    const finding = brokenFinding(inventory, base, broken, nodeNames.length, context);
    findings.push(downNote ? { ...finding, summary: `${finding.summary} ${downNote}` } : finding);
  }
  if (degraded.length > 0) {
    findings.push({
      ...base,
      id: KUBE_OVN_FINDINGS.pinger,
      status: 'warn',
      severity: 'warning',
      blocking: false,
      scope: 'platform',
      summary: `Kube-OVN is degraded but not broken on ${degraded.map((r) => `${r.node} (${r.problems.join(', ')})`).join('; ')}.`,
      nodes: degraded.map((r) => r.node),
      objects: degraded.flatMap((r) => r.pods.map(podRef)),
      evidence: degraded.flatMap((r) => r.evidence),
      remediation:
        'Check the kube-ovn-pinger logs on these nodes; the pinger reports pod-to-pod reachability.',
    });
  }
  findings.push(...controlPlaneFindings(inventory, params.namespace));
  const eventsUnread = unreadEvents(inventory);
  if (findings.length === 0) {
    const probed = context.execProbe ? ' The exec probe found the daemon socket on every probed node.' : '';
    const judged = nodeNames.length - reports.filter((r) => r.downWithNode.length > 0).length;
    const where = downNote
      ? `the ${plural(judged, 'node')} that ${judged === 1 ? 'is' : 'are'} Ready`
      : `all ${plural(nodeNames.length, 'node')}`;
    findings.push(
      passFinding(
        base,
        `kube-ovn-cni, ovs-ovn and kube-ovn-pinger are running and ready on ${where}.${probed}` +
          (downNote ? ` ${downNote}` : '') +
          (eventsUnread ? ' Pod sandbox failures could not be looked for (events not read).' : ''),
        'platform',
      ),
    );
  }
  if (eventsUnread) findings.push(eventsUnknownFinding(eventsUnread));
  return findings;
}

/** Why events could not be read, or undefined when either kind of event was read. */
function unreadEvents(inventory: Inventory): string | undefined {
  if (listed(inventory, 'events') || listed(inventory, 'events.events.k8s.io')) return undefined;
  const outcome = inventory.outcomes.events ?? inventory.outcomes['events.events.k8s.io'];
  if (!outcome) return 'events were not listed';
  return `events ${outcome.status === 'not-installed' ? 'were not captured' : `could not be read (${outcome.status})`}${outcome.reason ? `: ${outcome.reason}` : ''}`;
}

/**
 * Without events, a daemon that lost its socket can look healthy: its pods may run while every new sandbox on
 * its node fails. That evidence is unknown, and an unknown that could block leaves the verdict INCOMPLETE.
 */
function eventsUnknownFinding(reason: string): Finding {
  return {
    check: ID,
    id: KUBE_OVN_FINDINGS.events,
    title: 'Kube-OVN sandbox failures (events)',
    status: 'unknown',
    severity: 'critical',
    blocking: true,
    scope: 'platform',
    summary: `FailedCreatePodSandBox events naming ${KUBE_OVN_SOCKET} could not be looked for: ${reason}. A missing daemon socket shows there first.`,
    nodes: [],
    objects: [],
    evidence: [],
    unknownReason: reason,
    remediation:
      'Grant list on events (core and events.k8s.io) to the account, or capture them (`kubectl get events -A -o json > events.json`), and run again; or run with --exec-probes to test the socket itself.',
  };
}

/** The nodes whose Kube-OVN pods fail only because the node is down: named, and left to node-health. */
function nodeDownNote(reports: readonly NodeReport[]): string | undefined {
  if (reports.length === 0) return undefined;
  const names = reports.map(
    (r) => `${r.node} (${r.downWithNode.map((p) => p.owner?.name ?? p.name).join(', ')})`,
  );
  return (
    `Not judged on ${plural(reports.length, 'node')} that ${reports.length === 1 ? 'is' : 'are'} down: ${names.join('; ')}: ` +
    'not ready since the node stopped reporting, with no sandbox error naming the socket: the node is the cause (node-health).'
  );
}

/**
 * The central part of Kube-OVN: kube-ovn-controller assigns pod IPs (cozystack#921: when it is stuck, pods
 * hang in ContainerCreating), ovn-central holds the OVN NB/SB raft databases (#405). None ready breaks pod
 * networking cluster-wide; fewer than desired leaves it without redundancy.
 */
const CONTROL_PLANE = ['kube-ovn-controller', 'ovn-central'] as const;

function controlPlaneFindings(inventory: Inventory, namespace: string): Finding[] {
  const deployments = CONTROL_PLANE.map((name) =>
    inventory.workloads.find((w) => w.kind === 'Deployment' && w.namespace === namespace && w.name === name),
  ).filter((w): w is NonNullable<typeof w> => w !== undefined && w.desired > 0 && w.ready < w.desired);
  if (deployments.length === 0) return [];
  const down = deployments.some((w) => w.ready === 0);
  return [
    {
      check: ID,
      id: KUBE_OVN_FINDINGS.controlPlane,
      title: down ? 'Kube-OVN control plane down' : 'Kube-OVN control plane degraded',
      ...failOrWarn(down),
      scope: 'platform',
      summary:
        `${deployments.map((w) => `${w.name} ${w.ready}/${w.desired} ready`).join(', ')}` +
        (down
          ? ': with none ready, new pods get no IP address and the OVN databases are unavailable.'
          : ': still serving, but without full redundancy (an upgrade restarts these pods one by one).'),
      nodes: [],
      objects: deployments.map((w) => objectRef('deployment', w.name, w.namespace)),
      evidence: deployments.map((w) => ({
        kind: 'deployment',
        namespace: w.namespace,
        name: w.name,
        reason: `${w.ready}/${w.desired} ready`,
        count: w.desired - w.ready,
      })),
      remediation:
        'Check `kubectl -n cozy-kubeovn get pods -l app=ovn-central -o wide` and the kube-ovn-controller logs; the OVN raft needs a majority of ovn-central pods (cozystack#405: re-create ovn-central pods when ovs-ovn never becomes ready).',
    },
  ];
}

function brokenFinding(
  inventory: Inventory,
  base: { check: string; title: string; severity: 'critical'; blocking: boolean },
  broken: NodeReport[],
  totalNodes: number,
  context: Context,
): Finding {
  const sandboxFailures = broken.reduce((sum, r) => sum + r.sandboxFailures, 0);
  const pods = broken.flatMap((r) => r.pods);
  const probeNote = context.execProbe ? ' (exec probe used)' : '';
  const range = ageRange(pods.map((p) => ageDays(p.failingSince, inventory.now)));
  return {
    ...base,
    id: KUBE_OVN_FINDINGS.daemon,
    status: 'fail',
    scope: 'platform',
    summary:
      `Kube-OVN CNI daemon is broken on ${broken.length} of ${plural(totalNodes, 'node')}${probeNote}: ` +
      `${broken.map((r) => `${r.node}: ${r.problems.join(', ')}`).join('; ')}. ` +
      'Pods on these nodes cannot get a network sandbox.',
    // Sorted for a stable NODES column; the summary names the worst node first.
    nodes: broken.map((r) => r.node).sort(),
    objects: [
      ...pods.map(podRef),
      ...broken.filter((r) => r.sandboxFailures > 0).map((r) => objectRef('node', r.node)),
    ],
    evidence: broken.flatMap((r) => r.evidence),
    counts: { nodes: broken.length, pods: pods.length, sandboxFailures },
    ...(range ? { ageDays: range } : {}),
    remediation:
      'Fix Kube-OVN before any upgrade: on each named node check `kubectl -n cozy-kubeovn logs <kube-ovn-cni pod> -c cni-server` ' +
      'and ovs-ovn, make sure /run/openvswitch/kube-ovn-daemon.sock exists (ovs-ovn must be healthy first), then delete the failing ' +
      'kube-ovn-cni pod so the DaemonSet recreates it (cozystack#452).',
  };
}

/** The broken daemon is the cause of a broken-network cascade on its nodes. */
function daemonRootCause(input: RootCauseInput): RootCause | undefined {
  const cause = failingFinding(input.findings, KUBE_OVN_FINDINGS.daemon);
  if (!cause) return undefined;
  const socketMissing = cause.evidence.some(
    (e) =>
      (e.reason === 'FailedCreatePodSandBox' && (e.message ?? '').includes(KUBE_OVN_SOCKET)) ||
      e.reason === 'SocketMissing',
  );
  const head = socketMissing ? 'Kube-OVN daemon socket missing' : 'Kube-OVN CNI daemon down';
  return networkRootCause(input, cause, {
    id: 'kube-ovn-daemon',
    title: socketMissing ? `${head} (/run/openvswitch/${KUBE_OVN_SOCKET})` : head,
    // The chain speaks of the daemon, as operators say it; the title names the socket path.
    head: socketMissing ? 'Kube-OVN daemon missing' : head,
  });
}

export const kubeOvnCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'kube-ovn-cni, ovs-ovn and kube-ovn-pinger running and ready on every node; FailedCreatePodSandBox events naming kube-ovn-daemon.sock; optional exec probe of the socket.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'networking',
  needs: ['pods', 'nodes'],
  paramsSchema,
  rootCause: daemonRootCause,
  run,
});

// ---------------------------------------------------------------------------------------------------------
// --exec-probes: which pod of each node to exec the socket test in (src/cluster/exec-probe.ts sends it).

/**
 * The kube-ovn-cni pod to probe on each node (one per node: a running one first), and the nodes whose pod
 * cannot be probed at all (not running, no cni-server container) with the reason, so nothing is sent for them.
 * The pods are looked for where the check looks: its `namespace` param in the config.
 */
export function kubeOvnProbePlan(
  inventory: Inventory,
  config?: ChecksConfig,
): { targets: ProbeTarget[]; skipped: ProbeResults } {
  const { namespace } = paramsFromConfig(kubeOvnCheck, config);
  const byNode = new Map<string, PodFacts[]>();
  for (const pod of inventory.pods) {
    if (!isCniPod(pod, namespace) || !pod.node) continue;
    byNode.set(pod.node, [...(byNode.get(pod.node) ?? []), pod]);
  }
  const targets: ProbeTarget[] = [];
  const skipped: ProbeResults = {};
  for (const [node, pods] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
    const pod = [...pods].sort((a, b) => rank(a) - rank(b))[0]!;
    const ref = `${pod.namespace}/${pod.name}`;
    if (!pod.containers.some((c) => c.name === CNI_CONTAINER)) {
      skipped[node] = {
        present: null,
        reason: 'NoContainer',
        pod: ref,
        detail: `pod ${ref} has no ${CNI_CONTAINER} container; nothing to probe`,
      };
    } else if (pod.deletedAt) {
      skipped[node] = {
        present: null,
        reason: 'Terminating',
        pod: ref,
        detail: `pod ${ref} is being deleted (since ${pod.deletedAt}); nothing to exec into`,
      };
    } else if (pod.phase !== 'Running') {
      skipped[node] = {
        present: null,
        reason: 'NotRunning',
        pod: ref,
        detail: `pod ${ref} is ${pod.displayStatus || pod.phase}, not running; nothing to exec into`,
      };
    } else {
      targets.push({ node, namespace: pod.namespace, pod: pod.name, container: CNI_CONTAINER });
    }
  }
  return { targets, skipped };
}

function isCniPod(pod: PodFacts, namespace: string): boolean {
  if (pod.namespace !== namespace) return false;
  if (pod.owner) return pod.owner.kind === 'DaemonSet' && pod.owner.name === CNI_DAEMONSET;
  return new RegExp(`^${CNI_DAEMONSET}-[a-z0-9]{5}$`).test(pod.name);
}

/** Running pods before others, terminating ones last, so a rollout's leftover pod is not the one probed. */
function rank(pod: PodFacts): number {
  if (pod.deletedAt) return 3;
  const cni = pod.containers.find((c) => c.name === CNI_CONTAINER);
  if (pod.phase === 'Running' && cni?.state === 'running') return 0;
  return pod.phase === 'Running' ? 1 : 2;
}
