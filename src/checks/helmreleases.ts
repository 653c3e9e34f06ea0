// Flux HelmReleases: CozyStack installs and upgrades everything through them, and its upgrade docs say to
// fix failed HelmReleases first. Not Ready (with Flux's reason and message), stalled, suspended. A platform
// release that fails on its own (Helm's own error, not a wait on something else) is a root cause, with the
// releases that only wait for it (DependencyNotReady) as its effects.
import { z } from 'zod';
import type { HelmReleaseFacts, Inventory } from '../inventory/types.js';
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import { type DefinedCheckContext, defineCheck } from './define.js';
import type { RootCauseInput } from './types.js';
import { type EffectSet, failingFinding, rootCauseOf } from './util/cascade.js';
import {
  ageDays,
  ageMs,
  ageRange,
  countBy,
  failOrWarn,
  formatCounts,
  isPlatformNamespace,
  keyPhrase,
  objectRef,
  passFinding,
  plural,
} from './util/common.js';

const ID = 'helmreleases';
const TITLE = 'Flux HelmReleases';

export const HELMRELEASES_FINDINGS = {
  notReady: { platform: `${ID}:not-ready:platform`, tenant: `${ID}:not-ready:tenant` },
  suspended: `${ID}:suspended`,
} as const;

const paramsSchema = z
  .object({
    progressingGraceMinutes: z
      .number()
      .nonnegative()
      .default(30)
      .describe(
        'A HelmRelease whose Ready is Unknown (reconciling) for less than this long is not reported.',
      ),
    maxEvidence: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe('At most this many releases listed per finding.'),
  })
  .strict();

function hrRef(hr: HelmReleaseFacts): string {
  return objectRef('helmrelease', hr.name, hr.namespace);
}

function hrEvidence(hr: HelmReleaseFacts, now: string, reason?: string): Evidence {
  const evidence: Evidence = {
    kind: 'helmrelease',
    namespace: hr.namespace,
    name: hr.name,
    reason:
      reason ??
      (hr.stalled
        ? `Stalled${hr.stalledReason ? `: ${hr.stalledReason}` : ''}`
        : (hr.readyReason ?? `Ready=${hr.ready}`)),
  };
  if (hr.readyMessage) evidence.message = hr.readyMessage;
  if (hr.readySince) {
    evidence.since = hr.readySince;
    const days = ageDays(hr.readySince, now);
    if (days !== undefined) evidence.ageDays = days;
  }
  return evidence;
}

/** Flux's reason for a release that is only waiting for another one to become Ready. */
const WAITING = 'DependencyNotReady';

/** Releases that only wait for a dependency are not problems of their own: say which ones fail by themselves. */
function dependencyNote(releases: readonly HelmReleaseFacts[]): string {
  const waiting = releases.filter((hr) => hr.readyReason === WAITING && !hr.stalled);
  if (waiting.length === 0) return '';
  const own = releases.filter((hr) => !waiting.includes(hr));
  return (
    `${plural(waiting.length, 'release')} only wait${waiting.length === 1 ? 's' : ''} for a dependency; ` +
    `${plural(own.length, 'release')} fail${own.length === 1 ? 's' : ''} on ${own.length === 1 ? 'its' : 'their'} own. `
  );
}

function notReadyFinding(
  inventory: Inventory,
  releases: HelmReleaseFacts[],
  scope: 'platform' | 'tenant',
  max: number,
): Finding {
  const platform = scope === 'platform';
  const byReason = countBy(releases, (hr) => (hr.stalled ? 'Stalled' : (hr.readyReason ?? 'Unknown')));
  const range = ageRange(releases.map((hr) => ageDays(hr.readySince, inventory.now)));
  const first = releases[0]!;
  return {
    check: ID,
    id: HELMRELEASES_FINDINGS.notReady[scope],
    title: platform ? 'Platform HelmReleases not Ready' : 'Tenant HelmReleases not Ready',
    ...failOrWarn(platform),
    scope,
    summary:
      `${plural(releases.length, `${scope} HelmRelease`)} not Ready (${formatCounts(byReason)}): ` +
      `${releases
        .slice(0, 8)
        .map((hr) => `${hr.namespace}/${hr.name}`)
        .join(', ')}${releases.length > 8 ? ', …' : ''}. ` +
      dependencyNote(releases) +
      `First: ${first.namespace}/${first.name}${first.readyMessage ? ` "${first.readyMessage}"` : ''}.`,
    nodes: [],
    objects: releases.slice(0, max).map(hrRef),
    evidence: releases.slice(0, max).map((hr) => hrEvidence(hr, inventory.now)),
    counts: { ...Object.fromEntries(byReason), total: releases.length },
    ...(range ? { ageDays: range } : {}),
    remediation: platform
      ? 'Fix failed platform HelmReleases before upgrading (`kubectl get hr -A`, then `flux reconcile hr <name> -n <ns> --force` once the cause is fixed); an upgrade only adds to their queue.'
      : 'Tenant releases do not block the platform upgrade; tell their owners.',
  };
}

