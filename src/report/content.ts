// What the go/no-go report says, independent of how it is laid out: the wording of the verdict, the plan, the
// reasons and the evidence picked for each section. The Markdown and the HTML report both lay out these
// values, so the two formats can never say different things. Every number comes from the assessment. Pure.
//
// Sentences written here may quote a command or a path between backticks; each renderer shows those spans as
// code (see `codeSpans`). Cluster text is never put between backticks by this module except paths and names.
import type { Assessment, BreakingChangeUse, Factor, OptionScore, Verdict } from '../model/assessment.js';
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import {
  blockingFindings,
  blockingRootCauses,
  explainedFindingIds,
  tenantFailures,
  unknownBlockingFindings,
  warningFindings,
} from '../model/policy.js';
import { formatRange, strategyText, titleWithNodes } from '../model/text.js';

export const STATUS: Record<Verdict, { mark: string; label: string }> = {
  GO: { mark: '✅', label: 'GO: UPGRADE IN PLACE' },
  'NO-GO': { mark: '⛔', label: 'NO-GO: CRITICAL ISSUES PREVENT UPGRADE' },
  INCOMPLETE: { mark: '⚠️', label: 'INCOMPLETE: DATA MISSING, NO DECISION' },
};

export const versionText = (version: string | null) =>
  version === null ? 'unknown' : `v${version.replace(/^v/, '')}`;
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
export const hoursText = (o: Pick<Factor, 'hoursMin' | 'hoursMax'>) =>
  `${formatRange(o.hoursMin, o.hoursMax)} h`;
export const successText = (o: Pick<OptionScore, 'successMin' | 'successMax'>) =>
  `${formatRange(o.successMin, o.successMax)} %`;
export const baseSuccessText = (o: OptionScore) => `${formatRange(o.baseSuccessMin, o.baseSuccessMax)} %`;
/** A change of success in percentage points. */
export const pointsText = (delta: number) =>
  delta === 0 ? '0' : delta > 0 ? `+${delta} pp` : `−${-delta} pp`;
export const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Splits a sentence of this module into plain text and `code` spans (odd indexes are code). */
export function codeSpans(text: string): string[] {
  return text.split('`');
}

export function optionLabel(a: Assessment, key: 'A' | 'C'): string {
  return `Option ${key} (${a.options[key].name})`;
}

/** Where the cluster was read from, as the header names it. */
export function clusterName(a: Assessment): string {
  return a.cluster.context ?? a.cluster.server ?? a.cluster.snapshot ?? 'cluster';
}

export function recommendationLine(a: Assessment): string {
  if (a.verdict === 'INCOMPLETE') return 'NO DECISION YET: GET THE MISSING DATA, THEN RE-RUN';
  if (a.verdict === 'GO') return 'PROCEED WITH OPTION A (INCREMENTAL IN-PLACE UPGRADE)';
  if (a.recommendation === 'C')
    return 'STOP THE IN-PLACE UPGRADE; PROCEED WITH OPTION C (FRESH INSTALL, THEN MIGRATE)';
  return 'REPAIR FIRST, THEN UPGRADE IN PLACE (OPTION A)';
}

/** "Upgrading the cluster in place (v0.28.0 → v0.37.2) is ___ because:"; `strong` marks a NO-GO's words. */
export function summaryLead(a: Assessment): { route: string; is: string; verb: string; strong: boolean } {
  const route = `${versionText(a.version.installed)} → ${versionText(a.version.target)}`;
  if (a.verdict === 'GO') return { route, is: 'is ', verb: 'ADVISABLE', strong: false };
  if (a.verdict === 'NO-GO') return { route, is: 'is ', verb: 'NOT ADVISABLE', strong: true };
  return { route, is: '', verb: 'cannot be judged yet', strong: false };
}

