// Why images cannot be pulled, from kubelet's own words: a network path that times out (pod/node network
// broken) is a different problem from a registry that answers 401, 404 or 429. The reference report's
// insight "registries reachable from the host, pod networking broken" comes out of this evidence. A registry
// that rejects the credentials, or no longer has an image, is a root cause of its own, one per registry.
import { z } from 'zod';
import type { Inventory } from '../inventory/types.js';
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import type { RootCauseInput } from './types.js';
import { type EffectSet, failingFinding, ownerRef, rootCauseOf } from './util/cascade.js';
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
import { isHealthy } from './util/pods.js';
import {
  classifyPullMessage,
  diagnosePullFailures,
  type PullCause,
  type PullDiagnosis,
  registryOf,
} from './util/pulls.js';

export { classifyPullMessage, diagnosePullFailures, type PullCause, type PullDiagnosis, registryOf };

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

/** One finding per cause of pull failures: `image-pull-cause:pod-network`, `image-pull-cause:rate-limit`, ... */
export const IMAGE_PULL_CAUSE_FINDINGS = {
  ofCause: (cause: PullCause) => `${ID}:${cause}` as const,
} as const;

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
  const byRegistry = cause === 'registry-auth' || cause === 'missing-image';
  let summary = byRegistry
    ? `${plural(diagnoses.length, 'pod')} cannot pull images (${cause}): ${registryAnswers(diagnoses, cause)
        .map(
          (r) =>
            `${r.registry} answers "${r.answer}" for ${r.images.join(', ')} (${plural(r.pods.length, 'pod')})`,
        )
        .join('; ')}.`
    : `${plural(diagnoses.length, 'pod')} cannot pull images (${cause})${quote ? `: "${keyPhrase(quote)}"` : ''}.`;
  const eventsUnread =
    cause === 'unknown' && !listed(inventory, 'events') && !listed(inventory, 'events.events.k8s.io');
  if (eventsUnread) {
    summary +=
      " Events could not be read, so kubelet's pull errors were not available: the cause is unknown.";
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
  // Platform pulls whose cause only events could tell: unknown, and it could block (a registry or the network).
  const unknownBlocking = eventsUnread && platform;
  return {
    check: ID,
    id: IMAGE_PULL_CAUSE_FINDINGS.ofCause(cause),
    title: CAUSE_TEXT[cause].title,
    // Tenant pull failures are the tenant's to fix: a warning, like every other tenant finding.
    status: unknownBlocking ? 'unknown' : serious && platform ? 'fail' : 'warn',
    severity: serious && platform ? 'critical' : 'warning',
    blocking: (serious || unknownBlocking) && platform,
    scope: platform ? 'platform' : 'tenant',
    summary,
    ...(unknownBlocking
      ? { unknownReason: 'events could not be read: the pull errors of the kubelet were not available' }
      : {}),
    nodes,
    objects: diagnoses.slice(0, maxEvidence).map((d) => podRef(d.pod)),
    evidence,
    counts: { pods: diagnoses.length, registries: registries.length },
    remediation: CAUSE_TEXT[cause].remediation,
  };
}

/** The answer a registry gave, as kubelet quotes it: `401 Unauthorized`, `not found`, `manifest unknown`. */
function answerOf(message: string | undefined, cause: PullCause): string {
  if (!message) return cause === 'registry-auth' ? 'unauthorized' : 'not found';
  const status = /\b(40[134])(?: ([A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*))?/.exec(message);
  if (status) return status[2] ? `${status[1]} ${status[2]}` : status[1]!;
  const phrase =
    /manifest unknown|name unknown|not found|does not exist|unauthori[sz]ed|forbidden|access denied|authentication required/i.exec(
      message,
    );
  return phrase ? phrase[0] : keyPhrase(message);
}

interface RegistryAnswer {
  registry: string;
  answer: string;
  images: string[];
  pods: PullDiagnosis[];
}

/** The pull failures of one cause, per registry: what it answered, for which images and pods. */
function registryAnswers(diagnoses: readonly PullDiagnosis[], cause: PullCause): RegistryAnswer[] {
  const byRegistry = new Map<string, PullDiagnosis[]>();
  for (const d of diagnoses) {
    for (const registry of d.registries) byRegistry.set(registry, [...(byRegistry.get(registry) ?? []), d]);
  }
  return [...byRegistry]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([registry, pods]) => ({
      registry,
      answer: answerOf(pods.find((d) => d.message)?.message, cause),
      images: uniqueSorted(pods.flatMap((d) => d.images.filter((image) => registryOf(image) === registry))),
      pods,
    }));
}

/**
 * A registry that rejects the credentials or no longer has an image is the cause of its pods' pull failures
 * and of the components they leave down: one root cause per registry.
 */
function registryRootCauses({ inventory, findings, claims }: RootCauseInput): RootCause[] {
  const causes: RootCause[] = [];
  for (const cause of ['registry-auth', 'missing-image'] as const) {
    const finding = failingFinding(findings, IMAGE_PULL_CAUSE_FINDINGS.ofCause(cause));
    if (!finding) continue;
    const diagnoses = diagnosePullFailures(inventory).filter((d) => d.cause === cause);
    for (const r of registryAnswers(diagnoses, cause)) {
      const pods = claims.take(r.pods.map((d) => podRef(d.pod)));
      const mine = r.pods.filter((d) => pods.has(podRef(d.pod))).map((d) => d.pod);
      if (mine.length === 0) continue;
      const down = mine.filter((p) => isPlatformNamespace(p.namespace));
      const stages: EffectSet[] = [
        { title: `${plural(mine.length, 'pod')} cannot pull`, objects: pods },
        {
          title: 'components down',
          objects: new Set(down.map(ownerRef)),
          related: new Set(down.map(podRef)),
        },
      ];
      const images = r.images.join(', ');
      const shape =
        cause === 'registry-auth'
          ? {
              id: `image-pull:registry-auth:${r.registry}`,
              title: `${r.registry} rejects the pull credentials (${r.answer})`,
              head: `${r.registry} answers ${r.answer} for ${images}`,
            }
          : {
              id: `image-pull:missing-image:${r.registry}`,
              title: `Image gone from ${r.registry}: ${images}`,
              head: `${images} ${r.answer} on ${r.registry}`,
            };
      const rootCause = rootCauseOf(
        { ...shape, nodes: uniqueSorted(mine.map((p) => p.node)) },
        finding,
        stages,
        findings,
      );
      // Pulls back off and retry by themselves: once the registry answers, the pods start.
      causes.push({ ...rootCause, effectsRecover: true });
    }
  }
  return causes;
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
  rootCause: registryRootCauses,
  run,
});
