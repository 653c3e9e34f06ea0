// `cozy-assess backup` against the fake API server through the live source: RBAC denials and SIGTERM.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { readManifest } from '../../src/backup/manifest.js';
import { backupWants } from '../../src/backup/select.js';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { writeSampleCluster } from '../support/sample-cluster.js';
import { runBinary, runCli } from '../support/cli.js';
import { readSnapshotObjects } from '../support/read-source.js';
import { tempDirs } from '../support/temp.js';

const dir = tempDirs('cozy-cli-backup-live-');

let snapshot: string;
before(async () => {
  snapshot = await writeSampleCluster(join(await dir(), 'snapshot'));
});

describe('cozy-assess backup against an API server', () => {
  it('backs up through the live source; the backup reads back as the objects the server holds', async () => {
    const server = await startFakeApiServer({ snapshotDir: snapshot, token: 't' });
    try {
      const out = await dir();
      // The end-to-end run of the built binary for backup.
      const result = await runBinary(['backup', '--kubeconfig', server.kubeconfigPath, '--out', out]);
      assert.equal(result.code, 0, result.stderr);
      const [name] = await readdir(out);
      const manifest = await readManifest(join(out, name!));
      assert.equal(manifest.cluster.server, server.url);
      assert.equal(manifest.cluster.context, 'fake');
      const original = await readSnapshotObjects(snapshot, (type) => backupWants(type, 'include'));
      const restored = await readSnapshotObjects(join(out, name!));
      for (const [key, objects] of original) assert.deepEqual(restored.get(key), objects, key);
      for (const [key, objects] of restored) if (!original.has(key)) assert.deepEqual(objects, [], key);
      assert.ok(server.requestLog.every((r) => r.method === 'GET'));
    } finally {
      await server.close();
    }
  });

  it('a forbidden type gives INCOMPLETE (4); --allow-partial accepts it (0)', async () => {
    const server = await startFakeApiServer({ snapshotDir: snapshot, token: 't', forbidden: ['secrets'] });
    try {
      const out = await dir();
      const strict = await runCli(['backup', '--kubeconfig', server.kubeconfigPath, '--out', out]);
      assert.equal(strict.code, 4, strict.stderr);
      assert.match(strict.stdout, /^Skipped secrets: forbidden/m);
      assert.match(strict.stderr, /--allow-partial/);
      const partial = await runCli([
        'backup',
        '--kubeconfig',
        server.kubeconfigPath,
        '--out',
        out,
        '--allow-partial',
      ]);
      assert.equal(partial.code, 0, partial.stderr);
      const names = (await readdir(out)).sort();
      assert.equal(names.length, 2);
      assert.equal((await readManifest(join(out, names[0]!))).complete, false);
      // Verifying it says the same: every checksum matches, but the backup is partial (4) unless accepted.
      const verify = await runCli(['backup', 'verify', join(out, names[0]!)]);
      assert.equal(verify.code, 4, verify.stdout);
      assert.match(verify.stdout, /PARTIAL/);
      const accepted = await runCli(['backup', 'verify', join(out, names[0]!), '--allow-partial']);
      assert.equal(accepted.code, 0, accepted.stderr);
    } finally {
      await server.close();
    }
  });

  it('SIGTERM during a slow backup leaves no folder that looks complete, and says so', async () => {
    const server = await startFakeApiServer({
      snapshotDir: snapshot,
      token: 't',
      faults: [{ target: '*', kind: 'latency', ms: 300 }],
    });
    try {
      const out = await dir();
      let child: ChildProcess | undefined;
      let stderr = '';
      const run = runBinary(
        ['backup', '--kubeconfig', server.kubeconfigPath, '--out', out, '--concurrency', '1'],
        {
          onSpawn: (spawned) => {
            child = spawned;
            spawned.stderr?.on('data', (chunk) => {
              stderr += chunk;
            });
          },
        },
      );
      // Wait until the partial folder exists (the backup is under way), then interrupt.
      for (let i = 0; i < 200 && !(await readdir(out)).some((f) => f.includes('.partial-')); i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(
        (await readdir(out)).some((f) => f.includes('.partial-')),
        `the backup started: ${stderr}`,
      );
      child?.kill('SIGTERM');
      const result = await run;
      assert.equal(result.code, 143, result.stderr);
      assert.match(
        result.stderr,
        /interrupted by SIGTERM: removed the partial backup folder .*; no backup was written/,
      );
      assert.deepEqual(await readdir(out), [], 'nothing left behind');
    } finally {
      await server.close();
    }
  });
});
