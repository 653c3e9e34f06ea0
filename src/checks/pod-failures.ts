// The census of failing pods: how many, why, where and since when. Platform pods (cozy-*, kube-system,
// tenant-root) failing block an upgrade; a crash-looping tenant app does not. A pod that fails only because its
// node is down is the node's (node-health), and a Failed leftover its owner has replaced is history: one
// non-blocking warning to clean them up, never a failure.
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
  passFinding,
  plural,
  podEvidence,
  podRef,
  uniqueSorted,
} from './util/common.js';
import { type Leftover, NO_JUDGEMENT, type PodJudgement, podJudgement } from './util/node-and-owner.js';
import { isHealthy } from './util/pods.js';

const ID = 'pod-failures';
const TITLE = 'Pod failure census';

export const POD_FAILURES_FINDINGS = {
  platform: `${ID}:platform`,
  tenant: `${ID}:tenant`,
  /** Failed pods their owners replaced: a warning to clean up, never blocking. */
  stale: `${ID}:stale`,
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
  judgement: PodJudgement = NO_JUDGEMENT,
): string | undefined {
  if (isHealthy(pod) || pod.displayStatus === 'Completed') return undefined;
  // Failing only because its node is down (node-health reports it), or a leftover its owner replaced.
  if (judgement.explainedAway(pod)) return undefined;
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
        'one by one with `kubectl describe pod` and `kubectl logs --previous`.'
      : 'Tell the tenant owners; these pods do not block the platform upgrade but may fail again after it.',
  };
}

/** The reason a Failed pod shows: Evicted, OutOfcpu, Terminated (node shutdown), else its container's. */
function leftoverReason(pod: PodFacts): string {
  return pod.reason ?? (pod.displayStatus === 'Failed' ? 'Error' : pod.displayStatus);
}

function staleFinding(
  inventory: Inventory,
  stale: Array<{ pod: PodFacts; leftover: Leftover }>,
  maxEvidence: number,
): Finding {
  const byReason = countBy(stale, (s) => leftoverReason(s.pod));
  const platform = stale.some((s) => isPlatformNamespace(s.pod.namespace));
  const range = ageRange(stale.map((s) => ageDays(s.pod.failingSince, inventory.now)));
  const shown = stale.slice(0, maxEvidence);
  return {
    check: ID,
    id: POD_FAILURES_FINDINGS.stale,
    title: 'Stale failed pods to clean up',
    status: 'warn',
    severity: 'warning',
    blocking: false,
    scope: platform ? 'platform' : 'tenant',
    summary:
      `${plural(stale.length, 'stale failed pod')} to clean up (${formatCounts(byReason)})` +
      `${range ? `, ${daysRange(range)} old` : ''}: their owners have replaced them ` +
      `(${shown
        .slice(0, 5)
        .map((s) => `${s.leftover.owner}: ${s.leftover.why}`)
        .join('; ')}${stale.length > 5 ? '; …' : ''}). History, not a failure.`,
    nodes: uniqueSorted(stale.map((s) => s.pod.node)),
    objects: shown.map((s) => podRef(s.pod)),
    evidence: shown.map((s) =>
      podEvidence(s.pod, inventory.now, {
        reason: `${leftoverReason(s.pod)}, replaced`,
        message: `${s.leftover.owner}: ${s.leftover.why}${s.pod.message ? `; ${s.pod.message}` : ''}`,
      }),
    ),
    counts: { ...Object.fromEntries(byReason), total: stale.length },
    ...(range ? { ageDays: range } : {}),
    remediation:
      'Delete them once their reason is understood: `kubectl delete pod -A --field-selector=status.phase=Failed` ' +
      '(the owners already run their replacements).',
  };
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const graceMs = params.pendingGraceMinutes * 60_000;
  const failed: Failed[] = [];
  const stale: Array<{ pod: PodFacts; leftover: Leftover }> = [];
  const judgement = podJudgement(inventory);
  for (const pod of inventory.pods) {
    const leftover = judgement.leftover(pod);
    if (leftover) {
      stale.push({ pod, leftover });
      continue;
    }
    const reason = censusReason(pod, inventory.now, graceMs, judgement);
    if (reason) failed.push({ pod, reason });
  }
  stale.sort((a, b) => podRef(a.pod).localeCompare(podRef(b.pod)));
  failed.sort(
    (a, b) =>
      (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0) || podRef(a.pod).localeCompare(podRef(b.pod)),
  );
  const platform = failed.filter((f) => isPlatformNamespace(f.pod.namespace));
  const tenant = failed.filter((f) => !isPlatformNamespace(f.pod.namespace));
  const findings: Finding[] = [];
  if (platform.length > 0) findings.push(censusFinding(inventory, platform, 'platform', params.maxEvidence));
  if (tenant.length > 0) findings.push(censusFinding(inventory, tenant, 'tenant', params.maxEvidence));
  if (stale.length > 0) findings.push(staleFinding(inventory, stale, params.maxEvidence));
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
    'CrashLoopBackOff, ImagePullBackOff/ErrImagePull, OutOfcpu/OutOfmemory, Unknown, Error and stuck Pending/ContainerCreating/Init pods, grouped by reason, namespace and node; platform pods block, tenant pods warn. Pods failing only because their node is down belong to node-health; Failed pods their owners replaced are one warning to clean up.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'workload',
  needs: ['pods'],
  paramsSchema: paramsSchema,
  run,
});
