// The snapshot source: a folder (read recursively) or one file of `kubectl get … -o json|yaml` output.
// Every file is parsed when the source opens, so a broken file fails the run up front (exit 2) instead
// of hiding a resource type. Parsed text is dropped file by file; objects are kept grouped per type.
//
// Files read: *.json, *.yaml, *.yml. Skipped: dotfiles and dot-folders, manifest.json, SHA256SUMS, *.age
// (encrypted), anything else. `version.json` in `kubectl version -o json` shape gives the server version.
// A typed empty list (`{"apiVersion":"batch/v1","kind":"JobList","items":[]}`) records that the type was
// captured and had no objects. So does an empty untyped `List` (what `kubectl get pods -o json` prints when
// it finds nothing) in a file named after a built-in type (`pods.json`, `nodes.yaml`); without either, a
// type with no objects is simply absent from the snapshot.
import type { Dirent, Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import { BadInputError, badInputFromZod } from '../errors.js';
import { decodeText, type FileFormat, isRecord, parseDocuments, visitDocument } from './parse-files.js';
import { BUILTIN_TYPE_LIST } from './resource-types.js';
import {
  apiVersionOf,
  type ClusterSource,
  type KubeObject,
  type ListOptions,
  type ObjectOrigin,
  type ResourceType,
  SourceListError,
  typeKey,
} from './types.js';

export const SNAPSHOT_PAGE_SIZE = 500;
const CAPTURE_HINT = 'capture one with: kubectl get pods,nodes,events -A -o json > state.json';
const SKIPPED_NAMES = new Set(['manifest.json', 'SHA256SUMS']);
const VERSION_FILES = new Set(['version.json', 'version.yaml', 'version.yml']);

/** Objects of one apiVersion+kind, deduplicated by namespace/name (the last file read wins). */
interface Bucket {
  apiVersion: string;
  kind: string;
  objects: Map<string, KubeObject>;
}

export async function openSnapshotSource(path: string): Promise<ClusterSource> {
  const files = await objectFiles(path);
  const buckets = new Map<string, Bucket>();
  const origins = new WeakMap<KubeObject, ObjectOrigin>();
  let version: string | undefined;
  for (const file of files) {
    const docs = parseDocuments(decodeText(await readSnapshotFile(file)), formatOf(file), file);
    if (VERSION_FILES.has(basename(file)) && docs.length === 1 && isVersionDocument(docs[0])) {
      version = serverVersionOf(docs[0], file) ?? version;
      continue;
    }
    const named = emptyListType(docs, file);
    if (named) bucketOf(buckets, apiVersionOf(named), named.kind);
    docs.forEach((doc, index) => {
      visitDocument(
        doc,
        { file, document: index + 1 },
        {
          object: (object, origin) => {
            bucketOf(buckets, object.apiVersion, object.kind).objects.set(objectKey(object), object);
            origins.set(object, origin);
          },
          typedList: (apiVersion, kind) => bucketOf(buckets, apiVersion, kind),
        },
      );
    });
  }
  if (buckets.size === 0) {
    throw new BadInputError(
      `${path}: no Kubernetes objects found in the snapshot`,
      path,
      undefined,
      CAPTURE_HINT,
    );
  }
  return new SnapshotSource(path, version, resolveTypes(buckets), origins);
}

class SnapshotSource implements ClusterSource {
  readonly info;
  constructor(
    path: string,
    private readonly version: string | undefined,
    private readonly byType: Map<string, { type: ResourceType; objects: KubeObject[] }>,
    private readonly origins: WeakMap<KubeObject, ObjectOrigin>,
  ) {
    this.info = { kind: 'snapshot' as const, path };
  }

  async serverVersion(): Promise<string | undefined> {
    return this.version;
  }

  async discoverTypes(): Promise<ResourceType[]> {
    return [...this.byType.values()].map((entry) => entry.type);
  }

  async *listPages(type: ResourceType, options: ListOptions = {}): AsyncIterable<KubeObject[]> {
    const entry = this.byType.get(typeKey(type));
    if (!entry) {
      throw new SourceListError(
        `${typeKey(type)}: not in the snapshot ${this.info.path} (that type was not captured)`,
        'not-installed',
      );
    }
    const objects = narrowed(entry.objects, options);
    for (let start = 0; start < objects.length; start += SNAPSHOT_PAGE_SIZE) {
      options.signal?.throwIfAborted();
      yield objects.slice(start, start + SNAPSHOT_PAGE_SIZE);
    }
  }

  async getObject(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: ListOptions = {},
  ): Promise<KubeObject | undefined> {
    options.signal?.throwIfAborted();
    const entry = this.byType.get(typeKey(type));
    if (!entry) {
      throw new SourceListError(
        `${typeKey(type)}: not in the snapshot ${this.info.path} (that type was not captured)`,
        'not-installed',
      );
    }
    return entry.objects.find((o) => o.metadata.name === name && o.metadata.namespace === namespace);
  }

  originOf(object: KubeObject): ObjectOrigin | undefined {
    return this.origins.get(object);
  }

  async close(): Promise<void> {}
}

/** The objects a narrow read asks for: one namespace, labels matching every `key=value` of the selector. */
function narrowed(objects: KubeObject[], options: ListOptions): KubeObject[] {
  if (options.namespace === undefined && !options.labelSelector) return objects;
  const wanted = (options.labelSelector ?? '')
    .split(',')
    .filter((term) => term.trim() !== '')
    .map((term) => term.split('=').map((part) => part.trim()) as [string, string | undefined]);
  return objects.filter(
    (o) =>
      (options.namespace === undefined || o.metadata.namespace === options.namespace) &&
      wanted.every(([key, value]) => o.metadata.labels?.[key] === value),
  );
}

/** The files to read: the path itself when it is a file, else every object file below it (sorted, so stable). */
async function objectFiles(path: string): Promise<string[]> {
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw unreadable(path, error, error.code === 'ENOENT' ? 'snapshot folder does not exist' : undefined);
  });
  if (stats.isFile()) return [path];
  if (!stats.isDirectory()) {
    throw new BadInputError(
      `${path}: a snapshot is a folder or a regular file, not ${fileKind(stats)}`,
      path,
      undefined,
      CAPTURE_HINT,
    );
  }
  const files: string[] = [];
  await walk(path, files);
  if (files.length === 0) {
    throw new BadInputError(
      `${path}: snapshot folder holds no .json, .yaml or .yml files`,
      path,
      undefined,
      CAPTURE_HINT,
    );
  }
  return files;
}

