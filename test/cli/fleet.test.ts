// Fleet runs end to end: `assess` and `check` over several contexts of one kubeconfig, each a fake API server
// of its own (one unreachable, one slow), in-process. Rows in the order asked, the worst verdict as the exit
// code, one folder per context under --report-dir, the fleet's Markdown, bad flags before any read, a single
// --context unchanged, and request logs with GETs only.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { contextFolder } from '../../src/cli/fleet.js';
import { AssessmentSchema } from '../../src/model/assessment.js';
import { FleetAssessmentSchema } from '../../src/model/fleet.js';
import { FAST_RETRY, fixture, runBinary, runCli, startCli } from '../support/cli.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { closedPort } from '../support/net.js';
import { tempDirs } from '../support/temp.js';

const NOW = '2025-10-24T12:00:00Z';
const tempDir = tempDirs('cozy-fleet-');
const live = { retry: FAST_RETRY };

/** A context name with characters a path cannot hold as is. */
const ODD = 'admin@eu/prod';

let healthy: FakeApiServer;
let seed: FakeApiServer;
let slow: FakeApiServer;
let kubeconfig: string;
const env = () => ({ KUBECONFIG: kubeconfig });

/** One kubeconfig holding a context per server (kubectl's merged view of a fleet). */
async function fleetKubeconfig(
  dir: string,
  entries: Array<{ name: string; url: string; caPem?: string; token: string }>,
): Promise<string> {
  const file = join(dir, 'kubeconfig');
  await writeFile(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: entries.map((e, i) => ({
        name: `cluster-${i}`,
        cluster: {
          server: e.url,
          'certificate-authority-data': Buffer.from(e.caPem ?? healthy.caPem!).toString('base64'),
        },
      })),
      users: entries.map((e, i) => ({ name: `user-${i}`, user: { token: e.token } })),
      contexts: entries.map((e, i) => ({
        name: e.name,
        context: { cluster: `cluster-${i}`, user: `user-${i}` },
      })),
      'current-context': entries[0]!.name,
    }),
  );
  return file;
}

const getsOnly = (server: FakeApiServer) =>
  assert.deepEqual(new Set(server.requestLog.map((r) => r.method)), new Set(['GET']));

before(async () => {
  healthy = await startFakeApiServer({ snapshotDir: fixture('healthy'), token: 'h' });
  seed = await startFakeApiServer({ snapshotDir: fixture('seed-incident'), token: 's' });
  slow = await startFakeApiServer({
    snapshotDir: fixture('healthy'),
    token: 'w',
    faults: [{ kind: 'latency', ms: 60_000, target: 'pods' }],
  });
  const gone = await closedPort();
  kubeconfig = await fleetKubeconfig(await tempDir(), [
    { name: 'healthy', url: healthy.url, caPem: healthy.caPem, token: 'h' },
    { name: 'seed', url: seed.url, caPem: seed.caPem, token: 's' },
    { name: 'gone', url: `https://127.0.0.1:${gone}`, token: 'g' },
    { name: ODD, url: healthy.url, caPem: healthy.caPem, token: 'h' },
    { name: 'team,a', url: healthy.url, caPem: healthy.caPem, token: 'h' },
    { name: 'slow', url: slow.url, caPem: slow.caPem, token: 'w' },
  ]);
});
after(async () => {
  for (const server of [healthy, seed, slow]) await server?.close();
});

