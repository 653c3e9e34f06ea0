// Compares two assessments of one cluster: the verdict, findings matched by id, root causes, the version and
// path, both options and the backup. Pure: two documents in, one comparison out; every value is copied from
// one of them.
import { BadInputError } from '../errors.js';
import type { Assessment, BackupSummary, OptionScore } from '../model/assessment.js';
import {
  type AssessmentDiff,
  type ClusterJudgement,
  DIFF_SCHEMA_VERSION,
  type FindingChange,
  type RootCauseChange,
} from '../model/diff.js';
import type { Finding, RootCause } from '../model/finding.js';

function change<T>(old: T, now: T): { old: T; new: T; changed: boolean } {
  return { old, new: now, changed: JSON.stringify(old) !== JSON.stringify(now) };
}

/** Node names a run read (`cluster.nodeNames`), and whether that list is complete. */
function nodesOf(a: Assessment): { names: string[]; complete: boolean } {
  if (a.cluster.nodeNames) return { names: a.cluster.nodeNames, complete: true };
  // Older documents name only the nodes that findings mention: enough to confirm, never to contradict.
  const named = new Set<string>();
  for (const f of a.findings) {
    for (const node of f.nodes) named.add(node);
    for (const e of f.evidence) if (e.node) named.add(e.node);
  }
  for (const rc of a.rootCauses) for (const node of rc.nodes) named.add(node);
  return { names: [...named].sort(), complete: false };
}

/**
 * Whether two assessments read the same cluster, judged only on what the documents hold:
 * - the API server URL: equal confirms, different contradicts (both runs were live);
 * - the node names: a shared name confirms; two complete lists without a shared name contradict (a cluster
 *   whose every node was replaced, or a fresh install on new machines, is another cluster for a comparison);
 * - the snapshot folder: the same folder confirms; different folders tell nothing (snapshots are usually saved
 *   in new folders).
 * The context name is not evidence: kubeconfigs name contexts freely (`admin@kubernetes` is everywhere).
 */
export function judgeSameCluster(old: Assessment, now: Assessment): Omit<ClusterJudgement, 'forced'> {
  const evidence: ClusterJudgement['evidence'] = [];
  const { server: oldServer, snapshot: oldSnapshot } = old.cluster;
  const { server: newServer, snapshot: newSnapshot } = now.cluster;
  if (oldServer !== null && newServer !== null) {
    const agrees = oldServer === newServer;
    evidence.push({
      field: 'cluster.server',
      old: oldServer,
      new: newServer,
      agrees,
      why: agrees ? 'the same API server' : 'different API servers',
    });
  }
  const oldNodes = nodesOf(old);
  const newNodes = nodesOf(now);
  if (oldNodes.names.length > 0 && newNodes.names.length > 0) {
    const shared = oldNodes.names.filter((name) => newNodes.names.includes(name));
    const bothComplete = oldNodes.complete && newNodes.complete;
    evidence.push({
      field: bothComplete ? 'cluster.nodeNames' : 'node names in findings',
      old: oldNodes.names.join(', '),
      new: newNodes.names.join(', '),
      agrees: shared.length > 0 ? true : bothComplete ? false : null,
      why:
        shared.length > 0
          ? `shared nodes: ${shared.join(', ')}`
          : bothComplete
            ? 'no node in common'
            : 'no node in common among the nodes findings name (not a complete list)',
    });
  }
  if (oldSnapshot !== null && newSnapshot !== null) {
    const agrees = oldSnapshot === newSnapshot;
    evidence.push({
      field: 'cluster.snapshot',
      old: oldSnapshot,
      new: newSnapshot,
      agrees: agrees ? true : null,
      why: agrees ? 'the same snapshot folder' : 'different snapshot folders (tells nothing by itself)',
    });
  }
  const same = evidence.some((e) => e.agrees === false)
    ? 'no'
    : evidence.some((e) => e.agrees === true)
      ? 'yes'
      : 'unconfirmed';
  return { same, evidence };
}

const isFailing = (f: Finding | undefined): f is Finding =>
  f !== undefined && (f.status === 'fail' || f.status === 'warn' || f.status === 'unknown');

const stateOf = (f: Finding | undefined) =>
  f === undefined || f.status === 'pass'
    ? null
    : { status: f.status, blocking: f.blocking, suppressed: f.suppressed !== undefined };

function findingChange(id: string, old: Finding | undefined, now: Finding | undefined): FindingChange {
  const latest = (now ?? old)!;
  const before = stateOf(old);
  const after = stateOf(now);
  return {
    id,
    check: latest.check,
    title: latest.title,
    scope: latest.scope,
    old: before,
    new: after,
    changed: JSON.stringify(before) !== JSON.stringify(after),
  };
}

