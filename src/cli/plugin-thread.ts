// One plugin module in a thread of its own (plugin-worker.ts), asked one thing at a time, each answer bounded
// by the plugin deadline and by the run's abort signal. A plugin's code runs only there: a loop at import or in
// run() blocks its thread, never the main one, which keeps its timers and signal handlers and terminates the
// thread when the answer is late.
import { Worker } from 'node:worker_threads';
import { BadInputError } from '../errors.js';
import { formatDuration } from './globals.js';
import type {
  PluginCheckDescription,
  PluginReply,
  PluginRequest,
  PluginThreadData,
} from './plugin-module.js';

/** Bound on starting a thread (our code, before the plugin's): generous, as a loaded machine is slow to start one. */
const THREAD_START_MS = 60_000;

export interface PluginBounds {
  /** How long one step may take: loading the module, taking the inventory, one check's run (--plugin-timeout). */
  timeoutMs: number;
  /** The run's signal: when it aborts (SIGINT, SIGTERM, --timeout) the thread is stopped at once. */
  signal?: AbortSignal;
  /** Told what the plugin is about to do, so a run stopped by --timeout or a signal says where it was. */
  onStep?: (text: string) => void;
}

/** A step that did not answer within the plugin deadline; the thread has been stopped. */
export class PluginTimeout extends Error {
  constructor(
    readonly step: string,
    readonly timeoutMs: number,
    /** The flag that set the deadline, if one did. */
    readonly flag?: string,
  ) {
    super(`${step} did not finish in ${formatDuration(timeoutMs)}${flag ? ` (${flag})` : ''}`);
  }
}

/** The thread ended, or failed outside a check (an error thrown from a timer the plugin set), before answering. */
export class PluginThreadEnded extends Error {}

export interface PluginThread {
  /** The checks the module exports. */
  readonly checks: PluginCheckDescription[];
  /** False once the thread was stopped: closed, failed, late or aborted. */
  readonly alive: boolean;
  /**
   * Sends `request` and waits for its reply; `step` names what it waits for in a timeout's message. Any failure
   * stops the thread.
   */
  ask<K extends PluginReply['kind']>(
    request: PluginRequest,
    expected: K,
    step: string,
  ): Promise<Extract<PluginReply, { kind: K }>>;
  /** Stops the thread (whatever it is doing). */
  close(): void;
}

/**
 * Starts a thread for the plugin at `path` and waits until it has imported it. A module that cannot be used is
 * a BadInputError naming `file`; one that does not load in time is a PluginTimeout; an abort rejects with the
 * signal's reason. The thread is stopped on every failure, and when the run's signal aborts. While nobody waits
 * on it, it does not keep the process alive.
 */
export async function openPluginThread(
  path: string,
  file: string,
  bounds: PluginBounds,
): Promise<PluginThread> {
  const worker = startWorker({ path, file });
  let alive = true;
  const close = () => {
    if (!alive) return;
    alive = false;
    bounds.signal?.removeEventListener('abort', close);
    void worker.terminate();
  };
  bounds.signal?.addEventListener('abort', close, { once: true });
  const ask = async <K extends PluginReply['kind']>(
    request: PluginRequest | undefined,
    expected: K,
    step: string,
    fixedTimeoutMs?: number,
  ): Promise<Extract<PluginReply, { kind: K }>> => {
    if (!alive) throw new PluginThreadEnded(`its thread was stopped before ${step}`);
    worker.ref();
    try {
      const send = () => request && worker.postMessage(request);
      const reply = await nextReply(worker, bounds, step, send, fixedTimeoutMs);
      if (reply.kind === 'refused') throw new BadInputError(reply.message, file, reply.field, reply.hint);
      if (reply.kind !== expected)
        throw new PluginThreadEnded(`its thread answered '${reply.kind}' to ${step}`);
      return reply as Extract<PluginReply, { kind: K }>;
    } catch (error) {
      close();
      throw error;
    } finally {
      if (alive) worker.unref();
    }
  };
  // Starting the thread loads our own code, which the plugin deadline does not cover; its import does.
  await ask(undefined, 'started', 'starting the plugin thread', THREAD_START_MS);
  const loaded = await ask(undefined, 'loaded', 'loading the plugin');
  return {
    checks: loaded.checks,
    get alive() {
      return alive;
    },
    ask: (request, expected, step) => ask(request, expected, step),
    close,
  };
}

function startWorker(data: PluginThreadData): Worker {
  const options = { workerData: data };
  const worker = import.meta.url.endsWith('.ts')
    ? // Run from the TypeScript sources (the tests, under `node --import tsx`): Node 20 does not hand loader
      // hooks to a worker, so the thread registers tsx itself before importing its entry.
      new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./plugin-worker.ts', import.meta.url).href)}); });`,
        { ...options, eval: true },
      )
    : new Worker(new URL('./plugin-worker.js', import.meta.url), options);
  // Between two requests nobody waits on the thread: an error it throws then (from a timer the plugin set) must not
  // become an unhandled 'error' event of the main thread. The next request learns that the thread has ended.
  worker.on('error', () => undefined);
  return worker;
}

/** The thread's next message, after `send()`; rejects on the deadline, an abort, or the thread ending. */
function nextReply(
  worker: Worker,
  bounds: PluginBounds,
  step: string,
  send: () => void,
  fixedTimeoutMs?: number,
): Promise<PluginReply> {
  const timeout = fixedTimeoutMs
    ? new PluginTimeout(step, fixedTimeoutMs)
    : new PluginTimeout(step, bounds.timeoutMs, '--plugin-timeout');
  return new Promise<PluginReply>((resolve, reject) => {
    const { signal } = bounds;
    const settle = (then: () => void) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      then();
    };
    const onMessage = (reply: PluginReply) => settle(() => resolve(reply));
    const onError = (error: Error) =>
      settle(() => reject(new PluginThreadEnded(`its thread failed during ${step}: ${error.message}`)));
    const onExit = (code: number) =>
      settle(() => reject(new PluginThreadEnded(`its thread ended (exit code ${code}) during ${step}`)));
    const onAbort = () => settle(() => reject(signal?.reason ?? new Error('aborted')));
    const timer = setTimeout(() => settle(() => reject(timeout)), timeout.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    send();
  });
}
