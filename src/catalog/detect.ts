// Which CozyStack release is installed, read from the Inventory in the order cozystack-facts §2e suggests:
// v1 through the cozystack-operator Deployment (COZYSTACK_VERSION, else its image tag, which can lag: when two
// releases ship the same tag, Helm's record of the installer chart decides, else the migration counter);
// v0 through the installer Deployment's image tag, then the cozystack-controller `--cozystack-version`
// argument, then the system HelmRelease chart versions. Never guesses: what cannot be read stays null, and
// `detectedFrom` names the evidence that decided.
import semver from 'semver';
import type {
  HelmReleaseRecordFacts,
  Inventory,
  WorkloadContainer,
  WorkloadFacts,
} from '../inventory/types.js';
import { unreadableReason } from './breaking.js';
import type { Catalog, Generation, InstalledVersion } from './types.js';
import { type ParsedVersion, type ParseResult, parseImageVersion, parseVersion, withV } from './version.js';

const SYSTEM_NAMESPACE = 'cozy-system';
const COZYSTACK_CONFIGMAP = `${SYSTEM_NAMESPACE}/cozystack`;
const VERSION_CONFIGMAP = `${SYSTEM_NAMESPACE}/cozystack-version`;
const PLATFORM_PACKAGE = 'cozystack.cozystack-platform';

/** The v1 installer's Helm release: chart cozy-installer, packaged with the platform version. */
export const INSTALLER_RELEASE = {
  namespace: SYSTEM_NAMESPACE,
  release: 'cozystack',
  chart: 'cozy-installer',
};

/** Whether the installer's Helm records are worth reading: only a v1 cluster (cozystack-operator) has them. */
export function wantsInstallerRecords(inventory: Inventory): boolean {
  return deployment(inventory, 'cozystack-operator') !== undefined;
}

interface Reading {
  parsed: ParsedVersion;
  from: string;
}

function deployment(inventory: Inventory, name: string): WorkloadFacts | undefined {
  return inventory.workloads.find(
    (w) => w.kind === 'Deployment' && w.namespace === SYSTEM_NAMESPACE && w.name === name,
  );
}

function mainContainer(workload: WorkloadFacts, name: string): WorkloadContainer | undefined {
  return workload.containers.find((c) => c.name === name) ?? workload.containers[0];
}

function versionOf(parsed: ParsedVersion): string {
  return parsed.prerelease ? parsed.version : parsed.base;
}

/** Releases whose shipped image carries `tag` although it is not their own version. */
function releasesShipping(
  catalog: Catalog,
  tag: string,
  field: 'installerImage' | 'operatorImage',
): string[] {
  return catalog.releases.filter((r) => r[field] === tag).map((r) => r.version);
}

type Failure = Extract<ParseResult, { ok: false }>;

function readOperator(operator: WorkloadFacts, notes: string[]): Reading | Failure {
  const where = `Deployment ${SYSTEM_NAMESPACE}/${operator.name}`;
  for (const container of operator.containers) {
    const env = container.env.COZYSTACK_VERSION;
    if (env === undefined) continue;
    const parsed = parseVersion(env);
    if (parsed.ok) return { parsed: parsed.value, from: `${where} env COZYSTACK_VERSION` };
    notes.push(`${where} env COZYSTACK_VERSION=${env} is not a version (${parsed.reason})`);
  }
  const container = mainContainer(operator, 'cozystack-operator');
  if (!container) return { ok: false, raw: '', reason: `${where} has no containers` };
  const parsed = parseImageVersion(container.image);
  if (!parsed.ok) return parsed;
  notes.push('the cozystack-operator image tag can lag the release (v1.0.8 ships a v1.0.7 image)');
  return { parsed: parsed.value, from: `${where} image tag` };
}

