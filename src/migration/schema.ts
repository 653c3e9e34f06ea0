// The migration plan document (plan.json): what `plan-migration` read about every tenant application, how
// each one moves to a fresh install of the target release, and the ordered runbook. A contract like the
// assessment: versioned, published as JSON Schema in schema/migration-plan.schema.json (kept in sync by a test).
import { z } from 'zod';

export const PLAN_SCHEMA_VERSION = 1 as const;

export const HoursSchema = z.object({ hoursMin: z.number(), hoursMax: z.number() });
export type Hours = z.infer<typeof HoursSchema>;

export const VolumeSchema = z.object({
  claim: z.string(),
  size: z.string().nullable(),
  bytes: z.number().nullable(),
  storageClass: z.string().nullable(),
  accessModes: z.array(z.string()),
  /** The PersistentVolume bound to the claim. */
  volume: z.string().nullable(),
  /** `replicated` / `local` (the LINSTOR classes CozyStack installs), `linstor`, another driver, or `unbound`. */
  backing: z.string(),
  driver: z.string().nullable(),
});
export type PlanVolume = z.infer<typeof VolumeSchema>;

export const LoadBalancerSchema = z.object({
  service: z.string(),
  addresses: z.array(z.string()),
  ports: z.array(z.string()),
});

export const ExposureSchema = z.object({
  ingressHosts: z.array(z.string()),
  loadBalancers: z.array(LoadBalancerSchema),
  /** Exposure settings among the values (`external`, `externalMethod`, `expose*`, …), never secret. */
  settings: z.record(z.string(), z.unknown()),
});

export const DependsOnSchema = z.object({
  /** Secrets the app reads (valuesFrom, `*secretName` values); names only. */
  secrets: z.array(z.string()),
  configMaps: z.array(z.string()),
  /** Other apps, `namespace/HelmRelease`. */
  apps: z.array(z.string()),
  /** Buckets named in the values (`s3://NAME/…`). */
  buckets: z.array(z.string()),
});

export const ChangeStatusSchema = z.enum(['converted', 'unchanged', 'manual', 'review', 'not-needed']);
export const ConversionStatusSchema = z.enum(['carried', 'converted', 'review', 'manual']);
export type ConversionStatus = z.infer<typeof ConversionStatusSchema>;

export const AppChangeSchema = z.object({
  id: z.string(),
  status: ChangeStatusSchema,
  detail: z.string(),
});
export type AppChange = z.infer<typeof AppChangeSchema>;

export const MoveSchema = z.object({
  method: z.enum(['dump-restore', 'volume-copy', 'object-copy', 'recreate', 'tenant', 'cluster']),
  how: z.string(),
  check: z.string(),
});

export const AppSchema = z.object({
  namespace: z.string(),
  /** The HelmRelease name. */
  release: z.string(),
  /** The app name in the apps.cozystack.io API (the release name without the kind's prefix). */
  name: z.string(),
  chart: z.string(),
  chartVersion: z.string().nullable(),
  /** The apps.cozystack.io kind on the installed release; null for a chart the tool does not know. */
  kind: z.string().nullable(),
  /** The kind(s) the kit creates on the target; empty when the app cannot be created there as it is. */
  targetKinds: z.array(z.string()),
  /** The HelmReleases the app becomes on the target (renamed kinds get new names). */
  targetReleases: z.array(z.string()),
  role: z.enum(['tenant', 'module', 'app']),
  phase: z.enum(['tenant', 'stateless', 'data']),
  /** Top-level values keys set (names only). */
  valuesKeys: z.array(z.string()),
  /** Values paths left out of the clear manifests because they look secret; carried only encrypted. */
  withheldValues: z.array(z.string()),
  data: z.object({ volumes: z.array(VolumeSchema), bytes: z.number(), size: z.string() }),
  exposure: ExposureSchema,
  dependsOn: DependsOnSchema,
  move: MoveSchema,
  conversion: z.object({ status: ConversionStatusSchema, changes: z.array(AppChangeSchema) }),
  /** Kit files (relative to the plan folder), in apply order. */
  manifests: z.array(z.string()),
  hours: HoursSchema,
  notes: z.array(z.string()),
});
export type PlanApp = z.infer<typeof AppSchema>;