/** The facts of the "Version gap and path" section, label and value. */
export function versionFacts(a: Assessment): Array<[string, string]> {
  const ver = a.version;
  const age = ver.installedAgeDays != null ? ` (${ver.installedAgeDays} days old)` : '';
  const facts: Array<[string, string]> = [
    [
      'Current',
      `${ver.installedRaw ?? versionText(ver.installed)}${age}${ver.detectedFrom ? `, read from ${ver.detectedFrom}` : ''}`,
    ],
    ['Target', versionText(ver.target)],
    ['Gap', ver.minorGap === null ? 'unknown' : plural(ver.minorGap, 'minor version')],
    ['Path', pathText(a)],
  ];
  if (ver.bundle) facts.push(['Bundle', ver.bundle]);
  const kubernetes = a.cluster.kubernetesVersion;
  if (kubernetes) {
    // An inferred version says so, with its evidence: a snapshot without `kubectl version` output.
    const inferred = a.cluster.kubernetesVersionInferred;
    facts.push(['Kubernetes', inferred ? `${kubernetes} (${inferred})` : kubernetes]);
  }
  if (ver.migrationCounter !== null) {
    const expected =
      ver.migrationCounterExpected != null
        ? ` (the installed release expects ${ver.migrationCounterExpected})`
        : '';
    facts.push(['Migration counter (`cozystack-version`)', `${ver.migrationCounter}${expected}`]);
  }
  if (ver.unknownReason) facts.push(['No path', ver.unknownReason]);
  return facts;
}

/**
 * "7 incremental steps required (strategy conservative (…); shortest: 1 step)": the steps, the strategy they
 * follow and what the other would take. A document from before strategies says the steps only.
 */
function pathText(a: Assessment): string {
  const ver = a.version;
  const steps = `${plural(ver.steps.length, 'incremental step')}${ver.steps.length > 0 ? ' required' : ''}`;
  if (!ver.strategy || ver.unknownReason) return steps;
  return `${steps} (${strategyText(ver.strategy, ver.stepCounts)})`;
}

/** How the action plan names the upgrade: one line at a time, or the fewest steps upstream supports. */
function upgradeLead(a: Assessment): string {
  return a.version.strategy === 'shortest'
    ? 'Upgrade in the fewest steps upstream supports'
    : 'Upgrade one release line at a time';
}

/** One row per step: step, migrations, breaking changes crossed, notes. */
export function stepRows(a: Assessment): string[][] {
  return a.version.steps.map((step) => [
    `${versionText(step.from)} → ${versionText(step.to)}`,
    step.migrations ? `${step.migrations.from} → ${step.migrations.to}` : '-',
    step.breakingChanges.map((c) => `${c.title} (${c.usage})`).join('; ') || '-',
    step.notes.join('; ') || '-',
  ]);
}

export const USAGE_MARK: Record<BreakingChangeUse['usage'], string> = {
  used: '⚠️ USED',
  'not used': '✅ not used',
  unknown: '❓ unknown',
};

/** Breaking changes grouped by usage, most urgent first; empty groups left out. */
export function breakingGroups(
  a: Assessment,
): Array<{ usage: BreakingChangeUse['usage']; heading: string; changes: BreakingChangeUse[] }> {
  return (['used', 'unknown', 'not used'] as const)
    .map((usage) => ({
      usage,
      heading: `${capital(usage)} in this cluster`,
      changes: a.breakingChanges.filter((c) => c.usage === usage),
    }))
    .filter((group) => group.changes.length > 0);
}

export function breakingAction(c: BreakingChangeUse): string {
  return c.usage === 'not used' ? 'no impact' : (c.action ?? 'see the release notes');
}

export function noBreakingChangeText(a: Assessment): string {
  return a.version.steps.length > 0
    ? 'The path crosses no known breaking change.'
    : 'No path, so no breaking change to judge.';
}

export const NO_BACKUP_TEXT =
  'No backup was taken by this run (`--no-backup`). Take one (`cozy-assess backup`) before changing anything.';

/** The facts listed under the backup table. */
export function backupFacts(backup: NonNullable<Assessment['backup']>): string[] {
  return [
    `Files: ${backup.totals.files}`,
    `Checksums verified: ${backup.verified ? '✅ yes (every file re-read and matched its checksum)' : '❌ NO: do not rely on this backup'}`,
    `Complete: ${backup.complete ? 'yes' : 'no (partial backup accepted with --allow-partial)'}`,
    `Secrets: ${backup.secrets}`,
    ...backup.skipped.map((s) => `Skipped ${s.type}: ${s.reason}`),
  ];
}

