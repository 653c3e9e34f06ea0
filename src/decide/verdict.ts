// The verdict: GO, NO-GO or INCOMPLETE, the recommended option, and the numbered reasons a person reads first.
// Never GO on missing data; a known NO-GO stays NO-GO even when something else could not be read.
import type { Finding, RootCause } from '../model/finding.js';
import { type Assessment, backupStatusOf, type OptionScore, type Verdict } from '../model/assessment.js';
import {
  type FailOn,
  blockingFindings,
  blockingRootCauses,
  failingFindings,
  tenantFailures,
  unknownBlockingFindings,
  verdictOfAssessment,
} from '../model/policy.js';
import { formatRange, titleWithNodes } from '../model/text.js';
import { affectedObjectCount, failureAges } from './measures.js';
import type { DecisionModel } from './decision-model.js';
import type { Roles } from './roles.js';

export interface VerdictInput {
  findings: Finding[];
  rootCauses: RootCause[];
  roles: Roles;
  version: Assessment['version'];
  breakingChanges: Assessment['breakingChanges'];
  backup: Assessment['backup'];
  coverage: Assessment['coverage'];
  options: { A: OptionScore; C: OptionScore };
  failOn: FailOn;
  model: DecisionModel;
  allowPartialBackup?: boolean;
  /** Type keys the checks and the version detection read; others (read for the backup only) do not make INCOMPLETE. */
  neededTypes?: readonly string[];
}

