// The check runner: runs every enabled check against one inventory, tunes them from config, applies
// suppressions, and turns a check that cannot run into an `unknown` finding. Pure: no I/O.
import { z } from 'zod';
import type { Inventory } from '../inventory/types.js';
import { equivalentTypeKey } from '../cluster/resource-types.js';
import type { CoverageSchema } from '../model/assessment.js';
import {
  type ChecksConfig,
  globMatch,
  isSuppressionActive,
  type SuppressionRule,
  suppressionExpiry,
} from './config.js';
import { type Finding, FindingSchema } from '../model/finding.js';
import { parseCheckParams } from './define.js';
import type { Check, CheckContext, CheckSettings } from './types.js';

export type Coverage = z.infer<typeof CoverageSchema>;

/** The pseudo-check that reports problems of the config itself (expired suppressions). */
export const CONFIG_CHECK_ID = 'config';

/** Whatever the catalog puts into CheckContext.plan (kept generic so this file does not depend on the catalog). */
type PlanOf<C> = C extends { plan?: infer P } ? P : never;
export type CheckPlan = PlanOf<CheckContext>;

export interface RunChecksOptions {
  checks: readonly Check[];
  config?: ChecksConfig;
  /** Result of `--exec-probes`: node → kube-ovn daemon socket present. */
  execProbe?: Record<string, boolean>;
  plan?: CheckPlan;
  /** A clock in milliseconds (performance.now at the edge): each check's time goes to coverage.checkSeconds. */
  clock?: () => number;
  /**
   * What checks called elsewhere returned (plugins run in their own thread, where a deadline can stop them),
   * by check id: the runner validates, tunes and suppresses it like what a check it calls itself returned.
   */
  calledElsewhere?: ReadonlyMap<string, CallOutcome>;
}

/**
 * What calling a check's `run` gave: its raw output (validated by the runner), or why it gave none; `seconds` is
 * how long the call took where it was made elsewhere (the runner times the calls it makes itself).
 */
export type CallOutcome = ({ produced: unknown } | { failed: string }) & { seconds?: number };

export interface CheckRunResult {
  findings: Finding[];
  coverage: Coverage;
}

export function runChecks(inventory: Inventory, options: RunChecksOptions): CheckRunResult {
  const findings: Finding[] = [];
  const checkSeconds: Record<string, number> = {};
  let checksRun = 0;
  for (const check of options.checks) {
    const settings = settingsFor(check, options.config);
    if (!settings.enabled) continue;
    const started = options.clock?.();
    const outcome = runOne(check, settings, inventory, options);
    if (started !== undefined && options.clock) {
      const elsewhere = options.calledElsewhere?.get(check.id)?.seconds;
      checkSeconds[check.id] = elsewhere ?? Math.max(0, (options.clock() - started) / 1000);
    }
    if (outcome.ran) checksRun++;
    findings.push(...outcome.findings);
  }
  const suppressed = applySuppressions(findings, options.config?.suppressions ?? [], inventory.now);
  return {
    findings: [...suppressed.findings, ...suppressed.expired],
    coverage: {
      checksRun,
      checksTotal: options.checks.length,
      unknown: suppressed.findings
        .filter((f) => f.status === 'unknown')
        .map((f) => ({ check: f.check, reason: f.unknownReason ?? f.summary })),
      unreadable: unreadableTypes(inventory),
      ...(options.clock ? { checkSeconds } : {}),
    },
  };
}

/** The checks `runChecks` will call, with their settings: enabled, and every type they need was read. */
export function checksToCall<C extends Check>(
  inventory: Inventory,
  options: { checks: readonly C[]; config?: ChecksConfig },
): Array<{ check: C; settings: CheckSettings }> {
  return options.checks
    .map((check) => ({ check, settings: settingsFor(check, options.config) }))
    .filter(({ check, settings }) => settings.enabled && missingNeeds(check, inventory).length === 0);
}

/** Effective settings of one check: config over the check's defaults. Params are still raw here. */
export function settingsFor(check: Check, config: ChecksConfig | undefined): CheckSettings {
  const entry = config?.checks?.[check.id];
  return {
    enabled: entry?.enabled ?? true,
    severity: entry?.severity,
    blocking: entry?.blocking,
    params: entry?.params ?? {},
  };
}

