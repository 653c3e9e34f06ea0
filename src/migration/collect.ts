// What the migration plan needs beyond the inventory, gathered by a PageSink fed by the same one pass over the
// cluster: the tenant HelmReleases whole (their values become the kit's manifests), the tenant volumes with
// their PersistentVolumes, Ingress hosts, LoadBalancer Services, the tenant namespaces and, only when asked,
// the tenant Secrets. Everything outside `tenant-*` namespaces is dropped as it streams past (PVs excepted:
// they are cluster-scoped, and only their compact facts are kept).
import { BUILTIN_TYPES } from '../cluster/resource-types.js';
import type { PageSink } from '../cluster/scan.js';
import { type KubeObject, type ListOutcome, type ResourceType, typeKey } from '../cluster/types.js';
import { list, rec, str, strings } from '../inventory/raw.js';

export interface VolumeClaimFacts {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  storageClass?: string;
  accessModes: string[];
  volumeMode?: string;
  volumeName?: string;
  /** status.capacity.storage, else the request. */
  size?: string;
  phase?: string;
}

export interface VolumeFacts {
  name: string;
  claim?: { namespace: string; name: string };
  storageClass?: string;
  /** CSI driver name, or the in-tree source (`local`, `hostPath`, `nfs`, …). */
  driver?: string;
}

export interface IngressFacts {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  hosts: string[];
  ingressClass?: string;
}

export interface ExposedServiceFacts {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  type: string;
  /** Addresses the load balancer gave it, then spec.externalIPs. */
  addresses: string[];
  ports: string[];
}

/** What the sink kept: tenant objects (whole where the kit re-applies them) and compact facts. */
export interface MigrationObjects {
  /** HelmReleases of `tenant-*` namespaces, whole. */
  helmReleases: KubeObject[];
  /** `tenant-*` Namespaces, whole. */
  namespaces: KubeObject[];
  volumeClaims: VolumeClaimFacts[];
  volumes: VolumeFacts[];
  ingresses: IngressFacts[];
  services: ExposedServiceFacts[];
  /** Tenant Secrets, whole (only with `includeSecrets`); they only ever leave memory encrypted. */
  secrets: KubeObject[];
  /** Whether Secrets were asked for (and so listed). */
  secretsRead: boolean;
  /** Whether the PersistentVolume list ended well: without it a claim's backing is unknown, not unbound. */
  volumesRead: boolean;
}

export const isTenantNamespace = (namespace: string | undefined): boolean =>
  namespace?.startsWith('tenant-') === true;

/** Secrets the cluster re-creates by itself, or that hold Helm's own release records: never carried. */
function isCarriedSecret(secret: KubeObject): boolean {
  const type = secret.type;
  return type !== 'kubernetes.io/service-account-token' && type !== 'helm.sh/release.v1';
}

const T = BUILTIN_TYPES;

/** The types the plan reads, in the version the cluster serves when discovery says. */
export function migrationTypes(discovered: readonly ResourceType[], includeSecrets: boolean): ResourceType[] {
  const wanted: ResourceType[] = [T.namespaces, T.helmReleases, T.pvcs, T.pvs, T.ingresses, T.services];
  if (includeSecrets) wanted.push(T.secrets);
  return wanted.map((type) => discovered.find((d) => typeKey(d) === typeKey(type)) ?? type);
}

export interface MigrationCollector {
  sink: PageSink;
  finish(): MigrationObjects;
}

export function createMigrationCollector(options: { includeSecrets: boolean }): MigrationCollector {
  const out: MigrationObjects = {
    helmReleases: [],
    namespaces: [],
    volumeClaims: [],
    volumes: [],
    ingresses: [],
    services: [],
    secrets: [],
    secretsRead: options.includeSecrets,
    volumesRead: false,
  };
  const tenantOnly = (keep: (o: KubeObject) => void) => (o: KubeObject) => {
    if (isTenantNamespace(o.metadata.namespace)) keep(o);
  };
  const reducers: Record<string, (o: KubeObject) => void> = {
    [typeKey(T.namespaces)]: (o) => {
      if (isTenantNamespace(o.metadata.name)) out.namespaces.push(o);
    },
    [typeKey(T.helmReleases)]: tenantOnly((o) => out.helmReleases.push(o)),
    [typeKey(T.pvcs)]: tenantOnly((o) => out.volumeClaims.push(reduceClaim(o))),
    [typeKey(T.pvs)]: (o) => out.volumes.push(reduceVolume(o)),
    [typeKey(T.ingresses)]: tenantOnly((o) => out.ingresses.push(reduceIngress(o))),
    [typeKey(T.services)]: tenantOnly((o) => {
      const facts = reduceExposedService(o);
      if (facts) out.services.push(facts);
    }),
  };
  if (options.includeSecrets) {
    reducers[typeKey(T.secrets)] = tenantOnly((o) => {
      if (isCarriedSecret(o)) out.secrets.push(o);
    });
  }
  const sink: PageSink = {
    page(type, objects) {
      const reduce = reducers[typeKey(type)];
      if (reduce) for (const o of objects) reduce(o);
    },
    done(type, outcome) {
      if (typeKey(type) === typeKey(T.pvs)) out.volumesRead = outcome.status === 'ok';
    },
  };
  return { sink, finish: () => out };
}

