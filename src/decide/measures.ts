// Numbers the decision reads off findings and root causes, so the verdict's reasons and the option scores
// count objects, ages and restarts the same way.
import type { Finding, RootCause } from '../model/finding.js';

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