function readControllerArgument(inventory: Inventory): Reading | undefined {
  const controller = deployment(inventory, 'cozystack-controller');
  if (!controller) return undefined;
  for (const container of controller.containers) {
    for (const [index, arg] of container.args.entries()) {
      const value = arg.startsWith('--cozystack-version=')
        ? arg.slice('--cozystack-version='.length)
        : arg === '--cozystack-version'
          ? container.args[index + 1]
          : undefined;
      if (value === undefined) continue;
      const parsed = parseVersion(value);
      if (parsed.ok) {
        return {
          parsed: parsed.value,
          from: `Deployment ${SYSTEM_NAMESPACE}/cozystack-controller argument --cozystack-version`,
        };
      }
    }
  }
  return undefined;
}

/** The most common chart version among platform HelmReleases (charts from HelmRepository cozystack-system). */
function readSystemChartVersion(inventory: Inventory): Reading | undefined {
  const counts = new Map<string, { parsed: ParsedVersion; count: number; example: string }>();
  for (const hr of inventory.helmReleases) {
    const system = hr.sourceRef ? hr.sourceRef.name === 'cozystack-system' : hr.namespace.startsWith('cozy-');
    if (!system) continue;
    const raw = hr.deployedChartVersion ?? hr.lastAttemptedRevision;
    if (!raw) continue;
    const parsed = parseVersion(raw);
    if (!parsed.ok) continue;
    const key = `${parsed.value.version}+${parsed.value.commitsAfter}`;
    const entry = counts.get(key) ?? {
      parsed: parsed.value,
      count: 0,
      example: `${hr.namespace}/${hr.name}`,
    };
    entry.count += 1;
    counts.set(key, entry);
  }
  const best = [...counts.values()].sort(
    (a, b) =>
      b.count - a.count ||
      semver.rcompare(versionOf(a.parsed), versionOf(b.parsed)) ||
      b.parsed.commitsAfter - a.parsed.commitsAfter,
  )[0];
  if (!best) return undefined;
  return {
    parsed: best.parsed,
    from: `chart version of ${best.count} system HelmRelease(s), e.g. ${best.example}`,
  };
}

function readCounter(inventory: Inventory, notes: string[]): number | null {
  const raw = inventory.cozystackConfigMaps[VERSION_CONFIGMAP]?.version;
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw.trim())) {
    notes.push(`ConfigMap ${VERSION_CONFIGMAP} version=${raw} is not a whole number`);
    return null;
  }
  return Number(raw.trim());
}

function emptyResult(notes: string[]): InstalledVersion {
  return {
    generation: null,
    version: null,
    raw: null,
    detectedFrom: null,
    commitsAfter: 0,
    inCatalog: false,
    alternatives: [],
    bundle: null,
    bundleFrom: null,
    migrationCounter: null,
    notes,
  };
}

function applyReading(
  result: InstalledVersion,
  reading: Reading,
  catalog: Catalog,
  generation: Generation,
): void {
  const { parsed } = reading;
  const imageField = generation === 'v1' ? 'operatorImage' : 'installerImage';
  const shippedBy = releasesShipping(catalog, parsed.version, imageField);
  let version = versionOf(parsed);
  // A lagging operator image that is no release itself (v1.4.0 ships v1.4.0-rc.2) names its release.
  if (!catalog.releases.some((r) => r.version === version) && shippedBy.length === 1) {
    result.notes.push(`image tag ${withV(parsed.version)} is shipped by release ${withV(shippedBy[0]!)}`);
    version = shippedBy[0]!;
  }
  result.generation = generation;
  result.version = version;
  result.raw = parsed.raw;
  result.detectedFrom = reading.from;
  result.commitsAfter = parsed.commitsAfter;
  result.inCatalog = catalog.releases.some((r) => r.version === version);
  result.alternatives = shippedBy.filter((v) => v !== version);
  // A v1 operator tag is settled against Helm's record and the counter (settleSharedTag), which says it then.
  if (result.alternatives.length > 0 && generation === 'v0') {
    result.notes.push(
      `${withV(parsed.version)} images are also shipped by ${result.alternatives.map(withV).join(', ')}: the installed release may be either`,
    );
  }
  if (parsed.commitsAfter > 0) {
    result.notes.push(
      `${parsed.raw} is a non-release build ${parsed.commitsAfter} commits after ${withV(parsed.version)}; the path starts from ${withV(parsed.version)}`,
    );
  }
  if (!result.inCatalog)
    result.notes.push(`${withV(version)} is not a release in the catalog: no path is computed`);
}