export function evidenceText(e: Evidence): string {
  const name = [e.namespace, e.name].filter(Boolean).join('/') || e.kind;
  const facts: string[] = [];
  if (e.restarts !== undefined) facts.push(`${e.restarts} restarts`);
  if (e.ageDays !== undefined) facts.push(`${e.ageDays} days`);
  if (e.count !== undefined) facts.push(`count ${e.count}`);
  return `${name}: ${e.reason ?? 'failing'}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
}

/**
 * Pods on one node quoted by the root cause's own finding and by the findings that name this node (the
 * node-level components: CNI, OVS, agents), each pod once. Pods failing downstream are in "Failed components".
 */
export function nodeEvidence(
  node: string,
  cause: Finding | undefined,
  findings: readonly Finding[],
): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  const others = findings.filter((f) => f !== cause && f.nodes.includes(node));
  for (const finding of cause ? [cause, ...others] : others) {
    if (finding.status !== 'fail' && finding.status !== 'warn') continue;
    for (const e of finding.evidence) {
      if (e.node !== node || e.kind !== 'pod') continue;
      const key = `${e.namespace ?? ''}/${e.name ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
    }
  }
  return out;
}

/** The message the cluster repeated most (an event's count), else the first one quoted. */
export function quotedMessage(finding: Finding | undefined): string | undefined {
  const quoted = finding?.evidence.filter((e) => e.message) ?? [];
  const repeated = [...quoted].sort((x, y) => (y.count ?? 0) - (x.count ?? 0))[0];
  return repeated?.message;
}

/** A root cause as the health section tells it: the cause, its quoted message, the chain, the impact. */
export interface RootCauseStory {
  rootCause: RootCause;
  cause: Finding | undefined;
  message: string | undefined;
  /** Titles of the findings it explains: how the cause shows up. */
  explains: string[];
  /** Per node, the pods quoted there; `null` when an earlier root cause already showed the node. */
  nodes: Array<{ node: string; evidence: Evidence[] | null }>;
}

export function rootCauseStories(a: Assessment): RootCauseStory[] {
  const shown = new Set<string>();
  return a.rootCauses.map((rc) => {
    const cause = a.findings.find((f) => f.id === rc.finding);
    const explains = [...new Set(rc.effects.flatMap((e) => e.findings))]
      .map((id) => a.findings.find((f) => f.id === id)?.title)
      .filter((t): t is string => t !== undefined);
    const nodes = rc.nodes.map((node) => {
      if (shown.has(node)) return { node, evidence: null };
      shown.add(node);
      return { node, evidence: nodeEvidence(node, cause, a.findings) };
    });
    return { rootCause: rc, cause, message: quotedMessage(cause), explains, nodes };
  });
}

/** Counts of a finding that are reasons (some evidence carries that reason), not tallies such as `total`. */
export function reasonCounts(finding: Finding): Array<[string, number]> {
  return Object.entries(finding.counts ?? {}).filter(([key]) =>
    finding.evidence.some((e) => e.reason === key),
  );
}

export interface ComponentGroup {
  finding: Finding;
  reasons: Array<{
    reason: string;
    count: number;
    namespaces: string[];
    /** Age range of the evidence in days, when known. */
    ages: { min: number; max: number } | null;
    /** Titles of the root causes that explain some of these objects. */
    causes: string[];
  }>;
}

/**
 * Failed components grouped by reason, with the counts the checks computed, where they are, how long they have
 * failed (the age range of their evidence), and the root cause that explains them.
 */
export function failedComponentGroups(a: Assessment): ComponentGroup[] {
  // Effects name objects as `namespace/Kind/name`; evidence as kind + namespace + name: compare case-insensitively.
  const objectKey = (namespace: string | undefined, kind: string, name: string | undefined) =>
    `${namespace ?? ''}/${kind}/${name ?? ''}`.toLowerCase();
  const explained = new Map<string, string>();
  for (const rc of a.rootCauses) {
    for (const effect of rc.effects)
      for (const object of effect.objects) explained.set(object.toLowerCase(), rc.title);
  }
  return a.findings
    .filter((f) => (f.status === 'fail' || f.status === 'warn') && reasonCounts(f).length > 0)
    .map((finding) => ({
      finding,
      reasons: reasonCounts(finding).map(([reason, count]) => {
        const evidence = finding.evidence.filter((e) => e.reason === reason);
        const ages = evidence.flatMap((e) => (e.ageDays === undefined ? [] : [e.ageDays]));
        return {
          reason,
          count,
          namespaces: [...new Set(evidence.map((e) => e.namespace).filter((n): n is string => !!n))],
          ages: ages.length > 0 ? { min: Math.min(...ages), max: Math.max(...ages) } : null,
          causes: [
            ...new Set(
              evidence
                .map((e) => explained.get(objectKey(e.namespace, e.kind, e.name)))
                .filter((t): t is string => t !== undefined),
            ),
          ],
        };
      }),
    }));
}

