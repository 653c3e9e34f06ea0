// Pure helpers shared by the built-in checks: scope of a namespace, ages against the inventory clock,
// evidence and object references in the one format the findings use.
import type { Inventory, InventoryTypeKey, PodFacts } from '../../inventory/types.js';
import type { Evidence, Finding, Scope } from '../../model/finding.js';

const DAY_MS = 86_400_000;

/** Platform namespaces: CozyStack's own (`cozy-*`), Kubernetes' (`kube-system`) and the root tenant. */
export function isPlatformNamespace(namespace: string): boolean {
  return namespace.startsWith('cozy-') || namespace === 'kube-system' || namespace === 'tenant-root';
}

/** Whole days from `since` to the inventory clock (never negative), or undefined when unknown. */
export function ageDays(since: string | undefined, now: string): number | undefined {
  if (!since) return undefined;
  const from = Date.parse(since);
  const to = Date.parse(now);
  if (Number.isNaN(from) || Number.isNaN(to)) return undefined;
  return Math.max(0, Math.floor((to - from) / DAY_MS));
}

/** Milliseconds from `since` to the clock; 0 when unknown (so "older than" tests are false). */
export function ageMs(since: string | undefined, now: string): number {
  if (!since) return 0;
  const ms = Date.parse(now) - Date.parse(since);
  return Number.isNaN(ms) ? 0 : Math.max(0, ms);
}

/** "52 minutes", "5 hours", "7 days": how long since `since`, in the unit a person would use. */
export function durationPhrase(since: string | undefined, now: string): string | undefined {
  if (!since) return undefined;
  const ms = Date.parse(now) - Date.parse(since);
  if (Number.isNaN(ms)) return undefined;
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 120) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? plural(hours, 'hour') : plural(Math.floor(hours / 24), 'day');
}

/** `{min, max}` of the known ages, or undefined when none is known. */
export function ageRange(ages: ReadonlyArray<number | undefined>): { min: number; max: number } | undefined {
  const known = ages.filter((a): a is number => a !== undefined);
  if (known.length === 0) return undefined;
  return { min: Math.min(...known), max: Math.max(...known) };
}

/** "52–203 days", or "8 days" when the range is one value. */
export function daysRange(range: { min: number; max: number }): string {
  return range.min === range.max ? plural(range.min, 'day') : `${range.min}–${range.max} days`;
}

/** `namespace/kind/name`, or `kind/name` for cluster-scoped objects (the Finding.objects format). */
export function objectRef(kind: string, name: string, namespace?: string): string {
  return namespace ? `${namespace}/${kind}/${name}` : `${kind}/${name}`;
}

export function podRef(pod: Pick<PodFacts, 'namespace' | 'name'>): string {
  return objectRef('pod', pod.name, pod.namespace);
}

/** The most telling message of a failing pod: a waiting/terminated container message, else the pod's. */
export function podMessage(pod: PodFacts): string | undefined {
  const containers = [...pod.initContainers, ...pod.containers];
  const failing = containers.find((c) => c.message && !c.ready);
  return (
    failing?.message ??
    containers.find((c) => c.lastTermination?.message)?.lastTermination?.message ??
    pod.message
  );
}

export function podEvidence(pod: PodFacts, now: string, extra: Partial<Evidence> = {}): Evidence {
  const evidence: Evidence = {
    kind: 'pod',
    namespace: pod.namespace,
    name: pod.name,
    reason: pod.displayStatus,
  };
  if (pod.node) evidence.node = pod.node;
  const message = podMessage(pod);
  if (message) evidence.message = message;
  if (pod.restarts > 0) evidence.restarts = pod.restarts;
  if (pod.failingSince) {
    evidence.since = pod.failingSince;
    const days = ageDays(pod.failingSince, now);
    if (days !== undefined) evidence.ageDays = days;
  }
  return { ...evidence, ...extra };
}

