// Which resource types the API server serves: the built-in types of BUILTIN_TYPES it has, plus every listable
// type of a non-Kubernetes API group (CRDs and aggregated APIs: cluster-API, Proxmox, CozyStack, Flux…).
import type { ApiClient } from './http.js';
import { BUILTIN_TYPE_LIST, isStatefulCustomGroup } from './resource-types.js';
import { apiVersionOf, type ResourceType, typeKey } from './types.js';

/** Groups a real cluster serves without any CRD (`''`, `apps`, `*.k8s.io`). Everything else is custom. */
export function isKubernetesGroup(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

/**
 * Whether discovery hands a served type over as a custom type. Kubernetes' own groups are read through the
 * built-in list; a CRD group under k8s.io that holds state (COSI's objectstorage.k8s.io buckets) is custom all the same.
 */
export function isCustomGroup(group: string): boolean {
  return !isKubernetesGroup(group) || isStatefulCustomGroup(group);
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

interface ApiGroup {
  name: string;
  preferredVersion?: { version: string };
  versions: Array<{ version: string }>;
}

/** The resources one group version serves. */
interface GroupVersionResources {
  group: string;
  version: string;
  resources: ApiResource[];
}

/**
 * Aggregated discovery (apidiscovery.k8s.io, Kubernetes 1.26+; v2 from 1.30): every group, version and
 * resource in two answers (`/api` and `/apis`) instead of one request per group version (hundreds on a
 * cluster with many CRDs). A server that does not know it answers the classic lists, which are read as before.
 */
const AGGREGATED_DISCOVERY = [
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

interface AggregatedList {
  kind: 'APIGroupDiscoveryList';
  items?: Array<{
    metadata?: { name?: string };
    /** In order of preference: the first is the preferred version. */
    versions?: Array<{
      version: string;
      /** `Stale`: an aggregated API that did not answer; its resources may be gone. */
      freshness?: string;
      resources?: Array<{
        resource: string;
        responseKind?: { kind?: string };
        scope?: string;
        verbs?: string[];
      }>;
    }>;
  }>;
}

/** What discovery needs of the API client: GETs of JSON, with an Accept header. */
export type DiscoveryClient = Pick<ApiClient, 'getJson'>;

export async function discoverServedTypes(
  client: DiscoveryClient,
  signal?: AbortSignal,
): Promise<ResourceType[]> {
  const accept = { accept: AGGREGATED_DISCOVERY };
  const apis = await client.getJson('/apis', {}, signal, accept);
  if (isAggregated(apis)) {
    const core = await client.getJson('/api', {}, signal, accept);
    if (isAggregated(core)) return chooseTypes(...fromAggregated([core, apis]));
  }
  return discoverGroupByGroup(client, (apis as { groups?: ApiGroup[] }).groups ?? [], signal);
}

function isAggregated(answer: unknown): answer is AggregatedList {
  return (answer as { kind?: unknown } | null)?.kind === 'APIGroupDiscoveryList';
}

function fromAggregated(answers: AggregatedList[]): [GroupVersionResources[], ApiGroup[]] {
  const lists: GroupVersionResources[] = [];
  const groups: ApiGroup[] = [];
  for (const item of answers.flatMap((answer) => answer.items ?? [])) {
    const name = item.metadata?.name ?? '';
    // As the classic discovery skips a group version that does not answer, a stale one is skipped.
    const versions = (item.versions ?? []).filter((v) => v.freshness !== 'Stale');
    if (name !== '' && versions[0]) groups.push({ name, preferredVersion: versions[0], versions });
    for (const { version, resources } of versions) {
      lists.push({
        group: name,
        version,
        resources: (resources ?? []).map((r) => ({
          name: r.resource,
          kind: r.responseKind?.kind ?? '',
          namespaced: r.scope === 'Namespaced',
          verbs: r.verbs,
        })),
      });
    }
  }
  return [lists, groups];
}

/** Classic discovery: `/api/v1` and one request per version of every group of `/apis`. */
async function discoverGroupByGroup(
  client: DiscoveryClient,
  groups: ApiGroup[],
  signal?: AbortSignal,
): Promise<ResourceType[]> {
  const groupVersions: Array<{ group: string; version: string }> = [{ group: '', version: 'v1' }];
  for (const group of groups) {
    const versions = new Set([group.preferredVersion?.version, ...group.versions.map((v) => v.version)]);
    for (const version of versions) if (version) groupVersions.push({ group: group.name, version });
  }
  const lists = await Promise.all(
    groupVersions.map(async ({ group, version }) => {
      const path = group === '' ? '/api/v1' : `/apis/${group}/${version}`;
      // A broken aggregated API (metrics-server down) answers 503 here: it must not hide the other groups.
      const list = await client.getJson(path, {}, signal).catch((error: unknown) => {
        if (signal?.aborted) throw error;
        return { resources: [] };
      });
      return { group, version, resources: (list as { resources?: ApiResource[] }).resources ?? [] };
    }),
  );
  return chooseTypes(lists, groups);
}

function chooseTypes(lists: GroupVersionResources[], groups: ApiGroup[]): ResourceType[] {
  const served = new Map<string, ResourceType[]>(); // typeKey → the versions serving it, discovery order
  for (const { group, version, resources } of lists) {
    for (const resource of resources) {
      if (resource.name.includes('/') || (resource.verbs && !resource.verbs.includes('list'))) continue;
      const type = {
        group,
        version,
        kind: resource.kind,
        plural: resource.name,
        namespaced: resource.namespaced,
      };
      const key = typeKey(type);
      served.set(key, [...(served.get(key) ?? []), type]);
    }
  }
  const preferred = (key: string, wanted?: string) => {
    const versions = served.get(key) ?? [];
    const groupName = versions[0]?.group;
    const preferredVersion = groups.find((g) => g.name === groupName)?.preferredVersion?.version;
    return (
      versions.find((t) => t.version === wanted) ??
      versions.find((t) => t.version === preferredVersion) ??
      versions[0]
    );
  };
  const result: ResourceType[] = [];
  for (const builtin of BUILTIN_TYPE_LIST) {
    const type = preferred(typeKey(builtin), builtin.version);
    if (type) result.push(type.version === builtin.version ? builtin : { ...builtin, version: type.version });
  }
  const builtinKeys = new Set(BUILTIN_TYPE_LIST.map(typeKey));
  const custom = [...served.keys()]
    .filter((key) => !builtinKeys.has(key))
    .map((key) => preferred(key)!)
    .filter((type) => isCustomGroup(type.group))
    .sort((a, b) => (typeKey(a) < typeKey(b) ? -1 : typeKey(a) > typeKey(b) ? 1 : 0));
  return [...result, ...custom];
}

/** `helmreleases.helm.toolkit.fluxcd.io (helm.toolkit.fluxcd.io/v2)`, for messages. */
export function describeType(type: ResourceType): string {
  return `${typeKey(type)} (${apiVersionOf(type)})`;
}
