// The upgrade path between two releases, computed with semver (never by date: release lines overlap).
//
// Two strategies; both skip releases to avoid and make every required stop (the newest v0.41 patch before
// v1.0, the only stop upstream documents).
// - `conservative` (the default, an operating choice): take the newest non-avoided patch of every minor line
//   after the installed release's line, up to the target (on the target's line, the target itself); merge
//   consecutive lines whose chosen releases migrate to the same counter target into one step at the last of
//   them, since they run the same migrations; a required stop always ends a step. v0.28.0 → v0.37.2 gives
//   0.30.6, 0.31.2, 0.32.1, 0.33.3, 0.35.5, 0.36.3, 0.37.2: the reference report's "7 incremental steps" for
//   a gap of 9 minor versions.
// - `shortest`: the fewest steps upstream supports. Both migration runners (the v0 installer, the v1 hook
//   Job) apply every pending migration in order, so one apply crosses several minors: the required stops,
//   then the target. v0.28.0 → v0.37.2 is one step; v0.41 → v1.6 is one step.
import semver from 'semver';
import { BadInputError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { PathStrategy, VersionSchema } from '../model/assessment.js';
import { assessUsage } from './breaking.js';
import { detectInstalled } from './detect.js';
import type {
  BreakingChangeUse,
  BundleCheck,
  Catalog,
  CrossedBreakingChange,
  InstalledVersion,
  MigrationCounterCheck,
  Release,
  UpgradePlan,
} from './types.js';
import { minorLine, parseVersion, withV } from './version.js';
import type { z } from 'zod';

export type VersionSection = z.infer<typeof VersionSchema>;
export type { PathStrategy } from '../model/assessment.js';

export const DEFAULT_STRATEGY: PathStrategy = 'conservative';

const DAY_MS = 86_400_000;

export function findRelease(catalog: Catalog, version: string): Release | undefined {
  return catalog.releases.find((r) => r.version === version);
}

/** The newest stable release the catalog does not tell to avoid. */
export function latestRelease(catalog: Catalog): Release {
  const usable = catalog.releases.filter((r) => !r.avoid);
  const latest = usable[usable.length - 1];
  if (!latest) throw new BadInputError('the release catalog has no usable release', undefined, 'releases');
  return latest;
}

/** `--target vX.Y.Z` or `latest` → a catalog release; anything else is exit 2 with the reason. */
export function resolveTarget(catalog: Catalog, spec: string): Release {
  const text = spec.trim();
  if (text === 'latest') return latestRelease(catalog);
  const hint = `use vX.Y.Z (e.g. v0.37.2) or latest; the catalog goes up to ${withV(latestRelease(catalog).version)}`;
  const parsed = parseVersion(text);
  if (!parsed.ok) {
    throw new BadInputError(
      `--target: '${spec}' is not a version (${parsed.reason})`,
      undefined,
      'target',
      hint,
    );
  }
  if (parsed.value.prerelease || parsed.value.commitsAfter > 0) {
    throw new BadInputError(`--target: '${spec}' is not a stable release`, undefined, 'target', hint);
  }
  const release = findRelease(catalog, parsed.value.base);
  if (!release) {
    const line = catalog.releases.filter((r) => minorLine(r.version) === minorLine(parsed.value.base));
    const known =
      line.length > 0
        ? `; the ${minorLine(parsed.value.base)} line has ${line.map((r) => withV(r.version)).join(', ')}`
        : '';
    throw new BadInputError(
      `--target: ${withV(parsed.value.base)} is not a release in the catalog${known}`,
      undefined,
      'target',
      `${hint}; add unreleased versions with --catalog FILE`,
    );
  }
  if (release.avoid) {
    const instead = release.avoid.instead
      ? `target ${withV(release.avoid.instead)} or a later patch instead`
      : 'target a later patch';
    throw new BadInputError(
      `--target: ${withV(release.version)} is a release to avoid: ${release.avoid.reason} (${release.avoid.source})`,
      undefined,
      'target',
      instead,
    );
  }
  return release;
}

/**
 * Minor lines crossed: 0.28 → 0.37 = 9, 0.41 → 1.0 = 1 (the catalog's line sequence; there is no 0.42).
 * null when a line is not in the catalog and the versions are of different majors.
 */
export function minorGap(catalog: Catalog, from: string, to: string): number | null {
  const lines = [...new Set(catalog.releases.map((r) => minorLine(r.version)))];
  const fromIndex = lines.indexOf(minorLine(from));
  const toIndex = lines.indexOf(minorLine(to));
  if (fromIndex >= 0 && toIndex >= 0) return toIndex - fromIndex;
  const a = semver.parse(from)!;
  const b = semver.parse(to)!;
  return a.major === b.major ? b.minor - a.minor : null;
}

export interface PlannedStop {
  release: Release;
  /** Minor lines merged into this step, e.g. ['0.29', '0.30']. */
  lines: string[];
  /** Set when this step is a required stop. */
  requiredStop?: string;
}

/** The newest non-avoided release in each required stop's range, for stops this path must make. */
function requiredStopsBetween(catalog: Catalog, from: string, to: string): Map<string, string> {
  const stops = new Map<string, string>();
  for (const stop of catalog.requiredStops) {
    if (!(semver.lt(from, stop.before) && semver.gte(to, stop.before))) continue;
    const candidates = catalog.releases.filter((r) => !r.avoid && semver.satisfies(r.version, stop.range));
    const chosen = candidates[candidates.length - 1];
    if (chosen && semver.gt(chosen.version, from)) stops.set(chosen.version, stop.id);
  }
  return stops;
}

/** Releases to apply in order from `from` (exclusive) to `to` (inclusive). Pure; see the rules at the top. */
export function computeStops(
  catalog: Catalog,
  from: string,
  to: string,
  strategy: PathStrategy = DEFAULT_STRATEGY,
): PlannedStop[] {
  if (semver.gte(from, to)) return [];
  return strategy === 'shortest' ? shortestStops(catalog, from, to) : conservativeStops(catalog, from, to);
}

/** Minor lines of the catalog after `from`'s line up to `to`'s line, in order. */
function linesBetween(catalog: Catalog, from: string, to: string): string[] {
  const lines = catalog.releases
    .filter((r) => semver.gt(r.version, from) && semver.lte(r.version, to))
    .map((r) => minorLine(r.version))
    .filter((line) => line !== minorLine(from));
  return [...new Set(lines)];
}

function shortestStops(catalog: Catalog, from: string, to: string): PlannedStop[] {
  const stops = requiredStopsBetween(catalog, from, to);
  const ends = [...stops.keys()].filter((v) => semver.lt(v, to)).sort(semver.compare);
  const planned: PlannedStop[] = [];
  let previous = from;
  for (const version of [...ends, to]) {
    const step: PlannedStop = {
      release: findRelease(catalog, version)!,
      lines: linesBetween(catalog, previous, version),
    };
    const stop = stops.get(version);
    if (stop) step.requiredStop = stop;
    planned.push(step);
    previous = version;
  }
  return planned;
}

function conservativeStops(catalog: Catalog, from: string, to: string): PlannedStop[] {
  const stops = requiredStopsBetween(catalog, from, to);
  const installedLine = minorLine(from);
  const byLine = new Map<string, Release[]>();
  for (const release of catalog.releases) {
    if (release.avoid || semver.lte(release.version, from) || semver.gt(release.version, to)) continue;
    const line = minorLine(release.version);
    // Newer patches of the installed line are no step of their own (upstream supports 0.36.2 → 0.37.2
    // directly), unless one is a required stop or the target.
    if (line === installedLine && release.version !== to && !stops.has(release.version)) continue;
    byLine.set(line, [...(byLine.get(line) ?? []), release]);
  }
  const chosen = [...byLine.entries()].map(([line, releases]) => {
    const stop = releases.find((r) => stops.has(r.version));
    return {
      line,
      release: stop ?? releases[releases.length - 1]!,
      requiredStop: stop ? stops.get(stop.version) : undefined,
    };
  });
  const planned: PlannedStop[] = [];
  let pending: string[] = [];
  chosen.forEach((entry, index) => {
    pending.push(entry.line);
    const next = chosen[index + 1];
    const endsHere =
      !next ||
      entry.requiredStop !== undefined ||
      next.release.migrationTarget !== entry.release.migrationTarget;
    if (!endsHere) return;
    const step: PlannedStop = { release: entry.release, lines: pending };
    if (entry.requiredStop) step.requiredStop = entry.requiredStop;
    planned.push(step);
    pending = [];
  });
  return planned;
}

function stepNotes(catalog: Catalog, from: string, planned: PlannedStop, strategy: PathStrategy): string[] {
  const to = planned.release;
  const notes: string[] = [];
  if (planned.lines.length > 1 && strategy === 'conservative') {
    notes.push(
      `lines ${planned.lines.join(', ')} run the same migrations (counter target ${to.migrationTarget}): one step to ${withV(to.version)}`,
    );
  }
  if (planned.lines.length > 1 && strategy === 'shortest') {
    notes.push(
      `one apply crosses lines ${planned.lines.join(', ')}: the migration runner applies every pending migration in order (counter target ${to.migrationTarget}); read the notes of every line crossed`,
    );
  }
  if (planned.requiredStop) {
    const stop = catalog.requiredStops.find((s) => s.id === planned.requiredStop)!;
    notes.push(`required stop: ${stop.reason} (${stop.source})`);
  }
  const crossed = catalog.releases.filter(
    (r) => semver.gt(r.version, from) && semver.lte(r.version, to.version),
  );
  // One note per release to take instead (v0.34.0–v0.34.2 → v0.34.3; v1.0.0, v1.0.1 → v1.0.2; v1.5.3 → v1.5.4),
  // with the reason of the first release it replaces.
  const avoidedGroups = new Map<string, Release[]>();
  for (const release of crossed.filter((r) => r.avoid)) {
    const key = release.avoid!.instead ?? release.avoid!.reason;
    avoidedGroups.set(key, [...(avoidedGroups.get(key) ?? []), release]);
  }
  for (const releases of avoidedGroups.values()) {
    const { reason, source } = releases[0]!.avoid!;
    notes.push(`skips ${releases.map((r) => withV(r.version)).join(', ')}: ${reason} (${source})`);
  }
  for (const release of crossed) {
    const relevant = release.version === to.version || semver.patch(release.version) === 0;
    if (!relevant) continue;
    for (const note of release.notes ?? []) {
      const prefix = release.version === to.version ? '' : `${withV(release.version)}: `;
      notes.push(`${prefix}${note.text} (${note.source})`);
    }
  }
  if (to.minKubernetes)
    notes.push(`${withV(to.version)} needs management-cluster Kubernetes ≥ ${to.minKubernetes}`);
  const fromRelease = findRelease(catalog, from);
  if (fromRelease && fromRelease.date > to.date) {
    notes.push(
      `${withV(from)} (${fromRelease.date}) was released after ${withV(to.version)} (${to.date}); lines overlap, so check that the fixes you rely on are in ${withV(to.version)}`,
    );
  }
  return notes;
}

function crossedChanges(
  catalog: Catalog,
  inventory: Inventory,
  installed: string,
  from: string,
  to: string,
  step: string,
) {
  return catalog.breakingChanges
    .filter((c) => semver.gt(c.version, from) && semver.lte(c.version, to))
    .map((change): CrossedBreakingChange => {
      const usage = assessUsage(change, inventory, installed);
      return {
        id: change.id,
        title: change.title,
        version: change.version,
        severity: usage.severity,
        usage: usage.usage,
        evidence: usage.evidence,
        action: change.action,
        source: change.source,
        step,
        affects: change.affects,
      };
    });
}

/** Just the fields of BreakingChangeUseSchema. */
export function toBreakingChangeUse(change: CrossedBreakingChange): BreakingChangeUse {
  const { id, title, version, severity, usage, evidence, action, source } = change;
  return { id, title, version, severity, usage, evidence, action, source };
}

function checkCounter(installed: InstalledVersion, release: Release | undefined): MigrationCounterCheck {
  const value = installed.migrationCounter;
  const expected = release?.migrationTarget ?? null;
  if (value === null) {
    return {
      value,
      expected,
      state: 'unknown',
      explanation: 'ConfigMap cozy-system/cozystack-version (data.version) was not found',
    };
  }
  if (expected === null) {
    return {
      value,
      expected,
      state: 'unknown',
      explanation: `counter ${value}; the installed release is not in the catalog`,
    };
  }
  const name = withV(release!.version);
  if (value < expected) {
    return {
      value,
      expected,
      state: 'pending',
      explanation: `migration counter ${value} is below ${expected}, the target of ${name}: migrations ${value}–${expected - 1} are pending or stuck`,
    };
  }
  if (value > expected) {
    const build =
      installed.commitsAfter > 0 ? ' (or this non-release build already carries later migrations)' : '';
    return {
      value,
      expected,
      state: 'ahead',
      explanation: `migration counter ${value} is above ${expected}, the target of ${name}: a newer release was applied and rolled back${build}`,
    };
  }
  return { value, expected, state: 'ok', explanation: `migration counter ${value} matches ${name}` };
}

function checkBundle(catalog: Catalog, installed: InstalledVersion): BundleCheck {
  if (installed.bundle === null) return { name: null, known: null, from: installed.bundleFrom };
  return {
    name: installed.bundle,
    known: catalog.bundles.some((b) => b.name === installed.bundle),
    from: installed.bundleFrom,
  };
}

function ageDays(
  inventory: Inventory,
  installed: InstalledVersion,
  release: Release | undefined,
): number | null {
  const now = Date.parse(inventory.now);
  if (Number.isNaN(now)) return null;
  let since = release ? Date.parse(`${release.date}T00:00:00Z`) : Number.NaN;
  // A build after the tag is at least as young as its installer Deployment when that was created later.
  const created = installed.installerCreatedAt ? Date.parse(installed.installerCreatedAt) : Number.NaN;
  if (installed.commitsAfter > 0 && !Number.isNaN(created) && (Number.isNaN(since) || created > since))
    since = created;
  if (Number.isNaN(since)) return null;
  return Math.max(0, Math.floor((now - since) / DAY_MS));
}

export interface PlanOptions {
  /** Detection already done (the assess command shares it); detected from the inventory otherwise. */
  installed?: InstalledVersion;
  /** How the steps are chosen (default conservative). */
  strategy?: PathStrategy;
}

/** Detects, resolves the target and computes the path. Throws BadInputError (exit 2) for a bad target. */
export function planUpgrade(
  inventory: Inventory,
  catalog: Catalog,
  targetSpec: string,
  options: PlanOptions = {},
): UpgradePlan {
  const target = resolveTarget(catalog, targetSpec);
  const strategy = options.strategy ?? DEFAULT_STRATEGY;
  const installed = options.installed ?? detectInstalled(inventory, catalog);
  const installedRelease = installed.version ? findRelease(catalog, installed.version) : undefined;
  const plan: UpgradePlan = {
    installed,
    target: target.version,
    targetRequested: targetSpec,
    minorGap: null,
    strategy,
    stepCounts: null,
    steps: [],
    breakingChanges: [],
    migrationCounter: checkCounter(installed, installedRelease),
    bundle: checkBundle(catalog, installed),
    installedAgeDays: ageDays(inventory, installed, installedRelease),
    notes: [...installed.notes],
  };
  if (!installed.version) {
    plan.unknownReason = installed.unknownReason ?? 'the installed version could not be detected';
    return plan;
  }
  if (!installedRelease) {
    plan.unknownReason = `the installed version ${withV(installed.version)} is not a release in the catalog`;
    return plan;
  }
  if (semver.lt(target.version, installed.version)) {
    throw new BadInputError(
      `--target: ${withV(target.version)} is older than the installed ${withV(installed.version)} (${installed.detectedFrom})`,
      undefined,
      'target',
      'downgrades are not supported; pick a newer release or latest',
    );
  }
  plan.minorGap = minorGap(catalog, installed.version, target.version);
  if (installedRelease.avoid) {
    plan.notes.push(
      `the installed ${withV(installedRelease.version)} is a release to avoid: ${installedRelease.avoid.reason} (${installedRelease.avoid.source})`,
    );
  }
  plan.stepCounts = {
    conservative: computeStops(catalog, installed.version, target.version, 'conservative').length,
    shortest: computeStops(catalog, installed.version, target.version, 'shortest').length,
  };
  let from = installed.version;
  let counter = installed.migrationCounter ?? installedRelease.migrationTarget;
  for (const planned of computeStops(catalog, installed.version, target.version, strategy)) {
    const to = planned.release;
    const changes = crossedChanges(catalog, inventory, installed.version, from, to.version, to.version);
    plan.breakingChanges.push(...changes);
    plan.steps.push({
      from,
      to: to.version,
      migrations: { from: counter, to: Math.max(counter, to.migrationTarget) },
      breakingChanges: changes.map(toBreakingChangeUse),
      notes: stepNotes(catalog, from, planned, strategy),
    });
    from = to.version;
    counter = Math.max(counter, to.migrationTarget);
  }
  if (plan.steps.length === 0) plan.notes.push(`${withV(installed.version)} is already the target`);
  return plan;
}

/** The assessment's `version` section, exactly (VersionSchema). */
export function toVersionSection(plan: UpgradePlan): VersionSection {
  return {
    installed: plan.installed.version,
    installedRaw: plan.installed.raw,
    detectedFrom: plan.installed.detectedFrom,
    target: plan.target,
    minorGap: plan.minorGap,
    steps: plan.steps,
    strategy: plan.strategy,
    ...(plan.stepCounts ? { stepCounts: plan.stepCounts } : {}),
    bundle: plan.installed.bundle,
    migrationCounter: plan.installed.migrationCounter,
    installedAgeDays: plan.installedAgeDays,
    migrationCounterExpected: plan.migrationCounter.expected,
    ...(plan.unknownReason ? { unknownReason: plan.unknownReason } : {}),
  };
}

/** The assessment's `breakingChanges` list (BreakingChangeUseSchema), in path order. */
export function breakingChangesOf(plan: UpgradePlan): BreakingChangeUse[] {
  return plan.breakingChanges.map(toBreakingChangeUse);
}
