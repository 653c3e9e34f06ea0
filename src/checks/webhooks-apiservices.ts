// Admission webhooks and aggregated APIs backed by a Service with no ready endpoints. A webhook with
// failurePolicy Fail then rejects every write it matches (cozystack#1722: the lineage webhook), and an
// unavailable APIService (v1alpha1.apps.cozystack.io) breaks discovery and every client of its group.
// Such a webhook is a root cause of its own: its backend is down, and the releases that fail calling it are
// its effects (unless the pod network is broken: then its backend is presumed to be one more effect of that).
import { z } from 'zod';
import type { Inventory, WebhookFacts } from '../inventory/types.js';
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import type { RootCauseInput } from './types.js';
import { type EffectSet, failingFinding, ownerRef, rootCauseOf } from './util/cascade.js';
import { listed, objectRef, passFinding, plural, statusPhrase } from './util/common.js';

const ID = 'webhooks-apiservices';
const TITLE = 'Admission webhooks and aggregated APIs';

export const WEBHOOKS_APISERVICES_FINDINGS = {
  /** failurePolicy Fail and no ready endpoints: writes are rejected. */
  webhooks: `${ID}:webhooks`,
  webhooksIgnore: `${ID}:webhooks-ignore`,
  apiServices: `${ID}:apiservices`,
  /** Neither Endpoints nor EndpointSlices could be read. */
  unknown: `${ID}:unknown`,
} as const;

const paramsSchema = z
  .object({
    ignoreWebhooks: z.array(z.string()).default([]).describe('Webhook configuration names not checked.'),
  })
  .strict();

