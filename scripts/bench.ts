// The scale benchmark (issues 8 and 15): `npm run bench [-- --sizes 5000,50000 --runs 3 --seed 1 --concurrency 4]`.
//
// For each size it generates a synthetic cluster (scripts/generate-cluster.ts; cached under the OS temp
// folder by size, seed and generator source), serves it with the fake API server on 127.0.0.1 in a separate
// process, and measures against that one server, interleaved run by run:
//   1. the floor: `curl` downloading every request the tool sends (discovery and each list page, URLs recorded
//      from an untimed pass) with --concurrency connections, into /dev/null;
//   2. the Node-script floor (scripts/bench-node-floor.mjs): the same requests, parsed, written one file per
//      type while hashed, fsynced, re-read and re-hashed: the least a Node program does for the same backup;
//   3. the script an operator would write: `kubectl get <type> -A -o yaml > file` for the backup types,
//      `-o json` for the state types, then `sha256sum` (skipped when kubectl is absent or with --no-kubectl);
//   4. `cozy-assess assess --target … --backup-dir …` (the built dist/cli/bin.js).
// Each client's wall time, CPU time (user + sys) and peak RSS come from GNU `time -v`. Then `cozy-assess --help`
// start time. It prints a table and writes bench-results/<timestamp>.json. The machine's load average is
// recorded with every run: wall times on a shared machine are only as good as its idleness.
// Bounded: a fixed number of runs, a time limit on every child, loopback only; servers and temporary
// folders are removed at the end, also on failure or Ctrl-C.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { categoryOf } from '../src/backup/layout.js';
import { backupWants, selectTypes } from '../src/backup/select.js';
import { typesToList } from '../src/cli/pipeline.js';
import { type DiscoveryClient, discoverServedTypes } from '../src/cluster/discovery.js';
import { CRD_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../src/cluster/live.js';
import { type ResourceType, typeKey } from '../src/cluster/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const NODE_FLOOR = join(ROOT, 'scripts', 'bench-node-floor.mjs');
const MINUTE = 60_000;
const TARGET = 'v0.37.2';
const HELP_RUNS = 10;

/** The targets of issue 15, at the largest size. */
const TARGETS = { overFloor: 1.3, rssMb: 200, helpMs: 100 };

interface Size {
  pods: number;
  configmaps: number;
  secrets: number;
  crds: number;
}

/** The issue's reference point: 50k pods, 5k ConfigMaps, 2k Secrets, 300 CRDs; smaller sizes scale pods, ConfigMaps and Secrets. */
function sizeFor(pods: number): Size {
  return { pods, configmaps: Math.round(pods / 10), secrets: Math.round(pods / 25), crds: 300 };
}

interface ServerInfo {
  url: string;
  kubeconfigPath: string;
  caPem: string;
  token: string;
}

/** One measured run of one client. `cpuS` is user + sys; NaN where it could not be measured. */
interface Measured {
  ms: number;
  cpuS: number;
  rssMb: number;
  /** The 1-minute load average when the run started. */
  load: number;
}

type Client = 'curl' | 'node' | 'kubectl' | 'assess';
const CLIENTS: readonly Client[] = ['curl', 'node', 'kubectl', 'assess'];
const CLIENT_LABEL: Record<Client, string> = {
  curl: 'curl floor (1)',
  node: 'Node script (2)',
  kubectl: 'kubectl script (3)',
  assess: 'assess (4)',
};

interface Medians {
  ms: number;
  cpuS: number;
  rssMb: number;
}

interface SizeResult {
  size: Size;
  objects: number;
  snapshotBytes: number;
  /** Requests per pass (discovery and list pages) and the bytes their answers hold. */
  requests: number;
  servedBytes: number;
  runs: Partial<Record<Client, Measured[]>>;
  assessExit: number[];
  assessPhases: Phases[];
  median: Partial<Record<Client, Medians>> & { assessPhases: Phases };
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup: every child and temporary folder is registered and removed on exit
// ---------------------------------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

async function cleanup(): Promise<void> {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          const timer = setTimeout(() => {
            child.kill('SIGKILL');
            done();
          }, 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            done();
          });
        }),
    ),
  );
  children.clear();
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  tempDirs.clear();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nbench: ${signal}, stopping servers and removing temporary folders\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

