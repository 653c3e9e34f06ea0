// The scale benchmark (issue 8): `npm run bench [-- --sizes 5000,50000 --runs 3 --seed 1 --concurrency 4]`.
//
// For each size it generates a synthetic cluster (scripts/generate-cluster.ts; cached under the OS temp
// folder by size, seed and generator source), serves it with the fake API server on 127.0.0.1 in a separate
// process, and measures against that one server, interleaved run by run:
//   1. the floor: every list the tool reads (discovery included), fetched with plain HTTPS GETs and
//      limit/continue pages into nothing, with the tool's concurrency;
//   2. the script an operator would write: `kubectl get <type> -A -o yaml > file` for the backup types,
//      `-o json` for the state types, then `sha256sum` (skipped when kubectl is absent);
//   3. `cozy-assess assess --target … --backup-dir …` (the built dist/cli/bin.js) with its peak RSS.
// Then `cozy-assess --help` start time. It prints a table and writes bench-results/<timestamp>.json.
// Bounded: a fixed number of runs, a time limit on every child, loopback only; servers and temporary
// folders are removed at the end, also on failure or Ctrl-C.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { categoryOf } from '../src/backup/layout.js';
import { backupWants, selectTypes } from '../src/backup/select.js';
import { typesToList } from '../src/cli/pipeline.js';
import { discoverServedTypes } from '../src/cluster/discovery.js';
import type { ApiClient } from '../src/cluster/http.js';
import { CRD_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../src/cluster/live.js';
import { type ResourceType, typeKey } from '../src/cluster/types.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
const MINUTE = 60_000;
const TARGET = 'v0.37.2';
const HELP_RUNS = 10;

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

interface SizeResult {
  size: Size;
  objects: number;
  snapshotBytes: number;
  listRequests: number;
  floorMs: number[];
  kubectlMs: number[] | null;
  assessMs: number[];
  assessRssMb: number[];
  assessExit: number[];
  assessPhases: Phases[];
  median: {
    floorMs: number;
    kubectlMs: number | null;
    assessMs: number;
    assessRssMb: number;
    assessOverFloor: number;
    assessOverKubectl: number | null;
    assessPhases: Phases;
  };
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
// (1) The floor: plain HTTPS GETs, pages into nothing
// ---------------------------------------------------------------------------------------------------------

class PlainClient {
  readonly agent: Agent;
  requests = 0;
  constructor(
    private readonly server: ServerInfo,
    concurrency: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: server.caPem });
  }

  /** GETs a path, keeping only the first bytes (where a list's `metadata.continue` is). */
  get(path: string): Promise<{ status: number; head: string; body?: string }> {
    this.requests++;
    return new Promise((done, fail) => {
      const req = request(
        `${this.server.url}${path}`,
        {
          agent: this.agent,
          headers: { Authorization: `Bearer ${this.server.token}`, Accept: 'application/json' },
        },
        (res) => {
          let head = '';
          res.on('data', (chunk: Buffer) => {
            if (head.length < 2048) head += chunk.toString('latin1', 0, Math.min(chunk.length, 2048));
          });
          res.on('end', () => done({ status: res.statusCode ?? 0, head }));
          res.on('error', fail);
        },
      );
      req.setTimeout(5 * MINUTE, () => req.destroy(new Error(`GET ${path}: timed out`)));
      req.on('error', fail);
      req.end();
    });
  }

  /** A whole small JSON answer (discovery). */
  getJson(path: string): Promise<unknown> {
    this.requests++;
    return new Promise((done, fail) => {
      const req = request(
        `${this.server.url}${path}`,
        { agent: this.agent, headers: { Authorization: `Bearer ${this.server.token}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 400) fail(new Error(`GET ${path}: HTTP ${res.statusCode}`));
            else done(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          });
          res.on('error', fail);
        },
      );
      req.setTimeout(MINUTE, () => req.destroy(new Error(`GET ${path}: timed out`)));
      req.on('error', fail);
      req.end();
    });
  }
}

/** The types `assess` with a backup lists: the inventory's plus the backup's, from discovery. */
async function typesAssessLists(client: PlainClient): Promise<ResourceType[]> {
  const adapter = { getJson: (path: string) => client.getJson(path) } as unknown as ApiClient;
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

async function floorPass(server: ServerInfo, concurrency: number): Promise<{ ms: number; requests: number }> {
  const started = performance.now();
  const client = new PlainClient(server, concurrency);
  try {
    await client.getJson('/version');
    const types = await typesAssessLists(client);
    let next = 0;
    const worker = async () => {
      while (next < types.length) {
        const type = types[next++]!;
        const path = listPath(type);
        let token: string | undefined;
        for (let page = 0; page < 100_000; page++) {
          const query = `?limit=${pageSizeOf(type)}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
          const { status, head } = await client.get(`${path}${query}`);
          if (status !== 200) throw new Error(`floor: GET ${path} gave HTTP ${status}`);
          token = /"continue":"([^"]+)"/.exec(head)?.[1];
          if (!token) break;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { ms: performance.now() - started, requests: client.requests };
  } finally {
    client.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// (2) The operator's kubectl script
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

async function kubectlPass(types: ResourceType[], server: ServerInfo): Promise<number> {
  const dir = await tempDir('cozy-bench-kubectl-');
  try {
    const out = join(dir, 'out');
    await mkdir(out);
    const script = join(dir, 'backup.sh');
    await writeFile(script, kubectlScript(types, server.kubeconfigPath, join(dir, 'cache')));
    const result = await run('bash', [script], { timeoutMs: 30 * MINUTE, cwd: out });
    if (result.code !== 0)
      throw new Error(`kubectl script failed (${result.code}):\n${result.stderr.slice(-2000)}`);
    return result.ms;
  } finally {
    await removeTemp(dir);
  }
}

// ---------------------------------------------------------------------------------------------------------
// (3) cozy-assess assess, with its peak RSS
// ---------------------------------------------------------------------------------------------------------

const GNU_TIME = '/usr/bin/time';
const hasGnuTime =
  existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-v', 'true'], { stdio: 'ignore' }).status === 0;

async function assessPass(
  server: ServerInfo,
  concurrency: number,
): Promise<{ ms: number; rssMb: number; exit: number; phases: Phases }> {
  const dir = await tempDir('cozy-bench-assess-');
  try {
    const rssFile = join(dir, 'maxrss');
    const args = [
      BIN,
      'assess',
      '--kubeconfig',
      server.kubeconfigPath,
      '--target',
      TARGET,
      '--concurrency',
      String(concurrency),
      '--backup-dir',
      join(dir, 'backup'),
      '--report',
      join(dir, 'report.md'),
    ];
    // GNU time reports the peak RSS; without it, the process reports its own (process.resourceUsage).
    const result = hasGnuTime
      ? await run(GNU_TIME, ['-v', process.execPath, ...args], { timeoutMs: 30 * MINUTE })
      : await run(
          process.execPath,
          [
            '--import',
            `data:text/javascript,process.on('exit',()=>require('node:fs').writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)))`.replace(
              "require('node:fs')",
              'process.getBuiltinModule("node:fs")',
            ),
            ...args,
          ],
          { timeoutMs: 30 * MINUTE },
        );
    if (![0, 3, 4].includes(result.code)) {
      throw new Error(`cozy-assess assess failed (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
    }
    const rssKb = hasGnuTime
      ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr)?.[1] ?? Number.NaN)
      : Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
    // GNU time's wall clock includes its own fork/exec: negligible next to seconds.
    return { ms: result.ms, rssMb: rssKb / 1024, exit: result.code, phases: phasesOf(result) };
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
  /** Manifest, SHA256SUMS, fsync, re-reading every file to verify it, rename. */
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

async function helpStart(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < HELP_RUNS; i++) {
    const result = await run(process.execPath, [BIN, '--help'], { timeoutMs: MINUTE });
    if (result.code !== 0) throw new Error(`cozy-assess --help failed (${result.code}): ${result.stderr}`);
    times.push(result.ms);
  }
  return times;
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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

const seconds = (ms: number | null) => (ms === null ? 'skipped' : `${(ms / 1000).toFixed(2)} s`);
const ratio = (r: number | null) => (r === null ? 'n/a' : `${r.toFixed(2)}×`);

function table(results: SizeResult[], helpMs: number, kubectlNote: string): string {
  const header = [
    'pods',
    'ConfigMaps',
    'Secrets',
    'CRDs',
    'objects',
    'floor (1)',
    'kubectl (2)',
    'assess (3)',
    '(3)/(1)',
    '(3)/(2)',
    'assess peak RSS',
  ];
  const rows = results.map((r) => [
    String(r.size.pods),
    String(r.size.configmaps),
    String(r.size.secrets),
    String(r.size.crds),
    String(r.objects),
    seconds(r.median.floorMs),
    seconds(r.median.kubectlMs),
    seconds(r.median.assessMs),
    ratio(r.median.assessOverFloor),
    ratio(r.median.assessOverKubectl),
    `${r.median.assessRssMb.toFixed(0)} MB`,
  ]);
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  lines.push('', 'where assess spends its time (medians):');
  for (const r of results) {
    const p = r.median.assessPhases;
    lines.push(
      `  ${r.size.pods} pods: start-up and discovery ${seconds(p.startMs)}, scan (lists → facts + backup files) ${seconds(p.scanMs)}, path and checks ${seconds(p.checksMs)}, backup commit and verification ${seconds(p.backupCommitMs)}, report ${seconds(p.restMs)}`,
    );
  }
  lines.push('', `cozy-assess --help: ${helpMs.toFixed(0)} ms (median of ${HELP_RUNS})`);
  if (kubectlNote) lines.push(kubectlNote);
  return lines.join('\n');
}

function verdicts(results: SizeResult[], helpMs: number): string[] {
  const smallest = results[0]!;
  const largest = results[results.length - 1]!;
  const out = [
    `targets at ${largest.size.pods} pods:`,
    `  assess ≤ 1.3× floor: ${ratio(largest.median.assessOverFloor)} — ${largest.median.assessOverFloor <= 1.3 ? 'met' : 'MISSED'}`,
    `  assess ≤ 0.5× kubectl script: ${ratio(largest.median.assessOverKubectl)} — ${
      largest.median.assessOverKubectl === null
        ? 'not measured'
        : largest.median.assessOverKubectl <= 0.5
          ? 'met'
          : 'MISSED'
    }`,
    `  peak RSS ≤ 300 MB: ${largest.median.assessRssMb.toFixed(0)} MB — ${largest.median.assessRssMb <= 300 ? 'met' : 'MISSED'}`,
  ];
  if (results.length > 1) {
    const growth = largest.median.assessRssMb / smallest.median.assessRssMb - 1;
    out.push(
      `  RSS growth ${smallest.size.pods} → ${largest.size.pods} pods ≤ 20 %: ${(growth * 100).toFixed(0)} % — ${growth <= 0.2 ? 'met' : 'MISSED'}`,
    );
  }
  out.push(`  --help < 300 ms: ${helpMs.toFixed(0)} ms — ${helpMs < 300 ? 'met' : 'MISSED'}`);
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

async function benchSize(
  size: Size,
  seed: string,
  runs: number,
  concurrency: number,
  withKubectl: boolean,
): Promise<SizeResult> {
  const dir = await ensureCluster(size, seed);
  const facts = await snapshotFacts(dir);
  log(`cluster ${size.pods} pods: starting the fake API server`);
  const server = await startServer(dir);
  try {
    const probe = new PlainClient(server.info, concurrency);
    const types = await typesAssessLists(probe);
    probe.agent.destroy();
    // Untimed warm-up: the server caches each object's JSON on first use; every measured client sees the warm server.
    const warm = await floorPass(server.info, concurrency);
    log(`  ${types.length} types, ${warm.requests} requests per pass; warm-up ${seconds(warm.ms)}`);
    const floorMs: number[] = [];
    const kubectlMs: number[] = [];
    const assessMs: number[] = [];
    const assessRssMb: number[] = [];
    const assessExit: number[] = [];
    const assessPhases: Phases[] = [];
    for (let i = 1; i <= runs; i++) {
      // Interleaved, so drift in machine load touches all three alike.
      const floor = await floorPass(server.info, concurrency);
      floorMs.push(floor.ms);
      if (withKubectl) kubectlMs.push(await kubectlPass(types, server.info));
      const assess = await assessPass(server.info, concurrency);
      assessMs.push(assess.ms);
      assessRssMb.push(assess.rssMb);
      assessExit.push(assess.exit);
      assessPhases.push(assess.phases);
      log(
        `  run ${i}/${runs}: floor ${seconds(floor.ms)}, kubectl ${withKubectl ? seconds(kubectlMs[i - 1]!) : 'skipped'}, assess ${seconds(assess.ms)} (exit ${assess.exit}, peak RSS ${assess.rssMb.toFixed(0)} MB)`,
      );
    }
    const m = {
      floorMs: median(floorMs),
      kubectlMs: withKubectl ? median(kubectlMs) : null,
      assessMs: median(assessMs),
      assessRssMb: median(assessRssMb),
    };
    return {
      size,
      objects: facts.objects,
      snapshotBytes: facts.bytes,
      listRequests: warm.requests,
      floorMs,
      kubectlMs: withKubectl ? kubectlMs : null,
      assessMs,
      assessRssMb,
      assessExit,
      assessPhases,
      median: {
        ...m,
        assessPhases: medianPhases(assessPhases),
        assessOverFloor: m.assessMs / m.floorMs,
        assessOverKubectl: m.kubectlMs === null ? null : m.assessMs / m.kubectlMs,
      },
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
  const withKubectl = !values['no-kubectl'] && kubectlAvailable();
  const kubectlNote = withKubectl
    ? ''
    : values['no-kubectl']
      ? 'kubectl script: skipped (--no-kubectl)'
      : 'kubectl script: skipped (kubectl is not installed)';
  if (kubectlNote) log(kubectlNote);
  log(`peak RSS from ${hasGnuTime ? 'GNU time -v' : "the process's own process.resourceUsage().maxRSS"}`);

  const started = new Date();
  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await benchSize(size, values.seed!, runs, concurrency, withKubectl));
  const helpRuns = await helpStart();
  const helpMs = median(helpRuns);

  const kubectlVersion = kubectlAvailable()
    ? spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout
    : '';
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    kubectl: kubectlVersion
      ? ((JSON.parse(kubectlVersion) as { clientVersion?: { gitVersion?: string } }).clientVersion
          ?.gitVersion ?? null)
      : null,
    rssFrom: hasGnuTime ? 'GNU time -v' : 'process.resourceUsage().maxRSS',
  };
  const text = [
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, kubectl ${machine.kubectl ?? 'absent'}; medians of ${runs} runs, concurrency ${concurrency}, peak RSS from ${machine.rssFrom}`,
    '',
    table(results, helpMs, kubectlNote),
  ].join('\n');
  const targetLines = verdicts(results, helpMs);
  process.stdout.write(`\n${text}\n\n${targetLines.join('\n')}\n`);

  const document = {
    startedAt: started.toISOString(),
    command: `npm run bench -- --sizes ${sizes.map((s) => s.pods).join(',')} --runs ${runs} --seed ${values.seed} --concurrency ${concurrency}`,
    machine,
    runs,
    concurrency,
    pageSize: DEFAULT_PAGE_SIZE,
    helpMs: { median: helpMs, runs: helpRuns },
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
