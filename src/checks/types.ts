// What a check is. What it returns (findings, root causes) is part of the assessment contract, in
// src/model/finding.ts. Built-in checks are written with `defineCheck` (src/checks/define.ts).
import type { z } from 'zod';
import type { Finding, RootCause, Severity } from '../model/finding.js';
import type { UpgradePlan } from '../catalog/types.js';
import type { Inventory, InventoryTypeKey } from '../inventory/types.js';

/** Per-check settings from the config file, already validated. */
export interface CheckSettings {
  enabled: boolean;
  severity?: Severity;
  blocking?: boolean;
  /** Check-specific thresholds: raw in the config, parsed by the check's `paramsSchema` before `run` sees them. */
  params: Record<string, unknown>;
}

export interface CheckContext {
  settings: CheckSettings;
  /** Whether `--exec-probes` ran and what it found: node → socket present. */
  execProbe?: Record<string, boolean>;
  /** The upgrade path from the catalog (read by the `version-gap` check); absent when none was computed. */
  plan?: UpgradePlan;
}

/**
 * What a check's failures mean to the decision model, declared by the check itself:
 * - `networking`: the pod network is broken on some nodes; nothing new starts there until it is repaired.
 *   Its root cause is priced as a networking repair, per node.
 * - `node`: a node is lost or degraded; repaired per node, and part of a networking repair on the same nodes.
 * - `workload`: platform pods, releases, workloads and their endpoints; while the pod network is broken,
 *   their failures are presumed to be its effects.
 * - `path`: about the upgrade path itself; priced by the path rows (steps, breaking changes, migrations).
 * - `standalone`: none of these; each blocking failure is a repair of its own. A plugin that declares no
 *   role is `standalone`.
 */
export const CHECK_ROLES = ['networking', 'node', 'workload', 'path', 'standalone'] as const;
export type CheckRole = (typeof CHECK_ROLES)[number];

/** Pods and objects already explained by an earlier root cause: each is counted under the first one only. */
export interface Claims {
  /** The refs not claimed before, now claimed. */
  take(refs: Iterable<string>): Set<string>;
}

export interface RootCauseInput {
  inventory: Inventory;
  /** Every finding of the run, after tuning and suppressions. */
  findings: readonly Finding[];
  claims: Claims;
  /** The root causes found before this rule ran, with the role of the check whose rule found each. */
  earlier: ReadonlyArray<{ role: CheckRole; cause: RootCause }>;
}

/**
 * A check's root-cause rule: when its own findings hold causes, each cause and the failures that follow from
 * it. Rules run networking first, then node, then the others (they explain less), each in registry order.
 */
export type RootCauseRule = (input: RootCauseInput) => RootCause | readonly RootCause[] | undefined;

export interface Check {
  id: string;
  title: string;
  description: string;
  defaultSeverity: Severity;
  /** Whether a `fail` of this check blocks an in-place upgrade by default. */
  blocking: boolean;
  /** What its failures mean to the decision model; absent means `standalone`. */
  role?: CheckRole;
  /** Inventory type keys the check cannot run without; a missing one makes its result `unknown`. */
  needs: readonly InventoryTypeKey[];
  /**
   * Optional schema of `settings.params` (thresholds). The config file is validated against it (a bad value is
   * exit 2 naming `checks.<id>.params.<field>`), and the runner hands the check the parsed value, defaults filled.
   */
  paramsSchema?: z.ZodType<Record<string, unknown>>;
  rootCause?: RootCauseRule;
  run(inventory: Inventory, context: CheckContext): Finding[];
}
