// Finds and loads the kubeconfig the way kubectl does: --kubeconfig, else $KUBECONFIG (several files,
// merged: the first file to set a cluster, user, context or current-context wins), else ~/.kube/config,
// else the in-cluster service account. Every failure is a BadInputError naming the file and context.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KubeConfig } from './client-node.js';
import { parse } from 'yaml';
import { BadInputError } from '../errors.js';

type ClientNode = typeof import('./client-node.js');

export interface LoadedKubeConfig {
  kc: KubeConfig;
  /** The files read (empty for in-cluster), for messages. */
  files: string[];
  context: string;
  server: string;
}

/** Where the kubelet mounts a pod's service-account token, CA and namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Points the in-cluster configuration at another service-account folder (tests, or a token mounted elsewhere). */
export const SERVICE_ACCOUNT_DIR_ENV = 'COZY_ASSESS_SERVICE_ACCOUNT_DIR';

export interface KubeConfigRequest {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export function loadKubeConfig(k8s: ClientNode, request: KubeConfigRequest): LoadedKubeConfig {
  const env = request.env ?? process.env;
  const files = kubeconfigFiles(request.kubeconfig, env, request.home ?? env.HOME ?? homedir());
  const kc = new k8s.KubeConfig();
  if (files.length === 0) {
    loadInCluster(kc, env);
  } else {
    mergeInto(
      kc,
      files.map((file) => readOne(k8s, file)),
    );
  }
  const context = selectContext(kc, request.context, files);
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    const contextObject = kc.getContextObject(context);
    throw new BadInputError(
      `${describe(files)}: context '${context}' names cluster '${contextObject?.cluster ?? ''}', which is not defined`,
      files[0],
      'contexts[].context.cluster',
      'fix the kubeconfig (kubectl config view), or choose another --context',
    );
  }
  if (!isHttpUrl(cluster.server)) {
    throw new BadInputError(
      `${describe(files)}: cluster '${cluster.name}' has no usable server address ('${String(cluster.server ?? '')}')`,
      files[0],
      'clusters[].cluster.server',
      'set server to the API server URL, e.g. https://10.0.0.1:6443 (kubectl config view shows it)',
    );
  }
  if (cluster.skipTLSVerify && (cluster.caFile || cluster.caData)) {
    // kubectl refuses the pair: trusting a CA and trusting anything cannot both be meant.
    throw new BadInputError(
      `${describe(files)}: cluster '${cluster.name}' sets insecure-skip-tls-verify together with a certificate authority; specifying a root certificates file with the insecure flag is not allowed`,
      files[0],
      'clusters[].cluster.insecure-skip-tls-verify',
      'remove insecure-skip-tls-verify (the CA is the safe choice), or remove the certificate authority',
    );
  }
  return { kc, files, context, server: cluster.server };
}

/**
 * The pod's own configuration, as client-go's rest.InClusterConfig: the API server from
 * KUBERNETES_SERVICE_HOST/PORT, the CA and the token (read again once a minute, as client-go does, since projected tokens rotate)
 * from the service-account folder.
 */
