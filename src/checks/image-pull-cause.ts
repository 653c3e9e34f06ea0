// Why images cannot be pulled, from kubelet's own words: a network path that times out (pod/node network
// broken) is a different problem from a registry that answers 401, 404 or 429. The reference report's
// insight "registries reachable from the host, pod networking broken" comes out of this evidence.
import { z } from 'zod';
import type { EventFacts, Inventory, PodFacts } from '../inventory/types.js';
import type { Evidence, Finding } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import {
  isPlatformNamespace,
  keyPhrase,
  listed,
  passFinding,
  plural,
  podEvidence,
  podRef,
  uniqueSorted,
} from './util/common.js';
import {
  hasImagePullFailure,
  IMAGE_PULL_REASONS,
  isHealthy,
  isSandboxFailure,
  podEventIndex,
} from './util/pods.js';

const ID = 'image-pull-cause';
const TITLE = 'Image pull failure cause';

const paramsSchema = z
  .object({
    maxEvidence: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe('At most this many pods listed per finding.'),
  })
  .strict();

export type PullCause = 'pod-network' | 'registry-auth' | 'missing-image' | 'rate-limit' | 'unknown';

/** One finding per cause of pull failures: `image-pull-cause:pod-network`, `image-pull-cause:rate-limit`, ... */
export const IMAGE_PULL_CAUSE_FINDINGS = {
  ofCause: (cause: PullCause) => `${ID}:${cause}` as const,
} as const;

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
      registries: uniqueSorted(images.map(registryOf)),
    };
    const message = decided?.m ?? messages[0];
    if (message) diagnosis.message = message;
    return diagnosis;
  });
}

/** For each registry: how many healthy pods on other nodes run images from it (the registry is reachable). */
function registryReachability(
  inventory: Inventory,
  registries: string[],
  failingNodes: Set<string | undefined>,
): Evidence[] {
  return registries.map((registry) => {
    const running = inventory.pods.filter(
      (p) =>
        isHealthy(p) &&
        !failingNodes.has(p.node) &&
        p.containers.some((c) => registryOf(c.image) === registry),
    );
    const nodes = uniqueSorted(running.map((p) => p.node));
    return {
      kind: 'registry',
      name: registry,
      reason: running.length > 0 ? 'ImagesRunningElsewhere' : 'NoRunningImages',
      count: running.length,
      message:
        running.length > 0
          ? `${plural(running.length, 'healthy pod')} on ${plural(nodes.length, 'other node')} (${nodes.slice(0, 5).join(', ')}) run images from ${registry}`
          : `no healthy pod on other nodes runs an image from ${registry}`,
    };
  });
}

const CAUSE_TEXT: Record<PullCause, { title: string; remediation: string }> = {
  'pod-network': {
    title: 'Image pulls time out: network path broken, not the registry',
    remediation:
      'Do not chase the registry: fix the node/pod network of the named nodes first (see the Kube-OVN and CNI findings); ' +
      'pulls resume by themselves once the network works.',
  },
  'registry-auth': {
    title: 'Image pulls rejected by the registry (401/403)',
    remediation: 'Check imagePullSecrets and registry credentials of the named pods.',
  },
  'missing-image': {
    title: 'Images do not exist (not found / manifest unknown)',
    remediation:
      'The image or tag was removed upstream (cf. cozystack#2172); upgrade the component or mirror the image.',
  },
  'rate-limit': {
    title: 'Registry rate limit (429)',
    remediation:
      'Authenticate pulls or use a registry mirror/pull-through cache before the upgrade pulls many new images.',
  },
  unknown: {
    title: 'Image pulls failing for an unreported reason',
    remediation:
      'Read `kubectl describe pod` events of the named pods; kubelet events expired before this scan.',
  },
};

function causeFinding(
  inventory: Inventory,
  cause: PullCause,
  diagnoses: PullDiagnosis[],
  maxEvidence: number,
): Finding {
  const platform = diagnoses.some((d) => isPlatformNamespace(d.pod.namespace));
  const nodes = uniqueSorted(diagnoses.map((d) => d.pod.node));
  const serious = cause !== 'rate-limit' && cause !== 'unknown';
  const quote = diagnoses.find((d) => d.message && classifyPullMessage(d.message) === cause)?.message;
  const evidence: Evidence[] = diagnoses.slice(0, maxEvidence).map((d) =>
    podEvidence(d.pod, inventory.now, {
      reason: `${d.pod.displayStatus}: ${cause}`,
      ...(d.message ? { message: d.message } : {}),
    }),
  );
  const registries = uniqueSorted(diagnoses.flatMap((d) => d.registries));
  let summary = `${plural(diagnoses.length, 'pod')} cannot pull images (${cause})${quote ? `: "${keyPhrase(quote)}"` : ''}.`;
  if (cause === 'unknown' && !listed(inventory, 'events') && !listed(inventory, 'events.events.k8s.io')) {
    summary += " Events could not be read, so kubelet's pull errors were not available.";
  }
  if (cause === 'pod-network') {
    const withSandbox = diagnoses.filter((d) => d.sandboxFailuresOnNode).length;
    const reachability = registryReachability(inventory, registries, new Set(nodes));
    evidence.push(...reachability);
    const reachable = reachability.filter((r) => (r.count ?? 0) > 0).map((r) => r.name);
    summary +=
      ` Every error is a network failure (timeout/unreachable), none is a registry answer (no 401/403, 404 or 429)` +
      (withSandbox > 0
        ? `; ${withSandbox} of these pods sit on nodes where pod sandboxes also fail (${nodes.join(', ')})`
        : '') +
      (reachable.length > 0 ? `; images from ${reachable.join(', ')} run on other nodes` : '') +
      ". The registries are reachable: the network path from these pods' nodes is broken.";
  }
  return {
    check: ID,
    id: IMAGE_PULL_CAUSE_FINDINGS.ofCause(cause),
    title: CAUSE_TEXT[cause].title,
    // Tenant pull failures are the tenant's to fix: a warning, like every other tenant finding.
    status: serious && platform ? 'fail' : 'warn',
    severity: serious && platform ? 'critical' : 'warning',
    blocking: serious && platform,
    scope: platform ? 'platform' : 'tenant',
    summary,
    nodes,
    objects: diagnoses.slice(0, maxEvidence).map((d) => podRef(d.pod)),
    evidence,
    counts: { pods: diagnoses.length, registries: registries.length },
    remediation: CAUSE_TEXT[cause].remediation,
  };
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const diagnoses = diagnosePullFailures(inventory);
  if (diagnoses.length === 0) {
    return [
      passFinding(
        { check: ID, title: TITLE, severity: 'info', blocking: false },
        'No pod is failing to pull an image.',
      ),
    ];
  }
  const causes: PullCause[] = ['pod-network', 'registry-auth', 'missing-image', 'rate-limit', 'unknown'];
  return causes
    .map((cause) => diagnoses.filter((d) => d.cause === cause))
    .filter((group) => group.length > 0)
    .map((group) => causeFinding(inventory, group[0]!.cause, group, params.maxEvidence));
}

export const imagePullCauseCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'Classifies ImagePullBackOff/ErrImagePull from messages and events: network (i/o timeout, no route, sandbox failures on the same node) vs registry auth (401/403) vs missing image (not found, manifest unknown) vs rate limit (429).',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'workload',
  // Events add evidence (pull errors, sandbox failures) but container messages alone can decide.
  needs: ['pods'],
  paramsSchema,
  run,
});
