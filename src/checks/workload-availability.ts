// DaemonSets and Deployments below their desired count: by their status, or by their pods when the pods
// captured with them show fewer ready than the status claims (the evidence, not the summary). In platform
// namespaces these are CozyStack components down; an upgrade waits for them and fails when they never become
// ready.
import { z } from 'zod';
import type { Inventory, WorkloadFacts } from '../inventory/types.js';
import type { Evidence, Finding } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import {
  failOrWarn,
  isPlatformNamespace,
  listed,
  objectRef,
  passFinding,
  plural,
  statusPhrase,
  uniqueSorted,
} from './util/common.js';
import { isHealthy, podsOf } from './util/pods.js';

const ID = 'workload-availability';
const TITLE = 'Workload availability';

export const WORKLOAD_AVAILABILITY_FINDINGS = {
  platform: `${ID}:platform`,
  tenant: `${ID}:tenant`,
} as const;

const paramsSchema = z
  .object({
    kinds: z
      .array(z.enum(['Deployment', 'DaemonSet', 'StatefulSet']))
      .default(['Deployment', 'DaemonSet', 'StatefulSet'])
      .describe('Workload kinds checked.'),
    maxEvidence: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe('At most this many workloads listed per finding.'),
  })
  .strict();

export function workloadRef(w: Pick<WorkloadFacts, 'kind' | 'namespace' | 'name'>): string {
  return objectRef(w.kind.toLowerCase(), w.name, w.namespace);
}

/**
 * A workload's ready count as the evidence says it: its status, unless the pods listed in the same capture show
 * fewer ready (the status lags: a pod deleted since, a controller that stopped reconciling). Deployments are
 * recounted only when their ReplicaSets were read too (their pods are found through them), and any workload
 * only when the capture holds pods of its namespace.
 */
interface Counted {
  workload: WorkloadFacts;
  ready: number;
  /** Why the count is lower than the status says, with the nodes that lack a pod. */
  contradiction?: string;
}

function counted(inventory: Inventory, w: WorkloadFacts, captured: ReadonlySet<string>): Counted {
  // The pods are evidence only where the capture has pods at all: a namespace with none may not have been
  // captured (`kubectl get pods -n …`), and then the status is all there is.
  const podsRead =
    captured.has(w.namespace) && (w.kind !== 'Deployment' || listed(inventory, 'replicasets.apps'));
  if (!podsRead) return { workload: w, ready: w.ready };
  const pods = podsOf(inventory, w.namespace, w.name, w.kind);
  const ready = pods.filter(isHealthy).length;
  if (ready >= w.ready) return { workload: w, ready: w.ready };
  let missing = '';
  if (w.kind === 'DaemonSet') {
    const hosting = new Set(pods.map((p) => p.node));
    const without = inventory.nodes.filter(
      (n) => n.ready === 'True' && !n.unschedulable && !hosting.has(n.name),
    );
    // Name the nodes only when they account for exactly the pods missing (a nodeSelector would make it a guess).
    if (without.length > 0 && pods.length + without.length === w.desired) {
      missing = `; no pod on ${without.map((n) => n.name).join(', ')}`;
    }
  }
  return {
    workload: w,
    ready,
    contradiction: `its status says ${w.ready}/${w.desired} ready, but the captured pods show ${ready} ready${missing}`,
  };
}

/** Workloads with fewer ready replicas than desired, by their status or by their captured pods. */
export function unavailableWorkloads(
  inventory: Inventory,
  kinds: readonly string[] = ['Deployment', 'DaemonSet', 'StatefulSet'],
): Counted[] {
  const captured = new Set(listed(inventory, 'pods') ? inventory.pods.map((p) => p.namespace) : []);
  return inventory.workloads
    .filter((w) => kinds.includes(w.kind) && w.desired > 0)
    .map((w) => counted(inventory, w, captured))
    .filter((c) => c.ready < c.workload.desired);
}