export const STATUS_MARK: Record<Finding['status'], string> = {
  fail: '❌ fail',
  warn: '⚠️ warn',
  unknown: '❓ unknown',
  pass: '✅ pass',
};

export function findingStatusText(f: Finding): string {
  return f.suppressed
    ? `${STATUS_MARK[f.status]} (suppressed: ${f.suppressed.reason})`
    : STATUS_MARK[f.status];
}

export function blockingHeadline(a: Assessment): { critical: boolean; text: string } {
  const blocking = blockingFindings(a.findings);
  return blocking.length > 0
    ? { critical: true, text: `${plural(blocking.length, 'blocking finding')}.` }
    : { critical: false, text: 'No blocking failure found on the platform.' };
}

/** What could not be checked or read, one sentence each. */
export function coverageGaps(a: Assessment): string[] {
  return [
    ...a.coverage.unknown.map((u) => `Could not check ${u.check}: ${u.reason}`),
    ...a.coverage.unreadable.map((u) => `Could not read ${u.type} (${u.status}): ${u.reason}`),
  ];
}

export function whyTitle(a: Assessment): string {
  if (a.verdict === 'GO') return 'Why the upgrade can proceed';
  if (a.verdict === 'NO-GO') return 'Why the upgrade cannot proceed';
  return 'Why no decision can be made yet';
}

/** One technical blocker: a root cause with its effects, or a blocking finding no root cause explains. */
export interface Blocker {
  title: string;
  /** Code-span text after the title (a finding's summary, the backup path). */
  detail?: string;
  effects: string[];
}

export interface NoGoReasons {
  blockers: Blocker[];
  /** Warnings that count as blocking under `--fail-on warn`. */
  warningsCounted: string[];
  cascades: Array<{ title: string; chain: string[] }>;
  longTerm: string[];
  risk: string[];
}

export function noGoReasons(a: Assessment): NoGoReasons {
  const factorsA = a.options.A.factors;
  const causes = blockingRootCauses(a.rootCauses, a.findings);
  const explained = explainedFindingIds(a.rootCauses);
  const cascades = factorsA.filter((f) => f.id === 'optionA.cascadePerObject');
  const blockers: Blocker[] = causes.map((rc) => ({
    title: titleWithNodes(rc.title, rc.nodes),
    effects: rc.effects.map((effect) => `${effect.title} (${effect.count})`),
  }));
  for (const f of blockingFindings(a.findings).filter((f) => !explained.has(f.id))) {
    const presumed = cascades.some((c) => c.basis.includes(f.id))
      ? ' (presumed downstream: priced in the cascade)'
      : '';
    blockers.push({ title: f.title, detail: `${presumed}: ${f.summary}`, effects: [] });
  }
  if (a.backup && !a.backup.verified)
    blockers.push({ title: 'Backup failed verification', detail: ` at \`${a.backup.path}\``, effects: [] });
  return {
    blockers,
    warningsCounted:
      a.failOn === 'warn'
        ? warningFindings(a.findings).map((f) => `Warning counted as blocking (--fail-on warn): ${f.title}`)
        : [],
    cascades: causes.filter((rc) => rc.chain.length > 1).map((rc) => ({ title: rc.title, chain: rc.chain })),
    longTerm: factorsA
      .filter((f) => f.id === 'optionA.longTermDegradation' || f.id === 'optionA.restartHistory')
      .map((f) => f.description),
    risk: [
      `${optionLabel(a, 'A')}: ${successText(a.options.A)} success, ${a.options.A.risk} risk, ${hoursText(a.options.A)}.`,
      'New images cannot be pulled and new pods cannot start while the blockers remain: an upgrade step would fail and may worsen the cluster.',
    ],
  };
}

/** Why a GO can proceed, or what is missing for a decision (INCOMPLETE): one sentence each. */
export function otherReasons(a: Assessment): string[] {
  if (a.verdict === 'GO') {
    return [
      'No blocking finding on the platform.',
      ...warningFindings(a.findings).map((f) => `Warning (does not block): ${f.title}: ${f.summary}`),
      ...tenantFailures(a.findings).map((f) => `Tenant workload (does not block): ${f.title}: ${f.summary}`),
    ];
  }
  const lines = [
    ...unknownBlockingFindings(a.findings).map((f) => `${f.check}: ${f.unknownReason ?? f.summary}`),
    ...a.coverage.unreadable.map((u) => `${u.type} (${u.status}): ${u.reason}`),
  ];
  if (a.version.installed === null) lines.push('The installed CozyStack version could not be detected.');
  else if (a.version.unknownReason) lines.push(`No upgrade path: ${a.version.unknownReason}.`);
  if (a.backup && !a.backup.complete)
    lines.push(`The backup is partial: ${a.backup.skipped.map((s) => s.type).join(', ')}.`);
  if (a.version.target === null) lines.push('The target version is not known.');
  return lines;
}