/** A path the reader cannot use is bad input naming the path and the system's reason (ELOOP, EACCES, ...). */
function unreadable(path: string, error: NodeJS.ErrnoException, what?: string): BadInputError {
  const reason = error.code === 'ELOOP' ? 'ELOOP: a symbolic link loop' : (error.code ?? error.message);
  return new BadInputError(
    `${path}: ${what ?? `snapshot path cannot be read (${reason})`}`,
    path,
    undefined,
    what ? CAPTURE_HINT : 'check the path, its links and its permissions',
  );
}

/** What a path is when it is neither a regular file nor a folder (a FIFO would block the reader forever). */
function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'a special file';
}

/** Reads one object file; a path that stopped being a regular file since the walk is refused, never opened. */
async function readSnapshotFile(file: string): Promise<Buffer> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) throw notRegular(file, stats);
    return await readFile(file);
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    throw unreadable(file, error as NodeJS.ErrnoException);
  }
}

function notRegular(file: string, stats: Stats): BadInputError {
  return new BadInputError(
    `${file}: not a regular file but ${fileKind(stats)}: a snapshot holds only files written by kubectl`,
    file,
    undefined,
    'remove it from the snapshot folder',
  );
}

/**
 * A folder holding this file is not read: a backup's clean `apply/` view repeats the objects of the raw
 * files (minus status), and reading both would count every object twice.
 */
export const SNAPSHOT_SKIP_MARKER = '.cozy-assess-apply-view';

async function walk(dir: string, out: string[]): Promise<void> {
  const entries: Dirent[] = await readdir(dir, { withFileTypes: true }).catch((error) => {
    throw unreadable(dir, error as NodeJS.ErrnoException);
  });
  if (entries.some((entry) => entry.name === SNAPSHOT_SKIP_MARKER)) return;
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_NAMES.has(entry.name)) continue;
    const full = join(dir, entry.name);
    // Follow symbolic links (a loop is bad input, named); look at what they point to.
    const stats = entry.isSymbolicLink()
      ? await stat(full).catch((error) => {
          throw unreadable(full, error as NodeJS.ErrnoException);
        })
      : entry;
    if (stats.isDirectory()) await walk(full, out);
    else if (!['.json', '.yaml', '.yml'].includes(extname(entry.name))) continue;
    else if (stats.isFile()) out.push(full);
    else throw notRegular(full, stats as Stats);
  }
}

function formatOf(file: string): FileFormat {
  return extname(file) === '.json' ? 'json' : 'yaml';
}

/** The built-in type a file captured with nothing in it: one empty untyped `List`, the file named after the type. */
function emptyListType(docs: readonly unknown[], file: string): ResourceType | undefined {
  const [doc] = docs;
  if (docs.length !== 1 || !isRecord(doc) || doc.kind !== 'List') return undefined;
  if (!Array.isArray(doc.items) || doc.items.length > 0) return undefined;
  const name = basename(file, extname(file));
  return BUILTIN_TYPE_LIST.find((type) => typeKey(type) === name || type.plural === name);
}

