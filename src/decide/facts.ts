// What the decision reads from findings and root causes, in one place so the verdict, the option scores and
// the reasons all agree on what "blocking", "warning" and "unknown" mean.
import type { Finding, RootCause } from '../model/finding.js';

/** Checks about the upgrade path itself: the path rows of the model price them (steps, breaking changes, migrations). */
const PATH_CHECKS = new Set(['version-gap']);
export const isPathFinding = (finding: Finding): boolean => PATH_CHECKS.has(finding.check);

export type RootCauseKind = 'networking' | 'node' | 'other';

/** Checks whose failure means the pod network is broken: nothing new can start until it is repaired. */
const NETWORKING_CHECKS = new Set(['kube-ovn', 'cni-agent']);
const NODE_CHECKS = new Set(['node-health']);

export const isNetworkingFinding = (finding: Finding): boolean =>
  NETWORKING_CHECKS.has(finding.check) || NODE_CHECKS.has(finding.check);

/** Platform failures a broken pod network causes (pods cannot start, pull, or serve): its likely effects. */
const DOWNSTREAM_OF_NETWORK = new Set([
  'pod-failures',
  'image-pull-cause',
  'helmreleases',
  'workload-availability',
  'webhooks-apiservices',
]);
export const isDownstreamOfNetwork = (finding: Finding): boolean => DOWNSTREAM_OF_NETWORK.has(finding.check);

export function checkOfFindingId(id: string, findings: readonly Finding[]): string {
  return findings.find((f) => f.id === id)?.check ?? id.split(':')[0] ?? id;
}

export function rootCauseKind(rootCause: RootCause, findings: readonly Finding[]): RootCauseKind {
  const check = checkOfFindingId(rootCause.finding, findings);
  if (NETWORKING_CHECKS.has(check)) return 'networking';
  if (NODE_CHECKS.has(check)) return 'node';
  return 'other';
}

/** Objects downstream of a root cause: distinct named objects, or the largest effect count when fewer are named. */
export function affectedObjectCount(rootCause: RootCause): number {
  const named = new Set(rootCause.effects.flatMap((effect) => effect.objects));
  const counted = Math.max(0, ...rootCause.effects.map((effect) => effect.count));
  return Math.max(named.size, counted);
}

/** Ages (days) of the evidence of these findings, else the findings' own age ranges. */
export function failureAges(findings: readonly Finding[]): number[] {
  const ages: number[] = [];
  for (const finding of findings) {
    const evidenceAges = finding.evidence.flatMap((e) => (e.ageDays === undefined ? [] : [e.ageDays]));
    if (evidenceAges.length > 0) ages.push(...evidenceAges);
    else if (finding.ageDays) ages.push(finding.ageDays.min, finding.ageDays.max);
  }
  return ages;
}

/** Restarts summed over distinct pods (the same pod quoted by two checks counts once, at its highest count). */
export function distinctPodRestarts(findings: readonly Finding[]): { restarts: number; pods: number } {
  const byPod = new Map<string, number>();
  for (const finding of findings) {
    for (const e of finding.evidence) {
      if (e.kind !== 'pod' || e.restarts === undefined || !e.name) continue;
      const key = `${e.namespace ?? ''}/${e.name}`;
      byPod.set(key, Math.max(byPod.get(key) ?? 0, e.restarts));
    }
  }
  let restarts = 0;
  for (const value of byPod.values()) restarts += value;
  return { restarts, pods: byPod.size };
}
