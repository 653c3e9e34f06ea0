// Finding the pods of a workload and telling failing pods apart, shared by the networking checks,
// the census and the root-cause analysis.
import { isHealthy } from '../../inventory/pods.js';
import type { EventFacts, Inventory, PodFacts } from '../../inventory/types.js';

export { isHealthy };

/** Pods of a DaemonSet/Deployment: by controller owner, else by the generated name (`<name>-xxxxx`). */
export function podsOf(
  inventory: Inventory,
  namespace: string,
  name: string,
  kind = 'DaemonSet',
): PodFacts[] {
  const generated = new RegExp(`^${escapeRegExp(name)}-[a-z0-9]{5}$`);
  return inventory.pods.filter(
    (p) =>
      p.namespace === namespace &&
      (p.owner ? p.owner.kind === kind && p.owner.name === name : generated.test(p.name)),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the pod is failing: not healthy, ignoring pods that are only starting up. */
export function isFailing(pod: PodFacts): boolean {
  return !isHealthy(pod);
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

/** Pods failing to create sandboxes, keyed `namespace/name`, with the event count. */
export function sandboxFailuresByPod(
  events: readonly EventFacts[],
): Map<string, { node?: string; count: number; message: string }> {
  const out = new Map<string, { node?: string; count: number; message: string }>();
  for (const e of events) {
    if (!isSandboxFailure(e) || e.involved.kind !== 'Pod') continue;
    const key = `${e.involved.namespace ?? e.namespace}/${e.involved.name}`;
    const prev = out.get(key);
    out.set(key, {
      node: prev?.node ?? e.node,
      count: (prev?.count ?? 0) + e.count,
      message: prev?.message ?? e.message,
    });
  }
  return out;
}
