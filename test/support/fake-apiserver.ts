// A fake Kubernetes API server for tests and the benchmark (never shipped). It serves objects from a
// snapshot folder (or given objects) over HTTPS (or HTTP) with discovery, paginated lists, get, bearer-token
// auth, per-type RBAC denials, injected faults, and a request log. Real clients (@kubernetes/client-node,
// kubectl) talk to it through the kubeconfig it writes.
//
// It also answers the exec API (`GET /api/v1/namespaces/NS/pods/NAME/exec?command=…` upgraded to a WebSocket,
// subprotocol v4.channel.k8s.io) with the exit status configured in `execResults`, as a Status on channel 3.
// Exec requests are logged with method 'EXEC' (on the wire they are GETs with an Upgrade header), so a test
// that asserts every logged method is 'GET' also asserts that no exec was sent.
//
// Served types: every built-in type of BUILTIN_TYPES from a Kubernetes API group, plus one type per CRD
// object in the data (so HelmReleases are served only when their CRD is present, like a real cluster).
//
// With `rbac`, every resource request is authorised as the RBAC authorizer does (verb, group, resource or
// resource/subresource, namespace): a list is `list`, one object `get`, an exec `create` on `pods/exec`.
// Discovery and /version stay open, as the default system:discovery binding leaves them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WebSocket, WebSocketServer } from 'ws';
import { stringify } from 'yaml';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { apiVersionOf, type KubeObject, type ResourceType, typeKey } from '../../src/cluster/types.js';
import { FakeStore, itemJson, listPage, parseSelector, type ServedType } from './fake-store.js';
import { type RbacPolicy, type RequestAttributes, rbacAllows } from './rbac.js';
import { testTls } from './tls.js';

const AGGREGATED_DISCOVERY_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** One injected fault. `target` is a type key (`pods`, `helmreleases.helm.toolkit.fluxcd.io`) or '*' (every request). */
export type Fault = { target?: string; times?: number; skip?: number } & (
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; code: number; retryAfterSeconds?: number }
  /** Sends the headers and half the body, then destroys the connection. */
  | { kind: 'reset' }
  /** Sends half the body and ends the response cleanly: invalid JSON. */
  | { kind: 'truncate' }
  /** 410 Expired on a list request that carries a continue token. */
  | { kind: 'expire-continue' }
  /** A 200 list answer without its `items` (what a proxy's own JSON page looks like to a client). */
  | { kind: 'no-items' }
  /** A list answer that gives back the continue token it was asked with: paging that never ends. */
  | { kind: 'repeat-continue' }
);

export interface FakeApiServerOptions {
  snapshotDir?: string;
  objects?: KubeObject[];
  /** HTTPS with a generated CA (default) or plain HTTP. */
  tls?: boolean;
  /** Bearer token required on every request (401 without it). None = no auth. */
  token?: string;
  /** Token written into the kubeconfig (default: `token`); set a wrong one to test a 401. */
  kubeconfigToken?: string;
  /** Type keys that answer 403 Forbidden (`secrets`, `helmreleases.helm.toolkit.fluxcd.io`); `pods/exec` denies exec. */
  forbidden?: string[];
  /**
   * The exit status of an exec, by pod name or node name (the pod's name wins): 0 (the default), 1, any other
   * code, or 'hang' (the WebSocket opens and no exit status ever comes).
   */
  execResults?: Record<string, ExecResult>;
  faults?: Fault[];
  /** The rules the client's account holds; every resource request they do not allow answers 403. None = all allowed. */
  rbac?: RbacPolicy;
  /** More Kubernetes types to serve (empty), for clients that map other kinds (kubectl apply of deploy/). */
  extraTypes?: ResourceType[];
  /**
   * Answer `/api` and `/apis` with aggregated discovery (apidiscovery.k8s.io/v2) to clients that ask for it,
   * as Kubernetes 1.30+ does (default true); false serves only the classic lists, as older servers do.
   */
  aggregatedDiscovery?: boolean;
  /** gitVersion of /version (default: the snapshot's version.json, else v1.31.4). */
  version?: string;
}

export type ExecResult = number | 'hang';

