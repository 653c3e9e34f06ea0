// GET requests to the API server with the kubeconfig's credentials and TLS settings (from client-node),
// a per-request timeout, at most `concurrency` requests in flight, and retries with exponential backoff
// and jitter on 429 (honouring Retry-After), 5xx, connection resets and truncated bodies.
// We send the request ourselves (node:http/https with the kubeconfig's agent and headers) so that the
// objects we get are the exact JSON the server sent: the typed client turns timestamps into Dates.
import { constants as bufferConstants } from 'node:buffer';
import type { Agent, AgentOptions } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from './client-node.js';
import { execPluginCommand } from './kubeconfig.js';

/** The server answered with an error status. `status` is the HTTP code, `reason` the Status reason. */
export class ApiStatusError extends Error {
  /** How many times the request was sent before giving up. */
  attempts = 1;
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly serverMessage: string,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}${reason ? ` ${reason}` : ''}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.name = 'ApiStatusError';
  }
}

export type TransportFault =
  | 'unreachable'
  | 'tls'
  | 'config'
  | 'reset'
  | 'timeout'
  | 'invalid-json'
  /** An answer too large to become one string (to parse): only smaller pages can help. */
  | 'too-large'
  | 'other';

/** No usable answer: the connection failed, was cut, timed out, or the body was not JSON. */
export class TransportError extends Error {
  /** How many times the request was sent before giving up. */
  attempts = 1;
  constructor(
    readonly fault: TransportFault,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Spread each delay over its upper half at random, so retries from parallel lists do not line up. */
  jitter: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8000, jitter: true };
const MAX_RETRY_AFTER_MS = 60_000;

export interface RequestOptions {
  /** The Accept header (default `application/json`). */
  accept?: string;
}

/** A parsed answer and the bytes it was parsed from. */
export interface JsonAnswer {
  value: unknown;
  bytes: Buffer;
}

export interface RetryEvent {
  path: string;
  attempt: number;
  delayMs: number;
  error: Error;
}

export interface ApiClientOptions {
  kc: KubeConfig;
  server: string;
  requestTimeoutMs: number;
  concurrency: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (event: RetryEvent) => void;
  /** The largest answer read (default MAX_ANSWER_BYTES); reading stops there. */
  maxAnswerBytes?: number;
}

/**
 * The largest answer that can be parsed: JSON.parse takes a string, and V8 makes none longer than
 * MAX_STRING_LENGTH (~512 MiB). A larger answer is not read to its end: it could never be parsed.
 */
export const MAX_ANSWER_BYTES = Math.min(bufferConstants.MAX_STRING_LENGTH, bufferConstants.MAX_LENGTH);

/** A counting semaphore: at most `size` holders at once. */
class Semaphore {
  private waiting: Array<() => void> = [];
  private held = 0;
  constructor(private readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.held >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.held--;
    };
  }
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

export class ApiClient {
  private readonly slots: Semaphore;
  private readonly retry: RetryPolicy;
  private agent: Agent | undefined;

  constructor(private readonly options: ApiClientOptions) {
    this.slots = new Semaphore(Math.max(1, options.concurrency));
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** GET a path and parse its JSON, retrying what is worth retrying. */
  async getJson(
    path: string,
    query: Record<string, string | number | undefined> = {},
    signal?: AbortSignal,
    options: RequestOptions = {},
  ): Promise<unknown> {
    return (await this.getAnswer(path, query, signal, options)).value;
  }

  /** Like getJson, with the bytes the server sent (a backup writes them as they are). */
  getAnswer(
    path: string,
    query: Record<string, string | number | undefined> = {},
    signal?: AbortSignal,
    options: RequestOptions = {},
  ): Promise<JsonAnswer> {
    return this.request(path, query, signal, options, parseJson);
  }

  /**
   * GET a path and keep the answer as bytes, unparsed (a page read ahead: its objects would only wait).
   * Retried like getJson, except that a body that is not JSON is only found when it is parsed (parseAnswer).
   */
  getBytes(
    path: string,
    query: Record<string, string | number | undefined> = {},
    signal?: AbortSignal,
    options: RequestOptions = {},
  ): Promise<Buffer> {
    return this.request(path, query, signal, options, (body) => body);
  }

  private async request<T>(
    path: string,
    query: Record<string, string | number | undefined>,
    signal: AbortSignal | undefined,
    options: RequestOptions,
    decode: (body: Buffer, path: string) => T,
  ): Promise<T> {
    const url = new URL(this.options.server + path);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(url, signal, options.accept ?? 'application/json', decode);
      } catch (error) {
        if (error instanceof ApiStatusError || error instanceof TransportError) error.attempts = attempt;
        if (signal?.aborted || attempt >= this.retry.attempts || !isRetryable(error)) throw error;
        const delayMs = this.delayFor(attempt, error as Error);
        this.options.onRetry?.({ path, attempt, delayMs, error: error as Error });
        await sleep(delayMs, undefined, { signal });
      }
    }
  }

