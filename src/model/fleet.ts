// The result of one command over several clusters (`assess` or `check` with `--context a,b,c` or
// `--all-contexts`): one row per kubeconfig context, in the order asked, and the worst verdict. Published as
// JSON Schema in schema/fleet-assessment.schema.json (kept in sync by a test). Every value is copied from a
// cluster's own result; a cluster that could not be assessed is an INCOMPLETE row with its error.
import { z } from 'zod';
import { VerdictSchema } from './verdict.js';

export const FLEET_SCHEMA_VERSION = 1 as const;

const HoursSchema = z.object({ min: z.number(), max: z.number() });

export const FleetClusterSchema = z.object({
  /** The kubeconfig context. */
  context: z.string(),
  verdict: VerdictSchema.describe(
    'The cluster verdict; INCOMPLETE when it could not be assessed (see error).',
  ),
  /** What the command alone (`--context NAME`) would have exited with: 0, 3, 4, or 2/1 for a cluster it could not assess. */
  exitCode: z.number().int(),
  /** `assess`: A or C; null for `check`, or when there is no assessment. */
  recommendation: z.enum(['A', 'C']).nullable(),
  /** The cluster's Markdown report under --report-dir (`assess`), else null. */
  report: z.string().nullable(),
  /** The cluster's JSON document under --report-dir (`assessment.json` or `checks.json`), else null. */
  json: z.string().nullable(),
  /** Why there is no verdict of the cluster's own (unreachable, credentials refused, --timeout), else null. */
  error: z.string().nullable(),
  /** Installed release, target and the minor versions between them; null without a path (or `check` without --target). */
  version: z
    .object({
      installed: z.string().nullable(),
      target: z.string().nullable(),
      minorGap: z.number().int().nullable(),
    })
    .nullable(),
  /** Estimated hours of Option A and Option C (`assess`), else null. */
  hours: z.object({ A: HoursSchema, C: HoursSchema }).nullable(),
  /** The first root cause to repair (a blocking one when there is one), else null. */
  topRootCause: z.string().nullable(),
});
export type FleetCluster = z.infer<typeof FleetClusterSchema>;

export const FleetAssessmentSchema = z.object({
  schemaVersion: z.literal(FLEET_SCHEMA_VERSION),
  kind: z.literal('FleetAssessment'),
  tool: z.object({ name: z.literal('cozy-assess'), version: z.string() }),
  generatedAt: z.string(),
  /** The command run on every cluster. */
  command: z.enum(['assess', 'check']),
  verdict: VerdictSchema.describe('The worst verdict of the clusters: NO-GO over INCOMPLETE over GO.'),
  /** The exit code of the run: the worst verdict's (3, 4 or 0). */
  exitCode: z.number().int(),
  clusters: z.array(FleetClusterSchema),
});
export type FleetAssessment = z.infer<typeof FleetAssessmentSchema>;
