// The assessment document: the contract CI users build on. Versioned; renderers read only this.
// Published as JSON Schema in schema/assessment.schema.json (kept in sync by a test).
import { z } from 'zod';
import { AssessmentDiffSchema } from './diff.js';
import { FindingSchema, RootCauseSchema } from './finding.js';
import { RiskSchema, VerdictSchema } from './verdict.js';

export { type Risk, RiskSchema, type Verdict, VerdictSchema } from './verdict.js';

export const SCHEMA_VERSION = 1 as const;

export const UsageSchema = z.enum(['used', 'not used', 'unknown']);

export const BreakingChangeUseSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Release that introduced it. */
  version: z.string(),
  severity: z.string(),
  usage: UsageSchema,
  /** Why we say used / not used / unknown, quoting what was (not) found. */
  evidence: z.string(),
  action: z.string().optional(),
  source: z.string().optional(),
});
export type BreakingChangeUse = z.infer<typeof BreakingChangeUseSchema>;

export const PathStepSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** Migration counter before and after this step (cozystack-version). */
  migrations: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
  breakingChanges: z.array(BreakingChangeUseSchema),
  notes: z.array(z.string()),
});
export type PathStep = z.infer<typeof PathStepSchema>;

/**
 * How the upgrade path is chosen. `conservative` (the default): the newest patch of every minor line, lines that
 * run the same migrations merged. `shortest`: only the stops upstream requires, then the target.
 */
export const PathStrategySchema = z.enum(['conservative', 'shortest']);
export type PathStrategy = z.infer<typeof PathStrategySchema>;

export const VersionSchema = z.object({
  /** Detected installed version (normalised, e.g. `0.28.0`), or null when unknown. */
  installed: z.string().nullable(),
  /** As found in the cluster, e.g. `v0.28.0-54-g22cf18ff`. */
  installedRaw: z.string().nullable(),
  /** Where the version was read from, e.g. `Deployment cozy-system/cozystack image tag`. */
  detectedFrom: z.string().nullable(),
  target: z.string().nullable(),
  minorGap: z.number().int().nullable(),
  /** The chosen strategy's plan. */
  steps: z.array(PathStepSchema),
  /** The strategy `steps` follows (absent in documents older than strategies: conservative). */
  strategy: PathStrategySchema.optional(),
  /** How many steps each strategy takes for this installed release and target, so the cost of the choice shows. */
  stepCounts: z.object({ conservative: z.number().int(), shortest: z.number().int() }).optional(),
  bundle: z.string().nullable(),
  migrationCounter: z.number().int().nullable(),
  /** Days since the installed release (or the installer) was created, when known. */
  installedAgeDays: z.number().nullable().optional(),
  /** The migration counter the installed release expects; above `migrationCounter` means migrations are pending. */
  migrationCounterExpected: z.number().int().nullable().optional(),
  /** Why no path could be computed (version not detected, not in the catalog); the verdict is then INCOMPLETE. */
  unknownReason: z.string().optional(),
});

export const FactorSchema = z.object({
  /** Short id of the model row that produced it (see the decision table). */
  id: z.string(),
  description: z.string(),
  hoursMin: z.number(),
  hoursMax: z.number(),
  /** Change to success probability, in percentage points (negative lowers it). */
  successDelta: z.number(),
  /** The findings or facts that triggered it. */
  basis: z.array(z.string()),
});
export type Factor = z.infer<typeof FactorSchema>;

export const OptionSchema = z.object({
  name: z.string(),
  hoursMin: z.number(),
  hoursMax: z.number(),
  /** Success before any factor (the model's base range for this option), percent. */
  baseSuccessMin: z.number(),
  baseSuccessMax: z.number(),
  /** Percent, 0..100: the base range plus every factor's successDelta, clamped. */
  successMin: z.number(),
  successMax: z.number(),
  risk: RiskSchema,
  factors: z.array(FactorSchema),
});
export type OptionScore = z.infer<typeof OptionSchema>;

export const BackupTypeTotalsSchema = z.object({
  category: z.string(),
  objects: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  /** `bytes` as `du -h`/`ls -h` print it (3.7M, 144K), the form operators quote. */
  size: z.string(),
});

/**
 * How the backup ended: `complete` (every type read, written and verified), `partial` (verified, but types the
 * account may not read were skipped), `unfinished` (a type could not be read; the folder is left marked
 * INCOMPLETE), `failed-verification` (re-reading did not match what was written; left marked INCOMPLETE).
 */
export const BackupStatusSchema = z.enum(['complete', 'partial', 'unfinished', 'failed-verification']);
export type BackupStatus = z.infer<typeof BackupStatusSchema>;

