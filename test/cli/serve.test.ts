// `cozy-assess serve` end to end: in-process against snapshots and fake API servers (metrics scraped and read
// strictly, the documents served, a failed run counted while the last good assessment stays, series that follow
// the cluster, SIGTERM mid-run), and once through the binary. Request logs prove it only reads.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readdir, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssessmentSchema } from '../../src/model/assessment.js';
import { isActive } from '../../src/model/policy.js';
import { READINESS_METRICS } from '../../src/report/metrics.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { FAST_RETRY, fixture, type RunningCli, runBinary, runCli, startCli } from '../support/cli.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { closedPort } from '../support/net.js';
import { type PromFamily, parsePrometheusText } from '../support/prometheus-text.js';
import { tempDirs } from '../support/temp.js';

const NOW = '2025-10-24T12:00:00Z';
const tempDir = tempDirs('cozy-serve-');
const servers: FakeApiServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

/** The bound the issue sets for a stop: a few seconds, with room for a loaded machine. */
const STOP_BOUND_MS = 10_000;

async function endsWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  // The deadline is cancelled once the race is decided: a pending timer would keep the file alive for `ms`.
  const deadline = new AbortController();
  const timer = sleep(ms, undefined, { signal: deadline.signal }).then(() => {
    throw new Error(`${what} did not happen within ${ms} ms`);
  });
  try {
    return await Promise.race([promise, timer]);
  } finally {
    deadline.abort();
  }
}

async function serving(cli: RunningCli): Promise<string> {
  const [, url] = await cli.waitFor(/^serving on (http:\/\/\S+):/);
  return url!;
}

