// Option A (incremental in-place upgrade) and Option C (fresh install, then migrate), scored from the facts with
// the rows of the decision table. Every row that applies becomes a factor, so the report shows what moved what.
import type { Finding, RootCause } from '../checks/types.js';
import type { BreakingChangeUse, Factor, OptionScore, PathStep, Risk } from '../report/assessment-schema.js';
import {
  affectedObjectCount,
  blockingFindings,
  blockingRootCauses,
  distinctPodRestarts,
  explainedFindingIds,
  failureAges,
  formatRange,
  isPathFinding,
  rootCauseKind,
  warningFindings,
} from './facts.js';
import type { CostRow, DecisionModel } from './model.js';

export interface DecisionFacts {
  findings: Finding[];
  rootCauses: RootCause[];
  steps: PathStep[];
  /** Every breaking change crossed by the path, once. */
  breakingChanges: BreakingChangeUse[];
  /** Installed migration counter and the one the installed release expects; null when not known. */
  pendingMigrations: number;
  /** Tenant applications that a fresh install has to recreate. */
  tenantWorkloads: number;
  installed: string | null;
  target: string | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** A factor from a table row applied `times` times. */
function factor(id: string, r: CostRow, times: number, description: string, basis: string[]): Factor {
  return {
    id,
    description,
    hoursMin: round1(r.hoursMin * times),
    hoursMax: round1(r.hoursMax * times),
    successDelta: round1(r.successDelta * times),
    basis,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function repairFactors(facts: DecisionFacts, model: DecisionModel): Factor[] {
  const a = model.optionA;
  const out: Factor[] = [];
  const causes = blockingRootCauses(facts.rootCauses, facts.findings);
  for (const rc of causes) {
    const kind = rootCauseKind(rc, facts.findings);
    const nodes = rc.nodes.join(', ');
    if (kind === 'networking') {
      out.push(
        factor('optionA.repairNetworking', a.repairNetworking, 1, `Repair pod networking: ${rc.title}`, [
          rc.finding,
        ]),
      );
      if (rc.nodes.length > 0) {
        out.push(
          factor(
            'optionA.repairNetworkingPerNode',
            a.repairNetworkingPerNode,
            rc.nodes.length,
            `Networking broken on ${plural(rc.nodes.length, 'node')}: ${nodes}`,
            [rc.finding],
          ),
        );
      }
    } else {
      const id = kind === 'node' ? 'optionA.repairNode' : 'optionA.repairOther';
      const where = rc.nodes.length > 0 ? ` (${nodes})` : '';
      out.push(
        factor(id, kind === 'node' ? a.repairNode : a.repairOther, 1, `Repair: ${rc.title}${where}`, [
          rc.finding,
        ]),
      );
    }
    const affected = affectedObjectCount(rc);
    if (affected > 0) {
      const effectIds = [...new Set(rc.effects.flatMap((e) => e.findings))];
      out.push(factor('optionA.cascade', a.cascade, 1, `Clear the cascade of: ${rc.title}`, effectIds));
      out.push(
        factor(
          'optionA.cascadePerObject',
          a.cascadePerObject,
          affected,
          `${plural(affected, 'object')} downstream of: ${rc.title}`,
          effectIds,
        ),
      );
    }
  }
  // Any root cause explains its effects, even one that does not block by itself.
  const explained = explainedFindingIds(facts.rootCauses);
  for (const finding of blockingFindings(facts.findings)) {
    if (explained.has(finding.id) || isPathFinding(finding)) continue;
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

function historyFactors(facts: DecisionFacts, model: DecisionModel): Factor[] {
  const out: Factor[] = [];
  const blocking = blockingFindings(facts.findings);
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
  for (const warning of warningFindings(facts.findings).filter((f) => !isPathFinding(f))) {
    out.push(factor('optionA.warning', model.optionA.warning, 1, `Warning: ${warning.title}`, [warning.id]));
  }
  return out;
}

function pathFactors(facts: DecisionFacts, model: DecisionModel): Factor[] {
  const a = model.optionA;
  const out: Factor[] = [];
  if (facts.steps.length > 0) {
    const route = [facts.steps[0]!.from, ...facts.steps.map((s) => s.to)].join(' → ');
    out.push(
      factor('optionA.upgradeBase', a.upgradeBase, 1, 'Upgrade pre-flight and final validation', [route]),
    );
    out.push(
      factor(
        'optionA.perStep',
        a.perStep,
        facts.steps.length,
        `${plural(facts.steps.length, 'upgrade step')}: ${route}`,
        [route],
      ),
    );
  }
  for (const change of facts.breakingChanges) {
    if (change.usage === 'used') {
      out.push(
        factor(
          'optionA.breakingChangeUsed',
          a.breakingChangeUsed,
          1,
          `Breaking change in use: ${change.title}`,
          [change.id],
        ),
      );
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
  if (facts.pendingMigrations > 0) {
    out.push(
      factor(
        'optionA.pendingMigrations',
        a.pendingMigrations,
        1,
        `${plural(facts.pendingMigrations, 'migration')} pending or stuck on the installed release`,
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

export function scoreOptionA(facts: DecisionFacts, model: DecisionModel): OptionScore {
  const factors = [
    ...repairFactors(facts, model),
    ...historyFactors(facts, model),
    ...pathFactors(facts, model),
  ];
  return total('Incremental in-place upgrade', model.optionA.baseSuccess, factors, model);
}

export function scoreOptionC(facts: DecisionFacts, model: DecisionModel): OptionScore {
  const c = model.optionC;
  const target = facts.target ? `v${facts.target.replace(/^v/, '')}` : 'the target release';
  const factors: Factor[] = [
    factor(
      'optionC.install',
      c.install,
      1,
      `Fresh install of ${target}, bundle configuration and validation`,
      [target],
    ),
  ];
  if (facts.tenantWorkloads > 0) {
    factors.push(
      factor(
        'optionC.perTenantWorkload',
        c.perTenantWorkload,
        facts.tenantWorkloads,
        `Recreate and migrate ${plural(facts.tenantWorkloads, 'tenant application')}`,
        ['HelmReleases in tenant-* namespaces'],
      ),
    );
  }
  for (const change of facts.breakingChanges) {
    if (change.usage !== 'used') continue;
    factors.push(
      factor('optionC.breakingChangeUsed', c.breakingChangeUsed, 1, `Convert data for: ${change.title}`, [
        change.id,
      ]),
    );
  }
  const blocking = blockingFindings(facts.findings);
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