function isVersionDocument(doc: unknown): doc is Record<string, unknown> {
  return (
    isRecord(doc) && doc.kind === undefined && (isRecord(doc.serverVersion) || isRecord(doc.clientVersion))
  );
}

/** `kubectl version -o json|yaml`: the fields the tool reads must have kubectl's types. */
const VersionFileSchema = z.object({
  serverVersion: z
    .object({ gitVersion: z.string().min(1).optional() })
    .loose()
    .optional(),
});

function serverVersionOf(doc: unknown, file: string): string | undefined {
  const parsed = VersionFileSchema.safeParse(doc);
  if (!parsed.success) throw badInputFromZod(parsed.error, file, 'version file');
  return parsed.data.serverVersion?.gitVersion;
}

function bucketOf(buckets: Map<string, Bucket>, apiVersion: string, kind: string): Bucket {
  const id = `${apiVersion}\t${kind}`;
  let bucket = buckets.get(id);
  if (!bucket) {
    bucket = { apiVersion, kind, objects: new Map() };
    buckets.set(id, bucket);
  }
  return bucket;
}

function objectKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}\u0000${object.metadata.name}`;
}

/**
 * Gives each bucket its resource type (built-in, from a CRD in the snapshot, or guessed) and sorts its objects.
 * Types are keyed like kubectl names them (`helmreleases.helm.toolkit.fluxcd.io`), whatever the version: a
 * snapshot holds the version kubectl printed, and a reader asking for v2 HelmReleases wants those objects.
 */
function resolveTypes(
  buckets: Map<string, Bucket>,
): Map<string, { type: ResourceType; objects: KubeObject[] }> {
  const crds = crdNames(buckets);
  const merged = new Map<string, { type: ResourceType; objects: Map<string, KubeObject> }>();
  for (const bucket of buckets.values()) {
    const type = typeOf(bucket, crds);
    const entry = merged.get(typeKey(type));
    if (!entry) merged.set(typeKey(type), { type, objects: bucket.objects });
    else for (const [key, object] of bucket.objects) entry.objects.set(key, object);
  }
  const resolved = [...merged.values()].map(({ type, objects }) => ({
    type,
    objects: [...objects.values()].sort(byNamespaceAndName),
  }));
  const builtinOrder = (t: ResourceType) => {
    const index = BUILTIN_TYPE_LIST.findIndex((b) => b.group === t.group && b.kind === t.kind);
    return index === -1 ? BUILTIN_TYPE_LIST.length : index;
  };
  resolved.sort(
    (a, b) => builtinOrder(a.type) - builtinOrder(b.type) || compare(typeKey(a.type), typeKey(b.type)),
  );
  return new Map(resolved.map((entry) => [typeKey(entry.type), entry]));
}

function typeOf(bucket: Bucket, crds: Map<string, { plural: string; namespaced: boolean }>): ResourceType {
  const [group, version] = splitApiVersion(bucket.apiVersion);
  const builtin = BUILTIN_TYPE_LIST.find((t) => t.group === group && t.kind === bucket.kind);
  if (builtin) return builtin.version === version ? builtin : { ...builtin, version };
  const crd = crds.get(`${group}\t${bucket.kind}`);
  return {
    group,
    version,
    kind: bucket.kind,
    plural: crd?.plural ?? guessPlural(bucket.kind),
    namespaced: crd
      ? crd.namespaced
      : [...bucket.objects.values()].some((o) => o.metadata.namespace !== undefined),
  };
}

/** CRD objects in the snapshot give the real plural and scope of their custom types. */
function crdNames(buckets: Map<string, Bucket>): Map<string, { plural: string; namespaced: boolean }> {
  const names = new Map<string, { plural: string; namespaced: boolean }>();
  for (const bucket of buckets.values()) {
    if (bucket.kind !== 'CustomResourceDefinition' || !bucket.apiVersion.startsWith('apiextensions.k8s.io/'))
      continue;
    for (const crd of bucket.objects.values()) {
      const spec = crd.spec as
        | { group?: string; scope?: string; names?: { kind?: string; plural?: string } }
        | undefined;
      if (!spec?.group || !spec.names?.kind || !spec.names.plural) continue;
      names.set(`${spec.group}\t${spec.names.kind}`, {
        plural: spec.names.plural,
        namespaced: spec.scope !== 'Cluster',
      });
    }
  }
  return names;
}

function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** kubectl's guess for a kind with no discovery data (UnsafeGuessKindToResource). */
export function guessPlural(kind: string): string {
  const singular = kind.toLowerCase();
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

/** The API server's list order: by namespace, then name (byte order, as etcd keys sort). */
export function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return (
    compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    compare(a.metadata.name, b.metadata.name)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
