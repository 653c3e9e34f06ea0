// The clean view: the objects a restore would re-apply, stripped of what the API server owns, so that
// `kubectl apply -f apply/` accepts them on this or a new cluster.
import type { KubeObject, ResourceType } from '../cluster/types.js';
import { type Category, categoryOf } from './layout.js';

/** Server-owned metadata: a new cluster assigns its own. */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  // Owner uids from the old cluster would make the new cluster's garbage collector delete the object;
  // the owners' controllers link them again.
  'ownerReferences',
] as const;

/** Annotations that describe the old object, not the desired one (the first repeats the whole object). */
const STALE_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
];

/**
 * Categories a restore re-applies. Pods, events, nodes, ReplicaSets, endpoints and the workloads Helm
 * renders are recreated by their controllers, so they stay in the raw files only (namespaces excepted).
 */
const RESTORABLE: ReadonlySet<Category> = new Set([
  'configmaps',
  'helmreleases',
  'crds',
  'secrets',
  'capi',
  'cozystack',
  'operators',
]);

/** Whether objects of this type go into the clean view at all. */
export function inCleanView(type: Pick<ResourceType, 'group' | 'kind'>): boolean {
  if (type.group === '' && type.kind === 'Namespace') return true;
  return RESTORABLE.has(categoryOf(type));
}

/** Whether this object goes into the clean view (some are recreated by the cluster itself). */
export function keepInCleanView(object: KubeObject): boolean {
  if (object.kind === 'Secret' && object.type === 'kubernetes.io/service-account-token') return false;
  if (object.kind === 'ConfigMap' && object.metadata.name === 'kube-root-ca.crt') return false;
  if (object.kind === 'Namespace' && SYSTEM_NAMESPACES.has(object.metadata.name)) return false;
  return true;
}

const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** A copy without status and server-owned metadata. The input is not changed. */
export function cleanObject(object: KubeObject): KubeObject {
  // apiVersion and kind first, wherever the source put them.
  const { status: _status, apiVersion, kind, ...fields } = object;
  const rest = { apiVersion, kind, ...fields };
  const metadata: Record<string, unknown> = { ...object.metadata };
  for (const field of SERVER_METADATA) delete metadata[field];
  const annotations = object.metadata.annotations;
  if (annotations) {
    const kept = Object.fromEntries(
      Object.entries(annotations).filter(([key]) => !STALE_ANNOTATIONS.includes(key)),
    );
    if (Object.keys(kept).length > 0) metadata.annotations = kept;
    else delete metadata.annotations;
  }
  return { ...rest, metadata: metadata as KubeObject['metadata'] };
}
