// What a check is. What it returns (findings) is part of the assessment contract, in src/model/finding.ts.
import type { z } from 'zod';
import type { Finding, Severity } from '../model/finding.js';
import type { UpgradePlan } from '../catalog/types.js';
import type { Inventory } from '../inventory/types.js';

/** Per-check settings from the config file, already validated. */
export interface CheckSettings {
  enabled: boolean;
  severity?: Severity;
  blocking?: boolean;
  /** Check-specific thresholds, validated by the check's own schema. */
  params: Record<string, unknown>;
}

export interface CheckContext {
  settings: CheckSettings;
  /** Whether `--exec-probes` ran and what it found: node → socket present. */
  execProbe?: Record<string, boolean>;
  /** The upgrade path from the catalog (read by the `version-gap` check); absent when none was computed. */
  plan?: UpgradePlan;
}

export interface Check {
  id: string;
  title: string;
  description: string;
  defaultSeverity: Severity;
  /** Whether a `fail` of this check blocks an in-place upgrade by default. */
  blocking: boolean;
  /** Inventory type keys the check cannot run without; a missing one makes its result `unknown`. */
  needs: string[];
  /**
   * Optional schema of `settings.params` (thresholds). The config file is validated against it (a bad value is
   * exit 2 naming `checks.<id>.params.<field>`), and the runner hands the check the parsed value, defaults filled.
   */
  paramsSchema?: z.ZodType<Record<string, unknown>>;
  run(inventory: Inventory, context: CheckContext): Finding[];
}
