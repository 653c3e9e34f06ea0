// A pod reduced to the facts the checks need, with the STATUS column kubectl would print for it.
import type { KubeObject } from '../cluster/types.js';
import type { ContainerFacts, PodFacts } from './types.js';
import { clip, condition, list, maybeRec, num, pick, type Raw, rec, str } from './raw.js';
import { Interner } from './intern.js';
import { cpuMillis, memoryBytes } from './quantity.js';

export const POD_LABEL_KEYS = [
  'app',
  'k8s-app',
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
] as const;

/** Records every timestamp it is shown, so the builder can find the newest one (the snapshot clock). */
export type TimeSeen = (time: string | undefined) => void;

function containerFacts(
  status: Raw,
  image: string | undefined,
  seen: TimeSeen,
  intern: Interner,
): ContainerFacts {
  const state = rec(status.state);
  const waiting = maybeRec(state.waiting);
  const running = maybeRec(state.running);
  const terminated = maybeRec(state.terminated);
  const last = maybeRec(rec(status.lastState).terminated);
  const facts: ContainerFacts = {
    name: intern.string(str(status.name) ?? ''),
    image: intern.string(str(status.image) ?? image ?? ''),
    ready: status.ready === true,
    restarts: num(status.restartCount) ?? 0,
    state: waiting ? 'waiting' : running ? 'running' : terminated ? 'terminated' : 'unknown',
  };
  const source = waiting ?? terminated;
  if (source) {
    const reason = intern.string(str(source.reason));
    const message = clip(str(source.message));
    if (reason) facts.reason = reason;
    if (message) facts.message = message;
  }
  if (terminated) {
    const exitCode = num(terminated.exitCode);
    if (exitCode !== undefined) facts.exitCode = exitCode;
    const signal = num(terminated.signal);
    if (!facts.reason && signal) facts.reason = `Signal:${signal}`;
    else if (!facts.reason && exitCode !== undefined) facts.reason = `ExitCode:${exitCode}`;
    facts.finishedAt = intern.string(str(terminated.finishedAt));
    seen(facts.finishedAt);
  }
  const startedAt = intern.string(str(running?.startedAt) ?? str(terminated?.startedAt));
  if (startedAt) {
    facts.startedAt = startedAt;
    seen(startedAt);
  }
  if (last) {
    const finishedAt = intern.string(str(last.finishedAt));
    seen(finishedAt);
    facts.lastTermination = {
      reason: intern.string(str(last.reason)),
      exitCode: num(last.exitCode),
      finishedAt,
      message: clip(str(last.message)),
    };
  }
  if (facts.finishedAt === undefined) delete facts.finishedAt;
  return facts;
}

function isRestartableInit(spec: Raw | undefined): boolean {
  return spec?.restartPolicy === 'Always';
}

/**
 * The STATUS column of `kubectl get pods`, following kubectl's printPod
 * (k8s.io/kubernetes/pkg/printers/internalversion/printers.go), plus `Unknown` for pods whose node is lost.
 */