/** The base success, each factor, and the total of one option: [label, hours, success]. */
export function factorRows(
  option: OptionScore,
): Array<{ label: string; id?: string; hours: string; success: string }> {
  return [
    { label: 'Base success of this option', hours: '-', success: baseSuccessText(option) },
    ...option.factors.map((f) => ({
      label: f.description,
      id: f.id,
      hours: hoursText(f),
      success: pointsText(f.successDelta),
    })),
  ];
}

/** The comparison table: aspect, Option A, Option C. */
export function comparisonRows(a: Assessment): Array<[string, string, string]> {
  const { A, C } = a.options;
  const blocked = a.verdict === 'NO-GO';
  const verdictA =
    a.verdict === 'INCOMPLETE'
      ? 'WAIT'
      : a.recommendation === 'A'
        ? blocked
          ? 'REPAIR FIRST'
          : 'PROCEED'
        : 'ABORT';
  const verdictC = a.verdict === 'INCOMPLETE' ? 'WAIT' : a.recommendation === 'C' ? 'PROCEED' : 'NOT NEEDED';
  const target = versionText(a.version.target);
  return [
    [
      'Current status',
      blocked ? 'Blocked by failures' : a.verdict === 'GO' ? 'Ready to start' : 'Unknown: data missing',
      'Ready to start',
    ],
    ['Time required', hoursText(A), hoursText(C)],
    ['Success probability', successText(A), successText(C)],
    ['Risk level', capital(A.risk), capital(C.risk)],
    ['Final result', blocked ? 'Uncertain' : `${target} in place`, `Clean ${target}`],
    ['Recommendation', verdictA, verdictC],
  ];
}

/** One step of the action plan: a bold lead, the rest of the sentence, and sub-items. */
export interface PlanItem {
  lead: string;
  rest: string;
  sub: string[];
}

