// List paging against a misbehaving API server (issue 12), through the CLI and the fake server: a 200 answer
// without items is a failed type, never an empty list; a continue token given again ends its type as failed at
// once instead of paging in circles until --timeout; a page too large to parse fails its type (exit 4) and says
// which --chunk-size to use; --chunk-size (kubectl's name, default 500) is what every listing command asks for;
// and many retries at once raise no MaxListenersExceededWarning.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Fault, type LoggedRequest, startFakeApiServer } from '../support/fake-apiserver.js';
import { FAST_RETRY, runCli, startCli } from '../support/cli.js';
import { describeRun, fixture, type GuardedResult, runGuardedInProcess, tempFolder } from './guard.js';

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+\)?\n|internal error/);

interface PagedRun extends GuardedResult {
  requests: LoggedRequest[];
}

async function checkAgainst(
  faults: Fault[],
  extra: string[] = [],
  live: { maxAnswerBytes?: number; attempts?: number } = {},
): Promise<PagedRun> {
  const server = await startFakeApiServer({ snapshotDir: fixture('healthy'), faults });
  try {
    const result = await runGuardedInProcess(['check', '--kubeconfig', server.kubeconfigPath, ...extra], {
      live: {
        retry: { ...FAST_RETRY, ...(live.attempts ? { attempts: live.attempts } : {}) },
        maxAnswerBytes: live.maxAnswerBytes,
      },
      env: { GITHUB_STEP_SUMMARY: undefined },
    });
    return { ...result, requests: [...server.requestLog] };
  } finally {
    await server.close();
  }
}

const podLists = (run: PagedRun) => run.requests.filter((r) => r.path === '/api/v1/pods');

describe('list answers that are no list, or never end', () => {
  it('a 200 answer without items is a failed type, not an empty list: exit 4, pods named', async () => {
    const run = await checkAgainst([{ target: 'pods', kind: 'no-items' }]);
    assert.equal(run.hung, false);
    assert.equal(run.code, 4, describeRun(run));
    assert.match(run.stdout, /not read \(failed\): pods: .*200 OK, but the answer has no items/);
    assert.doesNotMatch(run.stdout, /holds nothing/, 'not taken for an empty list');
    noStack(run.stderr);
  });

  it('a continue token given again ends the type as failed at once, not at --timeout', async () => {
    const run = await checkAgainst(
      [{ target: 'pods', kind: 'repeat-continue' }],
      ['--chunk-size', '25', '--timeout', '60s'],
    );
    assert.equal(run.hung, false);
    assert.equal(run.code, 4, describeRun(run));
    assert.match(
      run.stdout,
      /not read \(failed\): pods: .*gave page 2 of pods \(v1\) the continue token of an earlier page/,
    );
    assert.doesNotMatch(`${run.stdout}${run.stderr}`, /--timeout|timed out/);
    assert.equal(podLists(run).length, 2, 'the second page gave the first token back: no third request');
    noStack(run.stderr);
  });
});

describe('a page too large to parse', () => {
  // The limit is V8's longest string (~512 MiB); the test lowers it rather than send half a gigabyte.
  const limit = { maxAnswerBytes: 64 * 1024 };

  it('fails its type (exit 4), names it and the --chunk-size to use, and is asked once (no retry)', async () => {
    const run = await checkAgainst([], [], limit);
    assert.equal(run.hung, false);
    assert.equal(run.code, 4, describeRun(run));
    assert.match(
      run.stdout,
      /not read \(failed\): pods: failed: a page of pods .*too large to read: the answer to GET \/api\/v1\/pods grew past 0\.06 MiB, more than one JSON text can be parsed from; list it in smaller pages: --chunk-size 50 \(this run asked for 500 objects a page\)/,
    );
    assert.equal(podLists(run).length, 1, 'the same page would be too large again: not retried');
    noStack(run.stderr);
  });

  it('the smaller --chunk-size it suggests reads the same cluster under the same limit: GO', async () => {
    const run = await checkAgainst([], ['--chunk-size', '10'], limit);
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(podLists(run).length >= 11, 'pods in pages of 10');
  });
});

