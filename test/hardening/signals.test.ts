// SIGINT and SIGTERM while the binary reads a slow cluster (the fake API server answering every request late):
// the process ends promptly by itself with 130 (SIGINT) or 143 (SIGTERM) and a line on stderr saying what was
// interrupted; a backup or snapshot under way leaves nothing that looks complete.
// SIGTERM during `backup` is proved in test/cli/backup-live.test.ts; this file adds the other cases.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { describeRun, fixture, type GuardedResult, runGuarded, tempFolder, waitFor } from './guard.js';

/** The run is reading the cluster once a few requests (version, discovery) have arrived. */
const reading = (server: FakeApiServer) => server.requestLog.length >= 3;

/**
 * Runs the binary against a slow server and sends `signal` once `ready` holds. Each request waits 200 ms and
 * only one is in flight, so the run is far from done when the signal comes.
 */
async function interrupt(
  args: string[],
  signal: NodeJS.Signals,
  ready: (server: FakeApiServer) => boolean | Promise<boolean> = reading,
): Promise<GuardedResult & { sentAt: 'ready' | 'never' }> {
  const server = await startFakeApiServer({
    snapshotDir: fixture('healthy'),
    faults: [{ target: '*', kind: 'latency', ms: 200 }],
  });
  let sentAt: 'ready' | 'never' = 'never';
  try {
    const result = await runGuarded([...args, '--kubeconfig', server.kubeconfigPath, '--concurrency', '1'], {
      killAfterMs: 45_000,
      onSpawn: (child) => {
        void waitFor(() => ready(server), 400).then((ok) => {
          if (!ok) return;
          sentAt = 'ready';
          child.kill(signal);
        });
      },
    });
    return { ...result, sentAt };
  } finally {
    await server.close();
  }
}

function assertInterrupted(
  result: GuardedResult & { sentAt: string },
  signal: NodeJS.Signals,
  what: RegExp,
): void {
  assert.equal(result.sentAt, 'ready', `the signal was sent during the run: ${describeRun(result)}`);
  assert.equal(result.hung, false, `ended by itself: ${describeRun(result)}`);
  assert.equal(result.code, signal === 'SIGINT' ? 130 : 143, describeRun(result));
  assert.match(result.stderr, new RegExp(`interrupted by ${signal}`), describeRun(result));
  assert.match(result.stderr, what, describeRun(result));
  assert.doesNotMatch(result.stderr, /internal error|\n\s+at .+:\d+:\d+\)?\n/, 'no crash, no stack trace');
}

// Each case has its own server and folder, and mostly waits on the slow server: they run side by side.
describe('signals while the cluster is read', { concurrency: 4 }, () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during check: exits ${signal === 'SIGINT' ? 130 : 143} and says the check was interrupted while reading`, async () => {
      const result = await interrupt(['check'], signal);
      assertInterrupted(result, signal, /check.*interrupted|interrupted.*check/);
      assert.equal(result.stdout, '', 'no partial results on stdout');
    });
  }

  it('SIGTERM during assess --no-backup: exits 143 and says the assessment was interrupted', async () => {
    const dir = await tempFolder('cozy-signal-assess-nobackup-');
    const report = join(dir, 'report.md');
    const result = await interrupt(['assess', '--no-backup', '--report', report], 'SIGTERM');
    assertInterrupted(
      result,
      'SIGTERM',
      /interrupted by SIGTERM: cozy-assess assess stopped before it finished \(it was at: (Connecting to the cluster|Reading \d+ resource types).*\); no results were written/,
    );
    assert.equal(existsSync(report), false, 'no report of an interrupted run');
  });

  it('SIGINT during path: exits 130 with the line', async () => {
    const result = await interrupt(['path', '--target', 'v0.37.2'], 'SIGINT');
    assertInterrupted(result, 'SIGINT', /path.*interrupted|interrupted.*path/);
  });
});

describe('signals during a backup leave no complete-looking folder', { concurrency: 4 }, () => {
  /** Wait until the partial folder exists, so the backup is under way when the signal comes. */
  const partialIn = (dir: string) => async () =>
    existsSync(dir) && (await readdir(dir)).some((name) => name.includes('.partial-'));

  it('SIGINT during backup: exit 130, the partial folder removed, said on stderr', async () => {
    const out = await tempFolder('cozy-signal-backup-');
    const result = await interrupt(['backup', '--out', out], 'SIGINT', partialIn(out));
    assertInterrupted(result, 'SIGINT', /removed the partial backup folder .*; no backup was written/);
    assert.deepEqual(await readdir(out), [], 'nothing left behind');
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during assess with a backup: exit ${signal === 'SIGINT' ? 130 : 143}, no backup folder, no report`, async () => {
      const dir = await tempFolder('cozy-signal-assess-');
      const backups = join(dir, 'backups');
      const result = await interrupt(
        [
          'assess',
          '--target',
          'v0.37.2',
          '--backup-dir',
          backups,
          '--report',
          join(dir, 'report.md'),
          '--json',
          join(dir, 'a.json'),
        ],
        signal,
        partialIn(backups),
      );
      assertInterrupted(result, signal, /no backup was written/);
      assert.deepEqual(await readdir(backups), [], 'no backup folder, finished or partial');
      assert.equal(existsSync(join(dir, 'report.md')), false, 'no report of an interrupted run');
      assert.equal(existsSync(join(dir, 'a.json')), false, 'no assessment JSON of an interrupted run');
    });
  }

  it('SIGINT during snapshot: exit 130, the target folder holds no snapshot', async () => {
    const dir = await tempFolder('cozy-signal-snapshot-');
    const target = join(dir, 'state');
    const result = await interrupt(['snapshot', target], 'SIGINT');
    assertInterrupted(result, 'SIGINT', /snapshot/);
    const left = existsSync(target) ? await readdir(target) : [];
    assert.deepEqual(left, [], 'no snapshot files');
    assert.deepEqual(
      (await readdir(dir)).filter((name) => name !== 'state'),
      [],
      'no temporary folder left beside it',
    );
  });
});
