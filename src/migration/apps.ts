// One tenant HelmRelease on its way to the target release: what it is (kind, role), what the breaking changes
// crossed do to it (converted by the kit, to review, or converted by hand), and the manifest(s) the kit writes.
import { parse as parseYaml } from 'yaml';
import { cleanObject } from '../backup/clean.js';
import { helmReleaseMatches } from '../catalog/breaking.js';
import type { BreakingChange, Kit } from '../catalog/schema.js';
import type { KubeObject } from '../cluster/types.js';
import { rec } from '../inventory/raw.js';
import type { HelmReleaseFacts } from '../inventory/types.js';
import { type AppKind, appKindOf, kindServedAt } from './app-kinds.js';
import { type AppDraft, applyOp, type PlatformContribution } from './convert.js';
import type { AppChange, ConversionStatus } from './schema.js';
import { secretPaths, valuesFromRefs, withoutPaths } from './values.js';

/** The apps.cozystack.io API: one version for every app kind, on v0.x and v1.x alike. */
export const APPS_API_VERSION = 'apps.cozystack.io/v1alpha1';
/** User labels and annotations of an app are stored on its HelmRelease with this prefix. */
const APP_META_PREFIX = 'apps.cozystack.io-';
/** Chart sources of the CozyStack apps: the v0 HelmRepositories, or a v1 ExternalArtifact. */
const COZYSTACK_SOURCES = new Set(['cozystack-apps', 'cozystack-extra']);
/** A values Secret the platform writes itself (v1); never an app's own. */
export const PLATFORM_VALUES_SECRET = 'cozystack-values';

export type Role = 'tenant' | 'module' | 'app';

/** How the kit carries an app a crossed change touches; the catalog's `kit`, else by severity. */
export function kitOf(change: BreakingChange): Kit | { conversion: 'review' } {
  if (change.kit) return change.kit;
  return change.severity === 'blocker' ? { conversion: 'manual' } : { conversion: 'review' };
}

export interface CarriedApp {
  facts: HelmReleaseFacts;
  kind: AppKind | undefined;
  /** False for a HelmRelease whose chart is not a CozyStack app (or comes from another source). */
  cozystackApp: boolean;
  role: Role;
  name: string;
  /** What the kit creates on the target, after the conversions (empty when it cannot be created as it is). */
  manifests: KubeObject[];
  /** The HelmReleases those manifests become on the target (`mariadb-wiki` for MySQL `wiki` on v1). */
  targetReleases: string[];
  changes: AppChange[];
  status: ConversionStatus;
  platform: PlatformContribution[];
  /** Values paths that look secret (kept out of clear manifests). */
  withheld: string[];
  /** Values came (partly) from a Secret: the manifest may only be written encrypted. */
  valuesFromSecret: boolean;
  /** Values the merged values hold (names only). */
  valuesKeys: string[];
  /** The HelmRelease's valuesFrom (Secrets and ConfigMaps merged into its values). */
  valuesFrom: Array<{ kind: string; name: string; key: string }>;
  /** The merged values (inline + valuesFrom), before conversion: for references and exposure only. */
  values: Record<string, unknown>;
  notes: string[];
}

export interface CarryOptions {
  target: string;
  /** Breaking changes crossed between the installed release and the target, in release order. */
  crossed: readonly BreakingChange[];
  /** Tenant Secrets, when they were read (values Secrets are merged from them). */
  secrets: readonly KubeObject[] | undefined;
}

/** Builds the carried form of one tenant HelmRelease. `raw` is the whole object from the scan. */
export function carryApp(
  facts: HelmReleaseFacts,
  raw: KubeObject | undefined,
  options: CarryOptions,
): CarriedApp {
  const kind = appKindOf(facts.chart);
  const cozystackApp = kind !== undefined && isCozystackSource(facts);
  const role: Role = !cozystackApp
    ? 'app'
    : kind.chart === 'tenant'
      ? 'tenant'
      : kind.module
        ? 'module'
        : 'app';
  const name =
    cozystackApp && facts.name.startsWith(kind.prefix) ? facts.name.slice(kind.prefix.length) : facts.name;
  const notes: string[] = [];
  const spec = rec(raw?.spec);
  const { values, fromSecret } = mergedValues(facts, spec, options.secrets, notes);
  const carried: CarriedApp = {
    facts,
    kind,
    cozystackApp,
    role,
    name,
    manifests: [],
    targetReleases: [],
    changes: [],
    status: 'carried',
    platform: [],
    withheld: [],
    valuesFromSecret: fromSecret,
    valuesKeys: Object.keys(values).sort(),
    valuesFrom: valuesFromRefs(spec),
    values,
    notes,
  };
  if (!raw) {
    notes.push('the HelmRelease object was not kept by the scan: no manifest could be written');
    carried.status = 'manual';
    return carried;
  }
  const cleaned = cleanObject(raw);
  if (!cozystackApp) {
    carryForeignRelease(carried, cleaned);
    return carried;
  }
  let drafts: AppDraft[] = [
    { chart: kind.chart, kind: kind.kind, prefix: kind.prefix, name, namespace: facts.namespace, values },
  ];
  for (const change of options.crossed) {
    const touches = change.detect.some((d) => d.kind === 'helmRelease' && helmReleaseMatches(d, facts));
    if (!touches) continue;
    const kit = kitOf(change);
    if (kit.conversion === 'mechanical') {
      const changed: string[] = [];
      for (const op of kit.ops) {
        const result = applyOp(op, drafts);
        drafts = result.drafts;
        changed.push(...result.changed);
        carried.platform.push(...result.platform);
      }
      carried.changes.push({
        id: change.id,
        status: changed.length > 0 ? 'converted' : 'unchanged',
        detail: changed.length > 0 ? changed.join('; ') : 'nothing in this app to rewrite',
      });
    } else if (kit.conversion === 'manual') {
      carried.changes.push({ id: change.id, status: 'manual', detail: change.action });
    } else if (kit.conversion === 'none') {
      carried.changes.push({ id: change.id, status: 'not-needed', detail: kit.reason });
    } else {
      carried.changes.push({ id: change.id, status: 'review', detail: change.action });
    }
  }
  const served = drafts.filter((draft) => {
    const draftKind = appKindOf(draft.chart);
    return draftKind === undefined || kindServedAt(draftKind, options.target);
  });
  if (served.length < drafts.length) {
    const gone = drafts.filter((d) => !served.includes(d)).map((d) => d.kind);
    carried.changes.push({
      id: 'target-kind',
      status: 'manual',
      detail: `v${options.target} has no ${gone.join(', ')} app: no manifest is written; re-create it in the kind that replaces it`,
    });
  }
  carried.withheld = [...new Set(served.flatMap((d) => secretPaths(d.values)))].sort();
  carried.manifests = served.map((draft) => appManifest(draft, cleaned));
  carried.targetReleases = served.map((draft) => `${draft.prefix}${draft.name}`);
  carried.status = conversionStatus(carried.changes);
  return carried;
}

