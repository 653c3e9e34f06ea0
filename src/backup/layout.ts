// Where things go inside a backup folder. One place, so the writer, the verifier, the summary and the
// snapshot source agree.
//
//   <out>/<YYYYMMDD-HHMM>/            0700, renamed into place only when complete and verified
//     manifest.json                   what was taken, from where, when; per-type counts and bytes; what was skipped
//     SHA256SUMS                      `sha256sum -c` format, every other file
//     version.json                    `kubectl version -o json` shape (the snapshot source reads it)
//     configmaps/ helmreleases/ crds/ secrets/ states/ capi/ cozystack/ operators/
//       <type key>.json               one typed List per resource type, as the API returns it
//       secrets.json.age              instead of secrets.json with --encrypt-secrets
//     apply/                          the clean view: `kubectl apply -f apply/` accepts it
//       .cozy-assess-apply-view       marker: a snapshot reader must not read this folder as cluster state
//       00-namespaces.json …          plain `List`s without server-owned fields
//
// While it is written the folder is `<out>/.<YYYYMMDD-HHMM>.partial-<pid>/` and holds an `INCOMPLETE` file.
import { posix } from 'node:path';
import { isStatefulCustomGroup } from '../cluster/resource-types.js';
import { SNAPSHOT_SKIP_MARKER } from '../cluster/snapshot.js';
import { type ResourceType, typeKey } from '../cluster/types.js';

export const MANIFEST_FILE = 'manifest.json';
export const SUMS_FILE = 'SHA256SUMS';
export const VERSION_FILE = 'version.json';
/** Present in a folder that is still being written (or whose run died): it is not a backup. */
export const INCOMPLETE_MARKER = 'INCOMPLETE';
export const APPLY_DIR = 'apply';
/**
 * Marker file inside the clean view. The clean view repeats objects the raw files already hold (minus
 * status), so a snapshot reader must skip any folder holding this file, or it would read objects twice.
 */
export const APPLY_VIEW_MARKER = SNAPSHOT_SKIP_MARKER;
export const ENCRYPTED_SUFFIX = '.age';

/** True when a snapshot reader should skip this folder (its entries are the folder's file names). */
export function isSkippedBySnapshotReader(entryNames: readonly string[]): boolean {
  return entryNames.includes(APPLY_VIEW_MARKER);
}

export type Category =
  | 'configmaps'
  | 'helmreleases'
  | 'crds'
  | 'secrets'
  | 'states'
  | 'capi'
  | 'cozystack'
  | 'operators';

/** Category folders in the order the summary lists them, with the label people read. */
export const CATEGORIES: ReadonlyArray<{ id: Category; label: string }> = [
  { id: 'configmaps', label: 'ConfigMaps' },
  { id: 'helmreleases', label: 'HelmReleases' },
  { id: 'crds', label: 'CRDs' },
  { id: 'secrets', label: 'Secrets' },
  { id: 'states', label: 'Resource states' },
  { id: 'capi', label: 'Cluster API / Proxmox' },
  { id: 'cozystack', label: 'CozyStack state' },
  { id: 'operators', label: 'Operator state' },
];

export function categoryLabel(id: Category): string {
  return CATEGORIES.find((c) => c.id === id)?.label ?? id;
}

export function categoryOf(type: Pick<ResourceType, 'group' | 'kind'>): Category {
  if (type.group === '' && type.kind === 'ConfigMap') return 'configmaps';
  if (type.group === '' && type.kind === 'Secret') return 'secrets';
  if (type.group === 'helm.toolkit.fluxcd.io' && type.kind === 'HelmRelease') return 'helmreleases';
  if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition') return 'crds';
  if (type.group === 'cluster.x-k8s.io' || type.group.endsWith('.cluster.x-k8s.io')) return 'capi';
  if (type.group === 'cozystack.io' || type.group.endsWith('.cozystack.io')) return 'cozystack';
  if (isStatefulCustomGroup(type.group)) return 'operators';
  return 'states';
}

/** `secrets/secrets.json`, `states/deployments.apps.json`, `capi/proxmoxclusters.infrastructure.cluster.x-k8s.io.json`. */
export function rawFilePath(type: ResourceType, encrypted: boolean): string {
  const file = `${categoryOf(type)}/${typeKey(type)}.json`;
  return encrypted ? `${file}${ENCRYPTED_SUFFIX}` : file;
}

/**
 * Clean-view file. `kubectl apply -f DIR` applies files in name order, so the prefix puts namespaces and
 * CRDs before the objects that need them.
 */
export function cleanFilePath(type: ResourceType, encrypted: boolean): string {
  const rank = CLEAN_ORDER.indexOf(categoryOf(type));
  const prefix = type.group === '' && type.kind === 'Namespace' ? '00' : String(rank + 1).padStart(2, '0');
  const file = posix.join(APPLY_DIR, `${prefix}-${typeKey(type)}.json`);
  return encrypted ? `${file}${ENCRYPTED_SUFFIX}` : file;
}

const CLEAN_ORDER: readonly Category[] = [
  'crds',
  'configmaps',
  'secrets',
  'helmreleases',
  'capi',
  'cozystack',
  'operators',
  'states',
];

/** Folder name of a backup started at `time`: `YYYYMMDD-HHMM` in UTC. */
export function backupFolderName(time: Date): string {
  const iso = time.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/** `20251024-1931`, then `20251024-1931-2`, `-3`, … when a folder of that name exists. */
export function candidateNames(base: string): Iterable<string> {
  return {
    *[Symbol.iterator]() {
      yield base;
      for (let n = 2; ; n++) yield `${base}-${n}`;
    },
  };
}

/** The temporary folder beside the target: hidden, and plainly not finished. */
export function partialFolderName(finalName: string, pid = process.pid): string {
  return `.${finalName}.partial-${pid}`;
}

export function isSecretsType(type: Pick<ResourceType, 'group' | 'kind'>): boolean {
  return type.group === '' && type.kind === 'Secret';
}