function serviceKey(service: { namespace: string; name: string }): string {
  return `${service.namespace}/${service.name}`;
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const endpointsKnown =
    listed(inventory, 'endpoints') || listed(inventory, 'endpointslices.discovery.k8s.io');
  const ready = (service: { namespace: string; name: string }) =>
    inventory.serviceReadyEndpoints[serviceKey(service)] ?? 0;
  const findings: Finding[] = [];

  const blockingHooks: Evidence[] = [];
  const ignoredHooks: Evidence[] = [];
  const hookObjects = new Set<string>();
  const ignoreObjects = new Set<string>();
  if (endpointsKnown) {
    for (const config of inventory.webhooks) {
      if (params.ignoreWebhooks.includes(config.name)) continue;
      for (const hook of config.webhooks) {
        if (!hook.service || ready(hook.service) > 0) continue;
        const evidence: Evidence = {
          kind: 'webhook',
          name: `${config.name}/${hook.name}`,
          reason: `failurePolicy ${hook.failurePolicy}`,
          message: `${config.kind} ${config.name}: webhook ${hook.name} calls service ${serviceKey(hook.service)}, which has no ready endpoints`,
          count: 0,
        };
        const ref = objectRef(config.kind.toLowerCase(), config.name);
        if (hook.failurePolicy === 'Fail') {
          blockingHooks.push(evidence);
          hookObjects.add(ref);
        } else {
          ignoredHooks.push(evidence);
          ignoreObjects.add(ref);
        }
      }
    }
  }
  if (blockingHooks.length > 0) {
    findings.push({
      check: ID,
      id: WEBHOOKS_APISERVICES_FINDINGS.webhooks,
      title: 'Webhooks that reject writes (failurePolicy Fail, no endpoints)',
      status: 'fail',
      severity: 'critical',
      blocking: true,
      scope: 'platform',
      summary: `${plural(blockingHooks.length, 'admission webhook')} with failurePolicy Fail ${blockingHooks.length === 1 ? 'has' : 'have'} no ready endpoints, so the API server rejects every write they match: ${blockingHooks.map((e) => e.name).join(', ')}.`,
      nodes: [],
      objects: [...hookObjects],
      evidence: blockingHooks,
      counts: { webhooks: blockingHooks.length },
      remediation:
        'Bring the webhook backend up (its Deployment/DaemonSet and pods) before upgrading; HelmRelease upgrades fail on these webhooks (cozystack#1722, #414).',
    });
  }
  if (ignoredHooks.length > 0) {
    findings.push({
      check: ID,
      id: WEBHOOKS_APISERVICES_FINDINGS.webhooksIgnore,
      title: 'Webhooks without endpoints (failurePolicy Ignore)',
      status: 'warn',
      severity: 'warning',
      blocking: false,
      scope: 'platform',
      summary: `${plural(ignoredHooks.length, 'admission webhook')} with failurePolicy Ignore ${ignoredHooks.length === 1 ? 'has' : 'have'} no ready endpoints (writes pass unchecked, each after a timeout): ${ignoredHooks.map((e) => e.name).join(', ')}.`,
      nodes: [],
      objects: [...ignoreObjects],
      evidence: ignoredHooks,
      counts: { webhooks: ignoredHooks.length },
      remediation: 'Bring the backend up or remove the stale webhook configuration.',
    });
  }

  const apis = inventory.apiServices.filter(
    (api) => api.service && (api.available !== 'True' || (endpointsKnown && ready(api.service) === 0)),
  );
  if (apis.length > 0) {
    findings.push({
      check: ID,
      id: WEBHOOKS_APISERVICES_FINDINGS.apiServices,
      title: 'Aggregated APIs unavailable',
      status: 'fail',
      severity: 'critical',
      blocking: true,
      scope: 'platform',
      summary: `${plural(apis.length, 'aggregated APIService')} unavailable: ${apis
        .map(
          (api) =>
            `${api.name} (${api.reason ?? `Available=${api.available}`}${endpointsKnown && ready(api.service!) === 0 ? `, service ${serviceKey(api.service!)} has no ready endpoints` : ''})`,
        )
        .join('; ')}.`,
      nodes: [],
      objects: apis.map((api) => objectRef('apiservice', api.name)),
      evidence: apis.map((api) => ({
        kind: 'apiservice',
        name: api.name,
        reason: api.reason ?? `Available=${api.available}`,
        ...(api.message ? { message: api.message } : {}),
        ...(endpointsKnown ? { count: ready(api.service!) } : {}),
      })),
      counts: { apiServices: apis.length },
      remediation:
        'Bring the backing service up (for CozyStack: cozy-system/cozystack-api); while an aggregated API is down, discovery is partial and Helm/Flux operations on its group fail.',
    });
  }
  if (!endpointsKnown && inventory.webhooks.some((c) => c.webhooks.some((h) => h.service))) {
    findings.push({
      check: ID,
      id: WEBHOOKS_APISERVICES_FINDINGS.unknown,
      title: TITLE,
      status: 'unknown',
      severity: 'critical',
      blocking: true,
      scope: 'platform',
      summary: 'Webhook backends could not be judged: neither Endpoints nor EndpointSlices could be read.',
      nodes: [],
      objects: [],
      evidence: [],
      unknownReason: 'endpoints and endpointslices.discovery.k8s.io not readable',
    });
  }
  if (findings.length === 0) {
    const hooks = inventory.webhooks.reduce((sum, c) => sum + c.webhooks.length, 0);
    const aggregated = inventory.apiServices.filter((a) => a.service).length;
    findings.push(
      passFinding(
        { check: ID, title: TITLE, severity: 'info', blocking: false },
        `${plural(hooks, 'admission webhook')} and ${plural(aggregated, 'aggregated APIService')} all have ready backends.`,
      ),
    );
  }
  return findings;
}

/** The webhook configuration and hook an evidence entry of the blocking-webhooks finding names. */
function hookOf(
  inventory: Inventory,
  name: string | undefined,
): { config: WebhookFacts; hook: WebhookFacts['webhooks'][number] } | undefined {
  const [configName, hookName] = (name ?? '').split('/');
  for (const config of inventory.webhooks) {
    if (config.name !== configName) continue;
    const hook = config.webhooks.find((h) => h.name === hookName);
    if (hook) return { config, hook };
  }
  return undefined;
}

