// The HTTP side of `serve`: /metrics (Prometheus text format), /healthz, /readyz and the latest assessment as
// /assessment.json, /report.md and /report.html. GET and HEAD only; it never reads a request body. While the
// most recent run failed, the documents are those of the last good assessment and a `Cozy-Assess-Stale` header
// says which run failed and why.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BadInputError } from '../errors.js';
import type { ReadinessMetrics } from './readiness-metrics.js';
import type { LatestAssessment, ServeState } from './serve-state.js';

export interface ListenAddress {
  /** Undefined: every interface. */
  host?: string;
  port: number;
}

/** `--listen ADDR:PORT` (`:8080`, `127.0.0.1:8080`, `[::1]:8080`, `localhost:0`) → host and port; else exit 2. */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65_535) {
    throw new BadInputError(
      `--listen: '${text}' is not ADDR:PORT`,
      undefined,
      '--listen',
      'for example :8080 (every interface), 127.0.0.1:8080 or [::1]:8080; port 0 picks a free one',
    );
  }
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

export interface HttpEndpoint {
  /** `http://HOST:PORT` as bound (the real port when 0 was asked). */
  readonly url: string;
  /** Stops accepting, ends open connections, and resolves once the socket is closed. */
  close(): Promise<void>;
}

/** Binds the server; an address that cannot be bound (in use, not this machine's, not allowed) is exit 2. */
export async function startHttp(
  address: ListenAddress,
  state: ServeState,
  metrics: ReadinessMetrics,
): Promise<HttpEndpoint> {
  const server = createServer((request, response) => {
    handle(request, response, state, metrics).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`internal error: ${(error as Error).message}\n`);
    });
  });
  // A scraper that never finishes a request must not hold the process at shutdown or a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await listen(server, address);
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, address: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const where = `${address.host ?? ''}:${address.port}`;
      const why: Record<string, string> = {
        EADDRINUSE: 'the address is already in use',
        EACCES: 'not allowed to listen there (ports below 1024 need privileges)',
        EADDRNOTAVAIL: 'not an address of this machine',
        ENOTFOUND: 'the host name does not resolve',
      };
      reject(
        new BadInputError(
          `--listen ${where}: cannot listen: ${why[error.code ?? ''] ?? error.message}`,
          undefined,
          '--listen',
          'choose another address or port',
        ),
      );
    };
    server.once('error', onError);
    server.listen(address.port, address.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const TEXT = 'text/plain; charset=utf-8';

const ENDPOINTS = [
  ['/metrics', 'readiness metrics (Prometheus text format)'],
  ['/healthz', 'the process is alive'],
  ['/readyz', 'a first assessment exists'],
  ['/assessment.json', 'the latest assessment'],
  ['/report.md', 'the latest go/no-go report (Markdown)'],
  ['/report.html', 'the latest go/no-go report (HTML)'],
] as const;

type Document = (latest: LatestAssessment) => {
  type: string;
  body: string;
  headers?: Record<string, string>;
};

const DOCUMENTS: Record<string, Document> = {
  '/assessment.json': (latest) => ({ type: 'application/json; charset=utf-8', body: latest.json }),
  '/report.md': (latest) => ({ type: 'text/markdown; charset=utf-8', body: latest.markdown }),
  '/report.html': (latest) => ({
    type: 'text/html; charset=utf-8',
    body: latest.html(),
    // The page carries the same policy in a meta tag; the header also covers a browser that ignores it.
    headers: { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" },
  }),
};

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  state: ServeState,
  metrics: ReadinessMetrics,
): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://serve').pathname;
  const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    response.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      ...headers,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(405, TEXT, `${request.method} is not served: cozy-assess serve answers GET and HEAD only\n`, {
      Allow: 'GET, HEAD',
    });
    return;
  }
  if (path === '/metrics') {
    const { contentType, text } = await metrics.exposition();
    send(200, contentType, text);
    return;
  }
  if (path === '/healthz') {
    send(200, TEXT, 'ok\n');
    return;
  }
  if (path === '/readyz') {
    const latest = state.latest;
    send(latest ? 200 : 503, TEXT, `${readiness(state)}\n`);
    return;
  }
  const document = DOCUMENTS[path];
  if (document) {
    const latest = state.latest;
    if (!latest) {
      send(503, TEXT, `${readiness(state)}\n`, { 'Retry-After': '30' });
      return;
    }
    const { type, body, headers } = document(latest);
    send(200, type, body, {
      ...headers,
      ...staleHeader(state),
      'Last-Modified': latest.finishedAt.toUTCString(),
    });
    return;
  }
  if (path === '/') {
    send(
      200,
      TEXT,
      `cozy-assess serve\n\n${ENDPOINTS.map(([p, what]) => `${p.padEnd(18)} ${what}`).join('\n')}\n`,
    );
    return;
  }
  send(404, TEXT, `not found: ${path} (see / for what is served)\n`);
}

/** One line: whether a first assessment exists, and whether the most recent run failed. */
export function readiness(state: ServeState): string {
  const latest = state.latest;
  const failure = state.lastFailure
    ? `run ${state.lastFailure.run} at ${state.lastFailure.at.toISOString()} failed: ${state.lastFailure.message}`
    : undefined;
  if (latest) {
    const served = `ready: serving the assessment of ${latest.finishedAt.toISOString()} (${latest.assessment.verdict})`;
    return failure ? `${served}; it is the last good one: ${failure}` : served;
  }
  if (failure) return `not ready: no assessment yet; ${failure}`;
  return state.running
    ? `not ready: run ${state.running} (the first) is under way`
    : 'not ready: no assessment yet';
}

/** Header values are one line of visible ASCII. */
function headerText(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 500);
}

function staleHeader(state: ServeState): Record<string, string> {
  const failure = state.lastFailure;
  if (!failure) return {};
  return {
    'Cozy-Assess-Stale': headerText(
      `run ${failure.run} at ${failure.at.toISOString()} failed: ${failure.message}`,
    ),
  };
}
