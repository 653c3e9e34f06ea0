// Version gap and upgrade path: turns the catalog's UpgradePlan (context.plan) into findings — the gap and
// the steps, breaking changes this cluster uses (a `blocker` one blocks), pending or rolled-back
// migrations, and a bundle upstream does not ship. Pure: the plan was computed by src/catalog.
import { z } from 'zod';
import type { CrossedBreakingChange, UpgradePlan } from '../catalog/types.js';
import { withV } from '../catalog/version.js';
import type { Inventory } from '../inventory/types.js';
import type { Evidence, Finding } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import { failOrWarn } from './util/common.js';

const ID = 'version-gap';
const TITLE = 'Version gap and upgrade path';

export const VERSION_GAP_FINDINGS = {
  /** The gap and the steps (or why no path was computed). */
  gap: ID,
  /** A breaking change this cluster uses, or may use. */
  breaking: (changeId: string) => `${ID}:breaking:${changeId}` as const,
  migrations: `${ID}:migrations`,
  bundle: `${ID}:bundle`,
} as const;

const paramsSchema = z
  .object({
    maxMinorGap: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe('Warn when the target is more than this many minor versions ahead (no limit by default).'),
  })
  .strict();

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

type Base = Omit<Finding, 'id' | 'title' | 'status' | 'severity' | 'blocking' | 'summary'>;

function base(): Base {
  return { check: ID, scope: 'platform', nodes: [], objects: [], evidence: [] };
}

/** `blocking`: an unknown the verdict depends on (INCOMPLETE), not merely a check with nothing to judge. */
function unknown(summary: string, reason: string, blocking: boolean): Finding {
  return {
    ...base(),
    id: VERSION_GAP_FINDINGS.gap,
    title: TITLE,
    status: 'unknown',
    severity: 'warning',
    blocking,
    summary,
    unknownReason: reason,
  };
}

function installedLabel(plan: UpgradePlan): string {
  return plan.installed.raw && plan.installed.commitsAfter > 0
    ? `${withV(plan.installed.version!)} (build ${plan.installed.commitsAfter} commits after it)`
    : withV(plan.installed.version ?? 'unknown');
}

function stepEvidence(plan: UpgradePlan): Evidence[] {
  return plan.steps.map((step, index) => {
    const used = step.breakingChanges.filter((c) => c.usage !== 'not used');
    const evidence: Evidence = {
      kind: 'release',
      name: withV(step.to),
      reason: `step ${index + 1}: ${withV(step.from)} → ${withV(step.to)}`,
      message: [
        step.migrations ? `migrations ${step.migrations.from}→${step.migrations.to}` : undefined,
        `${plural(step.breakingChanges.length, 'breaking change')} crossed${
          used.length > 0 ? ` (${used.map((c) => `${c.id}: ${c.usage}`).join(', ')})` : ''
        }`,
      ]
        .filter(Boolean)
        .join('; '),
    };
    return evidence;
  });
}

function gapFinding(plan: UpgradePlan, maxMinorGap: number | undefined): Finding {
  const gap = plan.minorGap ?? 0;
  const route = plan.steps.map((s) => withV(s.to)).join(' → ');
  const tooFar = maxMinorGap !== undefined && gap > maxMinorGap;
  const summary =
    plan.steps.length === 0
      ? `${installedLabel(plan)} is already at the target ${withV(plan.target!)}.`
      : `${installedLabel(plan)} → ${withV(plan.target!)}: ${plural(gap, 'minor version')}, ${plural(plan.steps.length, 'step')} (${route}).` +
        (tooFar ? ` More than the ${maxMinorGap} minor versions allowed by config.` : '');
  return {
    ...base(),
    id: VERSION_GAP_FINDINGS.gap,
    title: TITLE,
    status: tooFar ? 'warn' : 'pass',
    severity: tooFar ? 'warning' : 'info',
    blocking: false,
    summary,
    evidence: [
      {
        kind: 'deployment',
        name: plan.installed.detectedFrom ?? undefined,
        reason: `installed ${plan.installed.raw ?? plan.installed.version}`,
        message: plan.installed.notes.join('; ') || undefined,
        ageDays: plan.installedAgeDays ?? undefined,
      },
      ...stepEvidence(plan),
    ],
    counts: {
      minorGap: gap,
      steps: plan.steps.length,
      breakingChangesUsed: plan.breakingChanges.filter((c) => c.usage === 'used').length,
      breakingChangesCrossed: plan.breakingChanges.length,
    },
    remediation: tooFar ? 'Plan the upgrade line by line, or weigh a fresh install (Option C).' : undefined,
  };
}