async function removeTemp(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

// ---------------------------------------------------------------------------------------------------------
// Child processes, bounded in time
// ---------------------------------------------------------------------------------------------------------

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** Each stderr line with the milliseconds since start when it arrived (progress lines mark phases). */
  lines: Array<{ ms: number; text: string }>;
}

function run(
  command: string,
  args: string[],
  opts: { timeoutMs: number; cwd?: string; env?: NodeJS.ProcessEnv; keepStdout?: boolean },
): Promise<RunResult> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines: RunResult['lines'] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      if (opts.keepStdout) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr = (stderr + text).slice(-20_000);
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      const ms = performance.now() - started;
      if (lines.length < 1000) for (const line of parts) lines.push({ ms, text: line });
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${command} ${args.join(' ')}: no result within ${opts.timeoutMs / 1000} s`));
    }, opts.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      children.delete(child);
      fail(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      done({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - started, lines });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// The cluster: generated once per size, seed and generator source
// ---------------------------------------------------------------------------------------------------------

const GENERATOR_SOURCES = [
  'scripts/generate-cluster.ts',
  'scripts/fixtures/cozystack.ts',
  'scripts/fixtures/write.ts',
  'test/support/objects.ts',
  'test/support/cluster.ts',
];

async function ensureCluster(size: Size, seed: string): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify({ size, seed }));
  for (const file of GENERATOR_SOURCES) hash.update(await readFile(join(ROOT, file)));
  const dir = join(tmpdir(), `cozy-bench-cluster-${size.pods}-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(join(dir, '.complete'))) {
    log(`cluster ${size.pods} pods: cached in ${dir}`);
    return dir;
  }
  // Clusters of this size from an older generator or another seed: removed, so the cache stays one per size.
  const prefix = `cozy-bench-cluster-${size.pods}-`;
  for (const name of await readdir(tmpdir())) {
    if (name.startsWith(prefix) && !name.includes('.partial-'))
      await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
  const partial = `${dir}.partial-${process.pid}`;
  tempDirs.add(partial);
  await rm(partial, { recursive: true, force: true });
  log(`cluster ${size.pods} pods: generating into ${dir} (once; later runs reuse it)`);
  const result = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(ROOT, 'scripts', 'generate-cluster.ts'),
      ...['--pods', String(size.pods), '--configmaps', String(size.configmaps)],
      ...['--secrets', String(size.secrets), '--crds', String(size.crds), '--seed', seed, '--out', partial],
    ],
    { timeoutMs: 30 * MINUTE, keepStdout: true },
  );
  if (result.code !== 0) throw new Error(`generate-cluster failed (${result.code}):\n${result.stderr}`);
  await writeFile(join(partial, '.complete'), result.stdout);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  tempDirs.delete(partial);
  log(`  ${result.stdout.split('\n')[0]}`);
  return dir;
}