export function reduceClaim(o: KubeObject): VolumeClaimFacts {
  const spec = rec(o.spec);
  const status = rec(o.status);
  const facts: VolumeClaimFacts = {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    labels: { ...(o.metadata.labels ?? {}) },
    accessModes:
      strings(status.accessModes).length > 0 ? strings(status.accessModes) : strings(spec.accessModes),
  };
  const size = str(rec(status.capacity).storage) ?? str(rec(rec(spec.resources).requests).storage);
  if (size) facts.size = size;
  if (str(spec.storageClassName)) facts.storageClass = str(spec.storageClassName);
  if (str(spec.volumeMode)) facts.volumeMode = str(spec.volumeMode);
  if (str(spec.volumeName)) facts.volumeName = str(spec.volumeName);
  if (str(status.phase)) facts.phase = str(status.phase);
  return facts;
}

/** In-tree volume sources a PV may use instead of CSI, by the field that holds them. */
const IN_TREE_SOURCES = ['local', 'hostPath', 'nfs', 'iscsi', 'rbd', 'cephfs', 'fc'] as const;

export function reduceVolume(o: KubeObject): VolumeFacts {
  const spec = rec(o.spec);
  const facts: VolumeFacts = { name: o.metadata.name };
  const claim = rec(spec.claimRef);
  if (str(claim.name)) facts.claim = { namespace: str(claim.namespace) ?? '', name: str(claim.name)! };
  if (str(spec.storageClassName)) facts.storageClass = str(spec.storageClassName);
  const driver = str(rec(spec.csi).driver) ?? IN_TREE_SOURCES.find((source) => spec[source] !== undefined);
  if (driver) facts.driver = driver;
  return facts;
}

export function reduceIngress(o: KubeObject): IngressFacts {
  const spec = rec(o.spec);
  const hosts = new Set<string>();
  for (const rule of list(spec.rules)) if (str(rule.host)) hosts.add(str(rule.host)!);
  for (const tls of list(spec.tls)) for (const host of strings(tls.hosts)) hosts.add(host);
  const facts: IngressFacts = {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    labels: { ...(o.metadata.labels ?? {}) },
    hosts: [...hosts].sort(),
  };
  if (str(spec.ingressClassName)) facts.ingressClass = str(spec.ingressClassName);
  return facts;
}

/** A Service reachable from outside: type LoadBalancer, or one with external IPs. Others are dropped. */
export function reduceExposedService(o: KubeObject): ExposedServiceFacts | undefined {
  const spec = rec(o.spec);
  const type = str(spec.type) ?? 'ClusterIP';
  const external = strings(spec.externalIPs);
  if (type !== 'LoadBalancer' && external.length === 0) return undefined;
  const assigned = list(rec(rec(o.status).loadBalancer).ingress)
    .map((entry) => str(entry.ip) ?? str(entry.hostname))
    .filter((address): address is string => address !== undefined);
  const ports = list(spec.ports).map((p) => `${p.port}/${str(p.protocol) ?? 'TCP'}`);
  return {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    labels: { ...(o.metadata.labels ?? {}) },
    type,
    addresses: [...new Set([...assigned, ...external])],
    ports,
  };
}

/**
 * The types the plan reads that did not end well. On a live cluster an API that does not exist holds nothing;
 * in a snapshot an absent type was only not captured, so it counts as unread.
 */
export function unreadPlanTypes(
  outcomes: readonly ListOutcome[],
  source: 'live' | 'snapshot',
  includeSecrets: boolean,
): ListOutcome[] {
  const wanted = new Set(migrationTypes([], includeSecrets).map(typeKey));
  return outcomes.filter(
    (o) => wanted.has(o.type) && o.status !== 'ok' && !(o.status === 'not-installed' && source === 'live'),
  );
}