export function displayStatusOf(pod: KubeObject): { display: string; initProgress?: string } {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const phase = str(status.phase) ?? 'Unknown';
  let reason = str(status.reason) || phase;
  let initProgress: string | undefined;
  for (const c of list(status.conditions)) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initSpecs = new Map(list(spec.initContainers).map((c) => [str(c.name), c]));
  const initTotal = initSpecs.size || list(status.initContainerStatuses).length;
  let initializing = false;
  const initStatuses = list(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const state = rec(c.state);
    const terminated = maybeRec(state.terminated);
    const waiting = maybeRec(state.waiting);
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (isRestartableInit(initSpecs.get(str(c.name))) && c.started === true) continue;
    if (terminated) {
      const tReason = str(terminated.reason);
      const signal = num(terminated.signal);
      reason = tReason
        ? `Init:${tReason}`
        : signal
          ? `Init:Signal:${signal}`
          : `Init:ExitCode:${num(terminated.exitCode) ?? 0}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initTotal}`;
    }
    initProgress = `Init:${i}/${initTotal}`;
    initializing = true;
    break;
  }
  const initializedTrue = condition(status.conditions, 'Initialized')?.status === 'True';
  if (!initializing || initializedTrue) {
    let hasRunning = false;
    const statuses = list(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const state = rec(statuses[i]!.state);
      const waiting = maybeRec(state.waiting);
      const terminated = maybeRec(state.terminated);
      if (waiting && str(waiting.reason)) reason = str(waiting.reason)!;
      else if (terminated && str(terminated.reason)) reason = str(terminated.reason)!;
      else if (terminated) {
        const signal = num(terminated.signal);
        reason = signal ? `Signal:${signal}` : `ExitCode:${num(terminated.exitCode) ?? 0}`;
      } else if (statuses[i]!.ready === true && maybeRec(state.running)) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      reason = condition(status.conditions, 'Ready')?.status === 'True' ? 'Running' : 'NotReady';
    }
  }
  const deleted = str(rec(pod.metadata).deletionTimestamp) !== undefined;
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  if (deleted && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleted && !terminal) reason = 'Terminating';
  // kubectl prints the phase `Unknown` unless a container reason overrides it; a pod whose node is
  // lost has stale container states, so Unknown is the truthful status there.
  else if (phase === 'Unknown' || status.reason === 'NodeLost') reason = 'Unknown';
  return initProgress ? { display: reason, initProgress } : { display: reason };
}

function sumRequests(spec: Raw, intern: Interner): PodFacts['requests'] {
  let cpu = 0;
  let memory = 0;
  for (const c of list(spec.containers)) {
    const requests = rec(rec(c.resources).requests);
    cpu += cpuMillis(requests.cpu);
    memory += memoryBytes(requests.memory);
  }
  // Init containers run one at a time before the app containers: the scheduler counts the max, not the sum.
  for (const c of list(spec.initContainers)) {
    const requests = rec(rec(c.resources).requests);
    cpu = Math.max(cpu, cpuMillis(requests.cpu));
    memory = Math.max(memory, memoryBytes(requests.memory));
  }
  return intern.record(`${cpu} ${memory}`, () => ({ cpuMillis: cpu, memoryBytes: memory }));
}

function controllerOwner(pod: KubeObject, intern: Interner): PodFacts['owner'] {
  const refs = pod.metadata.ownerReferences ?? [];
  const ref = refs.find((r) => r.controller) ?? refs[0];
  return ref ? ownerRef(ref.kind, ref.name, intern) : undefined;
}

/** One shared `{kind, name}` per owner: every pod of a ReplicaSet names the same one. */
export function ownerRef(kind: string, name: string, intern: Interner): NonNullable<PodFacts['owner']> {
  return intern.record(`${kind}/${name}`, () => ({ kind: intern.string(kind), name: intern.string(name) }));
}

/** The pod condition entry, shared by every pod with the same one (pods started together share times). */
function podCondition(c: Raw, intern: Interner): PodFacts['conditions'][number] {
  const type = str(c.type) ?? '';
  const status = str(c.status) ?? 'Unknown';
  const reason = str(c.reason) || undefined;
  const lastTransitionTime = str(c.lastTransitionTime);
  return intern.record(`${type}\0${status}\0${reason ?? ''}\0${lastTransitionTime ?? ''}`, () => ({
    type: intern.string(type),
    status: intern.string(status),
    ...(reason ? { reason: intern.string(reason) } : {}),
    ...(lastTransitionTime ? { lastTransitionTime: intern.string(lastTransitionTime) } : {}),
  }));
}

/** The kept labels, shared by every pod with the same ones. */
function podLabels(labels: Record<string, string>, intern: Interner): Record<string, string> {
  const kept = pick(labels, POD_LABEL_KEYS);
  const key = POD_LABEL_KEYS.map((k) => kept[k] ?? '\0').join('\0');
  return intern.record(key, () => {
    for (const k of Object.keys(kept)) kept[k] = intern.string(kept[k]!);
    return kept;
  });
}