async function get(url: string, path: string, method = 'GET') {
  const response = await fetch(`${url}${path}`, { method });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

async function scrape(url: string): Promise<Map<string, PromFamily>> {
  const response = await get(url, '/metrics');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(response.body);
}

/** The value of the one sample of `name` whose labels include `labels`. */
function value(
  families: Map<string, PromFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const samples = families.get(name)?.samples ?? [];
  const found = samples.filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}

async function stop(cli: RunningCli) {
  cli.signal('SIGTERM');
  return endsWithin(cli.done, STOP_BOUND_MS, 'the stop after SIGTERM');
}

describe('serve on a snapshot', () => {
  it('serves exactly the readiness metrics the assessment holds, the documents, probes; SIGTERM ends it 0', async () => {
    const cli = startCli([
      'serve',
      '--snapshot',
      fixture('seed-incident'),
      '--target',
      'v0.37.2',
      '--now',
      NOW,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '1h',
    ]);
    const url = await serving(cli);
    await cli.waitFor(/ run 1: NO-GO/);

    const json = await get(url, '/assessment.json');
    assert.equal(json.status, 200);
    assert.match(json.headers.get('content-type')!, /^application\/json/);
    assert.equal(json.headers.get('cozy-assess-stale'), null);
    const assessment = AssessmentSchema.parse(JSON.parse(json.body));
    assert.equal(assessment.verdict, 'NO-GO');

    const families = await scrape(url);
    const ours = [...families.keys()].filter((name) => name.startsWith('cozy_assess_')).sort();
    assert.deepEqual(
      ours,
      Object.values(READINESS_METRICS)
        .map((m) => m.name)
        .sort(),
    );
    for (const spec of Object.values(READINESS_METRICS)) {
      const family = families.get(spec.name)!;
      assert.equal(family.type, spec.name.endsWith('_total') ? 'counter' : 'gauge', spec.name);
      assert.ok(family.help, `${spec.name} has help`);
      for (const sample of family.samples) {
        assert.deepEqual(Object.keys(sample.labels).sort(), [...spec.labels].sort(), spec.name);
      }
    }
    assert.deepEqual(
      families.get('cozy_assess_verdict')!.samples.map((s) => [s.labels.verdict, s.value]),
      [
        ['GO', 0],
        ['NO-GO', 1],
        ['INCOMPLETE', 0],
      ],
    );
    const findingSamples = families.get('cozy_assess_findings')!.samples;
    assert.equal(
      findingSamples.reduce((sum, s) => sum + s.value, 0),
      assessment.findings.filter(isActive).length,
    );
    const blockingFails = assessment.findings.filter((f) => isActive(f) && f.status === 'fail' && f.blocking);
    assert.equal(
      findingSamples
        .filter((s) => s.labels.status === 'fail' && s.labels.blocking === 'true')
        .reduce((n, s) => n + s.value, 0),
      blockingFails.length,
    );
    assert.equal(value(families, 'cozy_assess_root_causes'), assessment.rootCauses.length);
    for (const option of ['A', 'C'] as const) {
      assert.equal(
        value(families, 'cozy_assess_option_hours', { option, bound: 'min' }),
        assessment.options[option].hoursMin,
      );
      assert.equal(
        value(families, 'cozy_assess_option_hours', { option, bound: 'max' }),
        assessment.options[option].hoursMax,
      );
      assert.equal(
        value(families, 'cozy_assess_option_success_ratio', { option, bound: 'max' }),
        assessment.options[option].successMax / 100,
      );
    }
    assert.equal(value(families, 'cozy_assess_version_minor_gap'), assessment.version.minorGap);
    assert.equal(value(families, 'cozy_assess_run_errors_total'), 0);
    const lastRun = value(families, 'cozy_assess_last_run_timestamp_seconds')!;
    assert.ok(Math.abs(lastRun - Date.now() / 1000) < 600, 'the last run is the real time, not --now');
    assert.ok(value(families, 'cozy_assess_run_duration_seconds')! > 0);
    for (const processMetric of [
      'process_cpu_user_seconds_total',
      'process_start_time_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      assert.ok(families.has(processMetric), processMetric);
    }

    assert.equal((await get(url, '/report.md')).body, renderMarkdown(assessment));
    const html = await get(url, '/report.html');
    assert.match(html.body, /^<!doctype html>/i);
    assert.match(html.headers.get('content-security-policy')!, /default-src 'none'/);
    assert.deepEqual(await get(url, '/healthz').then((r) => [r.status, r.body]), [200, 'ok\n']);
    const ready = await get(url, '/readyz');
    assert.equal(ready.status, 200);
    assert.match(ready.body, /^ready: serving the assessment of .* \(NO-GO\)$/m);
    const head = await get(url, '/report.md', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal((await get(url, '/nothing')).status, 404);
    const post = await get(url, '/metrics', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');

    const result = await stop(cli);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /stopped by SIGTERM: no longer serving/);
    assert.match(result.stdout, /^Served 1 run \(0 failed\); the latest assessment: NO-GO at /);
    await assert.rejects(fetch(`${url}/healthz`), 'nothing listens any more');
  });

  it('follows the cluster: a series the new assessment lacks disappears, and memory holds one assessment', async () => {
    const dir = await tempDir();
    const current = join(dir, 'current');
    await symlink(fixture('seed-incident'), current);
    const cli = startCli([
      'serve',
      '--snapshot',
      current,
      '--target',
      'v0.37.2',
      '--now',
      NOW,
      '--listen',
      '127.0.0.1:0',
      '--interval',
      '1ms',
    ]);
    const url = await serving(cli);
    await cli.waitFor(/ run 2: NO-GO/);
    const before = await scrape(url);
    assert.ok(value(before, 'cozy_assess_findings', { check: 'cni-agent', status: 'fail' })! >= 1);
    // The folder now holds the repaired cluster: the next runs read it.
    await unlink(current);
    await symlink(fixture('seed-repaired'), current);
    const [, repairedRun] = await cli.waitFor(/ run (\d+): GO/);
    await cli.waitFor(new RegExp(` run ${Number(repairedRun) + 8}: GO`));
    const families = await scrape(url);
    const assessment = AssessmentSchema.parse(JSON.parse((await get(url, '/assessment.json')).body));
    assert.equal(value(families, 'cozy_assess_verdict', { verdict: 'GO' }), 1);
    assert.equal(value(families, 'cozy_assess_findings', { check: 'cni-agent', status: 'fail' }), undefined);
    const labelSets = families.get('cozy_assess_findings')!.samples.map((s) => JSON.stringify(s.labels));
    const expected = new Set(
      assessment.findings
        .filter(isActive)
        .map((f) =>
          JSON.stringify({ check: f.check, status: f.status, scope: f.scope, blocking: String(f.blocking) }),
        ),
    );
    assert.deepEqual(new Set(labelSets), expected, 'exactly the label sets of the latest assessment');
    const result = await stop(cli);
    assert.equal(result.code, 0, result.stderr);
  });
});

describe('serve on a live cluster', () => {
  it('a failed run is counted and the last good assessment stays served, saying so; only GETs', async () => {
    const server = await startFakeApiServer({ snapshotDir: fixture('healthy'), token: 't' });
    servers.push(server);
    const cli = startCli(
      [
        'serve',
        '--kubeconfig',
        server.kubeconfigPath,
        '--target',
        'v0.37.2',
        '--listen',
        '127.0.0.1:0',
        '--interval',
        '10ms',
        '--request-timeout',
        '2s',
      ],
      { live: { retry: FAST_RETRY } },
    );
    const url = await serving(cli);
    await cli.waitFor(/ run 2: GO/);
    await server.close();
    const [, failedRun] = await cli.waitFor(/ run (\d+) failed after .*still serving the assessment of/);

    const families = await scrape(url);
    assert.ok(value(families, 'cozy_assess_run_errors_total')! >= 1);
    assert.equal(value(families, 'cozy_assess_verdict', { verdict: 'GO' }), 1, 'the last good verdict stays');
    const ready = await get(url, '/readyz');
    assert.equal(ready.status, 200);
    assert.match(ready.body, /it is the last good one: run \d+ at .* failed: /);
    const json = await get(url, '/assessment.json');
    assert.equal(AssessmentSchema.parse(JSON.parse(json.body)).verdict, 'GO');
    const stale = json.headers.get('cozy-assess-stale') ?? '';
    assert.match(stale, /^run \d+ at \S+ failed: /);
    const failedAt = Date.parse(/ at (\S+) failed/.exec(stale)![1]!);
    assert.ok(
      Date.parse(json.headers.get('last-modified')!) <= failedAt,
      'the assessment served is older than the failure',
    );
    assert.ok(Number(failedRun) >= 3);

    const result = await stop(cli);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Served \d+ runs \([1-9]\d* failed\); the latest assessment: GO/);
    assert.ok(server.requestLog.length > 0);
    assert.deepEqual(new Set(server.requestLog.map((r) => r.method)), new Set(['GET']));
  });

  it('an unreachable cluster from the start: not ready, no verdict, the error counted; it keeps serving', async () => {
    const port = await closedPort();
    const dir = await tempDir();
    const kubeconfig = join(dir, 'kubeconfig');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: gone, context: {cluster: c, user: u}}]\ncurrent-context: gone\n`,
    );
    const cli = startCli(
      ['serve', '--kubeconfig', kubeconfig, '--listen', '127.0.0.1:0', '--interval', '1h'],
      { live: { retry: FAST_RETRY } },
    );
    const url = await serving(cli);
    await cli.waitFor(/ run 1 failed after .*: .*no assessment to serve yet/);
    const families = await scrape(url);
    assert.equal(value(families, 'cozy_assess_run_errors_total'), 1);
    assert.deepEqual(families.get('cozy_assess_verdict')?.samples, []);
    assert.deepEqual(families.get('cozy_assess_last_run_timestamp_seconds')?.samples, []);
    const ready = await get(url, '/readyz');
    assert.equal(ready.status, 503);
    assert.match(ready.body, /^not ready: no assessment yet; run 1 at .* failed: /);
    assert.equal((await get(url, '/report.md')).status, 503);
    assert.equal((await get(url, '/healthz')).status, 200);
    const result = await stop(cli);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Served 1 run \(1 failed\); no assessment was made/);
  });

  it('SIGTERM during a run with --backup: the run is abandoned, no backup folder is left, exit 0 within a few seconds', async () => {
    const server = await startFakeApiServer({
      snapshotDir: fixture('healthy'),
      token: 't',
      faults: [{ kind: 'latency', ms: 30_000, target: 'pods' }],
    });
    servers.push(server);
    const dir = await tempDir();
    const cli = startCli(
      [
        'serve',
        '--kubeconfig',
        server.kubeconfigPath,
        '--listen',
        '127.0.0.1:0',
        '--backup',
        '--no-secrets',
        '--backup-dir',
        join(dir, 'backups'),
      ],
      { live: { retry: FAST_RETRY } },
    );
    const url = await serving(cli);
    // Run 1 waits on the pods list; the backup folder exists and is partial.
    while (!server.requestLog.some((r) => r.path.endsWith('/pods'))) await sleep(20);
    assert.equal((await get(url, '/readyz')).body, 'not ready: run 1 (the first) is under way\n');
    const result = await stop(cli);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /run 1 abandoned: the process is stopping/);
    assert.match(result.stdout, /no assessment was made/);
    const left = await readdir(join(dir, 'backups')).catch(() => []);
    assert.deepEqual(left, [], 'the partial backup folder was removed');
    assert.deepEqual(new Set(server.requestLog.map((r) => r.method)), new Set(['GET']));
  });
});

describe('serve: bad input before serving (exit 2)', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['--listen without a port', ['--listen', 'localhost'], /--listen: 'localhost' is not ADDR:PORT/],
    ['--listen port out of range', ['--listen', ':70000'], /is not ADDR:PORT/],
    ['--interval 0', ['--interval', '0'], /--interval: '0' is not longer than 0/],
    ['--interval nonsense', ['--interval', 'hourly'], /--interval: 'hourly' is not a duration/],
    ['-o markdown', ['-o', 'markdown'], /'serve' prints table, json or yaml, not markdown/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const result = await runCli(['serve', '--snapshot', fixture('healthy'), ...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    });
  }

  it('an address already in use is named', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const { port } = taken.address() as { port: number };
    try {
      const result = await runCli([
        'serve',
        '--snapshot',
        fixture('healthy'),
        '--listen',
        `127.0.0.1:${port}`,
      ]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(`--listen 127.0.0.1:${port}: cannot listen: the address is already in use`),
      );
    } finally {
      taken.close();
    }
  });
});

describe('serve through the binary', () => {
  it('scraped, then SIGTERM: exit 0 within a few seconds, the summary on stdout', async () => {
    let scraped: Map<string, PromFamily> | undefined;
    let signalled = 0;
    const result = await endsWithin(
      runBinary(
        [
          'serve',
          '--snapshot',
          fixture('healthy'),
          '--target',
          'v0.37.2',
          '--listen',
          '127.0.0.1:0',
          '--interval',
          '1h',
        ],
        {
          onSpawn: (child) => {
            let stderr = '';
            child.stderr?.on('data', async (chunk: Buffer) => {
              stderr += chunk.toString();
              const url = /serving on (http:\/\/\S+):/.exec(stderr)?.[1];
              if (!url || !/ run 1: /.test(stderr) || signalled) return;
              signalled = Date.now();
              scraped = await scrape(url);
              child.kill('SIGTERM');
            });
          },
        },
      ),
      60_000,
      'the binary serving, scraped and stopped',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(value(scraped!, 'cozy_assess_verdict', { verdict: 'GO' }), 1);
    assert.match(result.stdout, /^Served 1 run \(0 failed\); the latest assessment: GO/);
  });
});
