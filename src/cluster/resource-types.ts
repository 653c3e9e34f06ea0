// The resource types the tool reads. Listed once here so that the live source, the snapshot source,
// the inventory, the backup and the fake API server all agree on names.
import type { ResourceType } from './types.js';

// Generic so that each entry keeps its literal group and plural: the inventory derives its typed keys from them.
const core = <K extends string, P extends string>(kind: K, plural: P, namespaced = true) =>
  ({ group: '', version: 'v1', kind, plural, namespaced }) as const;
const typed = <G extends string, K extends string, P extends string>(
  group: G,
  version: string,
  kind: K,
  plural: P,
  namespaced = true,
) => ({ group, version, kind, plural, namespaced }) as const;

export const BUILTIN_TYPES = {
  nodes: core('Node', 'nodes', false),
  namespaces: core('Namespace', 'namespaces', false),
  pods: core('Pod', 'pods'),
  events: core('Event', 'events'),
  eventsV1: typed('events.k8s.io', 'v1', 'Event', 'events'),
  configmaps: core('ConfigMap', 'configmaps'),
  secrets: core('Secret', 'secrets'),
  services: core('Service', 'services'),
  endpoints: core('Endpoints', 'endpoints'),
  endpointSlices: typed('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices'),
  pvcs: core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  pvs: core('PersistentVolume', 'persistentvolumes', false),
  ingresses: typed('networking.k8s.io', 'v1', 'Ingress', 'ingresses'),
  deployments: typed('apps', 'v1', 'Deployment', 'deployments'),
  daemonsets: typed('apps', 'v1', 'DaemonSet', 'daemonsets'),
  statefulsets: typed('apps', 'v1', 'StatefulSet', 'statefulsets'),
  replicasets: typed('apps', 'v1', 'ReplicaSet', 'replicasets'),
  jobs: typed('batch', 'v1', 'Job', 'jobs'),
  crds: typed('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
  helmReleases: typed('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease', 'helmreleases'),
  validatingWebhooks: typed(
    'admissionregistration.k8s.io',
    'v1',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations',
    false,
  ),
  mutatingWebhooks: typed(
    'admissionregistration.k8s.io',
    'v1',
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations',
    false,
  ),
  apiServices: typed('apiregistration.k8s.io', 'v1', 'APIService', 'apiservices', false),
} as const satisfies Record<string, ResourceType>;

export type BuiltinTypeName = keyof typeof BUILTIN_TYPES;

/** Built-in types in a stable order (the order lists are issued and files are written). */
export const BUILTIN_TYPE_LIST: readonly ResourceType[] = Object.values(BUILTIN_TYPES);

/**
 * API groups whose custom resources hold state worth backing up (cluster-API, Proxmox, CozyStack and the
 * operators it runs). A group matches itself and any subgroup (`x.cluster.x-k8s.io`).
 */
export const STATEFUL_CUSTOM_GROUPS = [
  'cluster.x-k8s.io',
  'cozystack.io',
  'kubevirt.io',
  'kamaji.clastix.io',
  'postgresql.cnpg.io',
  'k8s.mariadb.com',
  'etcd.aenix.io',
  'kubeovn.io',
  'piraeus.io',
  'objectstorage.k8s.io',
  'velero.io',
  'source.toolkit.fluxcd.io',
  'operator.cluster.x-k8s.io',
] as const;

/**
 * The API groups of those families that CozyStack's releases serve (their charts' CRDs at v0.37.2 and v1.6.2,
 * KubeVirt's and CDI's own, the aggregated CozyStack APIs), by name. RBAC grants groups by exact name only, so
 * the read-only ClusterRole in deploy/ (scripts/generate-rbac.ts) lists these; a group of a family missing
 * here is read all the same, and under that role it is forbidden and named in the report.
 */
export const STATEFUL_CUSTOM_GROUP_NAMES = [
  'cluster.x-k8s.io',
  'addons.cluster.x-k8s.io',
  'bootstrap.cluster.x-k8s.io',
  'controlplane.cluster.x-k8s.io',
  'infrastructure.cluster.x-k8s.io',
  'ipam.cluster.x-k8s.io',
  'runtime.cluster.x-k8s.io',
  'operator.cluster.x-k8s.io',
  'cozystack.io',
  'apps.cozystack.io',
  'core.cozystack.io',
  'sdn.cozystack.io',
  'backups.cozystack.io',
  'strategy.backups.cozystack.io',
  'dashboard.cozystack.io',
  'etcd-operator.cozystack.io',
  'gateway.cozystack.io',
  'kubevirt.io',
  'cdi.kubevirt.io',
  'forklift.cdi.kubevirt.io',
  'snapshot.kubevirt.io',
  'export.kubevirt.io',
  'instancetype.kubevirt.io',
  'pool.kubevirt.io',
  'migrations.kubevirt.io',
  'clone.kubevirt.io',
  'kamaji.clastix.io',
  'postgresql.cnpg.io',
  'k8s.mariadb.com',
  'etcd.aenix.io',
  'kubeovn.io',
  'piraeus.io',
  'objectstorage.k8s.io',
  'velero.io',
  'source.toolkit.fluxcd.io',
] as const;

export function isStatefulCustomGroup(group: string): boolean {
  return STATEFUL_CUSTOM_GROUPS.some((g) => group === g || group.endsWith(`.${g}`));
}

/** Groups served by built-in types (never treated as custom resources even when a CRD-like entry shows up). */
export function isBuiltinGroup(group: string): boolean {
  return BUILTIN_TYPE_LIST.some((t) => t.group === group) || group === '';
}

/**
 * Types that carry the same facts: when one of a pair was read, the other being absent loses nothing
 * (a snapshot of `kubectl get events` has no events.k8s.io copy; old clusters serve no EndpointSlices).
 */
export const EQUIVALENT_TYPE_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['events', 'events.events.k8s.io'],
  ['endpoints', 'endpointslices.discovery.k8s.io'],
];

/** The type key that stands in for `key`, if any. */
export function equivalentTypeKey(key: string): string | undefined {
  for (const [a, b] of EQUIVALENT_TYPE_KEYS) {
    if (key === a) return b;
    if (key === b) return a;
  }
  return undefined;
}