export interface VerdictResult {
  verdict: Verdict;
  recommendation: 'A' | 'C';
  reasons: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const v = (version: string) => `v${version.replace(/^v/, '')}`;

/** Why the verdict is NO-GO: a backup that failed verification, and the findings the policy counts as failing. */
function noGoReasons(input: VerdictInput): string[] {
  const reasons: string[] = [];
  if (input.backup && backupStatusOf(input.backup) === 'failed-verification') {
    reasons.push(`Backup at ${input.backup.path} failed verification: it cannot be relied on for a rollback`);
  }
  const causes = blockingRootCauses(input.rootCauses, input.findings);
  for (const rc of causes) {
    const downstream = affectedObjectCount(rc);
    const cascade = downstream > 0 ? `; ${plural(downstream, 'object')} fail downstream of it` : '';
    reasons.push(`Root cause: ${titleWithNodes(rc.title, rc.nodes)}${cascade}`);
  }
  const blocking = blockingFindings(input.findings);
  if (blocking.length > 0) {
    const titles = blocking.slice(0, 6).map((f) => f.title);
    const more = blocking.length > titles.length ? `; and ${blocking.length - titles.length} more` : '';
    reasons.push(
      `${plural(blocking.length, 'blocking finding')} on the platform: ${titles.join('; ')}${more}`,
    );
    const ages = failureAges(blocking);
    const oldest = ages.length > 0 ? Math.max(...ages) : 0;
    if (oldest > input.model.thresholds.longTermDays) {
      const old = ages.filter((age) => age > input.model.thresholds.longTermDays);
      reasons.push(
        `These are pre-existing issues (${formatRange(Math.min(...old), Math.max(...old))} days old)`,
      );
    }
  }
  const warnings = failingFindings(input.findings, input.failOn).filter((f) => !blocking.includes(f));
  if (warnings.length > 0) {
    reasons.push(
      `--fail-on warn: ${plural(warnings.length, 'warning')} count as blocking: ${warnings.map((f) => f.title).join('; ')}`,
    );
  }
  return reasons;
}

/** What the verdict needs and could not read: INCOMPLETE unless it is already NO-GO. */
function incompleteReasons(input: VerdictInput): string[] {
  const reasons: string[] = [];
  // Without a version there is no path: the path check's own "unknown" would say the same thing twice.
  const versionMissing = input.version.installed === null || input.version.unknownReason !== undefined;
  for (const finding of unknownBlockingFindings(input.findings)) {
    if (versionMissing && input.roles.isPath(finding)) continue;
    reasons.push(`Check ${finding.check} could not run: ${finding.unknownReason ?? finding.summary}`);
  }
  const needed = input.neededTypes ? new Set(input.neededTypes) : undefined;
  const unreadable = input.coverage.unreadable.filter(
    (u) => u.status !== 'not-installed' && (needed === undefined || needed.has(u.type)),
  );
  if (unreadable.length > 0) {
    reasons.push(
      `Could not read ${unreadable.map((u) => `${u.type} (${u.status}: ${u.reason})`).join(', ')}`,
    );
  }
  if (input.version.installed === null) {
    reasons.push(
      `The installed CozyStack version could not be detected${input.version.unknownReason ? `: ${input.version.unknownReason}` : ''}`,
    );
  } else if (input.version.unknownReason) {
    reasons.push(`No upgrade path: ${input.version.unknownReason}`);
  }
  if (input.version.target === null) reasons.push('The target version is not known');
  if (input.backup && backupStatusOf(input.backup) === 'unfinished') {
    // --allow-partial accepts types the account may not read, never a backup whose reading failed.
    const unread = input.backup.skipped.filter((s) => s.cause === 'failed').map((s) => s.type);
    reasons.push(
      `Backup NOT finished: ${unread.join(', ')} could not be read (the partial folder ${input.backup.path} is marked INCOMPLETE): run it again`,
    );
  } else if (input.backup && backupStatusOf(input.backup) === 'partial' && !input.allowPartialBackup) {
    reasons.push(
      `Backup is partial (skipped ${input.backup.skipped.map((s) => s.type).join(', ')}): re-run with the missing read access, or accept it with --allow-partial`,
    );
  }
  return reasons;
}

function pathReason(input: VerdictInput): string | undefined {
  const { installed, target, minorGap, steps, strategy } = input.version;
  if (installed === null || target === null) return undefined;
  const used = input.breakingChanges.filter((c) => c.usage === 'used');
  // Only a `blocker` (or unknown severity) asks for manual work; warnings are reviewed, info is automatic.
  const manual = used.filter((c) => c.severity !== 'warning' && c.severity !== 'info');
  const usedText =
    used.length === 0
      ? 'no breaking change in use'
      : `${plural(used.length, 'breaking change')} in use, ${manual.length === 0 ? 'none' : manual.length} needing manual work${manual.length > 0 ? ` (${manual.map((c) => c.title).join('; ')})` : ''}`;
  const gap = minorGap === null ? '' : `${plural(minorGap, 'minor version')}, `;
  const how = strategy ? ` (${strategy})` : '';
  return `Upgrade ${v(installed)} → ${v(target)}: ${gap}${plural(steps.length, 'step')}${how}; ${usedText}`;
}

function backupReason(input: VerdictInput): string {
  const b = input.backup;
  if (b === null) return 'No backup taken by this run (--no-backup): take one before changing anything';
  if (!b.verified) return `Backup at ${b.path} is NOT verified`;
  // A partial backup reaches this point only when the user accepted it (--allow-partial): say what is missing.
  const partial = b.complete ? '' : `; partial, skipped: ${b.skipped.map((s) => s.type).join(', ')}`;
  return `Backup taken and verified at ${b.path}: ${plural(b.totals.objects, 'object')}, ${b.totals.size} (${b.totals.bytes} bytes), checksums verified${partial}`;
}

const range = (o: OptionScore) =>
  `${formatRange(o.hoursMin, o.hoursMax)} h at ${formatRange(o.successMin, o.successMax)} % success, ${o.risk} risk`;

export function decideVerdict(input: VerdictInput): VerdictResult {
  const noGo = noGoReasons(input);
  const incomplete = incompleteReasons(input);
  const verdict: Verdict = verdictOfAssessment(input.findings, input.failOn, {
    backupFailed: input.backup !== null && backupStatusOf(input.backup) === 'failed-verification',
    missing: incomplete.length > 0,
  });
  const { A, C } = input.options;
  const recommendation =
    verdict === 'GO' || A.successMin >= input.model.recommendation.repairFirstMinSuccess ? 'A' : 'C';

  // A failed verification is already a NO-GO reason; do not say it twice.
  const backupLine = input.backup && !input.backup.verified ? [] : [backupReason(input)];
  const reasons: string[] = [...backupLine, ...noGo, ...incomplete];
  const path = pathReason(input);
  if (path) reasons.push(path);
  const tenant = tenantFailures(input.findings);
  if (tenant.length > 0) {
    reasons.push(
      `${plural(tenant.length, 'finding')} confined to tenant workloads: they do not block the upgrade on their own`,
    );
  }
  if (verdict === 'GO') reasons.push('No blocking finding on the platform');
  if (recommendation === 'C') {
    reasons.push(`Option C (fresh install): ${range(C)}; Option A (repair, then upgrade): ${range(A)}`);
  } else if (verdict === 'GO') {
    reasons.push(`Option A (in-place upgrade): ${range(A)}`);
  } else {
    reasons.push(`Repair first, then Option A: ${range(A)}; Option C would take ${range(C)}`);
  }
  return { verdict, recommendation, reasons };
}
