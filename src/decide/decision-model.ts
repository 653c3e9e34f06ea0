// The decision model: every number that turns findings, path and backup into hours, success and risk lives
// in this ONE table. Each row says why it has its value. The config file's `decision:` section overrides any
// row (validated by DecisionConfigSchema; a bad value is exit 2 naming `decision.<section>.<row>.<field>`).
//
// Calibration: the rows were set so that the situation in the reference report (a Kube-OVN daemon broken on two
// nodes for months, a cascade of ~20 failing pods, 7 upgrade steps) costs what the person who wrote it estimated
// (A: 29–44 h at 30–40 %, C: 8–16 h at 90 %+), while a healthy cluster keeps A at high success.
import { z } from 'zod';

/** A cost row: hours added (a range) and percentage points added to success (negative lowers it). */
export const CostRowSchema = z
  .object({
    hoursMin: z.number().nonnegative(),
    hoursMax: z.number().nonnegative(),
    successDelta: z.number().min(-100).max(100),
  })
  .strict()
  .refine((row) => row.hoursMin <= row.hoursMax, {
    message: 'hoursMin must not exceed hoursMax',
    path: ['hoursMin'],
  });
export type CostRow = z.infer<typeof CostRowSchema>;

/** A success range in percent. */
export const SuccessRangeSchema = z
  .object({ min: z.number().min(0).max(100), max: z.number().min(0).max(100) })
  .strict()
  .refine((range) => range.min <= range.max, { message: 'min must not exceed max', path: ['min'] });

export const DecisionModelSchema = z
  .object({
    optionA: z
      .object({
        baseSuccess: SuccessRangeSchema,
        upgradeBase: CostRowSchema,
        perStep: CostRowSchema,
        breakingChangeUsed: CostRowSchema,
        breakingChangeReview: CostRowSchema,
        breakingChangeUnknown: CostRowSchema,
        pendingMigrations: CostRowSchema,
        repairNetworking: CostRowSchema,
        repairNetworkingPerNode: CostRowSchema,
        repairNode: CostRowSchema,
        repairOther: CostRowSchema,
        cascade: CostRowSchema,
        cascadePerObject: CostRowSchema,
        blockingUnexplained: CostRowSchema,
        repairValidation: CostRowSchema,
        longTermDegradation: CostRowSchema,
        restartHistory: CostRowSchema,
        warning: CostRowSchema,
      })
      .strict(),
    optionC: z
      .object({
        baseSuccess: SuccessRangeSchema,
        install: CostRowSchema,
        perTenantWorkload: CostRowSchema,
        breakingChangeUsed: CostRowSchema,
        degradedSource: CostRowSchema,
      })
      .strict(),
    thresholds: z
      .object({
        /** Failures older than this many days are long-term degradation. */
        longTermDays: z.number().nonnegative(),
        /** Restarts (summed over the distinct pods of blocking findings) that show failed self-recovery. */
        restartHistory: z.number().int().nonnegative(),
      })
      .strict(),
    /** Risk bands, read from the lower end of the success range. */
    risk: z
      .object({ lowFrom: z.number(), mediumFrom: z.number(), highFrom: z.number() })
      .strict()
      .refine((r) => r.lowFrom >= r.mediumFrom && r.mediumFrom >= r.highFrom, {
        message: 'bands must satisfy lowFrom >= mediumFrom >= highFrom',
        path: ['lowFrom'],
      }),
    recommendation: z
      .object({
        /** On NO-GO, "repair first, then A" is advised only when A's lower success bound reaches this; else C. */
        repairFirstMinSuccess: z.number().min(0).max(100),
      })
      .strict(),
  })
  .strict();
export type DecisionModel = z.infer<typeof DecisionModelSchema>;

const row = (hoursMin: number, hoursMax: number, successDelta: number): CostRow => ({
  hoursMin,
  hoursMax,
  successDelta,
});