describe('--chunk-size', () => {
  it('is refused unless a whole number of 1 or more (exit 2, before any request)', async () => {
    for (const value of ['0', '-5', '1.5', 'many']) {
      const result = await runCli(['check', '--snapshot', fixture('healthy'), '--chunk-size', value]);
      assert.equal(result.code, 2, `${value}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`--chunk-size: '${value}' is not a whole number of 1 or more`));
    }
  });

  it('is the page size every listing command asks for (default 500)', async () => {
    const server = await startFakeApiServer({ snapshotDir: fixture('healthy') });
    const dir = await tempFolder('cozy-chunk-size-');
    const kube = ['--kubeconfig', server.kubeconfigPath];
    const commands: Array<[string, string[]]> = [
      ['check', ['check']],
      ['path', ['path', '--target', 'v0.37.2']],
      ['assess', ['assess', '--target', 'v0.37.2', '--no-backup', '--report', join(dir, 'r.md')]],
      ['backup', ['backup', '--out', join(dir, 'backup'), '--no-secrets']],
      ['snapshot', ['snapshot', join(dir, 'snapshot')]],
      ['plan-migration', ['plan-migration', '--target', 'v0.37.2', '--out', join(dir, 'plan')]],
    ];
    let run = 0;
    /** A folder of its own per run: snapshot and plan-migration never write into one that exists. */
    const fresh = (args: string[]) => args.map((arg) => (arg.startsWith(dir) ? `${arg}-${++run}` : arg));
    try {
      for (const [name, args] of commands) {
        for (const [flag, limit] of [
          [[], '500'],
          [['--chunk-size', '7'], '7'],
        ] as const) {
          const before = server.requestLog.length;
          const result = await runCli([...fresh(args), ...kube, ...flag], { live: { retry: FAST_RETRY } });
          assert.ok(result.code !== 1 && result.code !== 2, `${name}: ${result.stderr}`);
          const lists = server.requestLog.slice(before).filter((r) => r.path === '/api/v1/pods');
          assert.ok(lists.length > 0, `${name} lists pods`);
          assert.ok(
            lists.every((r) => r.query.limit === limit),
            `${name} ${flag.join(' ')}: limits ${lists.map((r) => r.query.limit).join(',')}`,
          );
          if (limit === '7') assert.ok(lists.length >= 16, `${name}: 110 pods in pages of 7`);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('is the page size of a fleet run and of every serve run too', async () => {
    const server = await startFakeApiServer({ snapshotDir: fixture('healthy') });
    const live = { retry: FAST_RETRY };
    const podLimits = (from: number) =>
      server.requestLog
        .slice(from)
        .filter((r) => r.path === '/api/v1/pods')
        .map((r) => r.query.limit);
    try {
      const fleet = await runCli(
        ['check', '--all-contexts', '--chunk-size', '7', '--kubeconfig', server.kubeconfigPath, '-o', 'json'],
        { live },
      );
      assert.equal(JSON.parse(fleet.stdout).kind, 'FleetAssessment', fleet.stderr);
      const afterFleet = server.requestLog.length;
      assert.ok(podLimits(0).length >= 16 && podLimits(0).every((l) => l === '7'), podLimits(0).join(','));

      const serve = startCli(
        [
          'serve',
          '--kubeconfig',
          server.kubeconfigPath,
          '--target',
          'v0.37.2',
          '--listen',
          '127.0.0.1:0',
          '--chunk-size',
          '7',
        ],
        { live },
      );
      await serve.waitFor(/ run 1: /);
      serve.signal('SIGTERM');
      assert.equal((await serve.done).code, 0);
      const served = podLimits(afterFleet);
      assert.ok(served.length >= 16 && served.every((l) => l === '7'), served.join(','));
    } finally {
      await server.close();
    }
  });
});

describe('many retries at once', () => {
  it('raise no MaxListenersExceededWarning (or any other process warning), and end GO', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      // After discovery, every list answer fails a few times over (503, 429 with Retry-After 0, a reset, a
      // cut body) while 16 lists page in tiny pages side by side: hundreds of retries in flight together.
      const faults: Fault[] = [
        { kind: 'status', code: 503, times: 150, skip: 6 },
        { kind: 'status', code: 429, retryAfterSeconds: 0, times: 60, skip: 40 },
        { kind: 'reset', times: 30, skip: 80 },
        { kind: 'truncate', times: 30, skip: 120 },
      ];
      const run = await checkAgainst(faults, ['--concurrency', '16', '--chunk-size', '5'], { attempts: 40 });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(run.code, 0, describeRun(run));
      const failed = run.requests.filter((r) => r.status !== 200).length;
      assert.ok(failed >= 200, `hundreds of failed answers were retried (${failed})`);
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.map((w) => `${w.name}: ${w.message}`),
      [],
      'no process warning during the run',
    );
  });
});
