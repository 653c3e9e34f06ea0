// Test helpers for the backup: an in-memory ClusterSource (with forbidden types and mid-list failures),
// a small cluster with a planted secret value, and a runner for startBackup + scanCluster.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { type BackupCommitResult, type BackupOptions, startBackup } from '../../src/backup/backup.js';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import { scanCluster } from '../../src/cluster/scan.js';
import {
  type ClusterSource,
  type KubeObject,
  type ListOptions,
  type ResourceType,
  SourceListError,
  typeKey,
} from '../../src/cluster/types.js';

export const PLANTED_SECRET = 'hunter2-PLANTED-do-not-leak-7f3a9c';
export const PLANTED_SECRET_B64 = Buffer.from(PLANTED_SECRET).toString('base64');

export interface MemoryType {
  type: ResourceType;
  /** Objects, or a generator for large clusters (called once per list). */
  objects: KubeObject[] | (() => Iterable<KubeObject>);
}

export interface MemorySourceOptions {
  forbidden?: string[];
  /** Type key → fail with SourceListError('failed') after this many pages. */
  failAfterPages?: Record<string, number>;
  /** Type key → throw a plain Error (a bug in a source) after this many pages. */
  crashAfterPages?: Record<string, number>;
  pageSize?: number;
  version?: string;
  /** Awaited before each page (to interrupt a run in the middle). */
  beforePage?: (type: ResourceType, index: number) => Promise<void>;
}

export function memorySource(types: MemoryType[], options: MemorySourceOptions = {}): ClusterSource {
  const pageSize = options.pageSize ?? 500;
  return {
    info: { kind: 'live', server: 'https://memory.test:6443', context: 'memory' },
    serverVersion: async () => options.version ?? 'v1.31.4',
    discoverTypes: async () => types.map((t) => t.type),
    async *listPages(type: ResourceType, listOptions: ListOptions = {}) {
      const key = typeKey(type);
      const entry = types.find((t) => typeKey(t.type) === key);
      if (!entry) throw new SourceListError(`${key}: the server does not serve it`, 'not-installed');
      if (options.forbidden?.includes(key)) {
        throw new SourceListError(
          `${key}: forbidden: User "viewer" cannot list resource "${type.plural}"`,
          'forbidden',
        );
      }
      const all = typeof entry.objects === 'function' ? entry.objects() : entry.objects;
      let page: KubeObject[] = [];
      let index = 0;
      const emit = async function* () {
        listOptions.signal?.throwIfAborted();
        if (options.failAfterPages?.[key] === index)
          throw new SourceListError(`${key}: 503 Service Unavailable after 5 retries`, 'failed');
        if (options.crashAfterPages?.[key] === index) throw new Error(`${key}: connection reset by peer`);
        await options.beforePage?.(type, index);
        index++;
        yield page;
      };
      for (const object of all) {
        page.push(object);
        if (page.length === pageSize) {
          yield* emit();
          page = [];
        }
      }
      if (page.length > 0 || index === 0) yield* emit();
    },
    async getObject(type: ResourceType, namespace: string | undefined, name: string) {
      const key = typeKey(type);
      const entry = types.find((t) => typeKey(t.type) === key);
      if (!entry) return undefined;
      if (options.forbidden?.includes(key))
        throw new SourceListError(
          `${key}: forbidden: User "viewer" cannot get resource "${type.plural}"`,
          'forbidden',
        );
      const all = typeof entry.objects === 'function' ? entry.objects() : entry.objects;
      for (const object of all)
        if (object.metadata.name === name && object.metadata.namespace === namespace) return object;
      return undefined;
    },
    close: async () => undefined,
  };
}

const t = BUILTIN_TYPES;

function obj(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string | undefined,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      uid: `uid-${kind}-${namespace ?? ''}-${name}`,
      resourceVersion: '4242',
      creationTimestamp: '2025-10-20T08:00:00Z',
      generation: 3,
      managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion }],
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"x"}', keep: 'me' },
    },
    ...extra,
  };
}

export const PROXMOX_CLUSTERS: ResourceType = {
  group: 'infrastructure.cluster.x-k8s.io',
  version: 'v1alpha1',
  kind: 'ProxmoxCluster',
  plural: 'proxmoxclusters',
  namespaced: true,
};
export const CAPI_CLUSTERS: ResourceType = {
  group: 'cluster.x-k8s.io',
  version: 'v1beta1',
  kind: 'Cluster',
  plural: 'clusters',
  namespaced: true,
};
export const WORKLOAD_MONITORS: ResourceType = {
  group: 'cozystack.io',
  version: 'v1alpha1',
  kind: 'WorkloadMonitor',
  plural: 'workloadmonitors',
  namespaced: true,
};
/** Aggregated API (served from HelmReleases): must NOT be backed up. */
export const COZY_APPS: ResourceType = {
  group: 'apps.cozystack.io',
  version: 'v1alpha1',
  kind: 'Postgres',
  plural: 'postgreses',
  namespaced: true,
};
/** Not a stateful group: not backed up. */
export const WIDGETS: ResourceType = {
  group: 'example.com',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
};

