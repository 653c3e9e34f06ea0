// DaemonSets and Deployments below their desired count. In platform namespaces these are CozyStack
// components down; an upgrade waits for them and fails when they never become ready.
import { z } from 'zod';
import type { Inventory, WorkloadFacts } from '../inventory/types.js';
import type { Evidence, Finding } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import {
  failOrWarn,
  isPlatformNamespace,
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

/** Workloads with fewer ready replicas than desired. */
export function unavailableWorkloads(
  inventory: Inventory,
  kinds: readonly string[] = ['Deployment', 'DaemonSet', 'StatefulSet'],
): WorkloadFacts[] {
  return inventory.workloads.filter((w) => kinds.includes(w.kind) && w.desired > 0 && w.ready < w.desired);
}

function workloadEvidence(inventory: Inventory, w: WorkloadFacts): Evidence {
  const failing = podsOf(inventory, w.namespace, w.name, w.kind).filter((p) => !isHealthy(p));
  const detail = failing
    .slice(0, 5)
    .map((p) => `${p.name} ${statusPhrase(p)}${p.node ? ` on ${p.node}` : ''}`)
    .join(', ');
  const evidence: Evidence = {
    kind: w.kind.toLowerCase(),
    namespace: w.namespace,
    name: w.name,
    reason: `${w.ready}/${w.desired} ready`,
    count: w.desired - w.ready,
  };
  if (detail) evidence.message = detail;
  return evidence;
}

function finding(
  inventory: Inventory,
  workloads: WorkloadFacts[],
  scope: 'platform' | 'tenant',
  max: number,
): Finding {
  const platform = scope === 'platform';
  const evidence = workloads.slice(0, max).map((w) => workloadEvidence(inventory, w));
  const nodes = uniqueSorted(
    workloads.flatMap((w) =>
      podsOf(inventory, w.namespace, w.name, w.kind)
        .filter((p) => !isHealthy(p))
        .map((p) => p.node),
    ),
  );
  const missing = workloads.reduce((sum, w) => sum + (w.desired - w.ready), 0);
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
      `${workloads
        .slice(0, 10)
        .map((w) => `${w.namespace}/${w.name} ${w.ready}/${w.desired}`)
        .join(', ')}${workloads.length > 10 ? ', …' : ''}.`,
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
    workloadRef(a).localeCompare(workloadRef(b)),
  );
  const platform = down.filter((w) => isPlatformNamespace(w.namespace));
  const tenant = down.filter((w) => !isPlatformNamespace(w.namespace));
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
