// Faults of a failing API server, through the fake one: each `assess` run (with and without a backup) ends by
// itself, either with the right verdict (the fault was retried through) or INCOMPLETE (exit 4) naming what could
// not be read. Never a crash (exit 1), never a hang, never GO on missing data. The runs are in-process with the
// retry backoff shortened (what is retried is under test, not how long it waits); the --timeout case runs the
// built binary, since the bound is on the process. The cluster is fixtures/healthy, GO when nothing goes wrong.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import type { KubeObject } from '../../src/cluster/types.js';
import { AssessmentSchema } from '../../src/model/assessment.js';
import { type Fault, startFakeApiServer } from '../support/fake-apiserver.js';
import { FAST_RETRY } from '../support/cli.js';
import {
  describeRun,
  fixture,
  type GuardedResult,
  runGuarded,
  runGuardedInProcess,
  tempFolder,
} from './guard.js';

interface FaultRun extends GuardedResult {
  verdict?: string;
  backupDir: string;
  requests: Array<{ path: string; status: number; query: Record<string, string> }>;
}

interface Scenario {
  /** null: serve only `objects` (default: fixtures/healthy plus `objects`). */
  snapshotDir?: string | null;
  faults?: Fault[];
  forbidden?: string[];
  objects?: KubeObject[];
  extra?: string[];
  /** Run the built binary instead of main() in-process. */
  binary?: boolean;
}

/** Runs `assess` twice against a fresh fake server per run: once with --no-backup, once with a backup. */
async function assessBoth(name: string, scenario: Scenario): Promise<[FaultRun, FaultRun]> {
  // The two runs use separate servers and folders, so they may run side by side.
  return Promise.all([assessOnce(name, scenario, false), assessOnce(name, scenario, true)]);
}

async function assessOnce(name: string, scenario: Scenario, backup: boolean): Promise<FaultRun> {
  const dir = await tempFolder(`cozy-faults-${name}-`);
  const server = await startFakeApiServer({
    snapshotDir: scenario.snapshotDir === null ? undefined : (scenario.snapshotDir ?? fixture('healthy')),
    faults: scenario.faults,
    forbidden: scenario.forbidden,
    objects: scenario.objects,
  });
  const tag = backup ? 'backup' : 'nobackup';
  const json = join(dir, `${tag}.json`);
  const backupDir = join(dir, `${tag}-backups`);
  try {
    const run = scenario.binary
      ? runGuarded
      : (args: string[]) => runGuardedInProcess(args, { live: { retry: FAST_RETRY } });
    const result = await run([
      'assess',
      '--kubeconfig',
      server.kubeconfigPath,
      '--target',
      'v0.37.2',
      ...(backup ? ['--backup-dir', backupDir] : ['--no-backup']),
      '--json',
      json,
      '--report',
      join(dir, `${tag}.md`),
      ...(scenario.extra ?? []),
    ]);
    const verdict = existsSync(json)
      ? AssessmentSchema.parse(JSON.parse(await readFile(json, 'utf8'))).verdict
      : undefined;
    return { ...result, verdict, backupDir, requests: [...server.requestLog] };
  } finally {
    await server.close();
  }
}

/** Ended by itself, no crash, and the exit code agrees with the verdict written. */
function assertEnded(run: FaultRun): void {
  assert.equal(run.hung, false, `the run hung: ${describeRun(run)}`);
  assert.notEqual(run.code, 1, `internal error: ${describeRun(run)}`);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at .+\(.+:\d+:\d+\)/, 'no crash, no stack trace');
  const byVerdict: Record<string, number> = { GO: 0, 'NO-GO': 3, INCOMPLETE: 4 };
  if (run.verdict) assert.equal(run.code, byVerdict[run.verdict], describeRun(run));
}

function assertRetriedThrough(run: FaultRun): void {
  assertEnded(run);
  assert.equal(run.code, 0, describeRun(run));
  assert.equal(run.verdict, 'GO');
}

