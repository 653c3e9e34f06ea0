// The live source: reads a running cluster through its API server, GET requests only.
// Lists are paginated (limit/continue); a 410 on a continue token restarts the list (at most 3 times,
// skipping objects already yielded); retries, the request timeout and the concurrency cap live in http.ts.
// Objects are the server's JSON, with apiVersion and kind filled in on list items as kubectl prints them,
// so they equal what the snapshot source yields for a `kubectl get -o json` of the same cluster.
import { BadInputError, IncompleteError } from '../errors.js';
import { describeType, discoverServedTypes, isKubernetesGroup } from './discovery.js';
import {
  ApiClient,
  ApiStatusError,
  type JsonAnswer,
  parseJson,
  type RetryEvent,
  type RetryPolicy,
  TransportError,
} from './http.js';
import { boundExecPlugins, type LoadedKubeConfig, loadKubeConfig } from './kubeconfig.js';
import { itemsSpan } from './list-bytes.js';
import { DEFAULT_CHUNK_SIZE } from './paging.js';
import { withTypeMeta } from './parse-files.js';
import {
  apiVersionOf,
  type ClusterSource,
  type KubeObject,
  type ListOptions,
  type ObjectPage,
  type ResourceType,
  SourceListError,
  type SourceInfo,
  typeKey,
} from './types.js';

export interface LiveSourceOptions {
  kubeconfig?: string;
  context?: string;
  requestTimeoutMs: number;
  concurrency: number;
  signal?: AbortSignal;
  /** Objects per list request (`--chunk-size`, default 500). */
  pageSize?: number;
  /** The largest answer read; a larger one fails its type (default: the longest string Node can make). */
  maxAnswerBytes?: number;
  /** Retry tuning (tests shorten the delays). */
  retry?: Partial<RetryPolicy>;
  /** Called before each retry (for -v progress lines and tests). */
  onRetry?: (event: RetryEvent) => void;
  /** Environment to read KUBECONFIG from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * CRDs carry their OpenAPI schemas (~80 KB each on a real management cluster, 24 MB for 300): 500 of them
 * would be one answer of tens of MB held three times over (bytes, text, objects). 50 keep a page near 4 MB.
 */
export const CRD_PAGE_SIZE = 50;
export const DEFAULT_PAGE_SIZE = DEFAULT_CHUNK_SIZE;
const MAX_LIST_RESTARTS = 3;

export async function openLiveSource(options: LiveSourceOptions): Promise<ClusterSource> {
  const k8s = await import('./client-node.js');
  const config = loadKubeConfig(k8s, {
    kubeconfig: options.kubeconfig,
    context: options.context,
    env: options.env,
  });
  boundExecPlugins(config.kc, options.requestTimeoutMs);
  const client = new ApiClient({
    kc: config.kc,
    server: config.server,
    requestTimeoutMs: options.requestTimeoutMs,
    concurrency: options.concurrency,
    retry: options.retry,
    onRetry: options.onRetry,
    maxAnswerBytes: options.maxAnswerBytes,
  });
  // Ask once up front so that an unreachable server, a TLS or credential problem is one clear error,
  // not the same failure repeated for every resource type.
  const version = await checkConnection(client, config, options.signal);
  return new LiveSource(client, config, version, options);
}

async function checkConnection(
  client: ApiClient,
  config: LoadedKubeConfig,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const info = (await client.getJson('/version', {}, signal)) as { gitVersion?: string };
    return info.gitVersion;
  } catch (error) {
    if (signal?.aborted) throw error;
    // Some clusters hide /version; listing may still work, so only connection-level failures stop here.
    if (error instanceof ApiStatusError && (error.status === 403 || error.status === 404)) return undefined;
    throw connectionError(error, config);
  }
}