export const TenantSchema = z.object({
  /** The tenant namespace. */
  namespace: z.string(),
  parent: z.string().nullable(),
  depth: z.number().int(),
  host: z.string().nullable(),
  /** Modules the tenant runs itself (etcd, ingress, monitoring, seaweedfs). */
  modules: z.array(z.string()),
  hours: HoursSchema,
  apps: z.array(AppSchema),
  /** Objects in the namespace no app claims: listed so nothing is left behind unseen. */
  unattributed: z.object({
    volumes: z.array(VolumeSchema),
    ingressHosts: z.array(z.string()),
    loadBalancers: z.array(LoadBalancerSchema),
  }),
});
export type PlanTenant = z.infer<typeof TenantSchema>;

export const PlanBreakingChangeSchema = z.object({
  id: z.string(),
  title: z.string(),
  version: z.string(),
  severity: z.string(),
  /** How the kit carries the apps it touches. */
  conversion: z.enum(['mechanical', 'manual', 'none', 'review']),
  action: z.string(),
  /** Apps it touches, `namespace/HelmRelease`. */
  apps: z.array(z.string()),
  /** Option C's `optionC.breakingChangeUsed` hours, when it prices this change. */
  hours: HoursSchema.nullable(),
});

export const StepSchema = z.object({
  number: z.number().int(),
  phase: z.enum(['platform', 'tenant', 'stateless', 'data', 'finish']),
  title: z.string(),
  tenant: z.string().nullable(),
  /** `namespace/HelmRelease`. */
  app: z.string().nullable(),
  do: z.array(z.string()),
  check: z.array(z.string()),
  manifests: z.array(z.string()),
});
export type PlanStep = z.infer<typeof StepSchema>;

export const MigrationPlanSchema = z.object({
  schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
  tool: z.object({ name: z.literal('cozy-assess'), version: z.string() }),
  generatedAt: z.string(),
  source: z.object({
    kind: z.enum(['live', 'snapshot']),
    server: z.string().nullable(),
    context: z.string().nullable(),
    snapshot: z.string().nullable(),
  }),
  installed: z.object({ version: z.string().nullable(), raw: z.string().nullable() }),
  target: z.string(),
  hours: z.object({
    /** Option C's `optionC.perTenantWorkload` row. */
    perTenantWorkload: HoursSchema,
    /** HelmReleases in tenant-* namespaces: what Option C counts. */
    workloads: z.number().int(),
    /** Option C's workload factor: workloads × the row; the tenants' hours add up to it. */
    migration: HoursSchema,
    /** Option C's data conversion factors (`optionC.breakingChangeUsed`). */
    conversions: HoursSchema,
    /** Option C's `optionC.install` row: the fresh install before any of this. */
    install: HoursSchema,
  }),
  /** Platform settings the new cluster needs (from the old platform configuration and converted values). */
  platform: z.array(z.object({ key: z.string(), value: z.string(), from: z.string() })),
  breakingChanges: z.array(PlanBreakingChangeSchema),
  tenants: z.array(TenantSchema),
  steps: z.array(StepSchema),
  secrets: z.object({
    included: z.boolean(),
    /** Encrypted kit files (age), relative to the plan folder. */
    files: z.array(z.string()),
    count: z.number().int(),
  }),
  notes: z.array(z.string()),
});
export type MigrationPlan = z.infer<typeof MigrationPlanSchema>;

/** The published JSON Schema (schema/migration-plan.schema.json), generated from the zod schema. */
export function migrationPlanJsonSchema(): string {
  const { $schema, ...schema } = z.toJSONSchema(MigrationPlanSchema, { target: 'draft-2020-12' });
  const published = {
    $schema,
    $id: 'https://github.com/cozystack/cozy-assess/schema/migration-plan.schema.json',
    title: 'cozy-assess migration plan',
    description:
      'plan.json written by `cozy-assess plan-migration` and `assess --migration-plan` (schemaVersion 1).',
    ...schema,
  };
  return `${JSON.stringify(published, null, 2)}\n`;
}