/** The app's own chart source: a CozyStack apps repository (v0) or an ExternalArtifact (v1). */
function isCozystackSource(facts: HelmReleaseFacts): boolean {
  if (!facts.sourceRef) return true;
  return COZYSTACK_SOURCES.has(facts.sourceRef.name) || facts.sourceRef.kind === 'ExternalArtifact';
}

/**
 * Inline values over the values of its valuesFrom Secrets (Flux merges valuesFrom first, then spec.values).
 * A values Secret that was not read is named in the notes: the manifest then holds only the inline values.
 */
function mergedValues(
  facts: HelmReleaseFacts,
  spec: Record<string, unknown>,
  secrets: readonly KubeObject[] | undefined,
  notes: string[],
): { values: Record<string, unknown>; fromSecret: boolean } {
  let merged: Record<string, unknown> = {};
  let fromSecret = false;
  for (const ref of valuesFromRefs(spec)) {
    if (ref.kind !== 'Secret' || ref.name === PLATFORM_VALUES_SECRET) continue;
    const secret = secrets?.find(
      (s) => s.metadata.namespace === facts.namespace && s.metadata.name === ref.name,
    );
    const text = secret ? decodeSecretKey(secret, ref.key) : undefined;
    if (text === undefined) {
      notes.push(
        secrets
          ? `values Secret ${ref.name} (key ${ref.key}) was not found: the manifest holds only the inline values`
          : `values Secret ${ref.name} was not read (run with --include-secrets): the manifest holds only the inline values`,
      );
      continue;
    }
    const parsed = parseYaml(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      merged = deepMerge(merged, parsed as Record<string, unknown>);
      fromSecret = true;
    }
  }
  const inline = rec(spec.values);
  return { values: deepMerge(merged, structuredClone(inline)), fromSecret };
}

function decodeSecretKey(secret: KubeObject, key: string): string | undefined {
  const stringData = rec(secret.stringData)[key];
  if (typeof stringData === 'string') return stringData;
  const data = rec(secret.data)[key];
  return typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const bothObjects =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current !== null &&
      typeof current === 'object' &&
      !Array.isArray(current);
    out[key] = bothObjects
      ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}

/** A HelmRelease that is not a CozyStack app is carried as it is (cleaned); its chart source must exist there. */
function carryForeignRelease(carried: CarriedApp, cleaned: KubeObject): void {
  carried.withheld = secretPaths(rec(cleaned.spec).values, 'spec.values');
  carried.manifests = [cleaned];
  carried.targetReleases = [carried.facts.name];
  carried.changes.push({
    id: 'not-a-cozystack-app',
    status: 'review',
    detail: `chart ${carried.facts.chart}${carried.facts.sourceRef ? ` from ${carried.facts.sourceRef.kind} ${carried.facts.sourceRef.name}` : ''} is not a CozyStack app: the HelmRelease is carried as it is; its chart source must exist on the new cluster`,
  });
  carried.status = 'review';
}

/** The app in the apps.cozystack.io API: name without the prefix, values as spec, the user's own labels. */
function appManifest(draft: AppDraft, cleaned: KubeObject): KubeObject {
  const metadata: KubeObject['metadata'] = { name: draft.name, namespace: draft.namespace };
  const labels = unprefixed(cleaned.metadata.labels);
  const annotations = unprefixed(cleaned.metadata.annotations);
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  return { apiVersion: APPS_API_VERSION, kind: draft.kind, metadata, spec: draft.values };
}

function unprefixed(map: Record<string, string> | undefined): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(map ?? {})) {
    if (key.startsWith(APP_META_PREFIX)) out[key.slice(APP_META_PREFIX.length)] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The app's status from its change records: the strongest one wins. */
export function conversionStatus(changes: readonly AppChange[]): ConversionStatus {
  if (changes.some((c) => c.status === 'manual')) return 'manual';
  if (changes.some((c) => c.status === 'review')) return 'review';
  if (changes.some((c) => c.status === 'converted')) return 'converted';
  return 'carried';
}

/** The manifest with its secret-looking values left out (the clear copy), or as it is (to be encrypted). */
export function clearManifest(manifest: KubeObject, withheld: readonly string[]): KubeObject {
  if (withheld.length === 0) return manifest;
  if (manifest.apiVersion !== APPS_API_VERSION) {
    return withoutPaths(manifest as unknown as Record<string, unknown>, withheld) as unknown as KubeObject;
  }
  const spec = withoutPaths(rec(manifest.spec), withheld);
  return { ...manifest, spec };
}