export interface LoggedRequest {
  /** The HTTP method, or 'EXEC' for an exec request (a GET upgraded to a WebSocket). */
  method: string;
  /** Set on exec requests, with the command as sent. */
  exec?: { namespace: string; pod: string; container: string; command: string[] };
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeApiServer {
  url: string;
  kubeconfigPath: string;
  caPem?: string;
  requestLog: LoggedRequest[];
  /** Most requests seen in flight at once. */
  maxInFlight: number;
  setFaults(faults: Fault[]): void;
  setForbidden(typeKeys: string[]): void;
  close(): Promise<void>;
}

export const FAKE_CONTEXT = 'fake';

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const { objects, version } = await loadData(options);
  const store = new FakeStore(objects, options.extraTypes);
  const tls = options.tls ?? true;
  const material = tls ? testTls() : undefined;
  const state = new ServerState(store, options, version);
  const handler = (req: IncomingMessage, res: ServerResponse) => state.handle(req, res);
  const server = material
    ? createHttpsServer({ cert: material.certPem, key: material.keyPem }, handler)
    : createHttpServer(handler);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    state.handleUpgrade(req, socket, head),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'cozy-fake-apiserver-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfigPath,
    kubeconfigYaml(url, material?.caPem, options.kubeconfigToken ?? options.token),
  );
  return {
    url,
    kubeconfigPath,
    caPem: material?.caPem,
    requestLog: state.log,
    get maxInFlight() {
      return state.maxInFlight;
    },
    setFaults: (faults) => state.setFaults(faults),
    setForbidden: (keys) => {
      state.forbidden = new Set(keys);
    },
    close: async () => {
      state.closeExecSockets();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function loadData(options: FakeApiServerOptions): Promise<{ objects: KubeObject[]; version: string }> {
  const objects = [...(options.objects ?? [])];
  let version = options.version;
  if (options.snapshotDir) {
    const source = await openSnapshotSource(options.snapshotDir);
    for (const type of await source.discoverTypes()) {
      for await (const page of source.listPages(type)) objects.push(...page);
    }
    version ??= await source.serverVersion();
  }
  return { objects, version: version ?? 'v1.31.4' };
}

/** A list answer without its items, or with the continue token it was asked with given back. */
function faultyList(body: string, kind: 'no-items' | 'repeat-continue', asked: string | null): string {
  const list = JSON.parse(body) as { items?: unknown; metadata?: { continue?: string } };
  if (kind === 'no-items') delete list.items;
  else if (asked && list.metadata) list.metadata.continue = asked;
  return JSON.stringify(list);
}

/** A kubeconfig like a cluster admin would get: CA data for HTTPS, insecure-skip-tls-verify for HTTP. */
export function kubeconfigYaml(url: string, caPem: string | undefined, token: string | undefined): string {
  const cluster: Record<string, unknown> = { server: url };
  if (caPem) cluster['certificate-authority-data'] = Buffer.from(caPem).toString('base64');
  // client-node refuses plain http unless TLS verification is off; kubectl accepts it too.
  else cluster['insecure-skip-tls-verify'] = true;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake-cluster', cluster }],
    users: [{ name: 'fake-user', user: token ? { token } : {} }],
    contexts: [{ name: FAKE_CONTEXT, context: { cluster: 'fake-cluster', user: 'fake-user' } }],
    'current-context': FAKE_CONTEXT,
  });
}

interface ActiveFault {
  fault: Fault;
  remaining: number;
  skip: number;
}

/**
 * The exec subprotocols the fake speaks, best first, as a real API server: v5 and v4 carry the exit status as a
 * Status on channel 3 (v5 adds a close-stream message for stdin, which a probe never sends).
 */
const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'channel.k8s.io'];
const STATUS_PROTOCOLS = new Set(['v5.channel.k8s.io', 'v4.channel.k8s.io']);
const STATUS_CHANNEL = 3;