/** The whole-source error for a failed first request: what failed, where, and what to do. */
export function connectionError(error: unknown, config: LoadedKubeConfig): Error {
  const where = `${config.server} (context '${config.context}'${config.files.length ? ` in ${config.files.join(', ')}` : ''})`;
  const file = config.files[0];
  if (error instanceof ApiStatusError && error.status === 401) {
    return new BadInputError(
      `the API server ${where} rejected the credentials (401 Unauthorized)`,
      file,
      'users[].user',
      'the token or client certificate is missing, wrong or expired: refresh the kubeconfig (e.g. download it again) or pick another --context',
    );
  }
  if (error instanceof TransportError && error.fault === 'tls') {
    return new BadInputError(
      `cannot verify the API server ${where}: ${error.message}`,
      file,
      'clusters[].cluster.certificate-authority-data',
      "the kubeconfig's certificate authority does not match the server's certificate: use the cluster's own kubeconfig, or fix certificate-authority(-data)",
    );
  }
  if (error instanceof TransportError && error.fault === 'config') {
    return new BadInputError(
      `${error.message} (context '${config.context}'${config.files.length ? ` in ${config.files.join(', ')}` : ''})`,
      file,
      'users[].user',
      'check the files and commands the kubeconfig names (certificate-authority, client-certificate, exec) with kubectl config view',
    );
  }
  if (error instanceof TransportError && error.fault === 'unreachable') {
    return new IncompleteError(
      `cannot reach the API server ${where}: ${error.message}`,
      'check that the cluster is up and the address is reachable from here (VPN, firewall, DNS), or assess a saved state with --snapshot DIR',
    );
  }
  if (error instanceof TransportError && error.fault === 'timeout') {
    return new IncompleteError(
      `the API server ${where} did not answer: ${error.message}`,
      'check the network path to the cluster, or raise --request-timeout',
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new IncompleteError(
    `cannot read from the API server ${where}: ${reason}`,
    'try again, or assess a saved state with --snapshot DIR',
  );
}

class LiveSource implements ClusterSource {
  readonly info: SourceInfo;
  private discovered: Map<string, ResourceType> | undefined;

  constructor(
    private readonly client: ApiClient,
    config: LoadedKubeConfig,
    private readonly version: string | undefined,
    private readonly options: LiveSourceOptions,
  ) {
    this.info = { kind: 'live', server: config.server, context: config.context };
  }

  async serverVersion(): Promise<string | undefined> {
    return this.version;
  }

  async discoverTypes(): Promise<ResourceType[]> {
    const types = await discoverServedTypes(this.client, this.options.signal);
    this.discovered = new Map(types.map((type) => [typeKey(type), type]));
    return types;
  }

  async *listPages(requested: ResourceType, options: ListOptions = {}): AsyncIterable<ObjectPage> {
    // After discovery, list the version the server serves (a v2beta2-only Flux still has HelmReleases).
    const type = this.discovered?.get(typeKey(requested)) ?? requested;
    const signal = anySignal(this.options.signal, options.signal);
    const base = type.group === '' ? '/api/v1' : `/apis/${type.group}/${type.version}`;
    const scope = options.namespace ? `/namespaces/${encodeURIComponent(options.namespace)}` : '';
    const path = `${base}${scope}/${type.plural}`;
    const limit = Math.min(
      this.options.pageSize ?? DEFAULT_PAGE_SIZE,
      type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io'
        ? CRD_PAGE_SIZE
        : Number.POSITIVE_INFINITY,
    );
    // Keys of objects already yielded, so a restarted list (410) does not yield them twice.
    const seen = new Set<string>();
    // Continue tokens of this list: one given again would page in a circle until --timeout.
    const tokens = new Set<string>();
    let pages = 0;
    let restarts = 0;
    let token: string | undefined;
    /**
     * A page, asked for now and parsed when it is read: a page read ahead stays bytes until then (its objects
     * would only wait, long enough to be promoted to the old generation and collected there).
     */
    const fetchPage = (from: string | undefined): (() => Promise<JsonAnswer>) => {
      const query = { limit, continue: from, labelSelector: options.labelSelector };
      const bytes = this.client.getBytes(path, query, signal);
      // Awaited below; if the reader stops early the answer is dropped, never an unhandled rejection.
      bytes.catch(() => undefined);
      return async () => {
        const body = await bytes;
        try {
          return parseJson(body, path);
        } catch (error) {
          if (!(error instanceof TransportError)) throw error;
          // Cut short but ended cleanly: asked again, with the retries getAnswer gives such an answer.
          this.options.onRetry?.({ path, attempt: 1, delayMs: 0, error });
          return this.client.getAnswer(path, query, signal).catch((again: unknown) => {
            if (again instanceof TransportError || again instanceof ApiStatusError) again.attempts++;
            throw again;
          });
        }
      };
    };
    let next = fetchPage(undefined);
    for (;;) {
      let answer: JsonAnswer | undefined;
      try {
        answer = await next();
      } catch (error) {
        if (signal?.aborted) throw error;
        if (
          token &&
          error instanceof ApiStatusError &&
          error.status === 410 &&
          restarts < MAX_LIST_RESTARTS
        ) {
          restarts++;
          token = undefined;
          tokens.clear();
          pages = 0;
          next = fetchPage(undefined);
          continue;
        }
        throw listError(error, type, restarts, options.namespace, limit);
      }
      const objects = pageOf(answer, type, seen);
      pages++;
      token = continueToken(answer, type);
      if (token !== undefined && tokens.has(token)) {
        throw new SourceListError(
          `failed: the API server gave page ${pages} of ${describeType(type)} the continue token of an earlier page: the list would go round in circles, so it was stopped`,
          'failed',
        );
      }
      if (token !== undefined) tokens.add(token);
      // The page (which the scan empties once its sinks have taken what they need) is the only way left to
      // its objects: the parsed answer holds them too, and a suspended generator keeps its locals.
      answer = undefined;
      // The next page is asked for before this one is handed over, so the server sends it while the
      // reader parses, reduces and writes this one (one page ahead per list, within the concurrency cap).
      if (token) next = fetchPage(token);
      if (objects.length > 0) yield objects;
      if (!token) return;
    }
  }

  async getObject(
    requested: ResourceType,
    namespace: string | undefined,
    name: string,
    options: ListOptions = {},
  ): Promise<KubeObject | undefined> {
    const type = this.discovered?.get(typeKey(requested)) ?? requested;
    const signal = anySignal(this.options.signal, options.signal);
    const base = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
    const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
    const path = `${base}${scope}/${type.plural}/${encodeURIComponent(name)}`;
    try {
      const object = (await this.client.getJson(path, {}, signal)) as Record<string, unknown>;
      return withTypeMeta(object, apiVersionOf(type), type.kind) as KubeObject;
    } catch (error) {
      if (signal?.aborted) throw error;
      // 404 on a built-in type is "no such object"; on a custom type it may be the type that is missing.
      if (error instanceof ApiStatusError && error.status === 404 && isKubernetesGroup(type.group))
        return undefined;
      throw getError(error, type, namespace, name);
    }
  }

  async close(): Promise<void> {}
}

/** A failed GET of one object as a SourceListError: forbidden names the RBAC rule that would allow it. */
function getError(
  error: unknown,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): SourceListError {
  if (error instanceof ApiStatusError && error.status === 403) {
    const where = namespace === undefined ? '' : ` in namespace ${namespace}`;
    return new SourceListError(
      `forbidden: the account may not get ${type.kind} ${namespace ? `${namespace}/` : ''}${name}; it needs the RBAC verb "get" on resource "${type.plural}" in API group "${type.group}"${where} (resourceNames: ${name}) (server: ${error.serverMessage || error.reason})`,
      'forbidden',
    );
  }
  return listError(error, type, 0);
}

/**
 * The objects of a list answer not yielded before (`seen`, after a 410 restart), with apiVersion and kind
 * filled in as kubectl prints list items, and the answer's bytes of its items when it holds all of them.
 */
function pageOf(answer: JsonAnswer, type: ResourceType, seen: Set<string>): ObjectPage {
  const list = answer.value as { apiVersion?: unknown; items?: unknown };
  const items = listItems(list, type);
  const apiVersion = typeof list.apiVersion === 'string' ? list.apiVersion : apiVersionOf(type);
  const objects: KubeObject[] = [];
  for (const item of items) {
    // In place: a copy per object would double the objects alive while the page is read.
    if (typeof item.apiVersion !== 'string') item.apiVersion = apiVersion;
    if (typeof item.kind !== 'string') item.kind = type.kind;
    const key = `${item.metadata?.namespace ?? ''}/${item.metadata?.name ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    objects.push(item);
  }
  const raw = objects.length === items.length ? itemsSpan(answer.bytes, answer.value) : undefined;
  return raw ? Object.assign(objects, { raw }) : objects;
}

/**
 * The items of a list answer. An answer without them is no list (a proxy's own page, another API): reading it
 * as an empty one would report a cluster without pods. `null` is Go's empty slice, which some servers send.
 */
function listItems(list: { items?: unknown }, type: ResourceType): KubeObject[] {
  const answered = list !== null && typeof list === 'object' && !Array.isArray(list);
  if (answered && list.items === null) return [];
  if (answered && Array.isArray(list.items)) {
    if (list.items.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item)))
      return list.items as KubeObject[];
    throw new SourceListError(
      `failed: the API server's list of ${describeType(type)} holds items that are not objects`,
      'failed',
    );
  }
  const what = !answered ? 'is not a JSON object' : 'has no items';
  throw new SourceListError(
    `failed: the API server answered the list of ${describeType(type)} with 200 OK, but the answer ${what}: it is not a Kubernetes list (a proxy or gateway answering for the API server?)`,
    'failed',
  );
}

/** The continue token of a list answer, if it says there is more. */
function continueToken(answer: JsonAnswer, type: ResourceType): string | undefined {
  const metadata = (answer.value as { metadata?: unknown }).metadata;
  const token =
    metadata !== null && typeof metadata === 'object'
      ? (metadata as { continue?: unknown }).continue
      : undefined;
  if (token === undefined || token === null || token === '') return undefined;
  if (typeof token === 'string') return token;
  throw new SourceListError(
    `failed: the API server's list of ${describeType(type)} has a continue token that is not a string`,
    'failed',
  );
}

/** A per-type failure as an outcome: forbidden, not installed, or failed with a reason a person can act on. */
function listError(
  error: unknown,
  type: ResourceType,
  restarts: number,
  namespace?: string,
  pageSize?: number,
): SourceListError {
  const what = describeType(type);
  if (error instanceof SourceListError) return error;
  if (error instanceof TransportError && error.fault === 'too-large') {
    const smaller = Math.max(1, Math.floor((pageSize ?? DEFAULT_PAGE_SIZE) / 10));
    return new SourceListError(
      `failed: a page of ${what} is too large to read: ${error.message}; list it in smaller pages: --chunk-size ${smaller}${pageSize ? ` (this run asked for ${pageSize} objects a page)` : ''}`,
      'failed',
    );
  }
  if (error instanceof ApiStatusError) {
    if (error.status === 403) {
      return new SourceListError(
        `forbidden: the account may not list ${what}; it needs the RBAC verb "list" on resource "${type.plural}" in API group "${type.group}"` +
          `${namespace ? ` in namespace ${namespace}` : type.namespaced ? ' in all namespaces' : ''} (server: ${error.serverMessage || error.reason})`,
        'forbidden',
      );
    }
    if (error.status === 404) {
      return new SourceListError(
        isKubernetesGroup(type.group)
          ? `not served: this API server does not serve ${what}`
          : `not installed: the API server does not serve ${what}; its CRD is not installed`,
        'not-installed',
      );
    }
    if (error.status === 410 && restarts > 0) {
      return new SourceListError(
        `failed: the list of ${what} kept expiring (410 Gone) after ${restarts} restarts`,
        'failed',
      );
    }
    if (error.status === 401) {
      return new SourceListError(
        `failed: the credentials were rejected (401) while listing ${what}`,
        'failed',
      );
    }
    return new SourceListError(
      `failed: listing ${what} gave ${error.message}${tries(error.attempts)}`,
      'failed',
    );
  }
  if (error instanceof TransportError) {
    return new SourceListError(`failed: listing ${what}: ${error.message}${tries(error.attempts)}`, 'failed');
  }
  return new SourceListError(
    `failed: listing ${what}: ${error instanceof Error ? error.message : String(error)}`,
    'failed',
  );
}

function tries(attempts: number): string {
  return attempts > 1 ? ` (after ${attempts} attempts)` : '';
}

function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length > 1 ? AbortSignal.any(present) : present[0];
}
