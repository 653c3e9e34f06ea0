// Option A (incremental in-place upgrade) and Option C (fresh install, then migrate), scored from the findings,
// root causes and path with the rows of the decision table. Every row that applies becomes a factor, so the
// report shows what moved what.
import type { Finding, RootCause } from '../model/finding.js';
import type { BreakingChangeUse, Factor, OptionScore, PathStep, Risk } from '../model/assessment.js';
import {
  blockingFindings,
  blockingRootCauses,
  explainedFindingIds,
  warningFindings,
} from '../model/policy.js';
import { formatRange } from '../model/text.js';
import { affectedObjectCount, distinctPodRestarts, failureAges } from './measures.js';
import type { CostRow, DecisionModel } from './decision-model.js';
import type { RepairKind, Roles } from './roles.js';

export interface ScoringInput {
  findings: Finding[];
  rootCauses: RootCause[];
  /** What each finding means to the decision, from its check's declared role. */
  roles: Roles;
  steps: PathStep[];
  /** Every breaking change crossed by the path, once. */
  breakingChanges: BreakingChangeUse[];
  /** Migrations the installed release expects that the cluster's counter has not reached. */
  pendingMigrations: number;
  /** Tenant applications that a fresh install has to recreate. */
  tenantWorkloads: number;
  installed: string | null;
  target: string | null;
}

/** Two decimals: keeps quarter hours, drops floating-point noise (0.1 * 3 = 0.30000000000000004). */
const round2 = (n: number) => Math.round(n * 100) / 100;

