// The opt-in exec probe (`--exec-probes`): runs `test -S /run/openvswitch/kube-ovn-daemon.sock` in the
// `cni-server` container of each node's kube-ovn-cni pod through the Kubernetes exec API (client-node's Exec,
// a WebSocket upgrade of GET .../pods/NAME/exec). It is the ONLY request of the tool that is not a plain GET
// (RBAC sees it as `create pods/exec`), so it runs only when asked, against a live cluster, and the report says so.
// `test -S` changes nothing in the pod: it only asks whether the socket exists.
import { Writable } from 'node:stream';
import type { KubeConfig, V1Status } from '@kubernetes/client-node';
import { loadKubeConfig } from './kubeconfig.js';

export const DAEMON_SOCKET = '/run/openvswitch/kube-ovn-daemon.sock';
export const PROBE_COMMAND = ['test', '-S', DAEMON_SOCKET] as const;

/** One pod to probe (the kube-ovn check picks the kube-ovn-cni pod of each node: kubeOvnProbePlan()). */
export interface ProbeTarget {
  node: string;
  namespace: string;
  pod: string;
  container: string;
}

/** What the probe found on a node. `present: null` = it could not tell (forbidden, timeout, no container...). */
export interface ProbeResult {
  present: boolean | null;
  /**
   * One word, Kubernetes style: SocketPresent, SocketMissing, or why it could not tell: Forbidden, Timeout,
   * Unauthorized, NotFound, BadRequest, ExitCode<n>, NoExitStatus, ExecFailed, Stopped, and for pods not
   * probed at all NoContainer, Terminating, NotRunning.
   */
  reason: string;
  detail: string;
  /** `namespace/name` of the pod probed, when one was. */
  pod?: string;
}

export type ProbeResults = Record<string, ProbeResult>;

export interface ExecProbeOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** Bound on each probe, connection and command together (--request-timeout; 0 = none). */
  requestTimeoutMs: number;
  /** Probes in flight at once (--concurrency). */
  concurrency: number;
  signal?: AbortSignal;
}

/** Probes every target (at most `concurrency` at once) and returns node → result. Never throws for one pod. */
export async function runExecProbes(
  targets: ProbeTarget[],
  options: ExecProbeOptions,
): Promise<ProbeResults> {
  if (targets.length === 0) return {};
  const k8s = await import('@kubernetes/client-node');
  const { kc } = loadKubeConfig(k8s, {
    kubeconfig: options.kubeconfig,
    context: options.context,
    env: options.env,
  });
  const exec = new k8s.Exec(withHandshakeTimeout(kc, options.requestTimeoutMs));
  const results: ProbeResults = {};
  const queue = [...targets];
  const worker = async () => {
    for (let target = queue.shift(); target; target = queue.shift()) {
      results[target.node] = await probeOne(exec, target, options);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, worker));
  options.signal?.throwIfAborted();
  return Object.fromEntries(Object.entries(results).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The kubeconfig as Exec sees it, with the WebSocket's opening handshake bounded by the request timeout:
 * otherwise a server that never answers the upgrade keeps the connection (and the process) alive.
 */
function withHandshakeTimeout(kc: KubeConfig, timeoutMs: number): KubeConfig {
  if (timeoutMs <= 0) return kc;
  const wrapped = Object.create(kc) as KubeConfig;
  wrapped.applyToHTTPSOptions = async (opts) => {
    await kc.applyToHTTPSOptions(opts);
    (opts as { handshakeTimeout?: number }).handshakeTimeout = timeoutMs;
  };
  return wrapped;
}

type ExecClient = InstanceType<typeof import('@kubernetes/client-node').Exec>;

/** One probe: the exit status from the status channel, or why there is none. */
function probeOne(exec: ExecClient, target: ProbeTarget, options: ExecProbeOptions): Promise<ProbeResult> {
  const ref = `${target.namespace}/${target.pod}`;
  const command = PROBE_COMMAND.join(' ');
  return new Promise((resolve) => {
    let done = false;
    let socket:
      | { close(): void; terminate?: () => void; on?: (e: string, f: () => void) => void }
      | undefined;
    const finish = ({ present, reason, detail }: Outcome) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // The command has ended or we gave up on it: drop the connection at once.
      socket?.terminate?.();
      resolve({ present, reason, detail, pod: ref });
    };
    const onAbort = () => finish(unknown('Stopped', 'the run was stopped before the probe answered'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      options.requestTimeoutMs > 0
        ? setTimeout(
            () =>
              finish(
                unknown(
                  'Timeout',
                  `timeout: no exit status from ${ref} within ${options.requestTimeoutMs} ms (--request-timeout)`,
                ),
              ),
            options.requestTimeoutMs,
          )
        : undefined;
    // A real API server refuses an exec that asks for no stream, so stdout/stderr are asked for and dropped.
    exec
      .exec(
        target.namespace,
        target.pod,
        target.container,
        [...PROBE_COMMAND],
        sink(),
        sink(),
        null,
        false,
        (status) => finish(fromStatus(status, ref, command)),
      )
      .then((ws) => {
        socket = ws as unknown as typeof socket;
        if (done) socket?.terminate?.();
        else
          socket?.on?.('close', () =>
            finish(unknown('NoExitStatus', `the connection to ${ref} closed without an exit status`)),
          );
      })
      .catch((error: unknown) => finish(connectFault(error, target)));
  });
}

type Outcome = Omit<ProbeResult, 'pod'>;

function unknown(reason: string, detail: string): Outcome {
  return { present: null, reason, detail };
}

/** A stream that accepts and forgets what the command prints (`test` prints nothing). */
function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, callback) => callback() });
}

