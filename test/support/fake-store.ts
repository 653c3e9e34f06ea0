// The fake API server's object store: the types it serves and their objects, sorted the way etcd keys sort
// (namespace, then name), with cheap pagination, label/field selectors and lazily cached JSON per object.
// Built to serve ~50k pods from memory for the benchmark.
import { isKubernetesGroup } from '../../src/cluster/discovery.js';
import { BUILTIN_TYPE_LIST } from '../../src/cluster/resource-types.js';
import { byNamespaceAndName } from '../../src/cluster/snapshot.js';
import { apiVersionOf, type KubeObject, type ResourceType, typeKey } from '../../src/cluster/types.js';

/** An object with its JSON cached on first use (list items carry no apiVersion/kind for built-in types). */
interface StoredObject {
  object: KubeObject;
  key: string;
  itemJson?: string;
}

export interface ServedType {
  type: ResourceType;
  /** Every version the server answers for this type (a CRD may serve several). */
  versions: string[];
  /** CRD-backed types carry apiVersion/kind on list items; built-in types do not (as a real server). */
  custom: boolean;
  /** kubectl's short names (`po`, `crd`), from discovery. */
  shortNames: string[];
  objects: StoredObject[];
  /** Index range of each namespace in `objects` (they are sorted by namespace first). */
  namespaces: Map<string, { start: number; end: number }>;
}

const BUILTIN_SHORT_NAMES: Record<string, string[]> = {
  pods: ['po'],
  nodes: ['no'],
  namespaces: ['ns'],
  events: ['ev'],
  configmaps: ['cm'],
  services: ['svc'],
  endpoints: ['ep'],
  persistentvolumeclaims: ['pvc'],
  persistentvolumes: ['pv'],
  'deployments.apps': ['deploy'],
  'daemonsets.apps': ['ds'],
  'statefulsets.apps': ['sts'],
  'replicasets.apps': ['rs'],
  'customresourcedefinitions.apiextensions.k8s.io': ['crd', 'crds'],
};

export class FakeStore {
  readonly types = new Map<string, ServedType>();

  /** `extraTypes`: Kubernetes types the tool does not read, served too (for a client such as kubectl apply). */
  constructor(objects: Iterable<KubeObject>, extraTypes: readonly ResourceType[] = []) {
    const all = [...objects];
    for (const type of [...BUILTIN_TYPE_LIST, ...extraTypes]) {
      if (isKubernetesGroup(type.group))
        this.serve(type, [type.version], false, BUILTIN_SHORT_NAMES[typeKey(type)] ?? []);
    }
    for (const crd of all.filter(isCrd)) this.serveCrd(crd);
    const byType = new Map<string, KubeObject[]>();
    for (const object of all) {
      const served = this.typeOfObject(object);
      if (!served) continue; // no CRD for it: the server cannot hold it (and answers 404 for its type)
      const key = typeKey(served.type);
      if (!byType.has(key)) byType.set(key, []);
      byType.get(key)!.push(object);
    }
    for (const [key, list] of byType) this.load(this.types.get(key)!, list);
  }

  private serve(type: ResourceType, versions: string[], custom: boolean, shortNames: string[]): void {
    this.types.set(typeKey(type), { type, versions, custom, shortNames, objects: [], namespaces: new Map() });
  }

  private serveCrd(crd: KubeObject): void {
    const spec = crd.spec as {
      group: string;
      scope?: string;
      names: { kind: string; plural: string; shortNames?: string[] };
      versions?: Array<{ name: string; served?: boolean; storage?: boolean }>;
    };
    const versions = (spec.versions ?? []).filter((v) => v.served !== false).map((v) => v.name);
    const preferred = spec.versions?.find((v) => v.storage)?.name ?? versions[0];
    if (!preferred) return;
    const type: ResourceType = {
      group: spec.group,
      version: preferred,
      kind: spec.names.kind,
      plural: spec.names.plural,
      namespaced: spec.scope !== 'Cluster',
    };
    this.serve(type, versions, true, spec.names.shortNames ?? []);
  }

  private typeOfObject(object: KubeObject): ServedType | undefined {
    const slash = object.apiVersion.lastIndexOf('/');
    const group = slash === -1 ? '' : object.apiVersion.slice(0, slash);
    for (const served of this.types.values()) {
      if (served.type.group === group && served.type.kind === object.kind) return served;
    }
    return undefined;
  }

  private load(served: ServedType, objects: KubeObject[]): void {
    const unique = new Map<string, KubeObject>();
    for (const object of objects)
      unique.set(`${object.metadata.namespace ?? ''}\u0000${object.metadata.name}`, object);
    served.objects = [...unique.values()]
      .sort(byNamespaceAndName)
      .map((object) => ({ object, key: `${object.metadata.namespace ?? ''}\u0000${object.metadata.name}` }));
    served.namespaces.clear();
    served.objects.forEach((stored, index) => {
      const ns = stored.object.metadata.namespace ?? '';
      const range = served.namespaces.get(ns);
      if (range) range.end = index + 1;
      else served.namespaces.set(ns, { start: index, end: index + 1 });
    });
  }

  /** Finds a served type from a URL: group, version and plural. */
  find(group: string, version: string, plural: string): ServedType | undefined {
    const served = this.types.get(typeKey({ group, plural }));
    return served?.versions.includes(version) ? served : undefined;
  }

