// The go/no-go policy: which findings block, which warn, which leave the verdict unknown, and the exit code
// each outcome gives. One module, used by every command (`check`, `assess`, `report`) and by the decision
// model, so the same findings always give the same answer. Tenant findings never gate, not even with
// `--fail-on warn`: a tenant's broken app is the tenant's, and a platform upgrade does not make it worse.
import type { Verdict } from './assessment.js';
import type { Finding, RootCause } from './finding.js';

/** What makes a run fail: blocking findings only, or warnings too (`--fail-on warn`). */
export type FailOn = 'fail' | 'warn';

/** The exit code of each verdict. */
export const VERDICT_EXIT_CODE = { GO: 0, 'NO-GO': 3, INCOMPLETE: 4 } as const satisfies Record<
  Verdict,
  number
>;

export function exitCodeOf(verdict: Verdict): 0 | 3 | 4 {
  return VERDICT_EXIT_CODE[verdict];
}

/** A suppressed finding is kept in the report but neither blocks nor warns. */
export const isActive = (finding: Finding): boolean => finding.suppressed === undefined;

/** Failures confined to tenant workloads never gate an in-place upgrade. */
export const isPlatformOrCluster = (finding: Finding): boolean => finding.scope !== 'tenant';

const counts = (finding: Finding): boolean => isActive(finding) && isPlatformOrCluster(finding);

export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => counts(f) && f.status === 'fail' && f.blocking);
}

/** Warnings, and failures their check does not consider blocking, on the platform or cluster. */
export function warningFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => counts(f) && (f.status === 'warn' || (f.status === 'fail' && !f.blocking)));
}

/** Checks that could not tell, and whose failure would have blocked: the verdict cannot be GO without them. */
export function unknownBlockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => counts(f) && f.status === 'unknown' && f.blocking);
}

/** Tenant failures and warnings: reported, never gating. */
export function tenantFailures(findings: readonly Finding[]): Finding[] {
  return findings.filter(
    (f) => isActive(f) && f.scope === 'tenant' && (f.status === 'fail' || f.status === 'warn'),
  );
}

/** The findings that make the run NO-GO under `failOn`. */
export function failingFindings(findings: readonly Finding[], failOn: FailOn): Finding[] {
  return failOn === 'warn'
    ? [...blockingFindings(findings), ...warningFindings(findings)]
    : blockingFindings(findings);
}

/** The verdict the findings alone give (the assessment adds the path, the backup and unreadable types). */
export function verdictOfFindings(findings: readonly Finding[], failOn: FailOn): Verdict {
  if (failingFindings(findings, failOn).length > 0) return 'NO-GO';
  if (unknownBlockingFindings(findings).length > 0) return 'INCOMPLETE';
  return 'GO';
}

/** What only an assessment knows beyond its findings. */
export interface BeyondFindings {
  /** A backup was taken and failed verification: it cannot be relied on for a rollback. */
  backupFailed: boolean;
  /** Something the verdict needs could not be read (a type, the version, the path, a finished backup). */
  missing: boolean;
}

/**
 * The verdict of an assessment: the findings' verdict under the same rules as `check`, then a failed backup
 * makes NO-GO and anything missing makes INCOMPLETE. Never GO on missing data; a known NO-GO stays NO-GO.
 */
export function verdictOfAssessment(
  findings: readonly Finding[],
  failOn: FailOn,
  beyond: BeyondFindings,
): Verdict {
  const ofFindings = verdictOfFindings(findings, failOn);
  if (ofFindings === 'NO-GO' || beyond.backupFailed) return 'NO-GO';
  if (ofFindings === 'INCOMPLETE' || beyond.missing) return 'INCOMPLETE';
  return 'GO';
}

/** The exit code of `check` and of any run judged on findings alone. */
export function findingsExitCode(findings: readonly Finding[], failOn: FailOn): 0 | 3 | 4 {
  return exitCodeOf(verdictOfFindings(findings, failOn));
}

/**
 * Root causes to repair before an in-place upgrade: those whose own finding blocks. A root cause whose finding
 * is missing (a plugin's) counts when one of its effects blocks. A cause whose own finding does not block
 * (resource pressure) still explains its effects, but is priced as the warning it is.
 */
export function blockingRootCauses(
  rootCauses: readonly RootCause[],
  findings: readonly Finding[],
): RootCause[] {
  const blocking = new Set(blockingFindings(findings).map((f) => f.id));
  const known = new Set(findings.map((f) => f.id));
  return rootCauses.filter((rc) =>
    known.has(rc.finding)
      ? blocking.has(rc.finding)
      : rc.effects.some((effect) => effect.findings.some((id) => blocking.has(id))),
  );
}

/** Finding ids a root cause accounts for: its own and those of its effects. */
export function explainedFindingIds(rootCauses: readonly RootCause[]): Set<string> {
  const ids = new Set<string>();
  for (const rc of rootCauses) {
    ids.add(rc.finding);
    for (const effect of rc.effects) for (const id of effect.findings) ids.add(id);
  }
  return ids;
}

/** How bad each verdict is for a set of clusters: NO-GO over INCOMPLETE over GO. */
const VERDICT_RANK: Record<Verdict, number> = { GO: 0, INCOMPLETE: 1, 'NO-GO': 2 };

/** The verdict of several clusters (a fleet run): the worst of theirs; GO for none. */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, v) => (VERDICT_RANK[v] > VERDICT_RANK[worst] ? v : worst), 'GO');
}