/** INCOMPLETE (exit 4), never GO, naming what could not be read on stdout or stderr. */
function assertIncomplete(run: FaultRun, names: RegExp): void {
  assertEnded(run);
  assert.equal(run.code, 4, describeRun(run));
  if (run.verdict) assert.equal(run.verdict, 'INCOMPLETE');
  assert.match(`${run.stdout}\n${run.stderr}`, names, describeRun(run));
}

/** A backup folder was finished (renamed from its .partial name) or not. */
async function finishedBackups(run: FaultRun): Promise<string[]> {
  if (!existsSync(run.backupDir)) return [];
  return (await readdir(run.backupDir)).filter((name) => !name.startsWith('.'));
}

describe('assess retries transient API faults through to the right verdict', () => {
  it('429 Too Many Requests with Retry-After on pods: waited, retried, GO', async () => {
    const runs = await assessBoth('429', {
      faults: [{ target: 'pods', kind: 'status', code: 429, retryAfterSeconds: 1, times: 1 }],
    });
    for (const run of runs) {
      assertRetriedThrough(run);
      const pods = run.requests.filter((r) => r.path === '/api/v1/pods').map((r) => r.status);
      assert.deepEqual(pods.slice(0, 2), [429, 200], 'a 429 answer, then the list');
    }
    assert.equal((await finishedBackups(runs[1])).length, 1, 'the backup was finished');
  });

  it('a burst of 500s on every request (discovery included) and of 503s on nodes: GO', async () => {
    const runs = await assessBoth('5xx', {
      faults: [
        { target: '*', kind: 'status', code: 500, times: 3 },
        { target: 'nodes', kind: 'status', code: 503, times: 3 },
      ],
    });
    for (const run of runs) {
      assertRetriedThrough(run);
      assert.ok(run.requests.filter((r) => r.status === 500).length === 3, 'three 500 answers were sent');
      assert.ok(run.requests.filter((r) => r.status === 503).length === 3, 'three 503 answers were sent');
    }
  });

  it('a connection reset in the middle of the pods body: retried, GO', async () => {
    const runs = await assessBoth('reset', { faults: [{ target: 'pods', kind: 'reset', times: 2 }] });
    for (const run of runs) {
      assertRetriedThrough(run);
      assert.ok(run.requests.filter((r) => r.path === '/api/v1/pods').length >= 3, 'pods asked again');
    }
  });

  it('truncated JSON on nodes (the body ends half way): retried, GO', async () => {
    const runs = await assessBoth('truncate', { faults: [{ target: 'nodes', kind: 'truncate', times: 2 }] });
    for (const run of runs) assertRetriedThrough(run);
  });

  it('410 Expired on a continue token: the list restarts, every object exactly once, GO', async () => {
    // 1 200 extra ConfigMaps make the ConfigMap list span three pages of 500.
    const bulk: KubeObject[] = Array.from({ length: 1200 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `bulk-${String(i).padStart(4, '0')}`, namespace: 'bulk' },
      data: { index: String(i) },
    }));
    const runs = await assessBoth('410', {
      objects: bulk,
      faults: [{ target: 'configmaps', kind: 'expire-continue', times: 1 }],
    });
    for (const run of runs) {
      assertRetriedThrough(run);
      assert.ok(
        run.requests.some((r) => r.path === '/api/v1/configmaps' && r.status === 410),
        'the server answered 410 to a continue token',
      );
    }
    const [name] = await finishedBackups(runs[1]);
    assert.ok(name, 'the backup was finished');
    const source = await openSnapshotSource(join(runs[1].backupDir, name));
    const configMaps = (await source.discoverTypes()).find((t) => t.kind === 'ConfigMap');
    assert.ok(configMaps);
    const names: string[] = [];
    for await (const page of source.listPages(configMaps)) names.push(...page.map((o) => o.metadata.name));
    const bulkNames = names.filter((n) => n.startsWith('bulk-'));
    assert.equal(bulkNames.length, 1200, 'every bulk ConfigMap in the backup');
    assert.equal(new Set(names).size, names.length, 'no ConfigMap twice');
  });
});

