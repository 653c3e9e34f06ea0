// The release catalog file format (src/catalog/releases.yaml and `--catalog FILE`), validated with zod so
// that a malformed file is exit 2 naming the field path (`releases[3].migrationTarget: …`).
import semver from 'semver';
import { z } from 'zod';

const stableVersion = z
  .string()
  .refine((value) => semver.valid(value) !== null && semver.prerelease(value) === null, {
    message: 'must be a stable version X.Y.Z without `v`',
  });
const anyVersion = z.string().refine((value) => semver.valid(value) !== null, {
  message: 'must be a semver version without `v` (X.Y.Z or X.Y.Z-rc.N)',
});
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');
const source = z.string().min(1, 'cite a source (path@tag, changelog or issue)');
const range = z
  .string()
  .refine((value) => semver.validRange(value) !== null, { message: 'must be a semver range' });

export const NoteSchema = z.strictObject({ text: z.string().min(1), source });

export const AvoidSchema = z.strictObject({
  reason: z.string().min(1),
  /** The release to use instead. */
  instead: stableVersion.optional(),
  source,
});

export const ReleaseSchema = z.strictObject({
  version: stableVersion,
  date: isoDate,
  /**
   * `cozystack-version` data.version this release migrates to. v0: the highest file in scripts/migrations/ + 1
   * (the installer computes it so from v0.31). v1: `migrations.targetVersion` in
   * packages/core/platform/values.yaml, which the files do not give (v1.2.1 has files 34, 35 and 37 and
   * target 36: patch branches backport single slots).
   */
  migrationTarget: z.number().int().nonnegative(),
  /** Minimum Kubernetes version of the management cluster, `major.minor`. */
  minKubernetes: z
    .string()
    .regex(/^\d+\.\d+$/, 'must be major.minor, e.g. 1.33')
    .optional(),
  /** Installer image tag the release ships when it is not the release's own (v0.30.5 ships v0.30.4). */
  installerImage: anyVersion.optional(),
  /** cozystack-operator image tag the release ships when it lags the release (v1.0.8 ships v1.0.7). */
  operatorImage: anyVersion.optional(),
  avoid: AvoidSchema.optional(),
  notes: z.array(NoteSchema).optional(),
  source,
});

const helmReleaseDetector = z.strictObject({
  kind: z.literal('helmRelease'),
  chart: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  namespacePrefix: z.string().optional(),
  /** Matches only when the deployed chart version is below this (unknown deployed version matches). */
  chartVersionBelow: anyVersion.optional(),
  /** Matches when any of these top-level `spec.values` keys is set. */
  valueKeysAny: z.array(z.string()).optional(),
  releaseName: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});
const crdDetector = z.strictObject({ kind: z.literal('crd'), name: z.string().min(1) });
const customResourceDetector = z.strictObject({
  kind: z.literal('customResource'),
  /** Type key: `etcdclusters.etcd.aenix.io`. */
  type: z.string().min(1),
  /** `namespace/name` or `name`; any object of the type when absent. */
  name: z.string().optional(),
});
const configMapKeyDetector = z.strictObject({
  kind: z.literal('configMapKey'),
  /** `namespace/name`, e.g. `cozy-system/cozystack`. */
  configMap: z.string().regex(/^[^/]+\/[^/]+$/, 'must be namespace/name'),
  key: z.string().min(1),
  values: z.array(z.string()).optional(),
});
const workloadDetector = z.strictObject({
  kind: z.literal('workload'),
  workloadKind: z.enum(['Deployment', 'DaemonSet', 'StatefulSet']).optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  imagePrefix: z.string().optional(),
});
const secretKeysDetector = z.strictObject({
  kind: z.literal('secretKeys'),
  /** `namespace/name`: one of the Secrets the inventory reads key names of (never values). */
  secret: z.string().regex(/^[^/]+\/[^/]+$/, 'must be namespace/name'),
  /** Matches when the Secret exists and has every one of these keys. */
  keys: z.array(z.string().min(1)).min(1),
});
const kubernetesBelowDetector = z.strictObject({
  kind: z.literal('kubernetesBelow'),
  version: z.string().regex(/^\d+\.\d+$/, 'must be major.minor'),
});
/** A platform change: every cluster that crosses the release is affected. */
const platformDetector = z.strictObject({ kind: z.literal('platform') });

export const DetectorSchema = z.discriminatedUnion('kind', [
  helmReleaseDetector,
  crdDetector,
  customResourceDetector,
  configMapKeyDetector,
  workloadDetector,
  secretKeysDetector,
  kubernetesBelowDetector,
  platformDetector,
]);

export const BreakingSeveritySchema = z.enum(['blocker', 'warning', 'info']);

/**
 * One mechanical rewrite of an app's manifest, as the release's own migration script does it in place. The
 * migration kit (Option C: apps are re-created on a fresh install of the target) applies the same rewrite.
 */
