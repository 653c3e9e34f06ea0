// Finding the pods of a workload and telling failing pods apart, shared by the networking checks,
// the census and the root-cause analysis.
import { isHealthy } from '../../inventory/pods.js';
import type { EventFacts, Inventory, PodFacts } from '../../inventory/types.js';

export { isHealthy };

interface PodIndex {
  pods: number;
  byOwner: Map<string, PodFacts[]>;
  ownerless: PodFacts[];
}

/** Pods by `namespace/kind/name` of their owner, built once per inventory (checks look up many workloads). */
const indexes = new WeakMap<Inventory, PodIndex>();

function podIndex(inventory: Inventory): PodIndex {
  let index = indexes.get(inventory);
  if (index && inventory.pods.length === index.pods) return index;
  index = { pods: inventory.pods.length, byOwner: new Map(), ownerless: [] };
  for (const pod of inventory.pods) {
    if (!pod.owner) {
      index.ownerless.push(pod);
      continue;
    }
    const key = `${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`;
    const list = index.byOwner.get(key);
    if (list) list.push(pod);
    else index.byOwner.set(key, [pod]);
  }
  indexes.set(inventory, index);
  return index;
}

/** Pods of a DaemonSet/Deployment: by controller owner, else (no owner recorded) by the generated name `<name>-xxxxx`. */
export function podsOf(
  inventory: Inventory,
  namespace: string,
  name: string,
  kind = 'DaemonSet',
): PodFacts[] {
  const index = podIndex(inventory);
  const generated = new RegExp(`^${escapeRegExp(name)}-[a-z0-9]{5}$`);
  return [
    ...(index.byOwner.get(`${namespace}/${kind}/${name}`) ?? []),
    ...index.ownerless.filter((p) => p.namespace === namespace && generated.test(p.name)),
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Image pull failure reasons, as kubelet reports them on waiting containers. */
export const IMAGE_PULL_REASONS = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
]);

export function hasImagePullFailure(pod: PodFacts): boolean {
  return [...pod.initContainers, ...pod.containers].some(
    (c) => c.reason !== undefined && IMAGE_PULL_REASONS.has(c.reason),
  );
}

/** Events about pods, keyed `namespace/name` (one pass, for checks that look up many pods). */
export function podEventIndex(events: readonly EventFacts[]): Map<string, EventFacts[]> {
  const index = new Map<string, EventFacts[]>();
  for (const e of events) {
    if (e.involved.kind !== 'Pod') continue;
    const key = `${e.involved.namespace ?? e.namespace}/${e.involved.name}`;
    const list = index.get(key);
    if (list) list.push(e);
    else index.set(key, [e]);
  }
  return index;
}

/** The sandbox error kubelet reports when the Kube-OVN CNI daemon is not there to answer. */
export const KUBE_OVN_SOCKET = 'kube-ovn-daemon.sock';

export function isSandboxFailure(event: EventFacts): boolean {
  return event.reason === 'FailedCreatePodSandBox';
}

export function isKubeOvnSocketFailure(event: EventFacts): boolean {
  return isSandboxFailure(event) && event.message.includes(KUBE_OVN_SOCKET);
}