/** The installer's newest deployed Helm record (chart cozy-installer), or why there is none to read. */
function deployedInstallerRecord(
  inventory: Inventory,
): { record: HelmReleaseRecordFacts } | { missing: string } {
  const read = inventory.installerRecords;
  const where = `Helm release ${INSTALLER_RELEASE.namespace}/${INSTALLER_RELEASE.release}`;
  if (!read) return { missing: `${where} was not looked for` };
  if (read.status !== 'ok') return { missing: `${where} could not be read (${read.status}: ${read.reason})` };
  const record = read.records
    .filter((r) => r.status === 'deployed' && r.chart === INSTALLER_RELEASE.chart)
    .sort((a, b) => b.revision - a.revision)[0];
  return record
    ? { record }
    : { missing: `${where} has no deployed record of chart ${INSTALLER_RELEASE.chart}` };
}

/**
 * An operator image tag two releases ship (v1.4.6 ships the v1.4.5 image) cannot tell them apart. Helm's
 * record of the installer chart can (its version is the platform version); without it, the migration counter
 * can when the candidates migrate to different targets. The evidence that decided becomes `detectedFrom`.
 */
function settleSharedTag(result: InstalledVersion, inventory: Inventory, catalog: Catalog): void {
  if (result.version === null || result.alternatives.length === 0) return;
  const candidates = [result.version, ...result.alternatives];
  const shared = `the operator image tag ${withV(result.raw ?? result.version)} is shipped by ${candidates.map(withV).join(' and ')}`;
  const installer = deployedInstallerRecord(inventory);
  if ('record' in installer) {
    const { record } = installer;
    const parsed = parseVersion(record.chartVersion);
    const version = parsed.ok ? versionOf(parsed.value) : undefined;
    if (version && candidates.includes(version)) {
      decide(result, version, catalog);
      result.detectedFrom = `Helm release ${record.namespace}/${record.release} revision ${record.revision} (chart ${record.chart} ${record.chartVersion})`;
      result.notes.push(
        `${shared}; Helm's record of the installer release decided: chart ${record.chart} ${record.chartVersion}, revision ${record.revision}${record.deployedAt ? `, deployed ${record.deployedAt}` : ''}`,
      );
      return;
    }
    result.notes.push(
      `${shared}; Helm's record of the installer release says chart ${record.chart} ${record.chartVersion}, which is neither`,
    );
  }
  const counter = result.migrationCounter;
  const fits = candidates.filter(
    (v) => catalog.releases.find((r) => r.version === v)?.migrationTarget === counter,
  );
  const missing = 'missing' in installer ? `${installer.missing}; ` : '';
  if (counter !== null && fits.length === 1) {
    decide(result, fits[0]!, catalog);
    result.detectedFrom = `Deployment ${SYSTEM_NAMESPACE}/cozystack-operator image tag and ConfigMap ${VERSION_CONFIGMAP} version=${counter}`;
    result.notes.push(
      `${shared}; ${missing}the migration counter ${counter} decided: only ${withV(fits[0]!)} migrates to it`,
    );
    return;
  }
  result.notes.push(
    `${shared}; ${missing}${counter === null ? 'the migration counter was not read' : `the migration counter ${counter} fits ${fits.length === 0 ? 'neither' : 'both'}`}: the installed release may be either, and the path starts from ${withV(result.version)}`,
  );
}