  private delayFor(attempt: number, error: Error): number {
    const exponential = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    // Equal jitter: half fixed, half random.
    const jittered = this.retry.jitter ? exponential / 2 + Math.random() * (exponential / 2) : exponential;
    const retryAfter = error instanceof ApiStatusError ? (error.retryAfterMs ?? 0) : 0;
    return Math.round(Math.max(jittered, Math.min(retryAfter, MAX_RETRY_AFTER_MS)));
  }

  private async attempt<T>(
    url: URL,
    signal: AbortSignal | undefined,
    accept: string,
    decode: (body: Buffer, path: string) => T,
  ): Promise<T> {
    const release = await this.slots.acquire();
    try {
      const { status, headers, body } = await this.send(url, signal, accept);
      if (status < 200 || status > 299)
        throw statusError(status, headers['retry-after'], body.toString('utf8'));
      return decode(body, url.pathname);
    } finally {
      release();
    }
  }

  /** The kubeconfig's auth headers and TLS agent. Asked per request: exec plugins and token files may refresh. */
  private async credentials(url: URL): Promise<{ headers?: Record<string, string>; agent?: Agent }> {
    const opts: { headers?: Record<string, string>; agent?: Agent } = {};
    try {
      await this.withPluginDeadline(this.options.kc.applyToHTTPSOptions(opts));
    } catch (error) {
      if (error instanceof TransportError) throw error;
      // A CA or client-certificate file that cannot be read, a failing exec plugin, http:// without
      // insecure-skip-tls-verify: the kubeconfig cannot be used as it is.
      throw new TransportError(
        'config',
        `the kubeconfig's settings for ${url.host} cannot be used: ${(error as Error).message}`,
      );
    }
    this.agent ??= keepAliveAgent(opts.agent, this.options.concurrency);
    return opts;
  }

  /**
   * An exec credential plugin runs inside applyToHTTPSOptions; one that never answers would hold the run
   * forever. It gets the request timeout, like the request it authenticates (boundExecPlugins kills it).
   */
  private withPluginDeadline<T>(pending: Promise<T>): Promise<T> {
    const timeoutMs = this.options.requestTimeoutMs;
    const command = execPluginCommand(this.options.kc);
    if (!command || timeoutMs <= 0) return pending;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TransportError(
              'config',
              `the exec credential plugin '${command}' of the kubeconfig did not answer within ${timeoutMs} ms (--request-timeout)`,
            ),
          ),
        timeoutMs,
      );
    });
    return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
  }

  /** One GET with the kubeconfig's auth headers and TLS agent, bounded by the request timeout. */
  private async send(
    url: URL,
    signal: AbortSignal | undefined,
    accept: string,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const opts = await this.credentials(url);
    // --request-timeout 0 means no timeout, as in kubectl.
    const timeout =
      this.options.requestTimeoutMs > 0 ? AbortSignal.timeout(this.options.requestTimeoutMs) : undefined;
    const signals = [signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const maxBytes = this.options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
    return new Promise((resolve, reject) => {
      const fail = (error: unknown) => {
        // The caller stopped the run: an abort, never a transport fault to retry or report.
        if (signal?.aborted) reject(signal.reason);
        else reject(transportError(error, url, timeout?.aborted === true, this.options.requestTimeoutMs));
      };
      const req = request(
        url,
        {
          method: 'GET',
          agent: this.agent,
          headers: { ...opts.headers, Accept: accept },
          signal: combined,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received <= maxBytes) chunks.push(chunk);
            else {
              req.destroy();
              reject(tooLarge(url.pathname, `grew past ${mebibytes(maxBytes)}`));
            }
          });
          res.on('error', fail);
          res.on('aborted', () =>
            fail(
              Object.assign(new Error('connection reset while reading the answer'), { code: 'ECONNRESET' }),
            ),
          );
          res.on('end', () => {
            if (res.complete)
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                body: Buffer.concat(chunks),
              });
            else
              fail(
                Object.assign(new Error('connection closed before the answer was complete'), {
                  code: 'ECONNRESET',
                }),
              );
          });
        },
      );
      req.on('error', fail);
      req.end();
    });
  }
}

