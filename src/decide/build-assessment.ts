// Builds the assessment document from what the other rooms produced: findings and root causes (checks), the
// path (catalog), the backup summary, coverage and a few inventory facts. Pure: the CLI does the I/O.
import type { Finding, RootCause } from '../model/finding.js';
import { kubernetesVersionOf } from '../inventory/server-version.js';
import type { Inventory } from '../inventory/types.js';
import {
  type Assessment,
  AssessmentSchema,
  type BackupSummary,
  type BreakingChangeUse,
  type Coverage,
  SCHEMA_VERSION,
} from '../model/assessment.js';
import type { DecisionModel } from './decision-model.js';
import { type CheckDeclaration, rolesOf } from './roles.js';
import { type ScoringInput, scoreOptionA, scoreOptionC } from './score.js';
import type { FailOn } from '../model/policy.js';
import { decideVerdict } from './verdict.js';

export interface AssessmentParts {
  toolVersion: string;
  /** When the assessment was produced (RFC 3339). */
  generatedAt: string;
  /** The clock ages were computed against. */
  now: string;
  cluster: Assessment['cluster'];
  version: Assessment['version'];
  /** Breaking changes crossed by the path; when omitted, collected from the path steps. */
  breakingChanges?: BreakingChangeUse[];
  /** The checks configured to run (built-ins and plugins), with the role each declares for the decision. */
  checks: ReadonlyArray<CheckDeclaration & { title: string }>;
  findings: Finding[];
  rootCauses: RootCause[];
  backup: BackupSummary | null;
  coverage: Coverage;
  notes: string[];
  model: DecisionModel;
  failOn: FailOn;
  /** The user accepted a partial backup (--allow-partial); otherwise a partial backup makes the verdict INCOMPLETE. */
  allowPartialBackup?: boolean;
  /** Type keys the verdict needs (what the inventory reads); default: every type listed. */
  neededTypes?: readonly string[];
}

/** The cluster section from the inventory: where it came from and how big it is. */
export function clusterSection(inventory: Inventory): Assessment['cluster'] {
  const isTenantNamespace = (name: string) => name.startsWith('tenant-');
  const kubernetes = kubernetesVersionOf(inventory);
  return {
    source: inventory.source.kind,
    server: inventory.source.server ?? null,
    context: inventory.source.context ?? null,
    snapshot: inventory.source.path ?? null,
    kubernetesVersion: kubernetes?.version ?? null,
    ...(kubernetes?.inferred ? { kubernetesVersionInferred: kubernetes.inferred } : {}),
    nodes: inventory.nodes.length,
    nodeNames: inventory.nodes.map((node) => node.name).sort(),
    pods: inventory.pods.length,
    tenantNamespaces: inventory.namespaces.filter((ns) => isTenantNamespace(ns.name)).length,
    tenantWorkloads: inventory.helmReleases.filter((hr) => isTenantNamespace(hr.namespace)).length,
  };
}

/** Every breaking change the steps cross, once, in path order. */
export function breakingChangesOfPath(version: Assessment['version']): BreakingChangeUse[] {
  const seen = new Map<string, BreakingChangeUse>();
  for (const step of version.steps)
    for (const change of step.breakingChanges) if (!seen.has(change.id)) seen.set(change.id, change);
  return [...seen.values()];
}

/** Migrations the installed release expects but the cluster's counter has not reached. */
export function pendingMigrations(version: Assessment['version']): number {
  const expected = version.migrationCounterExpected;
  if (expected === undefined || expected === null || version.migrationCounter === null) return 0;
  return Math.max(0, expected - version.migrationCounter);
}

export function buildAssessment(parts: AssessmentParts): Assessment {
  const breakingChanges = parts.breakingChanges ?? breakingChangesOfPath(parts.version);
  const roles = rolesOf(parts.checks);
  const scoring: ScoringInput = {
    findings: parts.findings,
    rootCauses: parts.rootCauses,
    roles,
    steps: parts.version.steps,
    breakingChanges,
    pendingMigrations: pendingMigrations(parts.version),
    tenantWorkloads: parts.cluster.tenantWorkloads,
    installed: parts.version.installed,
    target: parts.version.target,
  };
  const options = { A: scoreOptionA(scoring, parts.model), C: scoreOptionC(scoring, parts.model) };
  const { verdict, recommendation, reasons } = decideVerdict({
    findings: parts.findings,
    rootCauses: parts.rootCauses,
    roles,
    version: parts.version,
    breakingChanges,
    backup: parts.backup,
    coverage: parts.coverage,
    options,
    failOn: parts.failOn,
    model: parts.model,
    allowPartialBackup: parts.allowPartialBackup ?? false,
    neededTypes: parts.neededTypes,
  });
  const assessment: Assessment = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cozy-assess', version: parts.toolVersion },
    generatedAt: parts.generatedAt,
    now: parts.now,
    cluster: parts.cluster,
    verdict,
    failOn: parts.failOn,
    recommendation,
    reasons,
    version: parts.version,
    breakingChanges,
    options,
    checks: parts.checks.map(({ id, title }) => ({ id, title })),
    findings: parts.findings,
    rootCauses: parts.rootCauses,
    backup: parts.backup,
    coverage: parts.coverage,
    notes: parts.notes,
  };
  // The document is a contract: fail here (a bug, exit 1) rather than write one CI tools cannot read.
  return AssessmentSchema.parse(assessment);
}