function compareFindings(old: Assessment, now: Assessment): AssessmentDiff['findings'] {
  const before = new Map(old.findings.map((f) => [f.id, f]));
  const after = new Map(now.findings.map((f) => [f.id, f]));
  const checksRun = new Set(now.checks.map((c) => c.id));
  const out: AssessmentDiff['findings'] = { fixed: [], new: [], stillFailing: [], notChecked: [] };
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const o = before.get(id);
    const n = after.get(id);
    const entry = findingChange(id, o, n);
    if (isFailing(o) && isFailing(n)) out.stillFailing.push(entry);
    else if (isFailing(n)) out.new.push(entry);
    else if (isFailing(o)) {
      if (n === undefined && !checksRun.has(o.check)) out.notChecked.push(entry);
      else out.fixed.push(entry);
    }
  }
  return out;
}

function rootCauseState(rc: RootCause | undefined): RootCauseChange['old'] {
  if (!rc) return null;
  return { nodes: rc.nodes, objects: new Set(rc.effects.flatMap((e) => e.objects)).size };
}

function compareRootCauses(old: Assessment, now: Assessment): AssessmentDiff['rootCauses'] {
  const before = new Map(old.rootCauses.map((rc) => [rc.id, rc]));
  const after = new Map(now.rootCauses.map((rc) => [rc.id, rc]));
  const out: AssessmentDiff['rootCauses'] = { resolved: [], new: [], remaining: [] };
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const o = before.get(id);
    const n = after.get(id);
    const entry = { id, title: (n ?? o)!.title, old: rootCauseState(o), new: rootCauseState(n) };
    (o && n ? out.remaining : n ? out.new : out.resolved).push(entry);
  }
  return out;
}

function compareOption(old: OptionScore, now: OptionScore): AssessmentDiff['options']['A'] {
  return {
    hoursMin: change(old.hoursMin, now.hoursMin),
    hoursMax: change(old.hoursMax, now.hoursMax),
    successMin: change(old.successMin, now.successMin),
    successMax: change(old.successMax, now.successMax),
    risk: change(old.risk, now.risk),
  };
}

function backupState(b: BackupSummary | null): AssessmentDiff['backup']['old'] {
  if (b === null) return null;
  return {
    path: b.path,
    verified: b.verified,
    complete: b.complete,
    objects: b.totals.objects,
    size: b.totals.size,
    secrets: b.secrets,
  };
}

const pathOf = (a: Assessment) => a.version.steps.map((s) => `${s.from} → ${s.to}`);

const sideOf = (a: Assessment): AssessmentDiff['old'] => ({
  generatedAt: a.generatedAt,
  now: a.now,
  toolVersion: a.tool.version,
  verdict: a.verdict,
});

/**
 * The comparison of `old` with `now`. Two different clusters are bad input (exit 2) naming both files and the
 * evidence, unless `force` is set; the comparison then records that it was forced.
 */
export function diffAssessments(
  old: Assessment,
  now: Assessment,
  files: { old: string; new: string },
  force = false,
): AssessmentDiff {
  const judgement = judgeSameCluster(old, now);
  if (judgement.same === 'no' && !force) {
    const contradictions = judgement.evidence
      .filter((e) => e.agrees === false)
      .map((e) => `${e.field}: ${e.old} vs ${e.new} (${e.why})`);
    throw new BadInputError(
      `${files.old} and ${files.new} are assessments of different clusters: ${contradictions.join('; ')}`,
      files.new,
      judgement.evidence.find((e) => e.agrees === false)?.field,
      'compare two runs against the same cluster, or pass --force to compare them anyway',
    );
  }
  return {
    schemaVersion: DIFF_SCHEMA_VERSION,
    old: sideOf(old),
    new: sideOf(now),
    cluster: { ...judgement, forced: judgement.same === 'no' },
    verdict: change(old.verdict, now.verdict),
    recommendation: change(old.recommendation, now.recommendation),
    findings: compareFindings(old, now),
    rootCauses: compareRootCauses(old, now),
    version: {
      installed: change(
        old.version.installedRaw ?? old.version.installed,
        now.version.installedRaw ?? now.version.installed,
      ),
      target: change(old.version.target, now.version.target),
      minorGap: change(old.version.minorGap, now.version.minorGap),
      path: change(pathOf(old), pathOf(now)),
    },
    options: {
      A: compareOption(old.options.A, now.options.A),
      C: compareOption(old.options.C, now.options.C),
    },
    backup: change(backupState(old.backup), backupState(now.backup)),
  };
}
