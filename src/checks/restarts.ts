// Restart history: which pods restart a lot, how often per day, and which failures are old. A failure
// older than the threshold is long-term degradation (the reference report's "52–203 days old").
import { z } from 'zod';
import type { Inventory, PodFacts } from '../inventory/types.js';
import { censusReason } from './pod-failures.js';
import { podJudgement } from './util/node-and-owner.js';
import type { Evidence, Finding } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import {
  ageDays,
  ageRange,
  daysRange,
  isPlatformNamespace,
  passFinding,
  plural,
  podEvidence,
  podRef,
  uniqueSorted,
} from './util/common.js';

const ID = 'restarts';
const TITLE = 'Restart history';

export const RESTARTS_FINDINGS = {
  longTerm: { platform: `${ID}:long-term:platform`, tenant: `${ID}:long-term:tenant` },
  frequent: { platform: `${ID}:frequent:platform`, tenant: `${ID}:frequent:tenant` },
} as const;

const paramsSchema = z
  .object({
    longTermDays: z
      .number()
      .nonnegative()
      .default(30)
      .describe('A pod failing for at least this many days is long-term degradation.'),
    minRestarts: z
      .number()
      .int()
      .nonnegative()
      .default(50)
      .describe('Restart count from which a pod is listed as restarting often.'),
    minRestartsPerDay: z
      .number()
      .nonnegative()
      .default(5)
      .describe('...and only when it restarts at least this often per day of its life.'),
    maxEvidence: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe('At most this many pods listed per finding.'),
  })
  .strict();

/** Restarts per day of the pod's life (a pod younger than a day counts as one day old). */
export function restartsPerDay(pod: PodFacts, now: string): number {
  const days = Math.max(1, ageDays(pod.createdAt, now) ?? 1);
  return Math.round((pod.restarts / days) * 10) / 10;
}

function evidenceOf(pod: PodFacts, now: string): Evidence {
  const perDay = restartsPerDay(pod, now);
  const days = ageDays(pod.createdAt, now);
  const life = days !== undefined ? ` over ${plural(days, 'day')} (${perDay}/day)` : '';
  return podEvidence(pod, now, { message: `${plural(pod.restarts, 'restart')}${life}` });
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const now = inventory.now;
  const base = { check: ID, title: TITLE, severity: 'warning' as const, blocking: false };
  const findings: Finding[] = [];
  const judgement = podJudgement(inventory);
  const longTerm = inventory.pods.filter((p) => {
    const age = ageDays(p.failingSince, now);
    return (
      censusReason(p, now, 0, judgement) !== undefined && age !== undefined && age >= params.longTermDays
    );
  });
  const frequent = inventory.pods.filter(
    (p) => p.restarts >= params.minRestarts && restartsPerDay(p, now) >= params.minRestartsPerDay,
  );
  for (const scope of ['platform', 'tenant'] as const) {
    const inScope = (p: PodFacts) => isPlatformNamespace(p.namespace) === (scope === 'platform');
    const old = longTerm
      .filter(inScope)
      .sort((a, b) => (ageDays(b.failingSince, now) ?? 0) - (ageDays(a.failingSince, now) ?? 0));
    if (old.length > 0) {
      const range = ageRange(old.map((p) => ageDays(p.failingSince, now)))!;
      const restarts = old.reduce((sum, p) => sum + p.restarts, 0);
      findings.push({
        ...base,
        id: RESTARTS_FINDINGS.longTerm[scope],
        title: `Long-term degradation (${scope})`,
        status: 'warn',
        scope,
        summary:
          `${plural(old.length, `${scope} pod`)} ${old.length === 1 ? 'has' : 'have'} been failing for ${daysRange(range)} ` +
          `(threshold ${params.longTermDays}), with ${plural(restarts, 'restart')} between them: failures nobody recovered from.`,
        nodes: uniqueSorted(old.map((p) => p.node)),
        objects: old.slice(0, params.maxEvidence).map(podRef),
        evidence: old.slice(0, params.maxEvidence).map((p) => podEvidence(p, now)),
        counts: { pods: old.length, restarts },
        ageDays: range,
        remediation:
          'Failures this old will not heal by themselves and an upgrade will not fix them; find their root cause before upgrading, ' +
          'or plan a fresh install if it cannot be found.',
      });
    }
    const often = frequent.filter(inScope).sort((a, b) => b.restarts - a.restarts);
    if (often.length > 0) {
      const restarts = often.reduce((sum, p) => sum + p.restarts, 0);
      const top = often
        .slice(0, 5)
        .map((p) => `${p.namespace}/${p.name} ${p.restarts} (${restartsPerDay(p, now)}/day)`)
        .join(', ');
      findings.push({
        ...base,
        id: RESTARTS_FINDINGS.frequent[scope],
        title: `Pods restarting often (${scope})`,
        status: 'warn',
        scope,
        summary: `${plural(often.length, `${scope} pod`)} restart often, ${plural(restarts, 'restart')} in total: ${top}.`,
        nodes: uniqueSorted(often.map((p) => p.node)),
        objects: often.slice(0, params.maxEvidence).map(podRef),
        evidence: often.slice(0, params.maxEvidence).map((p) => evidenceOf(p, now)),
        counts: { pods: often.length, restarts },
        remediation:
          'Read `kubectl logs --previous` of the top restarters; frequent restarts hide crashes that an upgrade would repeat.',
      });
    }
  }
  if (findings.length === 0) {
    findings.push(
      passFinding(
        base,
        `No pod has failed for ${params.longTermDays}+ days or restarts more than ${params.minRestartsPerDay} times a day.`,
      ),
    );
  }
  return findings;
}

export const restartsCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'Restart counts and restarts per day; failures older than a threshold reported as long-term degradation with their age range.',
  defaultSeverity: 'warning',
  blocking: false,
  role: 'standalone',
  needs: ['pods'],
  paramsSchema,
  run,
});