function run(
  inventory: Inventory,
  { params }: DefinedCheckContext<z.output<typeof paramsSchema>>,
): Finding[] {
  const graceMs = params.progressingGraceMinutes * 60_000;
  const active = inventory.helmReleases.filter((hr) => !hr.suspended);
  const notReady = active
    .filter(
      (hr) =>
        hr.ready === 'False' ||
        hr.stalled ||
        (hr.ready === 'Unknown' && (!hr.readySince || ageMs(hr.readySince, inventory.now) >= graceMs)),
    )
    .sort((a, b) => hrRef(a).localeCompare(hrRef(b)));
  const suspended = inventory.helmReleases.filter((hr) => hr.suspended);
  const findings: Finding[] = [];
  const platform = notReady.filter((hr) => isPlatformNamespace(hr.namespace));
  const tenant = notReady.filter((hr) => !isPlatformNamespace(hr.namespace));
  if (platform.length > 0)
    findings.push(notReadyFinding(inventory, platform, 'platform', params.maxEvidence));
  if (tenant.length > 0) findings.push(notReadyFinding(inventory, tenant, 'tenant', params.maxEvidence));
  if (suspended.length > 0) {
    const anyPlatform = suspended.some((hr) => isPlatformNamespace(hr.namespace));
    findings.push({
      check: ID,
      id: HELMRELEASES_FINDINGS.suspended,
      title: 'Suspended HelmReleases',
      status: 'warn',
      severity: 'warning',
      blocking: false,
      scope: anyPlatform ? 'platform' : 'tenant',
      summary: `${plural(suspended.length, 'HelmRelease')} suspended (Flux will not upgrade them): ${suspended.map((hr) => `${hr.namespace}/${hr.name}`).join(', ')}.`,
      nodes: [],
      objects: suspended.map(hrRef),
      evidence: suspended.map((hr) => hrEvidence(hr, inventory.now, 'Suspended')),
      counts: { suspended: suspended.length },
      remediation:
        'Resume them (`flux resume hr <name> -n <ns>`) or note why they stay pinned; a suspended release misses the upgrade.',
    });
  }
  if (findings.length === 0) {
    findings.push(
      passFinding(
        { check: ID, title: TITLE, severity: 'info', blocking: false },
        `All ${plural(inventory.helmReleases.length, 'HelmRelease')} Ready.`,
      ),
    );
  }
  return findings;
}

/**
 * Helm errors that point at something else: a wait for workloads that do not become ready, a deadline, a
 * webhook that cannot be called. The release is then an effect of that, not a cause of its own.
 */
const WAITS_ON_SOMETHING_ELSE =
  /timeout waiting for|timed out waiting|context deadline exceeded|failed calling webhook|no endpoints available/i;

/**
 * Helm's error without its preamble, short enough for a chain: `cannot patch "virt-operator" with kind
 * Deployment … field is immutable`.
 */
function helmErrorPhrase(message: string): string {
  const error = message.replace(
    /^Helm (?:install|upgrade|rollback|test|uninstall) failed for release \S+ with chart \S+: /,
    '',
  );
  if (error.length <= 120) return error;
  const parts = error.split(': ');
  return parts.length > 1 ? `${parts[0]} … ${parts.at(-1)}` : keyPhrase(error);
}

/** The releases that wait for `release`, directly or through another waiting release. */
function dependentsOf(release: HelmReleaseFacts, all: readonly HelmReleaseFacts[]): HelmReleaseFacts[] {
  const found = new Map<string, HelmReleaseFacts>();
  const queue = [`${release.namespace}/${release.name}`];
  while (queue.length > 0) {
    const key = queue.shift()!;
    for (const hr of all) {
      const own = `${hr.namespace}/${hr.name}`;
      if (found.has(own) || hr.readyReason !== WAITING || !hr.dependsOn?.includes(key)) continue;
      found.set(own, hr);
      queue.push(own);
    }
  }
  return [...found.values()];
}

/**
 * A platform release that fails on its own is the one cause of its failure and of the releases waiting for it.
 * Not while the pod network is broken: a release then fails because its pods cannot start, whatever Helm says.
 */
function releaseRootCauses({ inventory, findings, claims, earlier }: RootCauseInput): RootCause[] {
  const cause = failingFinding(findings, HELMRELEASES_FINDINGS.notReady.platform);
  if (!cause || earlier.some((e) => e.role === 'networking')) return [];
  const own = inventory.helmReleases.filter(
    (hr) =>
      isPlatformNamespace(hr.namespace) &&
      !hr.suspended &&
      (hr.ready === 'False' || hr.stalled) &&
      hr.readyReason !== WAITING &&
      !WAITS_ON_SOMETHING_ELSE.test(hr.readyMessage ?? ''),
  );
  return own.flatMap((hr) => {
    const [ref] = claims.take([hrRef(hr)]);
    if (!ref) return [];
    const waiting = [...claims.take(dependentsOf(hr, inventory.helmReleases).map(hrRef))];
    const reason = hr.readyReason ?? 'not Ready';
    const stages: EffectSet[] = [
      { title: `${plural(waiting.length, 'release')} wait for it (${WAITING})`, objects: new Set(waiting) },
    ];
    const rootCause = rootCauseOf(
      {
        id: `helmrelease:${hr.namespace}/${hr.name}`,
        title: `HelmRelease ${hr.namespace}/${hr.name} fails: ${reason}${hr.stalled ? ', retries exhausted' : ''}`,
        head: `${hr.namespace}/${hr.name} ${reason}${hr.readyMessage ? `: ${helmErrorPhrase(hr.readyMessage)}` : ''}`,
        nodes: [],
        since: hr.readySince,
      },
      cause,
      stages,
      findings,
    );
    // The releases waiting for it reconcile by themselves once it is Ready.
    return [{ ...rootCause, effectsRecover: true }];
  });
}

export const helmReleasesCheck = defineCheck({
  id: ID,
  title: TITLE,
  description:
    'HelmReleases not Ready (reason and message), stalled or suspended; platform releases block, tenant releases warn.',
  defaultSeverity: 'critical',
  blocking: true,
  role: 'workload',
  needs: ['helmreleases.helm.toolkit.fluxcd.io'],
  paramsSchema,
  rootCause: releaseRootCauses,
  run,
});