/**
 * The kubeconfig's agent, with the same TLS settings, keeping connections open: client-node's agent opens a
 * new connection per request, and a TLS handshake (plus parsing the CA again) per page costs more than a
 * small page itself (profiled: ~1 s of 12 at 50k pods). Proxy agents are left as they are.
 */
function keepAliveAgent(agent: Agent | undefined, sockets: number): Agent | undefined {
  if (!agent || (agent.constructor !== HttpsAgent && agent.constructor !== HttpAgent)) return agent;
  const options = (agent as Agent & { options?: AgentOptions }).options ?? {};
  const Kind = agent.constructor as typeof HttpsAgent;
  return new Kind({ ...options, keepAlive: true, maxSockets: Math.max(1, sockets) });
}

/** An answer larger than can be parsed: never retried (the same page would come again). */
function tooLarge(path: string, size: string): TransportError {
  return new TransportError(
    'too-large',
    `the answer to GET ${path} ${size}, more than one JSON text can be parsed from`,
    'ERR_STRING_TOO_LONG',
  );
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;
}

/** The answer parsed; a body that is not complete JSON (cut short) is a TransportError worth retrying. */
export function parseJson(body: Buffer, path: string): JsonAnswer {
  let text: string;
  try {
    text = body.toString('utf8');
  } catch (error) {
    // Bytes that fit a Buffer but decode to more characters than a string can hold.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG')
      throw tooLarge(path, `(${mebibytes(body.length)}) decodes to too many characters`);
    throw error;
  }
  try {
    return { value: JSON.parse(text), bytes: body };
  } catch {
    throw new TransportError(
      'invalid-json',
      `the answer to GET ${path} was not complete JSON (${body.length} bytes)`,
    );
  }
}

function statusError(
  status: number,
  retryAfter: string | string[] | undefined,
  body: string,
): ApiStatusError {
  let reason = '';
  let message = '';
  try {
    const parsed = JSON.parse(body) as { kind?: string; reason?: string; message?: string };
    if (parsed.kind === 'Status') {
      reason = parsed.reason ?? '';
      message = parsed.message ?? '';
    }
  } catch {
    message = body.slice(0, 200).trim();
  }
  const seconds = Number(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  return new ApiStatusError(
    status,
    reason,
    message,
    Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined,
  );
}

/** Sorts a failed request into a TransportError by its cause (exported for tests of the classification). */
export function transportError(error: unknown, url: URL, timedOut: boolean, timeoutMs: number): Error {
  if (error instanceof TransportError) return error;
  const e = error as NodeJS.ErrnoException;
  if (timedOut)
    return new TransportError(
      'timeout',
      `no answer from ${url.host} within ${timeoutMs} ms (--request-timeout)`,
      'TIMEOUT',
    );
  // The caller's own signal: pass the abort through untouched so the run can stop.
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return e;
  const code = e.code ?? '';
  if (UNREACHABLE_CODES.has(code))
    return new TransportError('unreachable', `cannot connect to ${url.host}: ${e.message}`, code);
  if (TLS_CODES.has(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) {
    return new TransportError('tls', `TLS failure with ${url.host}: ${e.message} (${code})`, code);
  }
  if (RESET_CODES.has(code) || /socket hang up/i.test(e.message)) {
    return new TransportError(
      'reset',
      `connection to ${url.host} was reset: ${e.message}`,
      code || 'ECONNRESET',
    );
  }
  return new TransportError(
    'other',
    `request to ${url.host} failed: ${e.message}${code ? ` (${code})` : ''}`,
    code,
  );
}

function isRetryable(error: unknown): boolean {
  if (error instanceof ApiStatusError) return error.status === 429 || error.status >= 500;
  if (error instanceof TransportError) return error.fault === 'reset' || error.fault === 'invalid-json';
  return false;
}
