// The census of failing pods: how many, why, where and since when. Platform pods (cozy-*, kube-system,
// tenant-root) failing block an upgrade; a crash-looping tenant app does not.
import { z } from 'zod';
import type { Inventory, PodFacts } from '../inventory/types.js';
import type { Finding } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import {
  ageDays,
  ageMs,
  ageRange,
  countBy,
  daysRange,
  failOrWarn,
  formatCounts,
  isPlatformNamespace,
  isStaleOnLostNode,
  notReadyNodes,
  passFinding,
  plural,
  podEvidence,
  podRef,
  uniqueSorted,
} from './util/common.js';
import { isHealthy } from './util/pods.js';

const ID = 'pod-failures';
const TITLE = 'Pod failure census';

export const POD_FAILURES_FINDINGS = {
  platform: `${ID}:platform`,
  tenant: `${ID}:tenant`,
} as const;

const paramsSchema = z
  .object({
    pendingGraceMinutes: z
      .number()
      .nonnegative()
      .default(15)
      .describe(
        'Pending, ContainerCreating, Init:n/m, NotReady or Terminating pods count as stuck after this long.',
      ),
    maxEvidence: z
      .number()
      .int()
      .positive()
      .default(200)
      .describe('At most this many pods are listed as evidence per finding.'),
  })
  .strict();

/** States that are failures at once; anything else unhealthy is a failure only once it is stuck. */
const IMMEDIATE: Record<string, string> = {
  CrashLoopBackOff: 'CrashLoopBackOff',
  ImagePullBackOff: 'ImagePullBackOff',
  ErrImagePull: 'ErrImagePull',
  ErrImageNeverPull: 'ErrImagePull',
  InvalidImageName: 'InvalidImageName',
  CreateContainerConfigError: 'CreateContainerConfigError',
  CreateContainerError: 'CreateContainerError',
  RunContainerError: 'RunContainerError',
  Unknown: 'Unknown',
  Error: 'Error',
  ContainerStatusUnknown: 'Error',
  Evicted: 'Evicted',
  OOMKilled: 'OOMKilled',
};

/**
 * The census reason of a pod, or undefined when it is not (yet) a failure. `Init:CrashLoopBackOff` counts as
 * CrashLoopBackOff, `ExitCode:1` as Error, and the kubelet rejections (OutOfcpu, OutOfmemory, ...) as themselves.
 */
export function censusReason(
  pod: PodFacts,
  now: string,
  graceMs: number,
  lostNodes: ReadonlySet<string> = new Set(),
): string | undefined {
  if (isHealthy(pod) || pod.displayStatus === 'Completed') return undefined;
  // A Running pod on a node that stopped reporting is stale, not failing by itself: node-health reports it.
  if (pod.displayStatus === 'Running' && isStaleOnLostNode(pod, lostNodes)) return undefined;
  const status = pod.displayStatus.startsWith('Init:') ? pod.displayStatus.slice(5) : pod.displayStatus;
  const immediate = IMMEDIATE[status];
  if (immediate) return immediate;
  if (/^OutOf/.test(status) || /^(ExitCode|Signal):/.test(status))
    return /^OutOf/.test(status) ? status : 'Error';
  if (pod.phase === 'Failed') return pod.reason ?? 'Error';
  const stuck = ageMs(pod.failingSince ?? pod.createdAt, now) >= graceMs;
  if (!stuck) return undefined;
  if (/^\d+\/\d+$/.test(status)) return pod.displayStatus;
  return status === 'Running' ? 'NotReady' : status;
}

interface Failed {
  pod: PodFacts;
  reason: string;
}

function censusFinding(
  inventory: Inventory,
  failed: Failed[],
  scope: 'platform' | 'tenant',
  maxEvidence: number,
): Finding {
  const byReason = countBy(failed, (f) => f.reason);
  const byNamespace = countBy(failed, (f) => f.pod.namespace);
  const byNode = countBy(failed, (f) => f.pod.node ?? '(unscheduled)');
  const counts: Record<string, number> = Object.fromEntries(byReason);
  counts.total = failed.length;
  const range = ageRange(failed.map((f) => ageDays(f.pod.failingSince, inventory.now)));
  const platform = scope === 'platform';
  const ages = range ? `, failing for ${daysRange(range)}` : '';
  const shown = failed.slice(0, maxEvidence);
  return {
    check: ID,
    id: POD_FAILURES_FINDINGS[scope],
    title: platform ? 'Platform pods failing' : 'Tenant pods failing',
    ...failOrWarn(platform),
    scope,
    summary:
      `${plural(failed.length, `${scope} pod`)} failing${ages}: ${formatCounts(byReason, 10)}. ` +
      `By namespace: ${formatCounts(byNamespace)}. By node: ${formatCounts(byNode)}.` +
      (platform ? '' : ' Tenant workloads do not block a platform upgrade.'),
    nodes: uniqueSorted(failed.map((f) => f.pod.node)),
    objects: shown.map((f) => podRef(f.pod)),
    evidence: shown.map((f) =>
      podEvidence(f.pod, inventory.now, {
        reason: f.reason === f.pod.displayStatus ? f.reason : `${f.reason} (${f.pod.displayStatus})`,
      }),
    ),
    counts,
    ...(range ? { ageDays: range } : {}),
    remediation: platform
      ? 'Fix the root causes first (see the root-cause section: one broken node network explains many of these), then the rest ' +
        'one by one with `kubectl describe pod` and `kubectl logs --previous`. Delete Failed leftovers (OutOfcpu, Evicted) once understood.'
      : 'Tell the tenant owners; these pods do not block the platform upgrade but may fail again after it.',
  };
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const graceMs = params.pendingGraceMinutes * 60_000;
  const failed: Failed[] = [];
  const lost = notReadyNodes(inventory);
  for (const pod of inventory.pods) {
    const reason = censusReason(pod, inventory.now, graceMs, lost);
    if (reason) failed.push({ pod, reason });
  }
  failed.sort(
    (a, b) =>
      (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0) || podRef(a.pod).localeCompare(podRef(b.pod)),
  );
  const platform = failed.filter((f) => isPlatformNamespace(f.pod.namespace));
  const tenant = failed.filter((f) => !isPlatformNamespace(f.pod.namespace));
  const findings: Finding[] = [];
  if (platform.length > 0) findings.push(censusFinding(inventory, platform, 'platform', params.maxEvidence));
  if (tenant.length > 0) findings.push(censusFinding(inventory, tenant, 'tenant', params.maxEvidence));
  if (findings.length === 0) {
    findings.push(
      passFinding(
        { check: ID, title: TITLE, severity: 'info', blocking: false },
        `None of the ${plural(inventory.pods.length, 'pod')} is failing or stuck.`,
      ),
    );
  }
  return findings;
}

export const podFailuresCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'CrashLoopBackOff, ImagePullBackOff/ErrImagePull, OutOfcpu/OutOfmemory, Unknown, Error and stuck Pending/ContainerCreating/Init pods, grouped by reason, namespace and node; platform pods block, tenant pods warn.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'workload',
  needs: ['pods'],
  paramsSchema: paramsSchema,
  run,
});