interface OneCheckOutcome {
  /** False when the check could not run (missing data, threw, bad output). */
  ran: boolean;
  findings: Finding[];
}

function runOne(
  check: Check,
  settings: CheckSettings,
  inventory: Inventory,
  options: RunChecksOptions,
): OneCheckOutcome {
  const cannotRun = (reason: string): OneCheckOutcome => ({
    ran: false,
    findings: [unknownFinding(check, settings, reason)],
  });
  const missing = missingNeeds(check, inventory);
  if (missing.length > 0) return cannotRun(`could not read ${missing.join('; ')}`);

  const called = options.calledElsewhere?.get(check.id) ?? callCheck(check, settings, inventory, options);
  if ('failed' in called) return cannotRun(called.failed);
  const produced = called.produced;
  const valid = z.array(FindingSchema).safeParse(produced);
  if (!valid.success) {
    const issue = valid.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'not a list of findings';
    return cannotRun(`the check returned an invalid finding (${where})`);
  }
  return { ran: true, findings: uniqueIds(valid.data.map((finding) => tune(check, settings, finding))) };
}

/**
 * Calls a check's `run` with its context (params parsed by its schema): what it returned, or why it returned
 * nothing usable. Plugin threads call their checks through this too, so a plugin is judged by the same rules.
 */
export function callCheck(
  check: Check,
  settings: CheckSettings,
  inventory: Inventory,
  options: Pick<RunChecksOptions, 'execProbe' | 'plan'>,
): CallOutcome {
  const params = parseCheckParams(check, settings.params);
  if (!params.ok) return { failed: params.reason };
  const context = {
    settings: { ...settings, params: params.value },
    ...(options.execProbe ? { execProbe: options.execProbe } : {}),
    ...(options.plan !== undefined ? { plan: options.plan } : {}),
  } as CheckContext;
  let produced: unknown;
  try {
    produced = check.run(inventory, context);
  } catch (error) {
    return { failed: `the check failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof (produced as { then?: unknown } | null)?.then === 'function') {
    return { failed: 'run() returned a Promise; a check is synchronous and returns its findings' };
  }
  return { produced };
}

/** The `needs` types that were not read, with why, e.g. `pods (forbidden: ...)`. */
function missingNeeds(check: Check, inventory: Inventory): string[] {
  return check.needs.flatMap((type) => {
    const outcome = inventory.outcomes[type];
    if (!outcome) return [`${type} (not listed)`];
    if (outcome.status === 'ok') return [];
    // The outcome's own reason is in coverage.unreadable; here the type and how it failed are enough.
    return [`${type} (${outcome.status})`];
  });
}

/** Applies config overrides; findings always carry the id of the check that produced them. */
function tune(check: Check, settings: CheckSettings, finding: Finding): Finding {
  const tuned: Finding = { ...finding, check: check.id };
  if (settings.severity) tuned.severity = settings.severity;
  if (settings.blocking === false) tuned.blocking = false;
  if (settings.blocking === true && finding.status === 'fail') tuned.blocking = true;
  return tuned;
}

/** Finding ids must be unique within one run; a check that repeats one gets `#2`, `#3` appended. */
function uniqueIds(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const n = (seen.get(finding.id) ?? 0) + 1;
    seen.set(finding.id, n);
    return n === 1 ? finding : { ...finding, id: `${finding.id}#${n}` };
  });
}

export function unknownFinding(check: Check, settings: CheckSettings, reason: string): Finding {
  return {
    check: check.id,
    id: `${check.id}:unknown`,
    title: check.title,
    status: 'unknown',
    severity: settings.severity ?? check.defaultSeverity,
    // An unknown blocking check is what makes a run INCOMPLETE (exit 4) rather than GO.
    blocking: settings.blocking ?? check.blocking,
    scope: 'cluster',
    summary: `Not evaluated: ${reason}.`,
    nodes: [],
    objects: [],
    evidence: [],
    unknownReason: reason,
  };
}

function unreadableTypes(inventory: Inventory): Coverage['unreadable'] {
  const read = (key: string | undefined) => key !== undefined && inventory.outcomes[key]?.status === 'ok';
  return (
    Object.values(inventory.outcomes)
      .filter((outcome) => outcome.status !== 'ok')
      // An absent type whose twin was read (core events vs events.k8s.io) lost no fact: not worth a line.
      .filter((outcome) => !(outcome.status === 'not-installed' && read(equivalentTypeKey(outcome.type))))
      .map((outcome) => ({
        type: outcome.type,
        status: outcome.status,
        reason: outcome.reason ?? outcome.status,
      }))
      .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0))
  );
}