/** A factor from a table row applied `times` times. */
function factor(id: string, r: CostRow, times: number, description: string, basis: string[]): Factor {
  return {
    id,
    description,
    hoursMin: round2(r.hoursMin * times),
    hoursMax: round2(r.hoursMax * times),
    successDelta: round2(r.successDelta * times),
    basis,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One repair: a blocking root cause, the other root causes and findings it absorbs, and the objects of its
 * cascade. While the pod network is broken, node problems on the same nodes are part of its repair, and the
 * platform failures it typically causes cannot be told apart from its effects: they join its cascade.
 */
interface RepairGroup {
  cause: RootCause;
  kind: RepairKind;
  nodes: Set<string>;
  /** Finding ids this repair accounts for (the cause's, absorbed causes', effects', presumed downstream). */
  basis: Set<string>;
  /** Objects downstream of the cause (distinct). */
  objects: Set<string>;
  /** The largest count an effect reports (an effect may count more objects than it names). */
  countedEffects: number;
  absorbed: string[];
  presumed: string[];
}

function groupOf(rc: RootCause, kind: RepairKind): RepairGroup {
  return {
    cause: rc,
    kind,
    nodes: new Set(rc.nodes),
    basis: new Set([rc.finding, ...rc.effects.flatMap((e) => e.findings)]),
    objects: new Set(rc.effects.flatMap((e) => e.objects)),
    countedEffects: affectedObjectCount(rc),
    absorbed: [],
    presumed: [],
  };
}

function repairGroups(input: ScoringInput): { groups: RepairGroup[]; unexplained: Finding[] } {
  const groups: RepairGroup[] = [];
  for (const rc of blockingRootCauses(input.rootCauses, input.findings)) {
    const kind = input.roles.repairOf(rc, input.findings);
    const network = groups.find(
      (g) => g.kind === 'networking' && rc.nodes.length > 0 && rc.nodes.every((n) => g.nodes.has(n)),
    );
    if (network && kind !== 'networking') {
      // A NotReady node whose networking is already being repaired: the same machine, the same repair.
      network.absorbed.push(rc.title);
      network.basis.add(rc.finding);
      for (const effect of rc.effects) for (const object of effect.objects) network.objects.add(object);
      continue;
    }
    groups.push(groupOf(rc, kind));
  }
  // Any root cause explains its effects, even one that does not block by itself.
  const explained = explainedFindingIds(input.rootCauses);
  const network = groups.find((g) => g.kind === 'networking');
  const unexplained: Finding[] = [];
  for (const finding of blockingFindings(input.findings)) {
    if (
      explained.has(finding.id) ||
      input.roles.isPath(finding) ||
      groups.some((g) => g.basis.has(finding.id))
    )
      continue;
    const sameNodes = finding.nodes.length > 0 && finding.nodes.every((n) => network?.nodes.has(n));
    if (network && input.roles.isNetworkingOrNode(finding) && sameNodes) {
      network.absorbed.push(finding.title);
      network.basis.add(finding.id);
    } else if (network && input.roles.isDownstreamOfNetwork(finding)) {
      network.presumed.push(finding.title);
      network.basis.add(finding.id);
      for (const object of finding.objects) network.objects.add(object);
    } else {
      unexplained.push(finding);
    }
  }
  return { groups, unexplained };
}

function repairFactors(input: ScoringInput, model: DecisionModel): Factor[] {
  const a = model.optionA;
  const out: Factor[] = [];
  const { groups, unexplained } = repairGroups(input);
  for (const group of groups) {
    const rc = group.cause;
    const nodes = [...group.nodes];
    const also = group.absorbed.length > 0 ? `; includes ${group.absorbed.join('; ')}` : '';
    if (group.kind === 'networking') {
      out.push(
        factor(
          'optionA.repairNetworking',
          a.repairNetworking,
          1,
          `Repair pod networking: ${rc.title}${also}`,
          [rc.finding],
        ),
      );
      if (nodes.length > 0) {
        out.push(
          factor(
            'optionA.repairNetworkingPerNode',
            a.repairNetworkingPerNode,
            nodes.length,
            `Networking broken on ${plural(nodes.length, 'node')}: ${nodes.join(', ')}`,
            [rc.finding],
          ),
        );
      }
    } else {
      const where =
        nodes.length > 0 && !nodes.every((n) => rc.title.includes(n)) ? ` (${nodes.join(', ')})` : '';
      // A node repair is per machine: two nodes down are two repairs.
      const times = group.kind === 'node' ? Math.max(1, nodes.length) : 1;
      const id = group.kind === 'node' ? 'optionA.repairNode' : 'optionA.repairOther';
      out.push(
        factor(
          id,
          group.kind === 'node' ? a.repairNode : a.repairOther,
          times,
          `Repair: ${rc.title}${where}`,
          [rc.finding],
        ),
      );
    }
    const affected = Math.max(group.objects.size, group.countedEffects);
    // Effects that recover with their cause (a node that comes back, evicted pods already replaced) leave no
    // cascade to clear, unless failures presumed downstream joined the repair.
    const recovers =
      group.cause.effectsRecover === true && group.presumed.length === 0 && group.absorbed.length === 0;
    if (affected > 0 && !recovers) {
      const basis = [...group.basis].filter((id) => id !== rc.finding);
      const presumed =
        group.presumed.length > 0 ? ` (with ${group.presumed.join('; ')}: presumed downstream)` : '';
      out.push(factor('optionA.cascade', a.cascade, 1, `Clear the cascade of: ${rc.title}`, basis));
      out.push(
        factor(
          'optionA.cascadePerObject',
          a.cascadePerObject,
          affected,
          `${plural(affected, 'object')} downstream of: ${rc.title}${presumed}`,
          basis,
        ),
      );
    }
  }
  for (const finding of unexplained) {
    out.push(
      factor('optionA.blockingUnexplained', a.blockingUnexplained, 1, `Repair: ${finding.title}`, [
        finding.id,
      ]),
    );
  }
  if (out.length > 0) {
    out.push(
      factor('optionA.repairValidation', a.repairValidation, 1, 'Validate the repairs before upgrading', [
        ...new Set(out.flatMap((f) => f.basis)),
      ]),
    );
  }
  return out;
}

/**
 * A warning about objects that blocking findings or root-cause effects already name (restart history of the
 * broken CNI pods, the pods a resource shortage rejected) adds nothing the repair does not already cover.
 */
function alreadyPriced(warning: Finding, input: ScoringInput): boolean {
  if (warning.objects.length === 0) return false;
  const covered = new Set([
    ...blockingFindings(input.findings).flatMap((f) => f.objects),
    ...input.rootCauses.flatMap((rc) => rc.effects.flatMap((e) => e.objects)),
  ]);
  return warning.objects.every((object) => covered.has(object));
}

function historyFactors(input: ScoringInput, model: DecisionModel): Factor[] {
  const out: Factor[] = [];
  const blocking = blockingFindings(input.findings);
  const threshold = model.thresholds.longTermDays;
  const old = blocking.filter((f) => failureAges([f]).some((age) => age > threshold));
  if (old.length > 0) {
    const ages = failureAges(old).filter((age) => age > threshold);
    const range = formatRange(Math.min(...ages), Math.max(...ages));
    out.push(
      factor(
        'optionA.longTermDegradation',
        model.optionA.longTermDegradation,
        1,
        `Long-term degradation: failures ${range} days old (over ${threshold} days), never recovered`,
        old.map((f) => f.id),
      ),
    );
  }
  const { restarts, pods } = distinctPodRestarts(blocking);
  if (restarts >= model.thresholds.restartHistory) {
    out.push(
      factor(
        'optionA.restartHistory',
        model.optionA.restartHistory,
        1,
        `${restarts} restarts across ${plural(pods, 'failing pod')}: the platform did not recover on its own`,
        blocking.filter((f) => f.evidence.some((e) => e.restarts !== undefined)).map((f) => f.id),
      ),
    );
  }
  for (const warning of warningFindings(input.findings).filter(
    (f) => !input.roles.isPath(f) && !alreadyPriced(f, input),
  )) {
    out.push(factor('optionA.warning', model.optionA.warning, 1, `Warning: ${warning.title}`, [warning.id]));
  }
  return out;
}

/**
 * What a breaking change asks of the operator, from its catalog severity: `blocker` a manual migration,
 * `warning` a review within its step, `info` nothing (automatic). An unknown severity counts as a blocker.
 */
function severityWeight(severity: string): 'manual' | 'review' | 'automatic' {
  if (severity === 'info') return 'automatic';
  if (severity === 'warning') return 'review';
  return 'manual';
}

function pathFactors(input: ScoringInput, model: DecisionModel): Factor[] {
  const a = model.optionA;
  const out: Factor[] = [];
  if (input.steps.length > 0) {
    const route = [input.steps[0]!.from, ...input.steps.map((s) => s.to)].join(' → ');
    out.push(
      factor('optionA.upgradeBase', a.upgradeBase, 1, 'Upgrade pre-flight and final validation', [route]),
    );
    out.push(
      factor(
        'optionA.perStep',
        a.perStep,
        input.steps.length,
        `${plural(input.steps.length, 'upgrade step')}: ${route}`,
        [route],
      ),
    );
  }
  for (const change of input.breakingChanges) {
    const weight = severityWeight(change.severity);
    if (weight === 'automatic') continue;
    if (change.usage === 'used') {
      const [id, row, what] =
        weight === 'manual'
          ? (['optionA.breakingChangeUsed', a.breakingChangeUsed, 'Breaking change in use'] as const)
          : ([
              'optionA.breakingChangeReview',
              a.breakingChangeReview,
              'Breaking change in use, to review',
            ] as const);
      out.push(factor(id, row, 1, `${what}: ${change.title}`, [change.id]));
    } else if (change.usage === 'unknown') {
      out.push(
        factor(
          'optionA.breakingChangeUnknown',
          a.breakingChangeUnknown,
          1,
          `Breaking change, use unknown: ${change.title}`,
          [change.id],
        ),
      );
    }
  }
  if (input.pendingMigrations > 0) {
    out.push(
      factor(
        'optionA.pendingMigrations',
        a.pendingMigrations,
        1,
        `${plural(input.pendingMigrations, 'migration')} pending or stuck on the installed release`,
        ['cozy-system/ConfigMap/cozystack-version'],
      ),
    );
  }
  return out;
}

export function riskOf(successMin: number, model: DecisionModel): Risk {
  if (successMin >= model.risk.lowFrom) return 'low';
  if (successMin >= model.risk.mediumFrom) return 'medium';
  if (successMin >= model.risk.highFrom) return 'high';
  return 'very high';
}

const clampPercent = (n: number) => Math.min(100, Math.max(0, Math.round(n)));

function total(
  name: string,
  base: { min: number; max: number },
  factors: Factor[],
  model: DecisionModel,
): OptionScore {
  const sum = (pick: (f: Factor) => number) => factors.reduce((acc, f) => acc + pick(f), 0);
  const delta = sum((f) => f.successDelta);
  const successMin = clampPercent(base.min + delta);
  const successMax = clampPercent(base.max + delta);
  return {
    name,
    hoursMin: Math.round(sum((f) => f.hoursMin)),
    hoursMax: Math.round(sum((f) => f.hoursMax)),
    baseSuccessMin: base.min,
    baseSuccessMax: base.max,
    successMin,
    successMax,
    risk: riskOf(successMin, model),
    factors,
  };
}

export function scoreOptionA(input: ScoringInput, model: DecisionModel): OptionScore {
  const factors = [
    ...repairFactors(input, model),
    ...historyFactors(input, model),
    ...pathFactors(input, model),
  ];
  return total('Incremental in-place upgrade', model.optionA.baseSuccess, factors, model);
}

/**
 * Option C's cost of re-creating and migrating the tenant applications (HelmReleases in tenant-* namespaces).
 * The migration plan prices each tenant with the same row, so its hours add up to this factor.
 */
export function tenantWorkloadFactor(tenantWorkloads: number, model: DecisionModel): Factor {
  return factor(
    'optionC.perTenantWorkload',
    model.optionC.perTenantWorkload,
    tenantWorkloads,
    `Recreate and migrate ${plural(tenantWorkloads, 'tenant application')}`,
    ['HelmReleases in tenant-* namespaces'],
  );
}

/** Option C's data conversions: one per breaking change in use whose data an operator converts by hand. */
export function conversionFactors(changes: readonly BreakingChangeUse[], model: DecisionModel): Factor[] {
  return changes
    .filter((change) => change.usage === 'used' && severityWeight(change.severity) === 'manual')
    .map((change) =>
      factor(
        'optionC.breakingChangeUsed',
        model.optionC.breakingChangeUsed,
        1,
        `Convert data for: ${change.title}`,
        [change.id],
      ),
    );
}

export function scoreOptionC(input: ScoringInput, model: DecisionModel): OptionScore {
  const c = model.optionC;
  const target = input.target ? `v${input.target.replace(/^v/, '')}` : 'the target release';
  const factors: Factor[] = [
    factor(
      'optionC.install',
      c.install,
      1,
      `Fresh install of ${target}, bundle configuration and validation`,
      [target],
    ),
  ];
  if (input.tenantWorkloads > 0) factors.push(tenantWorkloadFactor(input.tenantWorkloads, model));
  factors.push(...conversionFactors(input.breakingChanges, model));
  const blocking = blockingFindings(input.findings);
  if (blocking.length > 0) {
    factors.push(
      factor(
        'optionC.degradedSource',
        c.degradedSource,
        1,
        `Workloads are exported from a cluster with ${plural(blocking.length, 'blocking finding')}`,
        blocking.map((f) => f.id),
      ),
    );
  }
  return total('Fresh install, then migrate', c.baseSuccess, factors, model);
}