/**
 * Each webhook that rejects writes for want of a backend: its backend's not-ready pods, and the HelmReleases
 * whose failure names it (Helm quotes `failed calling webhook "<name>"` or `no endpoints available for service
 * "<service>"`). Not while the pod network is broken: its backend cannot start then, and is presumed one more
 * of that cause's effects. Not when its backend pods are already another cause's effects (a node down).
 */
function webhookRootCauses({ inventory, findings, claims, earlier }: RootCauseInput): RootCause[] {
  const cause = failingFinding(findings, WEBHOOKS_APISERVICES_FINDINGS.webhooks);
  if (!cause || earlier.some((e) => e.role === 'networking')) return [];
  const causes: RootCause[] = [];
  for (const evidence of cause.evidence) {
    const found = hookOf(inventory, evidence.name);
    if (!found?.hook.service) continue;
    const { config, hook } = found;
    const service = serviceKey(found.hook.service);
    const backend = (inventory.serviceNotReadyPods[service] ?? []).map((pod) =>
      objectRef('pod', pod, found.hook.service!.namespace),
    );
    const own = claims.take(backend);
    if (backend.length > 0 && own.size === 0) continue;
    const failing = inventory.helmReleases
      .filter((hr) => {
        const message = hr.readyMessage ?? '';
        return (
          hr.ready !== 'True' &&
          (message.includes(`webhook "${hook.name}"`) ||
            message.includes(`service "${found.hook.service!.name}"`))
        );
      })
      .map((hr) => objectRef('helmrelease', hr.name, hr.namespace));
    const pods = inventory.pods.filter((p) => own.has(objectRef('pod', p.name, p.namespace)));
    const owners = new Set(pods.map(ownerRef));
    const state = pods.map((p) => `${p.name} ${statusPhrase(p)}`).join(', ');
    const named = [
      ...new Set(
        pods.map((p) =>
          p.owner ? `${p.owner.kind} ${p.namespace}/${p.owner.name}` : `pod ${p.namespace}/${p.name}`,
        ),
      ),
    ];
    const backendName = named.length > 0 ? named.join(', ') : `of service ${service}`;
    const stages: EffectSet[] = [
      // The backend's own failures (its pods, its workload below desired) are this cause, seen from the pods.
      { title: `service ${service} has no ready endpoints`, objects: owners, related: own },
      { title: `${plural(failing.length, 'HelmRelease')} fail calling it`, objects: new Set(failing) },
    ];
    const rootCause = rootCauseOf(
      {
        id: `webhook:${config.name}/${hook.name}`,
        title: `Admission webhook ${hook.name} (failurePolicy Fail) has no ready endpoints: service ${service}`,
        head: `backend ${backendName} down${state ? ` (${state})` : ' (no pod)'}`,
        // A webhook is cluster-wide: the node its backend pod sits on is incidental.
        nodes: [],
      },
      cause,
      stages,
      findings,
    );
    // What the API server does meanwhile: rejects every write the webhook matches (no object to name).
    const at = rootCause.chain.findIndex((stage) => stage.startsWith('service '));
    rootCause.chain.splice(at >= 0 ? at + 1 : 1, 0, `writes rejected by ${hook.name}`);
    causes.push(rootCause);
  }
  return causes;
}

export const webhooksApiServicesCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'Validating/mutating webhooks and aggregated APIServices whose service has no ready endpoints (e.g. the lineage webhook, v1alpha1.apps.cozystack.io); failurePolicy Fail and unavailable APIs block.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'workload',
  needs: [
    'validatingwebhookconfigurations.admissionregistration.k8s.io',
    'mutatingwebhookconfigurations.admissionregistration.k8s.io',
    'apiservices.apiregistration.k8s.io',
  ],
  paramsSchema,
  rootCause: webhookRootCauses,
  run,
});