export const DEFAULT_MODEL: DecisionModel = {
  optionA: {
    // A routine in-place upgrade of a healthy cluster still fails now and then (a HelmRelease that does not
    // reconcile, a stuck migration): never 100 %, and the spread is the honest uncertainty of one attempt.
    baseSuccess: { min: 88, max: 98 },
    // Pre-flight (backup kept, maintenance window) and the final validation after the last step.
    upgradeBase: row(1, 2.5, 0),
    // One release line: apply, wait for every HelmRelease to reconcile, check. 7 steps ≈ the 15–20 h of the reference.
    perStep: row(2, 2.5, -1),
    // A `blocker` breaking change the cluster uses needs a manual migration (e.g. FerretDB v1→v2 data), and
    // can go wrong. `info` changes are automatic (a migration script does them) and cost nothing.
    breakingChangeUsed: row(2, 4, -5),
    // A `warning` breaking change in use: read it and check after its step; the per-step cost covers that.
    // Listed so it shows, and so a team that reviews slowly can price it.
    breakingChangeReview: row(0, 0, 0),
    // Usage of a blocker or warning change could not be told: someone has to look, and it may be used.
    breakingChangeUnknown: row(0.5, 1, -2),
    // Migrations pending or stuck below the installed release: they must be unblocked before any step.
    pendingMigrations: row(1, 3, -10),
    // A broken pod network (Kube-OVN daemon, CNI agent): no new pod gets a sandbox, so no upgrade step can
    // roll out. Diagnosis and repair are uncertain (reference: "fix networking 8–12 h (uncertain)").
    repairNetworking: row(6, 8, -20),
    // Each node whose networking is broken is one more repair and one more place it can stay broken.
    repairNetworkingPerNode: row(1, 2, -5),
    // A NotReady node or a node under pressure: drain, repair or replace it.
    repairNode: row(2, 4, -10),
    // Any other blocking root cause (webhook, platform component): smaller but real.
    repairOther: row(2, 4, -10),
    // Downstream failures of a root cause do not heal by themselves once it is fixed: pods to restart,
    // releases to reconcile, images to re-pull (reference: "fix cascading issues 4–8 h").
    cascade: row(2, 4, -5),
    // ... plus 3–6 minutes per affected object (about 40 objects ≈ 2–4 h more).
    cascadePerObject: row(0.05, 0.1, 0),
    // A blocking finding no root cause explains is its own repair.
    blockingUnexplained: row(1, 2, -5),
    // After any repair, prove the platform is healthy before upgrading (reference: "validate fixes 2–4 h").
    repairValidation: row(2, 4, 0),
    // Failures older than thresholds.longTermDays that nobody fixed are hard to fix: their cause is unclear.
    longTermDegradation: row(0, 0, -10),
    // Thousands of restarts show the components could not recover on their own.
    restartHistory: row(0, 0, -5),
    // A warning on the platform that no repair already covers: a quick look, a small risk.
    warning: row(0, 0.25, -1),
  },
  optionC: {
    // A fresh install of a known release on clean machines is the most predictable path; the spread covers
    // hardware and bundle configuration surprises.
    baseSuccess: { min: 92, max: 97 },
    // Install the target release, configure the bundle, validate (reference: 8–16 h including a few tenant apps).
    install: row(7, 14, 0),
    // Each tenant application (a HelmRelease in a tenant-* namespace) is recreated and its data moved.
    perTenantWorkload: row(0.25, 0.5, 0),
    // Data of a feature that changed incompatibly still has to be converted when moved.
    breakingChangeUsed: row(1, 2, -1),
    // Exporting workloads from a cluster with blocking failures is harder, but the new cluster does not inherit them.
    degradedSource: row(0, 0, -2),
  },
  thresholds: { longTermDays: 30, restartHistory: 1000 },
  // successMin >= 80: low; >= 60: medium; >= 40: high; below: very high.
  risk: { lowFrom: 80, mediumFrom: 60, highFrom: 40 },
  // Repairing first is worth it only while A stays at medium risk or better.
  recommendation: { repairFirstMinSuccess: 60 },
};

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Shape of the config file's `decision:` section: any row or field may be given, unknown names are errors. */
export const DecisionConfigSchema = deepPartialStrict(DecisionModelSchema);
export type DecisionConfig = DeepPartial<DecisionModel>;

/** Optional everywhere, still strict (a typo in a row name is an error that names it). Row refinements
 * (min <= max) are dropped here and checked again on the merged model. */
function deepPartialStrict(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) {
    const shape: Record<string, z.ZodType> = {};
    for (const [key, value] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      shape[key] = deepPartialStrict(value).optional();
    }
    return z.object(shape).strict();
  }
  return schema;
}

/**
 * The model with the config's overrides applied, checked again as a whole (so `hoursMin` above a default
 * `hoursMax` is caught). Throws a ZodError; the CLI turns it into exit 2 naming the file and field.
 */
export function resolveModel(overrides: unknown): DecisionModel {
  const partial = DecisionConfigSchema.parse(overrides ?? {}) as DecisionConfig;
  const merged = deepMerge(DEFAULT_MODEL, partial);
  return DecisionModelSchema.parse(merged);
}

function deepMerge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base;
  if (typeof base !== 'object' || base === null) return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === undefined) continue;
    out[key] = deepMerge((base as Record<string, unknown>)[key], value as DeepPartial<unknown>);
  }
  return out as T;
}