export const BackupSummarySchema = z.object({
  path: z.string(),
  /** Optional only so that assessments written before it was added still read back. */
  status: BackupStatusSchema.optional().describe(
    'How the backup ended: complete, partial (forbidden types skipped), unfinished (a type could not be read) or failed-verification.',
  ),
  complete: z.boolean(),
  verified: z.boolean(),
  totals: z.object({
    objects: z.number().int(),
    bytes: z.number().int(),
    size: z.string(),
    files: z.number().int(),
  }),
  categories: z.array(BackupTypeTotalsSchema),
  skipped: z.array(
    z.object({
      type: z.string(),
      /** Optional for the same reason as `status`. */
      cause: z.enum(['forbidden', 'failed']).optional(),
      reason: z.string(),
    }),
  ),
  secrets: z.enum(['included', 'encrypted', 'excluded']),
});
export type BackupSummary = z.infer<typeof BackupSummarySchema>;

/** The backup's status; for a summary without one (written before the field existed), what its flags allow. */
export function backupStatusOf(backup: BackupSummary): BackupStatus {
  if (backup.status) return backup.status;
  if (!backup.verified) return 'failed-verification';
  return backup.complete ? 'complete' : 'partial';
}

export const CoverageSchema = z.object({
  checksRun: z.number().int(),
  checksTotal: z.number().int(),
  unknown: z.array(z.object({ check: z.string(), reason: z.string() })),
  /** Types that could not be read, with why. */
  unreadable: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string() })),
  /** Seconds each check that ran took over the inventory (the one shared read of the cluster is not divided among them). */
  checkSeconds: z
    .record(z.string(), z.number().nonnegative())
    .optional()
    .describe('Seconds each check took to evaluate the inventory, by check id (the JUnit test case times).'),
});

export type Coverage = z.infer<typeof CoverageSchema>;

export const AssessmentSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('cozy-assess'), version: z.string() }),
  generatedAt: z.string(),
  /** The clock ages were computed against. */
  now: z.string(),
  cluster: z.object({
    source: z.enum(['live', 'snapshot']),
    server: z.string().nullable(),
    context: z.string().nullable(),
    snapshot: z.string().nullable(),
    /** The API server's version; when the server did not report it, the inferred one (see the next field). */
    kubernetesVersion: z.string().nullable(),
    /** Set when `kubernetesVersion` is inferred (a snapshot without version.json): the evidence, in words. */
    kubernetesVersionInferred: z.string().optional(),
    nodes: z.number().int(),
    /** Names of the nodes read, sorted: evidence that two assessments read the same cluster. */
    nodeNames: z.array(z.string()).optional(),
    pods: z.number().int(),
    /** Namespaces named `tenant-*`. */
    tenantNamespaces: z.number().int().nonnegative(),
    /** Tenant applications (HelmReleases in `tenant-*` namespaces): what Option C has to recreate and migrate. */
    tenantWorkloads: z.number().int().nonnegative(),
  }),
  verdict: VerdictSchema.describe('GO (exit 0), NO-GO (exit 3) or INCOMPLETE (exit 4).'),
  /** What made the run fail: blocking findings only (`fail`), or warnings too (`warn`, from `--fail-on warn`). */
  failOn: z.enum(['fail', 'warn']),
  recommendation: z
    .enum(['A', 'C'])
    .describe('A: incremental in-place upgrade (after repairs on NO-GO); C: fresh install, then migrate.'),
  /** Numbered reasons for the verdict, most important first. */
  reasons: z.array(z.string()).describe('Numbered reasons for the verdict, most important first.'),
  version: VersionSchema,
  breakingChanges: z.array(BreakingChangeUseSchema),
  options: z
    .object({ A: OptionSchema, C: OptionSchema })
    .describe('Both options scored by the decision table; each factor names the table row that produced it.'),
  /** Every check that was configured to run (so a check without findings still shows, e.g. in JUnit). */
  checks: z.array(z.object({ id: z.string(), title: z.string() })),
  findings: z.array(FindingSchema),
  rootCauses: z.array(RootCauseSchema),
  backup: BackupSummarySchema.nullable().describe(
    'The backup taken in the same pass; null with --no-backup.',
  ),
  coverage: CoverageSchema,
  /** Flags that changed what was read or sent (e.g. exec probes). */
  notes: z.array(z.string()).describe('Flags and settings that changed what was read, sent or decided.'),
  sinceLast: AssessmentDiffSchema.optional().describe(
    'What changed since the assessment passed with --previous (the reports show it as "Since the last assessment").',
  ),
});
export type Assessment = z.infer<typeof AssessmentSchema>;
