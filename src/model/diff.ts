// The comparison of two assessments of one cluster (`cozy-assess diff OLD NEW`, and the "Since the last
// assessment" section that `assess --previous OLD` adds): what changed between two runs, in a versioned,
// zod-described document. Published as JSON Schema in schema/diff.schema.json (kept in sync by a test).
// Every value is copied from one of the two assessments; nothing is recomputed.
import { z } from 'zod';
import { FindingStatusSchema, ScopeSchema } from './finding.js';
import { RiskSchema, VerdictSchema } from './verdict.js';

export const DIFF_SCHEMA_VERSION = 1 as const;

/** A value in the old and the new assessment. */
const change = <T extends z.ZodType>(value: T) => z.object({ old: value, new: value, changed: z.boolean() });

const NumberChangeSchema = change(z.number());

/** What identifies one run. */
export const DiffSideSchema = z.object({
  generatedAt: z.string(),
  now: z.string(),
  toolVersion: z.string(),
  verdict: VerdictSchema,
});

/**
 * One piece of evidence on whether both runs read the same cluster: `agrees` is true when it confirms,
 * false when it contradicts, null when it can tell neither (e.g. two snapshot folders of different names).
 */
export const ClusterEvidenceSchema = z.object({
  field: z.string(),
  old: z.string().nullable(),
  new: z.string().nullable(),
  agrees: z.boolean().nullable(),
  why: z.string(),
});

export const ClusterJudgementSchema = z.object({
  /** `yes`: some evidence confirms and none contradicts; `no`: some contradicts; `unconfirmed`: none tells. */
  same: z.enum(['yes', 'no', 'unconfirmed']),
  /** The comparison was made although the clusters differ (`--force`). */
  forced: z.boolean(),
  evidence: z.array(ClusterEvidenceSchema),
});
export type ClusterJudgement = z.infer<typeof ClusterJudgementSchema>;

export const FindingStateSchema = z.object({
  status: FindingStatusSchema,
  blocking: z.boolean(),
  suppressed: z.boolean(),
});

export const FindingChangeSchema = z.object({
  id: z.string(),
  check: z.string(),
  /** The newest title (the new run's when it has the finding). */
  title: z.string(),
  scope: ScopeSchema,
  /** null: the run had no finding of this id (or only a pass). */
  old: FindingStateSchema.nullable(),
  new: FindingStateSchema.nullable(),
  /** Status, blocking or suppression differs between the runs. */
  changed: z.boolean(),
});
export type FindingChange = z.infer<typeof FindingChangeSchema>;

export const RootCauseChangeSchema = z.object({
  id: z.string(),
  title: z.string(),
  old: z.object({ nodes: z.array(z.string()), objects: z.number().int().nonnegative() }).nullable(),
  new: z.object({ nodes: z.array(z.string()), objects: z.number().int().nonnegative() }).nullable(),
});
export type RootCauseChange = z.infer<typeof RootCauseChangeSchema>;

export const OptionChangeSchema = z.object({
  hoursMin: NumberChangeSchema,
  hoursMax: NumberChangeSchema,
  successMin: NumberChangeSchema,
  successMax: NumberChangeSchema,
  risk: change(RiskSchema),
});

export const BackupStateSchema = z.object({
  path: z.string(),
  verified: z.boolean(),
  complete: z.boolean(),
  objects: z.number().int(),
  size: z.string(),
  secrets: z.enum(['included', 'encrypted', 'excluded']),
});

export const AssessmentDiffSchema = z.object({
  schemaVersion: z.literal(DIFF_SCHEMA_VERSION),
  old: DiffSideSchema,
  new: DiffSideSchema,
  cluster: ClusterJudgementSchema.describe(
    'Whether both assessments read the same cluster, and on what evidence.',
  ),
  verdict: change(VerdictSchema),
  recommendation: change(z.enum(['A', 'C'])),
  findings: z
    .object({
      /** Failing (fail, warn or unknown) before; passing or gone now, and its check ran. */
      fixed: z.array(FindingChangeSchema),
      /** Failing now; passing or absent before. */
      new: z.array(FindingChangeSchema),
      /** Failing in both runs; `changed` marks a status, blocking or suppression change. */
      stillFailing: z.array(FindingChangeSchema),
      /** Failing before; the new run did not run its check, so nothing is known. */
      notChecked: z.array(FindingChangeSchema),
    })
    .describe('Findings matched by id. Failing means status fail, warn or unknown.'),
  rootCauses: z.object({
    resolved: z.array(RootCauseChangeSchema),
    new: z.array(RootCauseChangeSchema),
    remaining: z.array(RootCauseChangeSchema),
  }),
  version: z.object({
    installed: change(z.string().nullable()),
    target: change(z.string().nullable()),
    minorGap: change(z.number().int().nullable()),
    /** The path as `from → to` steps. */
    path: change(z.array(z.string())),
  }),
  options: z.object({ A: OptionChangeSchema, C: OptionChangeSchema }),
  backup: change(BackupStateSchema.nullable()),
});
export type AssessmentDiff = z.infer<typeof AssessmentDiffSchema>;