function crdOf(type: ResourceType): KubeObject {
  return obj(
    'apiextensions.k8s.io/v1',
    'CustomResourceDefinition',
    `${type.plural}.${type.group}`,
    undefined,
    {
      spec: {
        group: type.group,
        names: {
          kind: type.kind,
          plural: type.plural,
          singular: type.kind.toLowerCase(),
          listKind: `${type.kind}List`,
        },
        scope: type.namespaced ? 'Namespaced' : 'Cluster',
        versions: [
          {
            name: type.version,
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
      status: { acceptedNames: { kind: type.kind, plural: type.plural } },
    },
  );
}

/** A small CozyStack-like cluster with one planted secret value (in a Secret only). */
export function smallCluster(): MemoryType[] {
  const customTypes = [
    PROXMOX_CLUSTERS,
    CAPI_CLUSTERS,
    WORKLOAD_MONITORS,
    WIDGETS,
    { ...BUILTIN_TYPES.helmReleases },
  ];
  return [
    {
      type: t.namespaces,
      objects: ['cozy-system', 'default', 'kube-system', 'tenant-root'].map((n) =>
        obj('v1', 'Namespace', n, undefined, {
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        }),
      ),
    },
    {
      type: t.nodes,
      objects: ['node-a', 'node-b'].map((n) =>
        obj('v1', 'Node', n, undefined, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }),
      ),
    },
    {
      type: t.configmaps,
      objects: [
        obj('v1', 'ConfigMap', 'cozystack', 'cozy-system', {
          data: { 'bundle-name': 'paas-proxmox', 'root-host': 'example.org' },
        }),
        obj('v1', 'ConfigMap', 'cozystack-version', 'cozy-system', { data: { version: '7' } }),
        obj('v1', 'ConfigMap', 'kube-root-ca.crt', 'default', { data: { 'ca.crt': 'PEM' } }),
      ],
    },
    {
      type: t.secrets,
      objects: [
        obj('v1', 'Secret', 'db-password', 'tenant-root', {
          type: 'Opaque',
          data: { password: PLANTED_SECRET_B64 },
          stringData: undefined,
        }),
        obj('v1', 'Secret', 'plain', 'tenant-root', {
          type: 'Opaque',
          stringData: { token: PLANTED_SECRET },
        }),
      ].map(stripUndefined),
    },
    {
      type: t.pods,
      objects: [
        obj('v1', 'Pod', 'web-0', 'tenant-root', {
          spec: { containers: [{ name: 'web', image: 'nginx' }] },
          status: { phase: 'Running' },
        }),
      ],
    },
    {
      type: t.events,
      objects: [
        obj('v1', 'Event', 'web-0.1', 'tenant-root', {
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
        }),
      ],
    },
    {
      type: t.eventsV1,
      objects: [
        obj('events.k8s.io/v1', 'Event', 'web-0.1', 'tenant-root', { reason: 'BackOff', note: 'Back-off' }),
      ],
    },
    { type: t.deployments, objects: [] },
    { type: t.crds, objects: customTypes.map(crdOf) },
    {
      type: t.helmReleases,
      objects: [
        obj('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'tenant-root', 'tenant-root', {
          spec: { chart: { spec: { chart: 'tenant' } } },
          status: { conditions: [] },
        }),
      ],
    },
    {
      type: PROXMOX_CLUSTERS,
      objects: [
        obj('infrastructure.cluster.x-k8s.io/v1alpha1', 'ProxmoxCluster', 'pve', 'default', {
          spec: { controlPlaneEndpoint: { host: '10.0.0.10', port: 6443 } },
        }),
      ],
    },
    {
      type: CAPI_CLUSTERS,
      objects: [obj('cluster.x-k8s.io/v1beta1', 'Cluster', 'pve', 'default', { spec: {} })],
    },
    {
      type: WORKLOAD_MONITORS,
      objects: [
        obj('cozystack.io/v1alpha1', 'WorkloadMonitor', 'web', 'tenant-root', { spec: { replicas: 2 } }),
      ],
    },
    {
      type: COZY_APPS,
      objects: [obj('apps.cozystack.io/v1alpha1', 'Postgres', 'db', 'tenant-root', { spec: {} })],
    },
    { type: WIDGETS, objects: [obj('example.com/v1', 'Widget', 'w', 'default', { spec: {} })] },
  ];
}

function stripUndefined(object: KubeObject): KubeObject {
  return JSON.parse(JSON.stringify(object)) as KubeObject;
}

/** startBackup + one scan + commit, as the backup command does. */
export async function runBackup(
  source: ClusterSource,
  options: Partial<BackupOptions> & { outDir: string },
  allowPartial = false,
): Promise<BackupCommitResult> {
  const session = await startBackup({
    secrets: 'include',
    toolVersion: '0.0.0-test',
    now: new Date('2025-10-24T19:31:05Z'),
    ...options,
  });
  try {
    const types = session.types(await source.discoverTypes());
    const outcomes = await scanCluster(source, types, [session.sink], { concurrency: 3 });
    return await session.commit(outcomes, {
      allowPartial,
      source: source.info,
      serverVersion: await source.serverVersion(),
    });
  } catch (error) {
    await session.abort('test run failed');
    throw error;
  }
}

/** Every file below dir, relative, with its mode and text. */
export async function filesBelow(dir: string): Promise<Array<{ path: string; mode: number; text: string }>> {
  const out: Array<{ path: string; mode: number; text: string }> = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        out.push({
          path: relative(dir, full),
          mode: (await stat(full)).mode & 0o777,
          text: await readFile(full, 'latin1'),
        });
    }
  };
  await walk(dir);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}