class ServerState {
  readonly log: LoggedRequest[] = [];
  forbidden: Set<string>;
  maxInFlight = 0;
  private inFlight = 0;
  private faults: ActiveFault[] = [];
  private resourceVersion = 1000;
  private readonly execServer = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered: Set<string>) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });

  constructor(
    private readonly store: FakeStore,
    private readonly options: FakeApiServerOptions,
    private readonly version: string,
  ) {
    this.forbidden = new Set(options.forbidden ?? []);
    this.setFaults(options.faults ?? []);
  }

  setFaults(faults: Fault[]): void {
    this.faults = faults.map((fault) => ({
      fault,
      remaining: fault.times ?? Number.POSITIVE_INFINITY,
      skip: fault.skip ?? 0,
    }));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: LoggedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    this.log.push(entry);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    res.on('error', () => {}); // the client may hang up (a timeout): nothing to do
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      entry.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };
    try {
      await this.route(req, url, entry, send, res);
    } catch (error) {
      send(500, statusBody(500, 'InternalError', `fake apiserver bug: ${(error as Error).message}`));
    }
  }

  private async route(
    req: IncomingMessage,
    url: URL,
    entry: LoggedRequest,
    send: (status: number, body: string, headers?: Record<string, string>) => void,
    res: ServerResponse,
  ): Promise<void> {
    // Before auth, so every write attempt shows up as a 405 in the log whatever the credentials.
    if (req.method !== 'GET') {
      return send(
        405,
        statusBody(405, 'MethodNotAllowed', `the server does not allow this method (${req.method})`),
      );
    }
    if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return send(401, statusBody(401, 'Unauthorized', 'Unauthorized'));
    }
    const resource = parseResourcePath(url.pathname);
    if (resource) {
      const verb = resource.name === undefined ? 'list' : 'get';
      const denied = this.rbacDenial({ verb, ...resource, resource: resource.plural });
      if (denied) return send(403, denied);
    }
    const served = resource ? this.store.find(resource.group, resource.version, resource.plural) : undefined;
    const target = served ? typeKey(served.type) : undefined;

    const fault = await this.applyFaults(target, url.searchParams.has('continue'));
    if (fault?.kind === 'status') {
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
      const reason =
        fault.code === 429 ? 'TooManyRequests' : fault.code === 503 ? 'ServiceUnavailable' : 'InternalError';
      return send(fault.code, statusBody(fault.code, reason, `injected fault: ${fault.code}`), headers);
    }
    if (fault?.kind === 'expire-continue') {
      return send(
        410,
        statusBody(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        ),
      );
    }

    const answer = this.answer(url, resource, served, req.headers.accept ?? '');
    if (answer.status === 200 && (fault?.kind === 'no-items' || fault?.kind === 'repeat-continue')) {
      answer.body = faultyList(answer.body, fault.kind, url.searchParams.get('continue'));
    }
    entry.status = answer.status;
    if (fault?.kind === 'reset' || fault?.kind === 'truncate') {
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.write(answer.body.slice(0, Math.floor(answer.body.length / 2)));
      // A reset has to happen after the first bytes have left, or the client sees no body at all.
      if (fault.kind === 'reset') setTimeout(() => res.socket?.destroy(), 5);
      else res.end();
      return;
    }
    send(answer.status, answer.body, answer.contentType ? { 'Content-Type': answer.contentType } : {});
  }

  /**
   * An exec request: auth, the `pods/exec` denial, the pod and container, then the WebSocket with the configured
   * exit status. Latency faults aimed at `pods/exec` (or '*') delay the upgrade answer.
   */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const entry: LoggedRequest = {
      // Only a GET upgraded to a WebSocket is an exec here; any other upgrade (kubectl's SPDY fallback is a POST) is logged as sent.
      method: req.method === 'GET' ? 'EXEC' : (req.method ?? ''),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    this.log.push(entry);
    socket.on('error', () => {}); // the client may give up (a timeout): nothing to do
    const refuse = (status: number, reason: string, message: string, details?: Record<string, unknown>) => {
      entry.status = status;
      const body = statusBody(status, reason, message, details);
      socket.end(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (req.method !== 'GET') {
      return refuse(
        405,
        'MethodNotAllowed',
        `the fake serves exec over WebSocket (GET) only, not ${req.method}`,
      );
    }
    if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) {
      return refuse(401, 'Unauthorized', 'Unauthorized');
    }
    const match = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/.exec(url.pathname);
    if (!match) return refuse(404, 'NotFound', 'the server could not find the requested resource');
    const [namespace, name] = [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)];
    const container = url.searchParams.get('container') ?? '';
    const command = url.searchParams.getAll('command');
    entry.exec = { namespace, pod: name, container, command };
    await this.applyFaults('pods/exec', false);
    const denied = this.rbacDenial({
      verb: 'create',
      group: '',
      resource: 'pods',
      subresource: 'exec',
      namespace,
      name,
    });
    if (denied) {
      entry.status = 403;
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(denied)}\r\nConnection: close\r\n\r\n${denied}`,
      );
      return;
    }
    if (this.forbidden.has('pods/exec')) {
      return refuse(
        403,
        'Forbidden',
        `pods "${name}" is forbidden: User "system:serviceaccount:cozy:assess" cannot create resource "pods/exec" in API group "" in the namespace "${namespace}"`,
        { name, kind: 'pods' },
      );
    }
    const pod = this.findPod(namespace, name);
    if (!pod) return refuse(404, 'NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
    const containers = (
      (pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []
    ).map((c) => c.name);
    if (!containers.includes(container)) {
      return refuse(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
    }
    if (!['stdin', 'stdout', 'stderr'].some((s) => url.searchParams.get(s) === 'true')) {
      return refuse(400, 'BadRequest', 'you must specify at least 1 of stdin, stdout, stderr');
    }
    const node = (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const results = this.options.execResults ?? {};
    const result = results[name] ?? results[node] ?? 0;
    this.execServer.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      entry.status = 101;
      if (result === 'hang' || !STATUS_PROTOCOLS.has(ws.protocol)) {
        if (result !== 'hang') ws.close(1000);
        return;
      }
      // As the API server does: an empty frame on each output channel, then the exit status, then close.
      ws.send(Buffer.from([1]));
      ws.send(Buffer.from([2]));
      ws.send(
        Buffer.concat([
          Buffer.from([STATUS_CHANNEL]),
          Buffer.from(JSON.stringify(execStatus(result, command))),
        ]),
      );
      ws.close(1000);
    });
  }

  /** The Status body of a 403 when `rbac` is set and does not allow the request, else undefined. */
  private rbacDenial(request: RequestAttributes): string | undefined {
    if (!this.options.rbac || rbacAllows(this.options.rbac, request)) return undefined;
    const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
    const what = request.name ? `${request.resource} "${request.name}"` : request.resource;
    const scope =
      request.namespace === undefined ? 'at the cluster scope' : `in the namespace "${request.namespace}"`;
    return statusBody(
      403,
      'Forbidden',
      `${what} is forbidden: User "system:serviceaccount:cozy-assess:cozy-assess" cannot ${request.verb} resource "${resource}" in API group "${request.group}" ${scope}`,
      { group: request.group, kind: request.resource, ...(request.name ? { name: request.name } : {}) },
    );
  }

  closeExecSockets(): void {
    for (const client of this.execServer.clients) client.terminate();
    this.execServer.close();
  }

  private findPod(namespace: string, name: string): KubeObject | undefined {
    const served = this.store.find('', 'v1', 'pods');
    if (!served) return undefined;
    const page = listPage(served, {
      namespace,
      fieldSelector: (lookup) => (typeof lookup === 'function' ? lookup('metadata.name') === name : false),
      limit: 1,
    });
    return page.items[0]?.object;
  }

  /** Consumes matching faults: latency ones are all applied (they add up), then the first other one is returned. */
  private async applyFaults(target: string | undefined, hasContinue: boolean): Promise<Fault | undefined> {
    let chosen: Fault | undefined;
    for (const active of this.faults) {
      const { fault } = active;
      const matches = (fault.target ?? '*') === '*' || fault.target === target;
      if (!matches || active.remaining <= 0) continue;
      if (fault.kind === 'expire-continue' && !hasContinue) continue;
      if (fault.kind !== 'latency' && chosen) continue;
      if (active.skip > 0) {
        active.skip--;
        continue;
      }
      active.remaining--;
      // Unreferenced: a long delay still pending when the server closes must not keep the test process alive.
      if (fault.kind === 'latency') await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
      else chosen = fault;
    }
    return chosen;
  }

  private answer(
    url: URL,
    resource: ResourcePath | undefined,
    served: ServedType | undefined,
    accept: string,
  ): { status: number; body: string; contentType?: string } {
    if (
      (url.pathname === '/api' || url.pathname === '/apis') &&
      this.options.aggregatedDiscovery !== false &&
      accept.includes(AGGREGATED_DISCOVERY_V2)
    ) {
      const body = JSON.stringify(this.aggregatedDiscovery(url.pathname === '/api'));
      return { status: 200, body, contentType: AGGREGATED_DISCOVERY_V2 };
    }
    const discovery = this.discovery(url.pathname);
    if (discovery) return { status: 200, body: JSON.stringify(discovery) };
    if (!resource || !served)
      return {
        status: 404,
        body: statusBody(404, 'NotFound', 'the server could not find the requested resource'),
      };
    const key = typeKey(served.type);
    const verb = resource.name === undefined ? 'list' : 'get';
    if (this.forbidden.has(key)) {
      const scope =
        resource.namespace === undefined
          ? 'at the cluster scope'
          : `in the namespace "${resource.namespace}"`;
      const message = `${key} is forbidden: User "system:serviceaccount:cozy:assess" cannot ${verb} resource "${served.type.plural}" in API group "${served.type.group}" ${scope}`;
      return {
        status: 403,
        body: statusBody(403, 'Forbidden', message, { group: served.type.group, kind: served.type.plural }),
      };
    }
    if (resource.namespace !== undefined && !served.type.namespaced) {
      return {
        status: 404,
        body: statusBody(404, 'NotFound', 'the server could not find the requested resource'),
      };
    }
    return verb === 'get' ? this.get(served, resource) : this.list(url, served, resource);
  }

  private get(served: ServedType, resource: ResourcePath): { status: number; body: string } {
    const page = listPage(served, {
      namespace: served.type.namespaced ? (resource.namespace ?? '') : undefined,
      fieldSelector: (lookup) =>
        typeof lookup === 'function' ? lookup('metadata.name') === resource.name : false,
      limit: 1,
    });
    const found = page.items[0];
    if (!found) {
      const message = `${served.type.plural}${served.type.group ? `.${served.type.group}` : ''} "${resource.name}" not found`;
      return {
        status: 404,
        body: statusBody(404, 'NotFound', message, {
          name: resource.name,
          group: served.type.group,
          kind: served.type.plural,
        }),
      };
    }
    const { apiVersion: _stored, kind, ...rest } = found.object;
    return {
      status: 200,
      body: JSON.stringify({
        apiVersion: apiVersionOf({ group: served.type.group, version: resource.version }),
        kind,
        ...rest,
      }),
    };
  }

  private list(url: URL, served: ServedType, resource: ResourcePath): { status: number; body: string } {
    const params = url.searchParams;
    const labelSelector = params.get('labelSelector')
      ? parseSelector(params.get('labelSelector')!, 'label')
      : undefined;
    const fieldSelector = params.get('fieldSelector')
      ? parseSelector(params.get('fieldSelector')!, 'field')
      : undefined;
    for (const selector of [labelSelector, fieldSelector]) {
      if (typeof selector === 'string') return { status: 400, body: statusBody(400, 'BadRequest', selector) };
    }
    let after: string | undefined;
    let rv = String(this.resourceVersion);
    const token = params.get('continue');
    if (token) {
      const decoded = decodeContinue(token, typeKey(served.type));
      if (!decoded) return { status: 400, body: statusBody(400, 'BadRequest', 'continue key is not valid') };
      ({ after, rv } = decoded);
    }
    const limit = params.get('limit') ? Number(params.get('limit')) : undefined;
    const page = listPage(served, {
      namespace: resource.namespace,
      limit,
      after,
      labelSelector: labelSelector as Exclude<typeof labelSelector, string>,
      fieldSelector: fieldSelector as Exclude<typeof fieldSelector, string>,
    });
    const metadata: Record<string, string> = { resourceVersion: rv };
    if (page.nextAfter !== undefined)
      metadata.continue = encodeContinue(typeKey(served.type), page.nextAfter, rv);
    const items = page.items.map((stored) => itemJson(served, stored, resource.version)).join(',');
    const head = JSON.stringify({
      kind: `${served.type.kind}List`,
      apiVersion: apiVersionOf({ group: served.type.group, version: resource.version }),
      metadata,
    });
    return { status: 200, body: `${head.slice(0, -1)},"items":[${items}]}` };
  }

  private discovery(path: string): unknown {
    if (path === '/version') return versionInfo(this.version);
    if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (path === '/apis') return this.groupList();
    const core = /^\/api\/(v1)$/.exec(path);
    const grouped = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    const [group, version] = core
      ? ['', core[1]!]
      : grouped
        ? [grouped[1]!, grouped[2]!]
        : [undefined, undefined];
    if (group === undefined || version === undefined) return undefined;
    const types = this.store.typesIn(group, version);
    if (types.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: apiVersionOf({ group, version }),
      resources: types.map((s) => ({
        name: s.type.plural,
        singularName: s.type.kind.toLowerCase(),
        namespaced: s.type.namespaced,
        kind: s.type.kind,
        verbs: ['get', 'list', 'watch'],
        ...(s.shortNames.length > 0 ? { shortNames: s.shortNames } : {}),
      })),
    };
  }

  /** `/api` (the core group) or `/apis` (every other group) as one apidiscovery.k8s.io/v2 list, as Kubernetes 1.30+ serves it. */
  private aggregatedDiscovery(core: boolean): unknown {
    const items = [...this.store.groups()]
      .filter(([name]) => (name === '') === core)
      .map(([name, versions]) => ({
        metadata: { name, creationTimestamp: null },
        versions: versions.map((version) => ({
          version,
          resources: this.store.typesIn(name, version).map((s) => ({
            resource: s.type.plural,
            responseKind: { group: name, version, kind: s.type.kind },
            scope: s.type.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: s.type.kind.toLowerCase(),
            verbs: ['get', 'list', 'watch'],
            ...(s.shortNames.length > 0 ? { shortNames: s.shortNames } : {}),
          })),
          freshness: 'Current',
        })),
      }));
    return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
  }

  private groupList(): unknown {
    const groups = [...this.store.groups()]
      .filter(([name]) => name !== '')
      .map(([name, versions]) => {
        const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions: list, preferredVersion: list[0] };
      });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
}

interface ResourcePath {
  group: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
}

/** `/api/v1/pods`, `/api/v1/namespaces/ns/pods/name`, `/apis/g/v/plural/name`, … → its parts (no subresources). */
function parseResourcePath(path: string): ResourcePath | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let group = '';
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) [, version = '', ...rest] = parts;
  else if (parts[0] === 'apis' && parts.length >= 4) [, group = '', version = '', ...rest] = parts;
  else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest.length <= 4) {
    return { group, version, namespace: rest[1], plural: rest[2]!, name: rest[3] };
  }
  if (rest.length === 1 || rest.length === 2) return { group, version, plural: rest[0]!, name: rest[1] };
  return undefined;
}

function encodeContinue(key: string, after: string, rv: string): string {
  return Buffer.from(JSON.stringify({ t: key, a: after, rv })).toString('base64url');
}

function decodeContinue(token: string, key: string): { after: string; rv: string } | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      t?: string;
      a?: string;
      rv?: string;
    };
    return value.t === key && typeof value.a === 'string' && typeof value.rv === 'string'
      ? { after: value.a, rv: value.rv }
      : undefined;
  } catch {
    return undefined;
  }
}

function versionInfo(gitVersion: string): unknown {
  const [, major = '1', minor = '31'] = /^v(\d+)\.(\d+)/.exec(gitVersion) ?? [];
  return {
    major,
    minor,
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** The Status an API server sends on the exec status channel when the command ends. */
function execStatus(exitCode: number, command: string[]): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** A Kubernetes Status body, as a real API server sends with every error. */
export function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}