export function planItems(a: Assessment): PlanItem[] {
  const steps = a.version.steps.map((s) => `${versionText(s.from)} → ${versionText(s.to)}`);
  const backupLine = a.backup
    ? `Keep the verified backup at \`${a.backup.path}\``
    : 'Take a verified backup first: `cozy-assess backup --out <dir>`';
  const install = a.options.C.factors.find((f) => f.id === 'optionC.install');
  const target = versionText(a.version.target);
  if (a.verdict === 'INCOMPLETE') {
    return [
      {
        lead: 'Get the missing data',
        rest: ': grant read access to what could not be read, or fix what made a check unknown (see above).',
        sub: [],
      },
      {
        lead: 'Re-run',
        rest: ' `cozy-assess assess`: the verdict is never GO while data is missing.',
        sub: [],
      },
    ];
  }
  if (a.verdict === 'GO') {
    return [
      {
        lead: 'Prepare',
        rest: `: ${backupLine}; plan a maintenance window of ${hoursText(a.options.A)}.`,
        sub: [],
      },
      {
        lead: upgradeLead(a),
        rest: ':',
        sub: [
          ...steps.map(
            (s) => `${s}: apply, wait for every HelmRelease to be Ready, run \`cozy-assess check\``,
          ),
          ...a.breakingChanges
            .filter((c) => c.usage !== 'not used')
            .map((c) => `At ${versionText(c.version)}: ${c.title}: ${c.action ?? 'see the release notes'}`),
        ],
      },
      {
        lead: 'Validate',
        rest: ': run `cozy-assess check` on the upgraded cluster and keep the backup until it passes.',
        sub: [],
      },
    ];
  }
  if (a.recommendation === 'A') {
    const repairs = a.options.A.factors.filter(
      (f) =>
        f.id.startsWith('optionA.repair') ||
        f.id === 'optionA.blockingUnexplained' ||
        f.id === 'optionA.cascade',
    );
    const backupFailed = a.backup !== null && !a.backup.verified;
    const warnings = a.failOn === 'warn' ? warningFindings(a.findings) : [];
    return [
      {
        lead: 'Repair first',
        rest: ` (${backupFailed ? 'no usable backup yet' : backupLine}):`,
        sub: [
          ...repairs.map((f) => `${f.description} (${hoursText(f)})`),
          ...(backupFailed
            ? [
                'Take a new backup and check it with `cozy-assess backup verify <dir>`: this one failed verification',
              ]
            : []),
          ...warnings.map((f) => `Fix or suppress (with a reason and a date) the warning: ${f.title}`),
        ],
      },
      { lead: 'Re-assess', rest: ': run `cozy-assess assess` again until the verdict is GO.', sub: [] },
      { lead: upgradeLead(a), rest: ':', sub: steps },
      { lead: 'Validate', rest: ' after each step with `cozy-assess check`.', sub: [] },
    ];
  }
  return [
    {
      lead: 'Immediate: stop the in-place upgrade attempt.',
      rest: ` ${backupLine}; do not try to repair the old cluster under time pressure.`,
      sub: [],
    },
    {
      lead: 'Fresh install',
      rest: ` of ${target} on new machines${install ? ` (${hoursText(install)})` : ''}: clean networking, the same bundle${a.version.bundle ? ` (${a.version.bundle})` : ''}.`,
      sub: [],
    },
    {
      lead: 'Validate the new cluster',
      rest: ': run `cozy-assess check` against it; test storage, networking and tenant creation.',
      sub: [],
    },
    {
      lead: 'Plan the migration',
      rest: `: \`cozy-assess plan-migration --target ${a.version.target ? target : 'vX.Y.Z'} --out DIR\` (or \`assess --migration-plan DIR\`) writes the runbook and the per-tenant manifests for the ${plural(a.cluster.tenantWorkloads, 'tenant application')} in ${plural(a.cluster.tenantNamespaces, 'tenant namespace')}: data, exposure and dependencies of each, how its data moves, and the breaking changes it crosses.`,
      sub: [],
    },
    {
      lead: 'Migrate gradually',
      rest: ': non-critical workloads first; keep the old cluster (and its backup) as a fallback until the new one is validated, then decommission it.',
      sub: [],
    },
  ];
}

export function nextStepItems(a: Assessment): string[] {
  const target = versionText(a.version.target);
  if (a.verdict === 'GO')
    return [
      'Schedule the upgrade window',
      `Upgrade to ${target} step by step`,
      'Re-run `cozy-assess check` after each step',
    ];
  if (a.verdict === 'INCOMPLETE')
    return ['Fix access to the data listed above', 'Re-run `cozy-assess assess`'];
  if (a.recommendation === 'C')
    return [
      'Archive this report and the assessment JSON',
      `Plan a fresh ${target} installation`,
      'Prepare new machines',
      `Install ${target}${a.version.bundle ? ` with the ${a.version.bundle} bundle` : ''}`,
      'Validate the new cluster with `cozy-assess check`',
      'Migrate workloads when ready',
    ];
  return [
    'Repair the blocking findings listed above',
    'Re-run `cozy-assess assess` until GO',
    `Upgrade to ${target} step by step`,
  ];
}

/**
 * A root cause's chain as stages with the counts of the effects named like them, and the effects that are no
 * stage of the chain (they hang off the cause).
 */
export function cascadeStages(rc: RootCause): {
  stages: Array<{ title: string; counts: number[] }>;
  /** `index` is the effect's place in `rc.effects`. */
  sideEffects: Array<{ title: string; count: number; index: number }>;
} {
  const titles = rc.chain.length > 0 ? rc.chain : [rc.title];
  const stageIndex = (title: string) =>
    titles.findIndex((stage) => stage.toLowerCase() === title.toLowerCase());
  return {
    stages: titles.map((title, s) => ({
      title,
      counts: rc.effects.filter((e) => stageIndex(e.title) === s).map((e) => e.count),
    })),
    sideEffects: rc.effects.flatMap((e, index) =>
      stageIndex(e.title) < 0 ? [{ title: e.title, count: e.count, index }] : [],
    ),
  };
}

export function footerText(a: Assessment): string {
  return (
    `Generated by ${a.tool.name} ${a.tool.version} at ${a.generatedAt}; ages computed against ${a.now}. ` +
    `Verdict rule: ${a.failOn === 'warn' ? 'warnings and blocking failures' : 'blocking failures'} make a NO-GO (\`--fail-on ${a.failOn}\`).`
  );
}
