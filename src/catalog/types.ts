// What the catalog, detection and the path produce. UpgradePlan maps one-to-one onto the assessment's
// `version` section and `breakingChanges` (src/model/assessment.ts): see toVersionSection().
import type { BreakingChangeUse, PathStep, PathStrategy } from '../model/assessment.js';
import type { BreakingChange, Bundle, Release, RequiredStop } from './schema.js';

export type { BreakingChange, Bundle, Detector, Release, RequiredStop } from './schema.js';
export type { BreakingChangeUse, PathStep, PathStrategy } from '../model/assessment.js';

/** The validated, merged catalog: releases in ascending semver order. */
export interface Catalog {
  releases: Release[];
  breakingChanges: BreakingChange[];
  requiredStops: RequiredStop[];
  bundles: Bundle[];
  /** Files it was built from (the shipped one first), for the report's notes. */
  files: string[];
}

export type Generation = 'v0' | 'v1';

/** Where the installed version came from and what else the cluster says about it. */
export interface InstalledVersion {
  generation: Generation | null;
  /** Normalised (`0.28.0`), or null when it could not be read. */
  version: string | null;
  /** As found (`v0.28.0-54-g22cf18ff`, an image reference, an env value). */
  raw: string | null;
  /** `Deployment cozy-system/cozystack image tag`, ... */
  detectedFrom: string | null;
  /** Commits after the release tag (git-describe builds). */
  commitsAfter: number;
  /** Whether the catalog knows `version` as a release. */
  inCatalog: boolean;
  /** Other releases that ship the same image tag (v0.30.5 ships v0.30.4 images; operator tags lag). */
  alternatives: string[];
  bundle: string | null;
  /** `ConfigMap cozy-system/cozystack bundle-name`. */
  bundleFrom: string | null;
  /** `cozystack-version` data.version. */
  migrationCounter: number | null;
  /** Creation time of the installer/operator Deployment. */
  installerCreatedAt?: string;
  notes: string[];
  /** Why `version` is null. */
  unknownReason?: string;
}

export type CounterState = 'ok' | 'pending' | 'ahead' | 'unknown';

export interface MigrationCounterCheck {
  value: number | null;
  /** Target of the installed release. */
  expected: number | null;
  state: CounterState;
  explanation: string;
}

export interface BundleCheck {
  name: string | null;
  /** null when there is no bundle to judge. */
  known: boolean | null;
  from: string | null;
}

/** A breaking change crossed, with its usage in this cluster; `step` is the release whose apply crosses it. */
export interface CrossedBreakingChange extends BreakingChangeUse {
  step: string;
  affects: string;
}

export interface UpgradePlan {
  installed: InstalledVersion;
  /** Normalised target, or null when none could be resolved. */
  target: string | null;
  /** `--target` as given. */
  targetRequested: string;
  /** Minor lines between installed and target (0.28 → 0.37 = 9; 0.41 → 1.0 = 1). */
  minorGap: number | null;
  /** How `steps` were chosen. */
  strategy: PathStrategy;
  /** Steps each strategy takes; null when no path was computed. */
  stepCounts: Record<PathStrategy, number> | null;
  /** The chosen strategy's steps. */
  steps: PathStep[];
  /** Every breaking change crossed, in path order. */
  breakingChanges: CrossedBreakingChange[];
  migrationCounter: MigrationCounterCheck;
  bundle: BundleCheck;
  installedAgeDays: number | null;
  /** Why no path was computed (unknown version, ...). */
  unknownReason?: string;
  notes: string[];
}