export const KitOpSchema = z.discriminatedUnion('op', [
  /** Every `resources` map anywhere in the values becomes {cpu, memory}, limits over requests (migration 16). */
  z.strictObject({ op: z.literal('flattenResources') }),
  /** Top-level values keys move under one key (`size` → `volume.size`). */
  z.strictObject({
    op: z.literal('moveValues'),
    keys: z.array(z.string().min(1)).min(1),
    under: z.string().min(1),
  }),
  /** In every entry of the map at `under` (e.g. `nodeGroups`), key `from` is renamed `to`. */
  z.strictObject({
    op: z.literal('renameInEach'),
    under: z.string().min(1),
    from: z.string().min(1),
    to: z.string().min(1),
  }),
  /**
   * A values key leaves the app for a platform setting: with `item`, a true value adds `item` to the setting's
   * comma-separated list; without, the value (a list is comma-joined) becomes the setting.
   */
  z.strictObject({
    op: z.literal('valueToPlatform'),
    key: z.string().min(1),
    setting: z.string().min(1),
    item: z.string().min(1).optional(),
  }),
  /** The app kind is renamed: new chart, API kind and HelmRelease name prefix. */
  z.strictObject({
    op: z.literal('renameApp'),
    chart: z.string().min(1),
    kind: z.string().min(1),
    prefix: z.string(),
  }),
  /** A VirtualMachine becomes a VMDisk (its system disk) plus a VMInstance (migration 29 of v1.0). */
  z.strictObject({ op: z.literal('splitVirtualMachine') }),
]);

/**
 * How the migration kit carries an app this change touches. `mechanical`: the kit rewrites the manifest;
 * `manual`: the data changes form, an operator converts it (the change's `action`); `none`: nothing in an app's
 * manifest changes (a platform-side change), with why. Absent: a blocker is manual, anything else is reviewed.
 */
export const KitSchema = z.discriminatedUnion('conversion', [
  z.strictObject({ conversion: z.literal('mechanical'), ops: z.array(KitOpSchema).min(1) }),
  z.strictObject({ conversion: z.literal('manual') }),
  z.strictObject({ conversion: z.literal('none'), reason: z.string().min(1) }),
]);

export const BreakingChangeSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'must be lower-case kebab-case'),
  title: z.string().min(1),
  /** Release that introduced it: a path crosses it when it goes from below this release to it or later. */
  version: stableVersion,
  /**
   * Only for clusters whose installed release is in this range (harm done by releases the cluster ran,
   * e.g. `>=1.5.0 <1.5.4`); for any other installed release the change is `not used`.
   */
  installedRange: range.optional(),
  affects: z.string().min(1),
  severity: BreakingSeveritySchema,
  action: z.string().min(1),
  /** How to tell the cluster uses what changed; any match = used. */
  detect: z.array(DetectorSchema).min(1),
  /** When one matches, a used change is already prepared for (e.g. a backup target exists): severity drops to warning. */
  mitigatedBy: z.array(DetectorSchema).optional(),
  /** How the migration kit carries an app this change touches (see KitSchema). */
  kit: KitSchema.optional(),
  source,
});

export const RequiredStopSchema = z.strictObject({
  id: z.string().min(1),
  /** The stop is the newest catalog release in this range (e.g. `>=0.41.10 <0.42.0`). */
  range,
  /** A path that reaches this version or later from below it must stop first. */
  before: stableVersion,
  reason: z.string().min(1),
  source,
});

export const BundleSchema = z.strictObject({
  name: z.string().min(1),
  generation: z.enum(['v0', 'v1']),
  source,
});

function uniqueBy<T>(key: (item: T) => string, what: string) {
  return (items: T[], context: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const k = key(item);
      if (seen.has(k)) {
        context.addIssue({
          code: 'custom',
          path: [index],
          message: `duplicate ${what} ${k} (also at [${seen.get(k)}])`,
        });
      }
      seen.set(k, index);
    });
  };
}

/** A catalog file. The shipped one has every section; an override may hold any subset. */
export const CatalogFileSchema = z.strictObject({
  schemaVersion: z.literal(1),
  releases: z
    .array(ReleaseSchema)
    .superRefine(uniqueBy((r) => r.version, 'version'))
    .default([]),
  breakingChanges: z
    .array(BreakingChangeSchema)
    .superRefine(uniqueBy((c) => c.id, 'id'))
    .default([]),
  requiredStops: z
    .array(RequiredStopSchema)
    .superRefine(uniqueBy((s) => s.id, 'id'))
    .default([]),
  bundles: z
    .array(BundleSchema)
    .superRefine(uniqueBy((b) => b.name, 'name'))
    .default([]),
});

export type Note = z.infer<typeof NoteSchema>;
export type Release = z.infer<typeof ReleaseSchema>;
export type Detector = z.infer<typeof DetectorSchema>;
export type BreakingSeverity = z.infer<typeof BreakingSeveritySchema>;
export type BreakingChange = z.infer<typeof BreakingChangeSchema>;
export type KitOp = z.infer<typeof KitOpSchema>;
export type Kit = z.infer<typeof KitSchema>;
export type RequiredStop = z.infer<typeof RequiredStopSchema>;
export type Bundle = z.infer<typeof BundleSchema>;
export type CatalogFile = z.infer<typeof CatalogFileSchema>;