function decide(result: InstalledVersion, version: string, catalog: Catalog): void {
  result.version = version;
  result.alternatives = [];
  result.inCatalog = catalog.releases.some((r) => r.version === version);
}

/** The v1 variant: Package cozystack.cozystack-platform spec.variant (the v0 bundle-name's successor). */
function readVariant(result: InstalledVersion, inventory: Inventory): void {
  const pkg = inventory.packages.find((p) => p.name === PLATFORM_PACKAGE);
  if (pkg?.variant) {
    result.bundle = pkg.variant;
    result.bundleFrom = `Package ${PLATFORM_PACKAGE} spec.variant`;
    return;
  }
  const unreadable = unreadableReason(inventory, 'packages.cozystack.io');
  result.notes.push(
    pkg
      ? `Package ${PLATFORM_PACKAGE} has no spec.variant: the variant is not checked`
      : `the v1 variant could not be read (Package ${PLATFORM_PACKAGE}: ${unreadable ?? 'not found'}): the variant is not checked`,
  );
}

/** Detects the installed release, bundle and migration counter. Pure. */
export function detectInstalled(inventory: Inventory, catalog: Catalog): InstalledVersion {
  const result = emptyResult([]);
  result.migrationCounter = readCounter(inventory, result.notes);
  const operator = deployment(inventory, 'cozystack-operator');
  const installer = deployment(inventory, 'cozystack');

  if (operator) {
    result.installerCreatedAt = operator.createdAt;
    const reading = readOperator(operator, result.notes);
    if ('parsed' in reading) {
      applyReading(result, reading, catalog, 'v1');
      settleSharedTag(result, inventory, catalog);
    } else {
      result.generation = 'v1';
      result.unknownReason = `Deployment ${SYSTEM_NAMESPACE}/cozystack-operator: ${reading.reason} (${reading.raw})`;
    }
    readVariant(result, inventory);
    return result;
  }

  if (installer) {
    result.installerCreatedAt = installer.createdAt;
    const container = mainContainer(installer, 'cozystack');
    const image = container ? parseImageVersion(container.image) : undefined;
    const fromImage: Reading | undefined =
      image?.ok === true
        ? { parsed: image.value, from: `Deployment ${SYSTEM_NAMESPACE}/cozystack image tag` }
        : undefined;
    if (image && !image.ok) {
      result.notes.push(
        `Deployment ${SYSTEM_NAMESPACE}/cozystack image ${container?.image}: ${image.reason}; falling back to other sources`,
      );
    }
    const controller = readControllerArgument(inventory);
    const reading = fromImage ?? controller ?? readSystemChartVersion(inventory);
    if (reading) applyReading(result, reading, catalog, 'v0');
    else {
      result.generation = 'v0';
      result.unknownReason =
        'the installer image tag is not a version and neither the cozystack-controller argument nor a system HelmRelease chart version gives one';
    }
    if (fromImage && controller && versionOf(controller.parsed) !== versionOf(fromImage.parsed)) {
      result.notes.push(
        `cozystack-controller runs with --cozystack-version=${controller.parsed.raw}, not ${fromImage.parsed.raw}: an upgrade may be half-applied`,
      );
    }
  } else {
    const unreadable = unreadableReason(inventory, 'deployments.apps');
    result.unknownReason = unreadable
      ? `the installer Deployment could not be looked for: ${unreadable}`
      : `no Deployment ${SYSTEM_NAMESPACE}/cozystack (v0) or ${SYSTEM_NAMESPACE}/cozystack-operator (v1): not a CozyStack management cluster`;
  }

  const bundle = inventory.cozystackConfigMaps[COZYSTACK_CONFIGMAP]?.['bundle-name'];
  if (bundle !== undefined) {
    result.bundle = bundle;
    result.bundleFrom = `ConfigMap ${COZYSTACK_CONFIGMAP} bundle-name`;
  }
  return result;
}