function loadInCluster(kc: KubeConfig, env: NodeJS.ProcessEnv): void {
  const dir = env[SERVICE_ACCOUNT_DIR_ENV] || SERVICE_ACCOUNT_DIR;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = join(dir, 'token');
  if (!host || !existsSync(tokenFile)) {
    throw new BadInputError(
      'no kubeconfig found: --kubeconfig not given, KUBECONFIG not set, ~/.kube/config does not exist, and not running in a pod' +
        (host ? ` (KUBERNETES_SERVICE_HOST is set, but ${tokenFile} does not exist)` : ''),
      undefined,
      'kubeconfig',
      'pass --kubeconfig FILE (and --context NAME), or read a saved state with --snapshot DIR',
    );
  }
  if (!port) {
    throw new BadInputError(
      'in-cluster configuration: KUBERNETES_SERVICE_HOST is set but KUBERNETES_SERVICE_PORT is not',
      undefined,
      'KUBERNETES_SERVICE_PORT',
      'set KUBERNETES_SERVICE_PORT (the kubelet sets both in a pod), or pass --kubeconfig FILE',
    );
  }
  const namespaceFile = join(dir, 'namespace');
  kc.loadFromOptions({
    clusters: [
      {
        name: 'in-cluster',
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        caFile: join(dir, 'ca.crt'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [
      {
        name: 'in-cluster',
        cluster: 'in-cluster',
        user: 'service-account',
        namespace: existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined,
      },
    ],
    currentContext: 'in-cluster',
  });
}

const PLUGIN_KILL_MARGIN_MS = 1000;

/** The command of the current user's exec credential plugin (`aws`, `kubelogin`, ...), if it has one. */
export function execPluginCommand(kc: KubeConfig): string | undefined {
  const user = kc.getCurrentUser();
  const exec = (user?.exec ?? user?.authProvider?.config?.exec) as { command?: unknown } | undefined;
  return typeof exec?.command === 'string' ? exec.command : undefined;
}

/**
 * Bounds every run of an exec credential plugin: past `timeoutMs` it is killed, as kubectl fails a request
 * whose plugin does not answer. client-node spawns plugins itself with no bound; its spawn function is the
 * one seam it offers (ExecAuth.execFn).
 */
export function boundExecPlugins(kc: KubeConfig, timeoutMs: number): void {
  if (timeoutMs <= 0) return;
  const authenticators = (kc as unknown as { authenticators?: Array<{ execFn?: unknown }> }).authenticators;
  const execAuth = authenticators?.find((a) => typeof a.execFn === 'function');
  if (!execAuth) return;
  // Killed a little after the request gives up on it (ApiClient's own deadline names the plugin first), so
  // the message never depends on which of the two timers fires first.
  execAuth.execFn = (command: string, args: readonly string[], options: object) =>
    spawn(command, args, { ...options, timeout: timeoutMs + PLUGIN_KILL_MARGIN_MS, killSignal: 'SIGKILL' });
}

function isHttpUrl(server: unknown): server is string {
  if (typeof server !== 'string') return false;
  try {
    const url = new URL(server);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The context names of the kubeconfig kubectl would read (for shell completion): without loading the
 * Kubernetes client, and quietly none when there is no readable kubeconfig.
 */
export function kubeconfigContextNames(request: Omit<KubeConfigRequest, 'context'>): string[] {
  const env = request.env ?? process.env;
  let files: string[];
  try {
    files = kubeconfigFiles(request.kubeconfig, env, request.home ?? homedir());
  } catch {
    return [];
  }
  const names = new Set<string>();
  for (const file of files) {
    try {
      const config = parse(readFileSync(file, 'utf8')) as { contexts?: Array<{ name?: unknown }> } | null;
      for (const context of config?.contexts ?? []) {
        if (typeof context?.name === 'string' && context.name !== '') names.add(context.name);
      }
    } catch {
      // An unreadable file offers no contexts; the commands themselves say what is wrong with it.
    }
  }
  return [...names];
}

/**
 * The contexts of the kubeconfig kubectl would read (the merge of $KUBECONFIG's files: the first to name a context
 * wins), in the order they appear: what `--all-contexts` runs. No kubeconfig, or one that cannot be read, is bad
 * input naming the file.
 */
export function listKubeconfigContexts(request: Omit<KubeConfigRequest, 'context'>): string[] {
  const env = request.env ?? process.env;
  const files = kubeconfigFiles(request.kubeconfig, env, request.home ?? env.HOME ?? homedir());
  if (files.length === 0) {
    throw new BadInputError(
      'no kubeconfig found: --kubeconfig not given, KUBECONFIG not set and ~/.kube/config does not exist',
      undefined,
      'kubeconfig',
      'a fleet run reads the contexts of a kubeconfig: pass --kubeconfig FILE',
    );
  }
  const names = new Set<string>();
  for (const file of files) {
    let config: { contexts?: unknown } | null;
    try {
      config = parse(readFileSync(file, 'utf8')) as { contexts?: unknown } | null;
    } catch (error) {
      throw new BadInputError(
        `kubeconfig ${file} cannot be read: ${(error as Error).message}`,
        file,
        undefined,
        'fix the file (it must be a kubeconfig as kubectl writes it), or pass another one with --kubeconfig',
      );
    }
    const contexts = Array.isArray(config?.contexts) ? (config.contexts as Array<{ name?: unknown }>) : [];
    for (const context of contexts) {
      if (typeof context?.name === 'string' && context.name !== '') names.add(context.name);
    }
  }
  return [...names];
}

/** The kubeconfig files to read, in kubectl's order of precedence. */
function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv, home: string): string[] {
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new BadInputError(
        `kubeconfig ${explicit} does not exist`,
        explicit,
        undefined,
        'pass the path of an existing kubeconfig to --kubeconfig',
      );
    }
    return [explicit];
  }
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(delimiter).filter(Boolean);
    // kubectl skips listed files that do not exist, but not all of them.
    const existing = listed.filter((file) => existsSync(file));
    if (existing.length === 0) {
      throw new BadInputError(
        `KUBECONFIG names ${listed.join(', ')}, and none of them exists`,
        listed[0],
        undefined,
        'point KUBECONFIG (or --kubeconfig) at an existing kubeconfig file',
      );
    }
    return existing;
  }
  const defaultFile = join(home, '.kube', 'config');
  return existsSync(defaultFile) ? [defaultFile] : [];
}

function readOne(k8s: ClientNode, file: string): KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromFile(file);
    useTokenFiles(kc, file);
  } catch (error) {
    throw new BadInputError(
      `kubeconfig ${file} cannot be read: ${kubeconfigFault(error)}`,
      file,
      undefined,
      'fix the file (it must be a kubeconfig as kubectl writes it), or pass another one with --kubeconfig',
    );
  }
  return kc;
}