async function startServer(snapshot: string): Promise<{ info: ServerInfo; stop: () => Promise<void> }> {
  // Its own process with room for the whole cluster in memory: the server's heap is not ours to measure.
  const child = spawn(
    process.execPath,
    [
      '--max-old-space-size=12288',
      '--import',
      'tsx',
      join(ROOT, 'scripts', 'serve-fake-apiserver.ts'),
      '--snapshot',
      snapshot,
    ],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  children.add(child);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          done();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          done();
        });
      });
    }
    children.delete(child);
  };
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<ServerInfo>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error('the fake API server did not start within 10 minutes')),
      10 * MINUTE,
    );
    lines.once('line', (line) => {
      clearTimeout(timer);
      done(JSON.parse(line) as ServerInfo);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the fake API server exited (${code}) before listening`));
    });
  });
  return { info, stop };
}

// ---------------------------------------------------------------------------------------------------------
// The requests: recorded once per size from an untimed pass (which also warms the server's cache)
// ---------------------------------------------------------------------------------------------------------

class PlainClient {
  readonly agent: Agent;
  requests = 0;
  bytes = 0;
  constructor(
    private readonly server: ServerInfo,
    concurrency: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: server.caPem });
  }

  get(path: string, accept = 'application/json'): Promise<Buffer> {
    this.requests++;
    return new Promise((done, fail) => {
      const req = request(
        `${this.server.url}${path}`,
        {
          agent: this.agent,
          headers: { Authorization: `Bearer ${this.server.token}`, Accept: accept },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            this.bytes += body.length;
            if ((res.statusCode ?? 0) >= 400) fail(new Error(`GET ${path}: HTTP ${res.statusCode}`));
            else done(body);
          });
          res.on('error', fail);
        },
      );
      req.setTimeout(5 * MINUTE, () => req.destroy(new Error(`GET ${path}: timed out`)));
      req.on('error', fail);
      req.end();
    });
  }

  async getJson(path: string, accept?: string): Promise<unknown> {
    return JSON.parse((await this.get(path, accept)).toString('utf8'));
  }
}

/** One request as the tool sends it. */
interface Request {
  path: string;
  accept?: string;
}

/** Every request `assess` sends, in the order it sends them: /version, discovery, then each list's pages. */
interface RequestPlan {
  types: ResourceType[];
  discovery: Request[];
  lists: Array<{ path: string; limit: number }>;
  /** Every request, pages with their continue tokens (the fake server's tokens are stable). */
  requests: Request[];
  bytes: number;
}

/** The types `assess` with a backup lists: the inventory's plus the backup's, from discovery. */
async function typesAssessLists(client: {
  getJson(path: string, accept?: string): Promise<unknown>;
}): Promise<ResourceType[]> {
  const adapter: DiscoveryClient = {
    getJson: (path, _query, _signal, options) => client.getJson(path, options?.accept),
  };
  const discovered = await discoverServedTypes(adapter);
  return typesToList(discovered, (d) => selectTypes(d, (type) => backupWants(type, 'include')));
}

/** The page size the live source asks for (CRDs, with their large schemas, come in smaller pages). */
function pageSizeOf(type: ResourceType): number {
  return type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition'
    ? CRD_PAGE_SIZE
    : DEFAULT_PAGE_SIZE;
}

function listPath(type: ResourceType): string {
  return type.group === '' ? `/api/v1/${type.plural}` : `/apis/${type.group}/${type.version}/${type.plural}`;
}

async function recordRequests(server: ServerInfo, concurrency: number): Promise<RequestPlan> {
  const client = new PlainClient(server, concurrency);
  try {
    const discovery: Request[] = [{ path: '/version' }];
    await client.getJson('/version');
    const types = await typesAssessLists({
      getJson: (path, accept) => {
        discovery.push({ path, accept });
        return client.getJson(path, accept);
      },
    });
    const lists = types.map((type) => ({ path: listPath(type), limit: pageSizeOf(type) }));
    const pages: string[][] = lists.map(() => []);
    let next = 0;
    const worker = async () => {
      while (next < lists.length) {
        const index = next++;
        const { path, limit } = lists[index]!;
        let token: string | undefined;
        do {
          const page = `${path}?limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
          pages[index]!.push(page);
          const list = (await client.getJson(page)) as { metadata?: { continue?: string } };
          token = list.metadata?.continue || undefined;
        } while (token);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const listRequests = pages.flat().map((path) => ({ path }));
    return { types, discovery, lists, requests: [...discovery, ...listRequests], bytes: client.bytes };
  } finally {
    client.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// (1) The floor: curl downloads every recorded request into /dev/null, --concurrency at once
// ---------------------------------------------------------------------------------------------------------

function curlAvailable(): boolean {
  return spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function curlPass(server: ServerInfo, plan: RequestPlan, concurrency: number): Promise<Measured> {
  const dir = await tempDir('cozy-bench-curl-');
  try {
    const ca = join(dir, 'ca.pem');
    const config = join(dir, 'requests.curl');
    await writeFile(ca, server.caPem);
    // One operation per request (`next`), each with its own headers, as the tool sends them.
    const operation = ({ path, accept }: Request) =>
      [
        `url = "${server.url}${path}"`,
        'output = "/dev/null"',
        'fail',
        `cacert = "${ca}"`,
        `header = "Authorization: Bearer ${server.token}"`,
        `header = "Accept: ${accept ?? 'application/json'}"`,
      ].join('\n');
    await writeFile(config, `${plan.requests.map(operation).join('\nnext\n')}\n`);
    const args = ['--silent', '--show-error', '--parallel', '--parallel-max', String(concurrency)];
    args.push('--config', config);
    const { measured, result } = await timed('curl', args, { timeoutMs: 30 * MINUTE });
    if (result.code !== 0) throw new Error(`curl failed (${result.code}):\n${result.stderr.slice(-2000)}`);
    return measured;
  } finally {
    await removeTemp(dir);
  }
}

// ---------------------------------------------------------------------------------------------------------
// (2) The Node-script floor: download, parse, write while hashing, fsync, re-read and re-hash
// ---------------------------------------------------------------------------------------------------------

async function nodeFloorPass(server: ServerInfo, plan: RequestPlan, concurrency: number): Promise<Measured> {
  const dir = await tempDir('cozy-bench-node-');
  try {
    const planFile = join(dir, 'plan.json');
    const { url, caPem, token } = server;
    const out = join(dir, 'out');
    await writeFile(
      planFile,
      JSON.stringify({ url, caPem, token, concurrency, discovery: plan.discovery, lists: plan.lists, out }),
    );
    const { measured, result } = await timed(process.execPath, [NODE_FLOOR, planFile], {
      timeoutMs: 30 * MINUTE,
    });
    if (result.code !== 0)
      throw new Error(`the Node-script floor failed (${result.code}):\n${result.stderr.slice(-2000)}`);
    return measured;
  } finally {
    await removeTemp(dir);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Timing a child: wall clock here, CPU and peak RSS from GNU time -v
// ---------------------------------------------------------------------------------------------------------

const GNU_TIME = '/usr/bin/time';
const hasGnuTime =
  existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-v', 'true'], { stdio: 'ignore' }).status === 0;

/**
 * Runs a command under GNU time (CPU and peak RSS from its report). Without GNU time, a Node child reports its
 * own `process.resourceUsage()` through a preloaded hook; other commands get wall time only.
 */
async function timed(
  command: string,
  args: string[],
  opts: { timeoutMs: number; cwd?: string },
): Promise<{ measured: Measured; result: RunResult }> {
  const load = loadavg()[0]!;
  if (hasGnuTime) {
    const result = await run(GNU_TIME, ['-v', command, ...args], opts);
    const field = (name: string) =>
      Number(new RegExp(`${name}: ([\\d.]+)`).exec(result.stderr)?.[1] ?? Number.NaN);
    return {
      result,
      measured: {
        // GNU time's wall clock includes its own fork/exec: negligible next to seconds.
        ms: result.ms,
        cpuS: field('User time \\(seconds\\)') + field('System time \\(seconds\\)'),
        rssMb: field('Maximum resident set size \\(kbytes\\)') / 1024,
        load,
      },
    };
  }
  if (command !== process.execPath) {
    const result = await run(command, args, opts);
    return { result, measured: { ms: result.ms, cpuS: Number.NaN, rssMb: Number.NaN, load } };
  }
  const dir = await tempDir('cozy-bench-usage-');
  try {
    const usageFile = join(dir, 'usage.json');
    const hook = `process.on('exit',()=>process.getBuiltinModule('node:fs').writeFileSync(${JSON.stringify(usageFile)},JSON.stringify(process.resourceUsage())))`;
    const result = await run(command, ['--import', `data:text/javascript,${hook}`, ...args], opts);
    const usage = JSON.parse(
      await readFile(usageFile, 'utf8').catch(() => '{}'),
    ) as Partial<NodeJS.ResourceUsage>;
    return {
      result,
      measured: {
        ms: result.ms,
        cpuS: ((usage.userCPUTime ?? Number.NaN) + (usage.systemCPUTime ?? Number.NaN)) / 1e6,
        rssMb: (usage.maxRSS ?? Number.NaN) / 1024,
        load,
      },
    };
  } finally {
    await removeTemp(dir);
  }
}

// ---------------------------------------------------------------------------------------------------------
// (3) The operator's kubectl script
// ---------------------------------------------------------------------------------------------------------

function kubectlAvailable(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

function kubectlScript(types: ResourceType[], kubeconfig: string, cacheDir: string): string {
  const lines = [
    'set -euo pipefail',
    // plural.version.group: a name kubectl resolves from its discovery cache (with plural.group it first
    // tries the dotted name as resource.version.group, misses, and fetches discovery again for every type).
    `k() { kubectl --kubeconfig '${kubeconfig}' --cache-dir '${cacheDir}' --request-timeout=5m "$@"; }`,
  ];
  for (const type of types) {
    const key = typeKey(type);
    const name = type.group === '' ? type.plural : `${type.plural}.${type.version}.${type.group}`;
    // Backup types as YAML (what one would restore from), resource states as JSON (what one would read).
    const format = categoryOf(type) === 'states' ? 'json' : 'yaml';
    lines.push(`k get '${name}' -A -o ${format} > '${key}.${format}'`);
  }
  lines.push('sha256sum -- *.yaml *.json > SHA256SUMS');
  return `${lines.join('\n')}\n`;
}

async function kubectlPass(types: ResourceType[], server: ServerInfo): Promise<Measured> {
  const dir = await tempDir('cozy-bench-kubectl-');
  try {
    const out = join(dir, 'out');
    await mkdir(out);
    const script = join(dir, 'backup.sh');
    await writeFile(script, kubectlScript(types, server.kubeconfigPath, join(dir, 'cache')));
    const { measured, result } = await timed('bash', [script], { timeoutMs: 30 * MINUTE, cwd: out });
    if (result.code !== 0)
      throw new Error(`kubectl script failed (${result.code}):\n${result.stderr.slice(-2000)}`);
    return measured;
  } finally {
    await removeTemp(dir);
  }
}

// ---------------------------------------------------------------------------------------------------------
// (4) cozy-assess assess
// ---------------------------------------------------------------------------------------------------------

async function assessPass(
  server: ServerInfo,
  concurrency: number,
): Promise<{ measured: Measured; exit: number; phases: Phases }> {
  const dir = await tempDir('cozy-bench-assess-');
  try {
    const args = [
      BIN,
      'assess',
      ...['--kubeconfig', server.kubeconfigPath, '--target', TARGET, '--concurrency', String(concurrency)],
      ...['--backup-dir', join(dir, 'backup'), '--report', join(dir, 'report.md')],
    ];
    const { measured, result } = await timed(process.execPath, args, { timeoutMs: 30 * MINUTE });
    if (![0, 3, 4].includes(result.code)) {
      throw new Error(`cozy-assess assess failed (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
    }
    return { measured, exit: result.code, phases: phasesOf(result) };
  } finally {
    await removeTemp(dir);
  }
}

/** Where an assess run's time went, from the arrival of its progress lines on stderr. */
interface Phases {
  /** Start-up: modules, kubeconfig, /version, discovery (until the scan starts). */
  startMs: number;
  /** The one pass: every list read, reduced to facts and written to the backup. */
  scanMs: number;
  /** Path, checks, decision. */
  checksMs: number;
  /** Manifest, SHA256SUMS, fsync, verification, rename. */
  backupCommitMs: number;
  /** Report rendering and exit. */
  restMs: number;
}

function phasesOf(result: RunResult): Phases {
  const at = (pattern: RegExp) => result.lines.find((l) => pattern.test(l.text))?.ms ?? Number.NaN;
  const scanStart = at(/Reading \d+ resource types/);
  const scanEnd = at(/done: Read \d+ objects|types could not be read/);
  const backupStart = at(/Writing and verifying the backup/);
  const backupEnd = at(/done: Backup|Backup .*(INCOMPLETE|failed)/);
  return {
    startMs: scanStart,
    scanMs: scanEnd - scanStart,
    checksMs: backupStart - scanEnd,
    backupCommitMs: backupEnd - backupStart,
    restMs: result.ms - backupEnd,
  };
}

/**
 * `cozy-assess --help` and, interleaved with it, `node -e 0`: Node's own start on this machine at this load,
 * the part of the help's time no change to the tool can remove.
 */
async function helpStart(): Promise<{ help: number[]; bareNode: number[] }> {
  const help: number[] = [];
  const bareNode: number[] = [];
  for (let i = 0; i < HELP_RUNS; i++) {
    const result = await run(process.execPath, [BIN, '--help'], { timeoutMs: MINUTE });
    if (result.code !== 0) throw new Error(`cozy-assess --help failed (${result.code}): ${result.stderr}`);
    help.push(result.ms);
    bareNode.push((await run(process.execPath, ['-e', '0'], { timeoutMs: MINUTE })).ms);
  }
  return { help, bareNode };
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medians(runs: readonly Measured[]): Medians {
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuS: median(runs.map((r) => r.cpuS)),
    rssMb: median(runs.map((r) => r.rssMb)),
  };
}

function medianPhases(runs: readonly Phases[]): Phases {
  const of = (key: keyof Phases) => median(runs.map((p) => p[key]));
  return {
    startMs: of('startMs'),
    scanMs: of('scanMs'),
    checksMs: of('checksMs'),
    backupCommitMs: of('backupCommitMs'),
    restMs: of('restMs'),
  };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const seconds = (ms: number | undefined) =>
  ms === undefined || Number.isNaN(ms) ? 'skipped' : `${(ms / 1000).toFixed(2)} s`;
const ratio = (r: number | undefined) => (r === undefined || Number.isNaN(r) ? 'n/a' : `${r.toFixed(2)}×`);
const mb = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(0)} MB`;
const cpu = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? 'n/a' : `${value.toFixed(2)} s`;

/** assess over another client's median wall time. */
function over(r: SizeResult, client: Client): number | undefined {
  const base = r.median[client]?.ms;
  const assess = r.median.assess?.ms;
  return base === undefined || assess === undefined ? undefined : assess / base;
}

function table(results: SizeResult[], helpMs: number, bareNodeMs: number, skipped: string[]): string {
  const header = [
    'pods',
    'objects',
    'served',
    'requests',
    ...CLIENTS.map((c) => CLIENT_LABEL[c]),
    '(4)/(1)',
    '(4)/(2)',
    '(4)/(3)',
  ];
  const rows = results.map((r) => [
    String(r.size.pods),
    String(r.objects),
    `${(r.servedBytes / 1e6).toFixed(0)} MB`,
    String(r.requests),
    ...CLIENTS.map((c) => seconds(r.median[c]?.ms)),
    ratio(over(r, 'curl')),
    ratio(over(r, 'node')),
    ratio(over(r, 'kubectl')),
  ]);
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
    'CPU time (user + sys) and peak RSS, medians:',
  ];
  for (const r of results) {
    const parts = CLIENTS.filter((c) => r.median[c]).map(
      (c) => `${c} ${cpu(r.median[c]!.cpuS)} / ${mb(r.median[c]!.rssMb)}`,
    );
    lines.push(`  ${r.size.pods} pods: ${parts.join(', ')}`);
  }
  lines.push('', 'where assess spends its time (medians):');
  for (const r of results) {
    const p = r.median.assessPhases;
    lines.push(
      `  ${r.size.pods} pods: start-up and discovery ${seconds(p.startMs)}, scan (lists → facts + backup files) ${seconds(p.scanMs)}, path and checks ${seconds(p.checksMs)}, backup commit and verification ${seconds(p.backupCommitMs)}, report ${seconds(p.restMs)}`,
    );
  }
  lines.push('', 'load average (1 min) at the start of each assess run:');
  for (const r of results)
    lines.push(`  ${r.size.pods} pods: ${(r.runs.assess ?? []).map((m) => m.load.toFixed(2)).join(', ')}`);
  lines.push(
    '',
    `cozy-assess --help: ${helpMs.toFixed(0)} ms (median of ${HELP_RUNS}); node -e 0: ${bareNodeMs.toFixed(0)} ms`,
  );
  for (const line of skipped) lines.push(line);
  return lines.join('\n');
}

function verdict(met: boolean | undefined): string {
  return met === undefined ? 'not measured' : met ? 'met' : 'MISSED';
}

function verdicts(results: SizeResult[], helpMs: number): string[] {
  const smallest = results[0]!;
  const largest = results[results.length - 1]!;
  const floorRatio = over(largest, 'curl');
  const kubectlRatio = over(largest, 'kubectl');
  const rss = largest.median.assess?.rssMb ?? Number.NaN;
  const out = [
    `targets at ${largest.size.pods} pods:`,
    `  assess ≤ ${TARGETS.overFloor}× the curl floor: ${ratio(floorRatio)} — ${verdict(floorRatio === undefined ? undefined : floorRatio <= TARGETS.overFloor)}`,
    `  peak RSS ≤ ${TARGETS.rssMb} MB: ${mb(rss)} — ${verdict(rss <= TARGETS.rssMb)}`,
  ];
  if (results.length > 1) {
    const growth = (client: Client, key: keyof Medians) => {
      const from = smallest.median[client]?.[key];
      const to = largest.median[client]?.[key];
      return from === undefined || to === undefined ? undefined : to / from;
    };
    const span = `${smallest.size.pods} → ${largest.size.pods} pods`;
    for (const [what, key] of [
      ['time', 'ms'],
      ['peak RSS', 'rssMb'],
    ] as const) {
      const assess = growth('assess', key);
      const floor = growth('curl', key);
      out.push(
        `  ${what} growth ${span} no faster than the floor's: assess ×${assess?.toFixed(2) ?? 'n/a'}, curl ×${floor?.toFixed(2) ?? 'n/a'} — ${verdict(assess === undefined || floor === undefined ? undefined : assess <= floor)}`,
      );
    }
  }
  out.push(
    `  --help ≤ ${TARGETS.helpMs} ms: ${helpMs.toFixed(0)} ms — ${verdict(helpMs <= TARGETS.helpMs)}`,
    `  (issue 8) assess ≤ 0.5× the kubectl script: ${ratio(kubectlRatio)} — ${verdict(kubectlRatio === undefined ? undefined : kubectlRatio <= 0.5)}`,
  );
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

async function snapshotFacts(dir: string): Promise<{ objects: number; bytes: number }> {
  const summary = await readFile(join(dir, '.complete'), 'utf8');
  const objects = Number(/wrote (\d+) objects/.exec(summary)?.[1] ?? 0);
  const du = spawnSync('du', ['-sb', dir], { encoding: 'utf8' });
  return { objects, bytes: Number(du.stdout.split('\t')[0] ?? 0) };
}

interface Clients {
  curl: boolean;
  kubectl: boolean;
}

async function benchSize(
  size: Size,
  seed: string,
  runs: number,
  concurrency: number,
  clients: Clients,
): Promise<SizeResult> {
  const dir = await ensureCluster(size, seed);
  const facts = await snapshotFacts(dir);
  log(`cluster ${size.pods} pods: starting the fake API server`);
  const server = await startServer(dir);
  try {
    // Untimed: records every request and warms the server (it caches each object's JSON on first use).
    const plan = await recordRequests(server.info, concurrency);
    log(
      `  ${plan.types.length} types, ${plan.requests.length} requests per pass, ${(plan.bytes / 1e6).toFixed(0)} MB served`,
    );
    const measured: Partial<Record<Client, Measured[]>> = {};
    const add = (client: Client, m: Measured) => {
      measured[client] = [...(measured[client] ?? []), m];
      return m;
    };
    const assessExit: number[] = [];
    const assessPhases: Phases[] = [];
    for (let i = 1; i <= runs; i++) {
      // Interleaved, so drift in machine load touches all clients alike.
      const parts: string[] = [];
      const note = (client: Client, m: Measured) =>
        parts.push(
          `${client} ${seconds(m.ms)} (CPU ${cpu(m.cpuS)}, ${mb(m.rssMb)}, load ${m.load.toFixed(1)})`,
        );
      if (clients.curl) note('curl', add('curl', await curlPass(server.info, plan, concurrency)));
      note('node', add('node', await nodeFloorPass(server.info, plan, concurrency)));
      if (clients.kubectl) note('kubectl', add('kubectl', await kubectlPass(plan.types, server.info)));
      const assess = await assessPass(server.info, concurrency);
      note('assess', add('assess', assess.measured));
      assessExit.push(assess.exit);
      assessPhases.push(assess.phases);
      log(`  run ${i}/${runs}: ${parts.join(', ')}, assess exit ${assess.exit}`);
    }
    const median: SizeResult['median'] = { assessPhases: medianPhases(assessPhases) };
    for (const client of CLIENTS) if (measured[client]) median[client] = medians(measured[client]!);
    return {
      size,
      objects: facts.objects,
      snapshotBytes: facts.bytes,
      requests: plan.requests.length,
      servedBytes: plan.bytes,
      runs: measured,
      assessExit,
      assessPhases,
      median,
    };
  } finally {
    await server.stop();
  }
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${flag}: expected a positive whole number, got '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '5000,50000' },
      runs: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '4' },
      'no-kubectl': { type: 'boolean', default: false },
      'generate-only': { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes!.split(',').map((s) => sizeFor(positiveInt(s.trim(), '--sizes')));
  sizes.sort((a, b) => a.pods - b.pods);
  const runs = Math.min(positiveInt(values.runs!, '--runs'), 20);
  const concurrency = positiveInt(values.concurrency!, '--concurrency');
  if (values['generate-only']) {
    for (const size of sizes) await ensureCluster(size, values.seed!);
    return;
  }
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first (npm run bench does)`);
  const clients: Clients = {
    curl: curlAvailable(),
    kubectl: !values['no-kubectl'] && kubectlAvailable(),
  };
  const skipped: string[] = [];
  if (!clients.curl) skipped.push('curl floor: skipped (curl is not installed)');
  if (!clients.kubectl)
    skipped.push(
      `kubectl script: skipped (${values['no-kubectl'] ? '--no-kubectl' : 'kubectl is not installed'})`,
    );
  for (const line of skipped) log(line);
  log(
    `CPU and peak RSS from ${hasGnuTime ? 'GNU time -v' : "each Node process's own process.resourceUsage()"}`,
  );

  const started = new Date();
  const loadBefore = loadavg();
  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await benchSize(size, values.seed!, runs, concurrency, clients));
  const helpRuns = await helpStart();
  const helpMs = median(helpRuns.help);
  const bareNodeMs = median(helpRuns.bareNode);
  const loadAfter = loadavg();

  const kubectlVersion = kubectlAvailable()
    ? spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout
    : '';
  const curlVersion = clients.curl
    ? (/^curl (\S+)/.exec(spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? null)
    : null;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    curl: curlVersion,
    kubectl: kubectlVersion
      ? ((JSON.parse(kubectlVersion) as { clientVersion?: { gitVersion?: string } }).clientVersion
          ?.gitVersion ?? null)
      : null,
    measuredWith: hasGnuTime ? 'GNU time -v' : 'process.resourceUsage()',
  };
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(' ');
  const text = [
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, curl ${machine.curl ?? 'absent'}, kubectl ${machine.kubectl ?? 'absent'}; medians of ${runs} runs, concurrency ${concurrency}, CPU and peak RSS from ${machine.measuredWith}`,
    `load average (1, 5, 15 min): ${load(loadBefore)} before, ${load(loadAfter)} after`,
    '',
    table(results, helpMs, bareNodeMs, skipped),
  ].join('\n');
  const targetLines = verdicts(results, helpMs);
  process.stdout.write(`\n${text}\n\n${targetLines.join('\n')}\n`);

  const document = {
    startedAt: started.toISOString(),
    command: `npm run bench -- --sizes ${sizes.map((s) => s.pods).join(',')} --runs ${runs} --seed ${values.seed} --concurrency ${concurrency}${values['no-kubectl'] ? ' --no-kubectl' : ''}`,
    machine,
    loadAverage: { before: loadBefore, after: loadAfter },
    runs,
    concurrency,
    pageSize: DEFAULT_PAGE_SIZE,
    helpMs: { median: helpMs, runs: helpRuns.help },
    bareNodeMs: { median: bareNodeMs, runs: helpRuns.bareNode },
    sizes: results,
    table: text,
    targets: targetLines,
  };
  const outDir = join(ROOT, 'bench-results');
  await mkdir(outDir, { recursive: true });
  const file = join(outDir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${file}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