/** The exec Status from the status channel: Success is exit 0, NonZeroExitCode carries the exit code. */
export function fromStatus(status: V1Status, ref: string, command: string): Outcome {
  if (status.status === 'Success')
    return {
      present: true,
      reason: 'SocketPresent',
      detail: `\`${command}\` exited 0 in ${ref}: socket present`,
    };
  const exitCode = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  if (status.reason === 'NonZeroExitCode' && exitCode === '1')
    return {
      present: false,
      reason: 'SocketMissing',
      detail: `\`${command}\` exited 1 in ${ref}: socket absent`,
    };
  if (status.reason === 'NonZeroExitCode')
    return unknown(
      `ExitCode${exitCode ?? ''}`,
      `\`${command}\` exited ${exitCode ?? '(no code)'} in ${ref}: the test itself could not run (${status.message ?? 'no message'})`,
    );
  return unknown(
    'ExecFailed',
    `exec in ${ref} failed: ${status.reason ?? status.status ?? 'no reason'}${status.message ? `: ${status.message}` : ''}`,
  );
}

/** Why the WebSocket could not be opened, in words a person can act on. */
function connectFault(error: unknown, target: ProbeTarget): Outcome {
  const ref = `${target.namespace}/${target.pod}`;
  const e = error as { message?: string; error?: { message?: string; code?: string }; code?: string };
  const message = e?.message ?? e?.error?.message ?? String(error);
  const status = /Unexpected server response: (\d+)/.exec(message)?.[1];
  switch (status) {
    case '403':
      return unknown(
        'Forbidden',
        `forbidden: the account may not exec into ${ref}; it needs the RBAC verb "create" on resource "pods/exec" in namespace ${target.namespace}`,
      );
    case '401':
      return unknown('Unauthorized', `the credentials were rejected (401) when exec-ing into ${ref}`);
    case '404':
      return unknown('NotFound', `pod ${ref} was not found (deleted since it was listed?)`);
    case '400':
      return unknown(
        'BadRequest',
        `the API server refused the exec into ${ref} (400): container ${target.container} missing or not running`,
      );
    case undefined:
      break;
    default:
      return unknown('ExecFailed', `exec into ${ref} failed: HTTP ${status}`);
  }
  if (/handshake has timed out/i.test(message))
    return unknown(
      'Timeout',
      `timeout: the exec connection to ${ref} was not opened in time (--request-timeout)`,
    );
  const code = e?.code ?? e?.error?.code;
  return unknown(
    'ExecFailed',
    `exec into ${ref} failed: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`,
  );
}
