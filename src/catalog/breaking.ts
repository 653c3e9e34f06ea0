// Whether this cluster uses what a breaking change affects: used / not used / unknown, with the evidence.
// Pure: reads only the Inventory. "unknown" when a type needed to tell could not be read (inventory.outcomes).
import semver from 'semver';
import { kubernetesVersionOf } from '../inventory/server-version.js';
import type { HelmReleaseFacts, Inventory } from '../inventory/types.js';
import type { BreakingSeverity } from './schema.js';
import type { BreakingChange, Detector } from './types.js';
import { parseVersion } from './version.js';

export type Usage = 'used' | 'not used' | 'unknown';

export interface DetectorResult {
  state: 'match' | 'no-match' | 'unknown';
  evidence: string;
}

export interface UsageResult {
  usage: Usage;
  evidence: string;
  /** The catalog severity, lowered to `warning` when a mitigation is in place. */
  severity: BreakingSeverity;
}

const TYPE_KEYS = {
  helmReleases: 'helmreleases.helm.toolkit.fluxcd.io',
  crds: 'customresourcedefinitions.apiextensions.k8s.io',
  configmaps: 'configmaps',
  Deployment: 'deployments.apps',
  DaemonSet: 'daemonsets.apps',
  StatefulSet: 'statefulsets.apps',
} as const;

const MAX_LISTED = 3;

/**
 * Why a type's list cannot be relied on, or undefined when it is complete. `not-installed` is complete for a
 * live cluster (the API does not exist, so neither do its objects) but not for a snapshot, where it means
 * "that type was not captured".
 */