// ---------------------------------------------------------------------------------------------------------
// Suppressions

/** Whether a rule covers a finding. Namespace and node rules need EVERY namespace/node the finding names to
 * match, so a suppression for one tenant never hides a platform problem grouped into the same finding. */
export function suppressionMatches(rule: SuppressionRule, finding: Finding): boolean {
  if (rule.check !== finding.check) return false;
  if (rule.id !== undefined && !globMatch(rule.id, finding.id)) return false;
  if (rule.namespace !== undefined) {
    const namespaces = namespacesOf(finding);
    if (namespaces.length === 0 || !namespaces.every((ns) => globMatch(rule.namespace!, ns))) return false;
  }
  if (rule.node !== undefined) {
    const nodes = nodesOf(finding);
    if (nodes.length === 0 || !nodes.every((node) => globMatch(rule.node!, node))) return false;
  }
  return true;
}

function namespacesOf(finding: Finding): string[] {
  const fromEvidence = finding.evidence.flatMap((e) => (e.namespace ? [e.namespace] : []));
  // Objects are `namespace/kind/name` (three parts) or `kind/name` (cluster-scoped).
  const fromObjects = finding.objects.flatMap((o) => {
    const parts = o.split('/');
    return parts.length >= 3 && parts[0] ? [parts[0]] : [];
  });
  return [...new Set([...fromEvidence, ...fromObjects])];
}

function nodesOf(finding: Finding): string[] {
  return [...new Set([...finding.nodes, ...finding.evidence.flatMap((e) => (e.node ? [e.node] : []))])];
}

function applySuppressions(
  findings: Finding[],
  rules: readonly SuppressionRule[],
  now: string,
): { findings: Finding[]; expired: Finding[] } {
  const active = rules.filter((rule) => isSuppressionActive(rule, now));
  const applied = findings.map((finding) => {
    if (finding.status === 'pass') return finding;
    const rule = active.find((r) => suppressionMatches(r, finding));
    return rule ? { ...finding, suppressed: { reason: rule.reason, until: rule.until } } : finding;
  });
  const expired = rules
    .map((rule, index) => ({ rule, index }))
    .filter(({ rule }) => !isSuppressionActive(rule, now))
    .map(({ rule, index }) => expiredSuppressionFinding(rule, index, findings));
  return { findings: applied, expired };
}

function expiredSuppressionFinding(rule: SuppressionRule, index: number, findings: Finding[]): Finding {
  const matched = findings.filter((f) => f.status !== 'pass' && suppressionMatches(rule, f));
  const target = [
    rule.check,
    rule.id && `id ${rule.id}`,
    rule.namespace && `namespace ${rule.namespace}`,
    rule.node && `node ${rule.node}`,
  ]
    .filter(Boolean)
    .join(', ');
  return {
    check: CONFIG_CHECK_ID,
    id: `${CONFIG_CHECK_ID}:suppression-expired:${index}`,
    title: 'Expired suppression',
    status: 'warn',
    severity: 'warning',
    blocking: false,
    scope: 'cluster',
    summary:
      `suppressions[${index}] (${target}) expired on ${rule.until} and is no longer applied` +
      ` (${matched.length} finding${matched.length === 1 ? '' : 's'} it would cover). Reason given: ${rule.reason}.`,
    nodes: [],
    objects: matched.map((f) => f.id),
    evidence: [
      {
        kind: 'suppression',
        name: `suppressions[${index}]`,
        reason: 'Expired',
        since: new Date(suppressionExpiry(rule.until)).toISOString(),
        message: rule.reason,
      },
    ],
    remediation:
      'Fix the findings it covered, or renew the suppression with a new `until` date and a current reason.',
  };
}
