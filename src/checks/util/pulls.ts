// Why an image cannot be pulled, from the kubelet's own words (container messages and events): a registry's
// answer (401/403, 404, 429) or a network path that fails. Shared by the image-pull-cause check and the
// broken-network cascade, so both read a pull failure the same way.
import type { EventFacts, Inventory, PodFacts } from '../../inventory/types.js';
import { uniqueSorted } from './common.js';
import { hasImagePullFailure, IMAGE_PULL_REASONS, isSandboxFailure, podEventIndex } from './pods.js';

export type PullCause = 'pod-network' | 'registry-auth' | 'missing-image' | 'rate-limit' | 'unknown';

const CAUSE_PATTERNS: ReadonlyArray<[PullCause, RegExp]> = [
  ['rate-limit', /\b429\b|toomanyrequests|too many requests|rate limit/i],
  ['missing-image', /not found|manifest unknown|name unknown|does not exist|NotFound/i],
  [
    'registry-auth',
    /\b401\b|\b403\b|unauthori[sz]ed|forbidden|authentication required|no basic auth credentials|access denied/i,
  ],
  [
    'pod-network',
    /i\/o timeout|no route to host|connection refused|network is unreachable|TLS handshake timeout|context deadline exceeded|connection reset|dial tcp|no such host|temporary failure in name resolution|timed out/i,
  ],
];

/** The cause a pull error message names, or undefined for messages that name none ("Back-off pulling image"). */
export function classifyPullMessage(message: string): PullCause | undefined {
  return CAUSE_PATTERNS.find(([, pattern]) => pattern.test(message))?.[0];
}

/** Registry host of an image reference (`docker.io` when the reference names none). */
export function registryOf(image: string): string {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}

const PULL_EVENT_REASONS = new Set([
  'Failed',
  'ErrImagePull',
  'ImagePullBackOff',
  'BackOff',
  'FailedToPullImage',
]);

function pullMessages(pod: PodFacts, events: readonly EventFacts[]): string[] {
  const fromContainers = [...pod.initContainers, ...pod.containers]
    .filter((c) => c.reason && IMAGE_PULL_REASONS.has(c.reason) && c.message)
    .map((c) => c.message!);
  const fromEvents = events
    .filter((e) => PULL_EVENT_REASONS.has(e.reason) && /pull/i.test(e.message))
    .map((e) => e.message);
  return [...fromContainers, ...fromEvents];
}

export interface PullDiagnosis {
  pod: PodFacts;
  cause: PullCause;
  /** The message that decided the cause (quoted in the evidence). */
  message?: string;
  /** The pod's node also fails to create sandboxes. */
  sandboxFailuresOnNode: boolean;
  /** Images that cannot be pulled, and their registries. */
  images: string[];
  registries: string[];
}

/** Diagnoses every pod that cannot pull an image. Shared with the root-cause analysis. */
export function diagnosePullFailures(inventory: Inventory): PullDiagnosis[] {
  const sandboxNodes = new Set(
    inventory.events
      .filter(isSandboxFailure)
      .map((e) => e.node)
      .filter(Boolean),
  );
  const eventsByPod = podEventIndex(inventory.events);
  return inventory.pods.filter(hasImagePullFailure).map((pod) => {
    const messages = pullMessages(pod, eventsByPod.get(`${pod.namespace}/${pod.name}`) ?? []);
    const classified = messages.map((m) => ({ m, cause: classifyPullMessage(m) }));
    // A registry's own answer (404, 401, 429) is more specific than a timeout seen on another attempt.
    const order: PullCause[] = ['missing-image', 'registry-auth', 'rate-limit', 'pod-network'];
    const decided = order.map((cause) => classified.find((c) => c.cause === cause)).find(Boolean);
    const sandboxFailuresOnNode = pod.node !== undefined && sandboxNodes.has(pod.node);
    const cause: PullCause = decided?.cause ?? (sandboxFailuresOnNode ? 'pod-network' : 'unknown');
    const images = [...pod.initContainers, ...pod.containers]
      .filter((c) => c.reason && IMAGE_PULL_REASONS.has(c.reason))
      .map((c) => c.image);
    const diagnosis: PullDiagnosis = {
      pod,
      cause,
      sandboxFailuresOnNode,
      images: uniqueSorted(images),
      registries: uniqueSorted(images.map(registryOf)),
    };
    const message = decided?.m ?? messages[0];
    if (message) diagnosis.message = message;
    return diagnosis;
  });
}