/**
 * What kubectl prints, made explicit where kubectl is misleading: a pod shown `Running` that is not ready
 * (a stale status on a lost node, a failing readiness probe) reads `Running, not ready`.
 */
export function statusPhrase(pod: Pick<PodFacts, 'displayStatus' | 'ready'>): string {
  return pod.displayStatus === 'Running' && !pod.ready ? 'Running, not ready' : pod.displayStatus;
}

/** Nodes whose Ready condition is not True. */
export function notReadyNodes(inventory: Inventory): Set<string> {
  return new Set(inventory.nodes.filter((n) => n.ready !== 'True').map((n) => n.name));
}

/**
 * A pod on a node that stopped reporting keeps its last status (`Running`, or `Unknown`/`Terminating` once
 * the node controller gave up on it): its failure is the node's, reported by node-health.
 */
export function isStaleOnLostNode(pod: PodFacts, lostNodes: ReadonlySet<string>): boolean {
  if (!pod.node || !lostNodes.has(pod.node)) return false;
  return (
    pod.displayStatus === 'Running' || pod.displayStatus === 'Unknown' || pod.displayStatus === 'Terminating'
  );
}

/** The telling part of a long kubelet/containerd error: `dial tcp 1.2.3.4:443: i/o timeout`, else the message. */
export function keyPhrase(message: string): string {
  const dial = /dial (?:tcp|udp|unix) [^\s:]+(?::\d+)?: (?:connect: )?[^;"\n]+/.exec(message);
  if (dial) return dial[0].trim();
  const http =
    /unexpected status[^;"\n]*|[^:;"\n]*: not found|manifest unknown[^;"\n]*|toomanyrequests[^;"\n]*/.exec(
      message,
    );
  return (http?.[0] ?? message).trim();
}

/**
 * "3034 restarts over 179 days" for a failing pod (the days it has been failing, as the reference report
 * counts them), over its life for a healthy one; "for 179 days" when it never restarted.
 */
export function restartsPhrase(pod: PodFacts, now: string): string {
  const days = ageDays(pod.failingSince ?? pod.createdAt, now);
  const span = days === undefined ? '' : `${days} day${days === 1 ? '' : 's'}`;
  if (pod.restarts === 0) return span ? `for ${span}` : 'no restarts';
  const restarts = `${pod.restarts} restart${pod.restarts === 1 ? '' : 's'}`;
  return span ? `${restarts} over ${span}` : restarts;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Counts of `key(item)` over items, sorted by count descending then key. */
export function countBy<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

export function formatCounts(counts: ReadonlyArray<[string, number]>, limit = 6): string {
  const shown = counts.slice(0, limit).map(([k, n]) => `${k} ${n}`);
  if (counts.length > limit) shown.push(`${counts.length - limit} more`);
  return shown.join(', ');
}

export function uniqueSorted(values: Iterable<string | undefined>): string[] {
  return [...new Set([...values].filter((v): v is string => !!v))].sort();
}

/** Whether a type was listed successfully (checks use it for optional extra evidence). */
export function listed(inventory: Inventory, typeKey: InventoryTypeKey): boolean {
  return inventory.outcomes[typeKey]?.status === 'ok';
}

/** The two grades of a problem: a critical failure that blocks the upgrade, or a warning that does not. */
export function failOrWarn(blocks: boolean): Pick<Finding, 'status' | 'severity' | 'blocking'> {
  return blocks
    ? { status: 'fail', severity: 'critical', blocking: true }
    : { status: 'warn', severity: 'warning', blocking: false };
}

type FindingBase = Pick<Finding, 'check' | 'title' | 'severity' | 'blocking'>;

/** The one `pass` finding a check returns when nothing is wrong (so coverage and JUnit show it). */
export function passFinding(check: FindingBase, summary: string, scope: Scope = 'cluster'): Finding {
  return {
    check: check.check,
    id: check.check,
    title: check.title,
    status: 'pass',
    severity: 'info',
    blocking: false,
    scope,
    summary,
    nodes: [],
    objects: [],
    evidence: [],
  };
}