function breakingFinding(change: CrossedBreakingChange): Finding | undefined {
  const blocker = change.severity === 'blocker';
  if (change.usage === 'not used' || change.severity === 'info') return undefined;
  if (change.usage === 'unknown' && !blocker) return undefined;
  const evidence: Evidence = {
    kind: 'breaking-change',
    name: change.id,
    reason: `${change.usage} (${change.affects})`,
    message: change.evidence,
  };
  const shared = {
    ...base(),
    id: VERSION_GAP_FINDINGS.breaking(change.id),
    title: `${change.title} (${withV(change.version)})`,
    evidence: [evidence],
    remediation: `${change.action} Source: ${change.source}.`,
  };
  if (change.usage === 'unknown') {
    return {
      ...shared,
      status: 'unknown',
      severity: 'critical',
      blocking: true,
      summary: `Cannot tell whether this cluster uses what ${withV(change.version)} breaks: ${change.evidence}.`,
      unknownReason: change.evidence,
    };
  }
  return {
    ...shared,
    ...failOrWarn(blocker),
    summary: `Used in this cluster, crossed on the way to ${withV(change.step)}: ${change.evidence}.`,
  };
}

function counterFinding(plan: UpgradePlan): Finding | undefined {
  const counter = plan.migrationCounter;
  if (counter.state !== 'pending' && counter.state !== 'ahead') return undefined;
  return {
    ...base(),
    id: VERSION_GAP_FINDINGS.migrations,
    title:
      counter.state === 'pending'
        ? 'Platform migrations pending or stuck'
        : 'Migration counter ahead of the installed release',
    status: 'warn',
    severity: 'warning',
    blocking: false,
    summary: `${counter.explanation}.`,
    objects: ['cozy-system/configmap/cozystack-version'],
    evidence: [
      {
        kind: 'configmap',
        namespace: 'cozy-system',
        name: 'cozystack-version',
        reason: `version=${counter.value}, expected ${counter.expected}`,
      },
    ],
    remediation:
      counter.state === 'pending'
        ? 'Read the installer (v0) or cozystack-migration-hook Job (v1) logs and let the pending migrations finish before upgrading.'
        : 'Find out which newer release was applied and rolled back; its migrations have already changed the cluster.',
  };
}

function bundleFinding(plan: UpgradePlan): Finding | undefined {
  if (plan.bundle.known !== false) return undefined;
  return {
    ...base(),
    id: VERSION_GAP_FINDINGS.bundle,
    title: 'Bundle not shipped by upstream CozyStack',
    status: 'warn',
    severity: 'warning',
    blocking: false,
    summary: `Bundle ${plan.bundle.name} is not an upstream bundle: this is a fork or custom build, and the upstream upgrade path is not guaranteed for it.`,
    objects: ['cozy-system/configmap/cozystack'],
    evidence: [
      {
        kind: 'configmap',
        namespace: 'cozy-system',
        name: 'cozystack',
        reason: `bundle-name=${plan.bundle.name}`,
      },
    ],
    remediation:
      'Compare the fork with upstream (bundle contents, migrations) before following the upstream path, or plan a fresh install.',
  };
}

function run(_inventory: Inventory, context: DefinedCheckContext<z.output<typeof paramsSchema>>): Finding[] {
  const plan = context.plan;
  if (!plan)
    return [
      unknown('No upgrade path was computed for this run.', 'no upgrade plan (no target given)', false),
    ];
  const findings: Finding[] = [];
  if (plan.unknownReason || plan.installed.version === null) {
    const reason = plan.unknownReason ?? 'the installed version could not be detected';
    findings.push(
      unknown(
        `The installed CozyStack version is unknown, so no path to ${withV(plan.target ?? '?')} was computed: ${reason}.`,
        reason,
        true,
      ),
    );
  } else {
    findings.push(gapFinding(plan, context.params.maxMinorGap));
    for (const change of plan.breakingChanges) {
      const finding = breakingFinding(change);
      if (finding) findings.push(finding);
    }
  }
  const counter = counterFinding(plan);
  if (counter) findings.push(counter);
  const bundle = bundleFinding(plan);
  if (bundle) findings.push(bundle);
  return findings;
}

export const versionGapCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'Installed CozyStack version vs the target: minor-version gap, the releases to apply, breaking changes this cluster uses, pending migrations and non-upstream bundles.',
  defaultSeverity: 'warning',
  blocking: true,
  role: 'path',
  needs: [],
  paramsSchema,
  run,
});
