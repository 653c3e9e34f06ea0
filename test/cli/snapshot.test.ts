// `cozy-assess snapshot DIR` end to end through the built binary: what it writes reads back, through the
// snapshot source, as the objects it was given.
import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { snapshotWants } from '../../src/backup/select.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { writeSampleCluster } from '../support/sample-cluster.js';
import { runBinary, runCli } from '../support/cli.js';
import { readSnapshotObjects } from '../support/read-source.js';
import { tempDirs } from '../support/temp.js';

const dir = tempDirs('cozy-cli-snapshot-');

let input: string;
before(async () => {
  input = await writeSampleCluster(join(await dir(), 'input'));
  await writeFile(
    join(input, 'secret.json'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'tenant-root' },
      data: { p: 'eA==' },
    }),
  );
});

describe('cozy-assess snapshot', () => {
  it('saves the state as List files that read back to the same objects; Secrets only with --include-secrets', async () => {
    const target = join(await dir(), 'saved');
    const result = await runCli(['snapshot', '--snapshot', input, target]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Snapshot: .*saved \(\d+ objects, \d+ files, /m);
    const original = await readSnapshotObjects(input);
    const saved = await readSnapshotObjects(target);
    original.delete('secrets');
    // Types the tool does not read (example.com Widgets) are not captured.
    original.delete('widgets.example.com');
    assert.deepEqual([...saved.keys()].sort(), [...original.keys()].sort());
    for (const [key, objects] of original) assert.deepEqual(saved.get(key), objects, key);
    assert.ok(!(await readdir(target)).includes('secrets.json'));

    const withSecrets = join(await dir(), 'with-secrets');
    const second = await runCli(['snapshot', '--snapshot', input, withSecrets, '--include-secrets']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal((await stat(join(withSecrets, 'secrets.json'))).mode & 0o777, 0o600);
    assert.equal((await readSnapshotObjects(withSecrets)).get('secrets')?.length, 1);
  });

  it('refuses a folder that has content (exit 2) and leaves it alone', async () => {
    const target = await dir();
    await writeFile(join(target, 'mine.txt'), 'keep');
    const result = await runCli(['snapshot', '--snapshot', input, target]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not empty; a snapshot never overwrites/);
    assert.deepEqual(await readdir(target), ['mine.txt']);
  });
});

describe('cozy-assess snapshot from an API server', () => {
  it('captures through the live source objects identical to what the server holds', async () => {
    const server = await startFakeApiServer({ snapshotDir: input, token: 't' });
    try {
      const target = join(await dir(), 'live');
      // The end-to-end run of the built binary for snapshot.
      const result = await runBinary([
        'snapshot',
        '--kubeconfig',
        server.kubeconfigPath,
        target,
        '--include-secrets',
      ]);
      assert.equal(result.code, 0, result.stderr);
      const original = await readSnapshotObjects(input, (type) => snapshotWants(type, true));
      const saved = await readSnapshotObjects(target);
      for (const [key, objects] of original) assert.deepEqual(saved.get(key), objects, key);
      // Every other type the tool reads was listed too, and recorded as read and empty.
      for (const [key, objects] of saved) if (!original.has(key)) assert.deepEqual(objects, [], key);
      assert.ok(saved.has('jobs.batch') && saved.has('secrets'));
      assert.equal(
        await (await openSnapshotSource(target)).serverVersion(),
        await (await openSnapshotSource(input)).serverVersion(),
      );
      assert.ok(server.requestLog.every((r) => r.method === 'GET'));
    } finally {
      await server.close();
    }
  });
});