function workloadEvidence(inventory: Inventory, { workload: w, ready, contradiction }: Counted): Evidence {
  const failing = podsOf(inventory, w.namespace, w.name, w.kind).filter((p) => !isHealthy(p));
  const detail = failing
    .slice(0, 5)
    .map((p) => `${p.name} ${statusPhrase(p)}${p.node ? ` on ${p.node}` : ''}`)
    .join(', ');
  const evidence: Evidence = {
    kind: w.kind.toLowerCase(),
    namespace: w.namespace,
    name: w.name,
    reason: `${ready}/${w.desired} ready`,
    count: w.desired - ready,
  };
  const message = [contradiction, detail].filter(Boolean).join('; ');
  if (message) evidence.message = message;
  return evidence;
}

function finding(inventory: Inventory, down: Counted[], scope: 'platform' | 'tenant', max: number): Finding {
  const platform = scope === 'platform';
  const workloads = down.map((c) => c.workload);
  const evidence = down.slice(0, max).map((c) => workloadEvidence(inventory, c));
  const nodes = uniqueSorted(
    workloads.flatMap((w) =>
      podsOf(inventory, w.namespace, w.name, w.kind)
        .filter((p) => !isHealthy(p))
        .map((p) => p.node),
    ),
  );
  const missing = down.reduce((sum, c) => sum + (c.workload.desired - c.ready), 0);
  const contradicted = down.filter((c) => c.contradiction);
  return {
    check: ID,
    id: WORKLOAD_AVAILABILITY_FINDINGS[scope],
    title: platform
      ? 'Platform components below desired replicas'
      : 'Tenant workloads below desired replicas',
    ...failOrWarn(platform),
    scope,
    summary:
      `${plural(workloads.length, `${scope} workload`)} below desired (${plural(missing, 'replica')} missing): ` +
      `${down
        .slice(0, 10)
        .map((c) => `${c.workload.namespace}/${c.workload.name} ${c.ready}/${c.workload.desired}`)
        .join(', ')}${down.length > 10 ? ', …' : ''}.` +
      contradicted
        .map((c) => ` ${c.workload.kind} ${c.workload.namespace}/${c.workload.name}: ${c.contradiction}.`)
        .join(''),
    nodes,
    objects: workloads.slice(0, max).map(workloadRef),
    evidence,
    counts: {
      workloads: workloads.length,
      missingReplicas: missing,
      ...Object.fromEntries(
        ['Deployment', 'DaemonSet', 'StatefulSet'].map((k) => [
          k,
          workloads.filter((w) => w.kind === k).length,
        ]),
      ),
    },
    remediation: platform
      ? 'An upgrade rolls these components and waits for them to become ready: bring them up first (their failing pods are named in the evidence).'
      : 'Tenant workloads do not block the platform upgrade.',
  };
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const down = unavailableWorkloads(inventory, params.kinds).sort((a, b) =>
    workloadRef(a.workload).localeCompare(workloadRef(b.workload)),
  );
  const platform = down.filter((c) => isPlatformNamespace(c.workload.namespace));
  const tenant = down.filter((c) => !isPlatformNamespace(c.workload.namespace));
  const findings: Finding[] = [];
  if (platform.length > 0) findings.push(finding(inventory, platform, 'platform', params.maxEvidence));
  if (tenant.length > 0) findings.push(finding(inventory, tenant, 'tenant', params.maxEvidence));
  if (findings.length === 0) {
    const total = inventory.workloads.filter((w) => params.kinds.includes(w.kind)).length;
    findings.push(
      passFinding(
        { check: ID, title: TITLE, severity: 'info', blocking: false },
        `All ${plural(total, 'workload')} have their desired replicas ready.`,
      ),
    );
  }
  return findings;
}

export const workloadAvailabilityCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'DaemonSets, Deployments and StatefulSets below their desired ready count; platform (cozy-*, kube-system, tenant-root) blocks, tenant warns.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'workload',
  needs: ['deployments.apps', 'daemonsets.apps'],
  paramsSchema,
  run,
});