/**
 * kubectl spells a user's token file `tokenFile` (client-go's field name); client-node reads only
 * `token-file`. A user with `tokenFile` gets client-node's file authenticator, which re-reads the file as
 * kubectl does (tokens on disk are rotated). Relative paths are relative to the kubeconfig's folder.
 */
function useTokenFiles(kc: KubeConfig, file: string): void {
  const raw = parseYaml(readFileSync(file, 'utf8')) as { users?: unknown } | null;
  if (!Array.isArray(raw?.users)) return;
  for (const entry of raw.users as Array<{ name?: unknown; user?: Record<string, unknown> }>) {
    const tokenFile = entry?.user?.tokenFile;
    if (typeof tokenFile !== 'string' || tokenFile === '') continue;
    const user = kc.users.find((u) => u.name === entry.name);
    if (!user || user.token || user.authProvider || user.exec) continue;
    const path = isAbsolute(tokenFile) ? tokenFile : join(dirname(file), tokenFile);
    Object.assign(user, { authProvider: { name: 'tokenFile', config: { tokenFile: path } } });
  }
}

function kubeconfigFault(error: unknown): string {
  const e = error as {
    name?: string;
    message?: string;
    mark?: { line: number; column: number };
    reason?: string;
  };
  if (e.name === 'YAMLException' && e.mark)
    return `not valid YAML at line ${e.mark.line + 1}, column ${e.mark.column + 1}: ${e.reason}`;
  // An empty file or a YAML scalar gives a TypeError inside the client: say what it means.
  if (error instanceof TypeError) return 'it is empty or not a YAML mapping';
  return e.message ?? String(error);
}

/** kubectl's merge: the first file to define a name (or current-context) wins. */
function mergeInto(target: KubeConfig, configs: KubeConfig[]): void {
  const firstByName = <T extends { name: string }>(lists: T[][]) => {
    const byName = new Map<string, T>();
    for (const item of lists.flat()) if (!byName.has(item.name)) byName.set(item.name, item);
    return [...byName.values()];
  };
  target.loadFromOptions({
    clusters: firstByName(configs.map((c) => c.clusters)),
    users: firstByName(configs.map((c) => c.users)),
    contexts: firstByName(configs.map((c) => c.contexts)),
    currentContext: configs.map((c) => c.currentContext).find(Boolean),
  });
}

function selectContext(kc: KubeConfig, requested: string | undefined, files: string[]): string {
  const available = kc.getContexts().map((c) => c.name);
  const listed =
    available.length > 0 ? `available contexts: ${available.join(', ')}` : 'it defines no contexts';
  const name = requested ?? kc.getCurrentContext();
  if (!name) {
    throw new BadInputError(
      `${describe(files)} sets no current-context (${listed})`,
      files[0],
      'current-context',
      available.length > 0 ? `pass --context ${available[0]}` : 'use a kubeconfig that defines a context',
    );
  }
  if (!available.includes(name)) {
    throw new BadInputError(
      `context '${name}' is not in ${describe(files)} (${listed})`,
      files[0],
      'contexts',
      requested
        ? 'pass one of the available contexts to --context (kubectl config get-contexts)'
        : 'fix current-context, or pass --context',
    );
  }
  kc.setCurrentContext(name);
  return name;
}

function describe(files: string[]): string {
  if (files.length === 0) return 'the in-cluster configuration';
  return files.length === 1 ? `kubeconfig ${files[0]}` : `the kubeconfig files ${files.join(', ')}`;
}