describe('assess ends INCOMPLETE (exit 4), naming the type, when a fault does not go away', () => {
  it('403 Forbidden on pods', async () => {
    const runs = await assessBoth('403', { forbidden: ['pods'] });
    for (const run of runs) assertIncomplete(run, /Could not read pods \(forbidden/);
  });

  it('404 on the HelmRelease list (the CRD went away): the helmreleases check cannot run', async () => {
    const runs = await assessBoth('404', {
      faults: [{ target: 'helmreleases.helm.toolkit.fluxcd.io', kind: 'status', code: 404 }],
    });
    for (const run of runs)
      assertIncomplete(
        run,
        /Check helmreleases could not run: could not read helmreleases\.helm\.toolkit\.fluxcd\.io/,
      );
  });

  it('404 for an absent CRD: the HelmRelease CRD is not installed, the list answers 404, never GO, the type named', async () => {
    const healthy = await openSnapshotSource(fixture('healthy'));
    const objects: KubeObject[] = [];
    for (const type of await healthy.discoverTypes()) {
      for await (const page of healthy.listPages(type)) objects.push(...page);
    }
    const withoutCrd = objects.filter(
      (o) =>
        !(o.kind === 'CustomResourceDefinition' && o.metadata.name === 'helmreleases.helm.toolkit.fluxcd.io'),
    );
    assert.equal(withoutCrd.length, objects.length - 1, 'the CRD was in the fixture');
    const runs = await assessBoth('absent-crd', { snapshotDir: null, objects: withoutCrd });
    for (const run of runs) {
      assertIncomplete(run, /helmreleases\.helm\.toolkit\.fluxcd\.io/);
      // The tool still asks for the type it needs; the server answers 404, as for a CRD that is not installed.
      const asked = run.requests.filter((r) => r.path.includes('/helmreleases'));
      assert.ok(asked.length > 0 && asked.every((r) => r.status === 404), 'the list was answered 404');
    }
  });

  it('truncated JSON on every pods answer: retries give up, pods named', async () => {
    const runs = await assessBoth('truncate-always', { faults: [{ target: 'pods', kind: 'truncate' }] });
    for (const run of runs) assertIncomplete(run, /Could not read pods \(failed.*not complete JSON/);
    assert.deepEqual(await finishedBackups(runs[1]), [], 'no finished backup without the pods');
  });

  it('a pods answer slower than --request-timeout: pods named, no backup that looks complete', async () => {
    const runs = await assessBoth('slow', {
      faults: [{ target: 'pods', kind: 'latency', ms: 4000, times: 1 }],
      extra: ['--request-timeout', '500ms'],
    });
    for (const run of runs) assertIncomplete(run, /Could not read pods \(failed.*--request-timeout/);
    assert.deepEqual(await finishedBackups(runs[1]), []);
  });

  it('503 on every Secrets answer: only the backup lists them, so only the backup run is INCOMPLETE, even with --allow-partial', async () => {
    const faults: Fault[] = [{ target: 'secrets', kind: 'status', code: 503 }];
    const [withoutBackup, withBackup] = await assessBoth('secrets-503', { faults });
    assertRetriedThrough(withoutBackup);
    assert.ok(!withoutBackup.requests.some((r) => r.path === '/api/v1/secrets'), 'secrets not read');
    assertIncomplete(withBackup, /secrets/);
    const accepted = await assessOnce('secrets-503-partial', { faults, extra: ['--allow-partial'] }, true);
    // --allow-partial accepts types the account may not read, not a backup whose reading failed.
    assertIncomplete(accepted, /secrets/);
  });

  it('--timeout bounds the whole run: a server that stalls every request, --timeout 2s, exit 4 with a message', async () => {
    const runs = await assessBoth('stall', {
      faults: [{ target: '*', kind: 'latency', ms: 8000 }],
      extra: ['--timeout', '2s'],
      binary: true,
    });
    for (const run of runs) assertIncomplete(run, /did not finish within --timeout \(2000 ms\)/);
    assert.deepEqual(await finishedBackups(runs[1]), [], 'no backup folder left');
    if (existsSync(runs[1].backupDir)) assert.deepEqual(await readdir(runs[1].backupDir), []);
  });
});