describe('assess on several contexts', () => {
  it('one row per context in the order asked, the worst verdict as exit code, a folder per context, only GETs', async () => {
    const dir = await tempDir();
    const result = await runCli(
      [
        'assess',
        '--context',
        `healthy,seed,gone,${ODD}`,
        '--target',
        'v0.37.2',
        '--no-backup',
        '--now',
        NOW,
        '--report-dir',
        join(dir, 'reports'),
        '--report',
        join(dir, 'fleet.md'),
        '-o',
        'json',
      ],
      { env: env(), live },
    );
    assert.equal(result.code, 3, result.stderr);
    const fleet = FleetAssessmentSchema.parse(JSON.parse(result.stdout));
    assert.equal(fleet.kind, 'FleetAssessment');
    assert.equal(fleet.verdict, 'NO-GO');
    assert.equal(fleet.exitCode, 3);
    assert.deepEqual(
      fleet.clusters.map((c) => [c.context, c.verdict, c.exitCode]),
      [
        ['healthy', 'GO', 0],
        ['seed', 'NO-GO', 3],
        ['gone', 'INCOMPLETE', 4],
        [ODD, 'GO', 0],
      ],
    );
    const gone = fleet.clusters[2]!;
    assert.match(gone.error!, /cannot reach the API server/);
    assert.deepEqual([gone.report, gone.json, gone.recommendation, gone.hours], [null, null, null, null]);

    const folders = (await readdir(join(dir, 'reports'))).sort();
    assert.deepEqual(folders, ['admin@eu%2Fprod', 'healthy', 'seed']);
    for (const row of fleet.clusters.filter((c) => c.error === null)) {
      assert.equal(row.report, join(dir, 'reports', contextFolder(row.context), 'report.md'));
      const assessment = AssessmentSchema.parse(JSON.parse(await readFile(row.json!, 'utf8')));
      assert.equal(assessment.cluster.context, row.context);
      assert.equal(assessment.verdict, row.verdict);
      assert.equal(assessment.recommendation, row.recommendation);
      assert.deepEqual(row.hours, {
        A: { min: assessment.options.A.hoursMin, max: assessment.options.A.hoursMax },
        C: { min: assessment.options.C.hoursMin, max: assessment.options.C.hoursMax },
      });
      assert.equal(row.version?.minorGap, assessment.version.minorGap);
      assert.match(
        await readFile(row.report!, 'utf8'),
        new RegExp(`^# CozyStack upgrade assessment: ${row.verdict}`),
      );
    }
    assert.equal(fleet.clusters[1]!.recommendation, 'C');
    assert.ok(fleet.clusters[1]!.topRootCause, 'the seed incident has a root cause to repair first');

    const markdown = await readFile(join(dir, 'fleet.md'), 'utf8');
    assert.match(markdown, /^# CozyStack upgrade assessment of 4 clusters: NO-GO$/m);
    assert.match(markdown, /^\| admin\\@eu\/prod \| \*\*GO\*\* \|/m, 'cluster text is escaped');
    assert.match(markdown, /^## Not assessed$/m);
    assert.match(markdown, /^- \*\*gone\*\* \(exit 4\): cannot reach the API server/m);
    assert.match(
      result.stderr,
      /^\[seed\] - Reading \d+ resource types/m,
      'progress lines name their cluster',
    );
    assert.match(result.stderr, /^CONTEXT +VERDICT/m, 'the table goes to stderr with -o json');
    getsOnly(healthy);
    getsOnly(seed);
  });

  it('a cluster past --timeout is an INCOMPLETE row; the others finish (each has its own deadline)', async () => {
    const result = await runCli(
      [
        'assess',
        '--context',
        'slow,healthy',
        '--target',
        'v0.37.2',
        '--no-backup',
        '--timeout',
        '5s',
        '-o',
        'json',
      ],
      { env: env(), live, cwd: await tempDir() },
    );
    assert.equal(result.code, 4, result.stderr);
    const fleet = FleetAssessmentSchema.parse(JSON.parse(result.stdout));
    assert.deepEqual(
      fleet.clusters.map((c) => [c.context, c.verdict]),
      [
        ['slow', 'INCOMPLETE'],
        ['healthy', 'GO'],
      ],
    );
    assert.match(
      fleet.clusters[0]!.error!,
      /^context slow did not finish within --timeout \(5000 ms\) \(it was at: Reading/,
    );
    getsOnly(slow);
  });

  it('a single --context is the run it always was; a context whose name holds a comma runs alone', async () => {
    const cwd = await tempDir();
    const single = await runCli(
      ['assess', '--context', 'healthy', '--target', 'v0.37.2', '--no-backup', '--now', NOW],
      {
        env: env(),
        live,
        cwd,
      },
    );
    assert.equal(single.code, 0, single.stderr);
    assert.match(single.stdout, /^Verdict: GO \(exit 0\)$/m);
    assert.doesNotMatch(single.stdout, /CONTEXT/);
    assert.deepEqual(await readdir(cwd), ['cozy-assess-report-2025-10-24.md']);
    const comma = await runCli(['check', '--context', 'team,a', '-o', 'json'], { env: env(), live });
    assert.equal(comma.code, 0, comma.stderr);
    assert.equal(JSON.parse(comma.stdout).source.context, 'team,a');
  });
});

describe('check on every context', () => {
  it('--all-contexts: the table of every context, the worst verdict, checks.json per context', async () => {
    const dir = await tempDir();
    const result = await runCli(
      ['check', '--all-contexts', '--parallel', '2', '--timeout', '5s', '--report-dir', dir],
      { env: env(), live },
    );
    assert.equal(result.code, 3, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0]!, /^CONTEXT +VERDICT +EXIT +REC +GAP +A \(h\) +C \(h\) +TOP ROOT CAUSE \/ ERROR$/);
    for (const [context, verdict] of [
      ['healthy', 'GO'],
      ['seed', 'NO-GO'],
      ['gone', 'INCOMPLETE'],
      [ODD, 'GO'],
      ['team,a', 'GO'],
      ['slow', 'INCOMPLETE'],
    ]) {
      assert.ok(
        lines.some((l) => l.startsWith(`${context} `) && l.includes(` ${verdict} `)),
        `${context} ${verdict}\n${result.stdout}`,
      );
    }
    assert.match(
      result.stdout,
      /^Fleet verdict: NO-GO \(exit 3\); 6 clusters: 3 GO, 1 NO-GO, 2 INCOMPLETE$/m,
    );
    assert.ok(existsSync(join(dir, 'seed', 'checks.json')));
    assert.ok(existsSync(join(dir, 'team%2Ca', 'checks.json')));
    assert.ok(!existsSync(join(dir, 'gone')));
  });

  it('the exit code is the worst verdict: INCOMPLETE over GO', async () => {
    const result = await runCli(['check', '--context', 'healthy,gone', '-o', 'yaml'], { env: env(), live });
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stdout, /^kind: FleetAssessment$/m);
    const both = await runCli(['check', '--context', `healthy,${ODD}`, '-q'], { env: env(), live });
    assert.equal(both.code, 0, both.stderr);
  });
});

describe('fleet flags: bad input before any cluster is read (exit 2)', () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      'an unknown context',
      ['check', '--context', 'healthy,nowhere'],
      /the kubeconfig has no context nowhere/,
    ],
    ['an empty name', ['check', '--context', 'healthy,,seed'], /an empty name in the list/],
    ['a name twice', ['check', '--context', 'healthy,healthy'], /--context names healthy twice/],
    [
      '--all-contexts with --context',
      ['check', '--all-contexts', '--context', 'a,b'],
      /cannot be combined with --context/,
    ],
    [
      '--report-dir on one cluster',
      ['check', '--context', 'healthy', '--report-dir', 'x'],
      /--report-dir is for a run on several clusters/,
    ],
    [
      '--parallel 0',
      ['check', '--context', 'healthy,seed', '--parallel', '0'],
      /--parallel: '0' is not a whole number/,
    ],
    [
      '--json on several clusters',
      ['assess', '--context', 'healthy,seed', '--json', 'a.json'],
      /--json writes one cluster's file/,
    ],
    ['--snapshot with a list', ['check', '--all-contexts', '--snapshot', '.'], /--snapshot reads one folder/],
    [
      '-o junit on several clusters',
      ['check', '--context', 'healthy,seed', '-o', 'junit'],
      /'check on several clusters' prints/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const requests = healthy.requestLog.length + seed.requestLog.length;
      const result = await runCli(args, { env: env(), live });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(healthy.requestLog.length + seed.requestLog.length, requests, 'nothing was read');
    });
  }
});