export function unreadableReason(inventory: Inventory, typeKey: string): string | undefined {
  const outcome = inventory.outcomes[typeKey];
  if (!outcome) return `${typeKey} was not listed`;
  if (outcome.status === 'ok') return undefined;
  if (outcome.status === 'not-installed' && inventory.source.kind === 'live') return undefined;
  return `${typeKey} could not be read (${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''})`;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

export type HelmReleaseDetector = Extract<Detector, { kind: 'helmRelease' }>;

function describeHelmRelease(d: HelmReleaseDetector): string {
  const parts: string[] = [];
  if (d.namespace && d.name) parts.push(`HelmRelease ${d.namespace}/${d.name}`);
  else if (d.name) parts.push(`HelmRelease named ${d.name}`);
  else parts.push('HelmRelease');
  if (d.chart) parts.push(`with chart ${d.chart}`);
  if (d.chartVersionBelow) parts.push(`below chart version ${d.chartVersionBelow}`);
  if (d.releaseName) parts.push(`with releaseName ${d.releaseName}`);
  if (d.valueKeysAny) parts.push(`with values ${d.valueKeysAny.join('/')}`);
  if (d.labels)
    parts.push(
      `labelled ${Object.entries(d.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    );
  if (d.namespace && !d.name) parts.push(`in ${d.namespace}`);
  if (d.namespacePrefix) parts.push(`in ${d.namespacePrefix}* namespaces`);
  return parts.join(' ');
}

function deployedVersion(release: HelmReleaseFacts): string | undefined {
  for (const candidate of [
    release.deployedChartVersion,
    release.lastAttemptedRevision,
    release.chartVersionSpec,
  ]) {
    if (!candidate) continue;
    const parsed = parseVersion(candidate);
    if (parsed.ok) return parsed.value.base;
  }
  return undefined;
}

/**
 * Whether one HelmRelease is what the detector describes. A release whose deployed chart version is unknown
 * matches a `chartVersionBelow` detector: it may well be below.
 */
export function helmReleaseMatches(d: HelmReleaseDetector, hr: HelmReleaseFacts): boolean {
  if (d.namespace && hr.namespace !== d.namespace) return false;
  if (d.namespacePrefix && !hr.namespace.startsWith(d.namespacePrefix)) return false;
  if (d.name && hr.name !== d.name) return false;
  if (d.chart && hr.chart !== d.chart) return false;
  if (d.releaseName && hr.releaseName !== d.releaseName) return false;
  if (d.labels && !Object.entries(d.labels).every(([k, v]) => hr.labels[k] === v)) return false;
  if (d.valueKeysAny && !d.valueKeysAny.some((key) => hr.valueKeys.includes(key))) return false;
  if (d.chartVersionBelow) {
    const version = deployedVersion(hr);
    if (version && semver.gte(version, d.chartVersionBelow)) return false;
  }
  return true;
}

function matchHelmRelease(d: HelmReleaseDetector, inventory: Inventory): DetectorResult {
  const unreadable = unreadableReason(inventory, TYPE_KEYS.helmReleases);
  const described = describeHelmRelease(d);
  const matches: string[] = [];
  for (const hr of inventory.helmReleases) {
    if (!helmReleaseMatches(d, hr)) continue;
    const keys = d.valueKeysAny?.filter((key) => hr.valueKeys.includes(key));
    let detail = `chart ${hr.chart}`;
    if (d.chartVersionBelow) {
      const version = deployedVersion(hr);
      detail = version
        ? `chart ${hr.chart} ${version} < ${d.chartVersionBelow}`
        : `chart ${hr.chart}, deployed version unknown`;
    }
    if (keys) detail += `, values ${keys.join(', ')}`;
    matches.push(`${hr.namespace}/${hr.name} (${detail})`);
  }
  if (matches.length > 0) {
    const noun = matches.length === 1 ? 'HelmRelease' : `${matches.length} HelmReleases`;
    return { state: 'match', evidence: `${noun} ${listNames(matches)}` };
  }
  if (unreadable)
    return { state: 'unknown', evidence: `cannot tell whether there is a ${described}: ${unreadable}` };
  return { state: 'no-match', evidence: `no ${described}` };
}

function matchCrd(name: string, inventory: Inventory): DetectorResult {
  if (inventory.crds.some((crd) => crd.name === name))
    return { state: 'match', evidence: `CRD ${name} installed` };
  const unreadable = unreadableReason(inventory, TYPE_KEYS.crds);
  if (unreadable)
    return { state: 'unknown', evidence: `cannot tell whether CRD ${name} exists: ${unreadable}` };
  return { state: 'no-match', evidence: `no CRD ${name}` };
}

function matchCustomResource(type: string, name: string | undefined, inventory: Inventory): DetectorResult {
  const what = name ? `${type} ${name}` : `object of type ${type}`;
  const tally = inventory.customResources[type];
  if (tally && tally.count > 0) {
    if (!name)
      return { state: 'match', evidence: `${tally.count} ${tally.kind} (${listNames(tally.names)})` };
    if (tally.names.includes(name)) return { state: 'match', evidence: `${tally.kind} ${name} exists` };
    // `names` keeps only the first 50: beyond that, absence is not proven.
    if (tally.names.length < tally.count) {
      return {
        state: 'unknown',
        evidence: `cannot tell whether ${what} exists: only ${tally.names.length} names kept`,
      };
    }
    return { state: 'no-match', evidence: `no ${what}` };
  }
  const unreadable = unreadableReason(inventory, type);
  if (!unreadable) return { state: 'no-match', evidence: `no ${what}` };
  // Not listed (or not captured): still proven absent when the CRD list is complete and lacks the type.
  const crdUnreadable = unreadableReason(inventory, TYPE_KEYS.crds);
  const crdPresent = inventory.crds.some((crd) => crd.name === type);
  if (!crdUnreadable && !crdPresent)
    return { state: 'no-match', evidence: `no ${what} (CRD ${type} not installed)` };
  return { state: 'unknown', evidence: `cannot tell whether there is an ${what}: ${unreadable}` };
}

function matchConfigMapKey(
  d: Extract<Detector, { kind: 'configMapKey' }>,
  inventory: Inventory,
): DetectorResult {
  const value = inventory.cozystackConfigMaps[d.configMap]?.[d.key];
  const what = `ConfigMap ${d.configMap} key ${d.key}${d.values ? ` = ${d.values.join('|')}` : ''}`;
  if (value !== undefined && (!d.values || d.values.includes(value))) {
    return { state: 'match', evidence: `ConfigMap ${d.configMap} ${d.key}=${value}` };
  }
  const unreadable = unreadableReason(inventory, TYPE_KEYS.configmaps);
  if (unreadable) return { state: 'unknown', evidence: `cannot tell whether ${what} is set: ${unreadable}` };
  return { state: 'no-match', evidence: `no ${what}` };
}

function matchWorkload(d: Extract<Detector, { kind: 'workload' }>, inventory: Inventory): DetectorResult {
  const matches: string[] = [];
  for (const w of inventory.workloads) {
    if (d.workloadKind && w.kind !== d.workloadKind) continue;
    if (d.namespace && w.namespace !== d.namespace) continue;
    if (d.name && w.name !== d.name) continue;
    const image = d.imagePrefix
      ? w.containers.find((c) => c.image.startsWith(d.imagePrefix!))?.image
      : undefined;
    if (d.imagePrefix && !image) continue;
    matches.push(`${w.kind} ${w.namespace}/${w.name}${image ? ` (image ${image})` : ''}`);
  }
  const kind = d.workloadKind ?? 'workload';
  const what = `${kind}${d.namespace && d.name ? ` ${d.namespace}/${d.name}` : d.name ? ` ${d.name}` : ''}${
    d.imagePrefix ? ` with an image from ${d.imagePrefix}` : ''
  }`;
  if (matches.length > 0) return { state: 'match', evidence: listNames(matches) };
  const kinds = d.workloadKind ? [d.workloadKind] : (['Deployment', 'DaemonSet', 'StatefulSet'] as const);
  const unreadable = kinds.map((k) => unreadableReason(inventory, TYPE_KEYS[k])).find((r) => r !== undefined);
  if (unreadable)
    return { state: 'unknown', evidence: `cannot tell whether there is a ${what}: ${unreadable}` };
  return { state: 'no-match', evidence: `no ${what}` };
}

function matchSecretKeys(d: Extract<Detector, { kind: 'secretKeys' }>, inventory: Inventory): DetectorResult {
  const fact = inventory.secretKeys[d.secret];
  const what = `Secret ${d.secret} with keys ${d.keys.join(', ')}`;
  if (!fact) {
    return {
      state: 'unknown',
      evidence: `cannot tell whether there is a ${what}: cozy-assess does not read that Secret`,
    };
  }
  if (fact.status === 'unreadable')
    return { state: 'unknown', evidence: `cannot tell whether there is a ${what}: ${fact.reason}` };
  if (fact.status === 'absent') return { state: 'no-match', evidence: `no Secret ${d.secret}` };
  const missing = d.keys.filter((key) => !fact.keys.includes(key));
  if (missing.length > 0)
    return { state: 'no-match', evidence: `Secret ${d.secret} lacks key ${missing.join(', ')}` };
  return { state: 'match', evidence: `Secret ${d.secret} has keys ${d.keys.join(', ')}` };
}

function matchKubernetesBelow(minimum: string, inventory: Inventory): DetectorResult {
  const known = kubernetesVersionOf(inventory);
  const server = known ? semver.coerce(known.version) : null;
  if (!known || !server) return { state: 'unknown', evidence: 'the API server version was not read' };
  const what = `API server ${known.version}${known.inferred ? ` (${known.inferred})` : ''}`;
  const required = semver.coerce(minimum)!;
  if (semver.lt(server, required)) return { state: 'match', evidence: `${what} is below ${minimum}` };
  return { state: 'no-match', evidence: `${what} is ${minimum} or later` };
}

export function evaluateDetector(detector: Detector, inventory: Inventory): DetectorResult {
  switch (detector.kind) {
    case 'helmRelease':
      return matchHelmRelease(detector, inventory);
    case 'crd':
      return matchCrd(detector.name, inventory);
    case 'customResource':
      return matchCustomResource(detector.type, detector.name, inventory);
    case 'configMapKey':
      return matchConfigMapKey(detector, inventory);
    case 'workload':
      return matchWorkload(detector, inventory);
    case 'secretKeys':
      return matchSecretKeys(detector, inventory);
    case 'kubernetesBelow':
      return matchKubernetesBelow(detector.version, inventory);
    case 'platform':
      return {
        state: 'match',
        evidence: 'a platform change: it applies to every cluster that crosses this release',
      };
  }
}

function combine(results: DetectorResult[]): { state: DetectorResult['state']; evidence: string } {
  const matched = results.filter((r) => r.state === 'match');
  if (matched.length > 0) return { state: 'match', evidence: matched.map((r) => r.evidence).join('; ') };
  const unknown = results.filter((r) => r.state === 'unknown');
  if (unknown.length > 0) return { state: 'unknown', evidence: unknown.map((r) => r.evidence).join('; ') };
  return { state: 'no-match', evidence: results.map((r) => r.evidence).join('; ') };
}

/**
 * Used when any detector matches; unknown when none matches but one could not be evaluated; else not used.
 * A change limited to an installed range (`installedRange`) is not used by a cluster installed outside it.
 */
export function assessUsage(change: BreakingChange, inventory: Inventory, installed?: string): UsageResult {
  if (
    change.installedRange &&
    installed !== undefined &&
    !semver.satisfies(installed, change.installedRange)
  ) {
    return {
      usage: 'not used',
      evidence: `the installed v${installed} is outside ${change.installedRange}, the releases this concerns`,
      severity: change.severity,
    };
  }
  const detected = combine(change.detect.map((d) => evaluateDetector(d, inventory)));
  if (detected.state === 'no-match')
    return { usage: 'not used', evidence: detected.evidence, severity: change.severity };
  if (detected.state === 'unknown')
    return { usage: 'unknown', evidence: detected.evidence, severity: change.severity };
  if (!change.mitigatedBy) return { usage: 'used', evidence: detected.evidence, severity: change.severity };
  const mitigation = combine(change.mitigatedBy.map((d) => evaluateDetector(d, inventory)));
  if (mitigation.state === 'match') {
    const severity = change.severity === 'blocker' ? 'warning' : change.severity;
    return { usage: 'used', evidence: `${detected.evidence}; prepared: ${mitigation.evidence}`, severity };
  }
  const prefix = mitigation.state === 'unknown' ? 'not known to be prepared' : 'not prepared';
  return {
    usage: 'used',
    evidence: `${detected.evidence}; ${prefix}: ${mitigation.evidence}`,
    severity: change.severity,
  };
}