  /** Group → versions, for discovery. */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const served of this.types.values()) {
      const versions = groups.get(served.type.group) ?? [];
      for (const v of served.versions) if (!versions.includes(v)) versions.push(v);
      groups.set(served.type.group, versions);
    }
    return groups;
  }

  typesIn(group: string, version: string): ServedType[] {
    return [...this.types.values()].filter((s) => s.type.group === group && s.versions.includes(version));
  }
}

function isCrd(object: KubeObject): boolean {
  return object.kind === 'CustomResourceDefinition' && object.apiVersion.startsWith('apiextensions.k8s.io/');
}

export interface ListQuery {
  namespace?: string;
  limit?: number;
  /** Key of the last object of the previous page (decoded from the continue token). */
  after?: string;
  labelSelector?: Selector;
  fieldSelector?: Selector;
}

export interface ListPage {
  items: StoredObject[];
  /** Key of the last item when more may follow, else undefined. */
  nextAfter?: string;
}

/** One page of a list: objects after `after`, matching the selectors, at most `limit`. */
export function listPage(served: ServedType, query: ListQuery): ListPage {
  let start = 0;
  let end = served.objects.length;
  if (query.namespace !== undefined) {
    const range = served.namespaces.get(query.namespace);
    if (!range) return { items: [] };
    ({ start, end } = range);
  }
  if (query.after !== undefined) start = Math.max(start, firstAfter(served.objects, query.after));
  const limit = query.limit && query.limit > 0 ? query.limit : Number.POSITIVE_INFINITY;
  const items: StoredObject[] = [];
  let index = start;
  for (; index < end && items.length < limit; index++) {
    const stored = served.objects[index]!;
    if (query.labelSelector && !query.labelSelector(labelsOf(stored.object))) continue;
    if (query.fieldSelector && !query.fieldSelector((path) => fieldOf(stored.object, path))) continue;
    items.push(stored);
  }
  const more = items.length === limit && hasMatchAfter(served, index, end, query);
  return { items, nextAfter: more ? items[items.length - 1]!.key : undefined };
}

function hasMatchAfter(served: ServedType, from: number, end: number, query: ListQuery): boolean {
  if (!query.labelSelector && !query.fieldSelector) return from < end;
  for (let i = from; i < end; i++) {
    const object = served.objects[i]!.object;
    if (query.labelSelector && !query.labelSelector(labelsOf(object))) continue;
    if (query.fieldSelector && !query.fieldSelector((path) => fieldOf(object, path))) continue;
    return true;
  }
  return false;
}

/** Binary search: the index of the first object whose key sorts after `key`. */
function firstAfter(objects: StoredObject[], key: string): number {
  let low = 0;
  let high = objects.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (objects[mid]!.key <= key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** JSON of a list item, cached; built-in types' items carry no apiVersion/kind, as a real server sends them. */
export function itemJson(served: ServedType, stored: StoredObject, version: string): string {
  if (stored.itemJson === undefined || version !== served.type.version) {
    const { apiVersion, kind, ...rest } = stored.object;
    const json = served.custom
      ? JSON.stringify({ apiVersion: apiVersionOf({ group: served.type.group, version }), kind, ...rest })
      : JSON.stringify(rest);
    if (version !== served.type.version) return json;
    stored.itemJson = json;
  }
  return stored.itemJson;
}

function labelsOf(object: KubeObject): Record<string, string> {
  return object.metadata.labels ?? {};
}

function fieldOf(object: KubeObject, path: string): string {
  let value: unknown = object;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return '';
    value = (value as Record<string, unknown>)[part];
  }
  return value === undefined || value === null ? '' : String(value);
}

/** A parsed selector: a predicate over a lookup (labels by key, or fields by dotted path). */
export type Selector = (lookup: ((key: string) => string | undefined) | Record<string, string>) => boolean;

/**
 * Parses a label or field selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * comma-separated (all must hold). Returns an error message for a selector it cannot read.
 */
export function parseSelector(text: string, kind: 'label' | 'field'): Selector | string {
  const requirements: Array<(get: (key: string) => string | undefined) => boolean> = [];
  for (const raw of splitTopLevel(text)) {
    const term = raw.trim();
    if (term === '') continue;
    let match = /^([\w./-]+)\s*(==|=|!=)\s*([\w./:-]*)$/.exec(term);
    if (match) {
      const [, key, op, value] = match as unknown as [string, string, string, string];
      requirements.push((get) => ((get(key) ?? '') === value) === (op !== '!='));
      continue;
    }
    match = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (match && kind === 'label') {
      const [, key, op, list] = match as unknown as [string, string, string, string];
      const values = list.split(',').map((v) => v.trim());
      requirements.push((get) => {
        const value = get(key);
        return op === 'in'
          ? value !== undefined && values.includes(value)
          : value === undefined || !values.includes(value);
      });
      continue;
    }
    match = /^(!?)([\w./-]+)$/.exec(term);
    if (match && kind === 'label') {
      const [, not, key] = match as unknown as [string, string, string];
      requirements.push((get) => (get(key) !== undefined) !== (not === '!'));
      continue;
    }
    return `unable to parse requirement: ${term}`;
  }
  return (lookup) => {
    const get = typeof lookup === 'function' ? lookup : (key: string) => lookup[key];
    return requirements.every((requirement) => requirement(get));
  };
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}