function latest(times: Array<string | undefined>): string | undefined {
  let best: string | undefined;
  let bestMs = Number.NEGATIVE_INFINITY;
  for (const t of times) {
    const ms = t ? Date.parse(t) : Number.NaN;
    if (!Number.isNaN(ms) && ms > bestMs) {
      best = t;
      bestMs = ms;
    }
  }
  return best;
}

/**
 * Reduces one pod. `failingSince` is a first estimate; the builder refines it with the pod's events. Facts that
 * repeat across pods (strings, owners, labels, requests, condition entries) come from `intern`, shared and
 * frozen; the builder passes one for the whole pass.
 */
export function reducePod(pod: KubeObject, seen: TimeSeen, intern = new Interner()): PodFacts {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const images = new Map(
    [...list(spec.containers), ...list(spec.initContainers)].map((c) => [str(c.name), str(c.image)]),
  );
  const containers = list(status.containerStatuses).map((c) =>
    containerFacts(c, images.get(str(c.name)), seen, intern),
  );
  const initContainers = list(status.initContainerStatuses).map((c) =>
    containerFacts(c, images.get(str(c.name)), seen, intern),
  );
  const conditions = list(status.conditions).map((c) => {
    const entry = podCondition(c, intern);
    seen(entry.lastTransitionTime);
    return entry;
  });
  const createdAt = intern.string(pod.metadata.creationTimestamp);
  const deletedAt = intern.string(pod.metadata.deletionTimestamp);
  seen(createdAt);
  seen(deletedAt);
  seen(str(status.startTime));
  const { display, initProgress } = displayStatusOf(pod);
  const readyCondition = conditions.find((c) => c.type === 'Ready');
  const phase = str(status.phase) ?? 'Unknown';
  const ready = readyCondition?.status === 'True';
  const all = [...initContainers, ...containers];
  const lastTerminatedAt = latest(all.flatMap((c) => [c.lastTermination?.finishedAt, c.finishedAt]));
  const facts: PodFacts = {
    namespace: intern.string(pod.metadata.namespace ?? ''),
    name: pod.metadata.name,
    phase: intern.string(phase),
    displayStatus: intern.string(display),
    ready,
    restarts: all.reduce((sum, c) => sum + c.restarts, 0),
    containers,
    initContainers,
    conditions,
    requests: sumRequests(spec, intern),
    labels: podLabels(pod.metadata.labels ?? {}, intern),
  };
  const node = intern.string(str(spec.nodeName));
  if (node) facts.node = node;
  const owner = controllerOwner(pod, intern);
  if (owner) facts.owner = owner;
  if (str(status.reason)) facts.reason = intern.string(str(status.reason));
  const message = clip(str(status.message));
  if (message) facts.message = message;
  if (initProgress) facts.initProgress = intern.string(initProgress);
  if (createdAt) facts.createdAt = createdAt;
  if (deletedAt) facts.deletedAt = deletedAt;
  if (lastTerminatedAt) facts.lastTerminatedAt = lastTerminatedAt;
  const since = initialFailingSince(facts, readyCondition?.lastTransitionTime);
  if (since) facts.failingSince = since;
  return facts;
}

/** A pod that finished successfully, or is running and ready, is healthy; everything else is failing. */
export function isHealthy(pod: Pick<PodFacts, 'phase' | 'ready' | 'displayStatus'>): boolean {
  if (pod.phase === 'Succeeded') return true;
  return pod.phase === 'Running' && pod.ready && pod.displayStatus === 'Running';
}

function initialFailingSince(pod: PodFacts, readyTransition: string | undefined): string | undefined {
  if (isHealthy(pod)) return undefined;
  if (!pod.ready && readyTransition) return readyTransition;
  // A Failed pod (OutOfcpu, Error, Evicted) has been failing since it terminated, or since it was created.
  return pod.lastTerminatedAt ?? pod.createdAt;
}