describe('a fleet run stopped by SIGTERM', () => {
  it('ends 143 while a cluster is still being read', async () => {
    const cli = startCli(['check', '--context', 'slow,healthy'], { env: env(), live });
    await cli.waitFor(/^\[slow\] - Reading/);
    cli.signal('SIGTERM');
    const result = await cli.done;
    assert.equal(result.code, 143, result.stderr);
    assert.match(result.stderr, /interrupted by SIGTERM/);
  });
});

describe('a fleet run through the built binary', () => {
  it('assess --context healthy,seed: the FleetAssessment on stdout, a folder per context, exit 3, only GETs', async () => {
    const dir = await tempDir();
    const before = healthy.requestLog.length + seed.requestLog.length;
    const result = await runBinary(
      [
        'assess',
        '--context',
        'healthy,seed',
        '--target',
        'v0.37.2',
        '--no-backup',
        '--now',
        NOW,
        '--report-dir',
        dir,
        '-o',
        'json',
      ],
      { env: env() },
    );
    assert.equal(result.code, 3, result.stderr);
    const fleet = FleetAssessmentSchema.parse(JSON.parse(result.stdout));
    assert.deepEqual(
      fleet.clusters.map((c) => [c.context, c.verdict, c.exitCode]),
      [
        ['healthy', 'GO', 0],
        ['seed', 'NO-GO', 3],
      ],
    );
    for (const name of ['healthy', 'seed'])
      assert.ok(
        existsSync(join(dir, name, 'report.md')) && existsSync(join(dir, name, 'assessment.json')),
        name,
      );
    assert.ok(healthy.requestLog.length + seed.requestLog.length > before, 'both clusters were read');
    getsOnly(healthy);
    getsOnly(seed);
  });
});
