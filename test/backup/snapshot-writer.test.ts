import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startSnapshot } from '../../src/backup/snapshot-writer.js';
import { scanCluster } from '../../src/cluster/scan.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { type ClusterSource, type KubeObject, typeKey } from '../../src/cluster/types.js';
import { BadInputError } from '../../src/errors.js';
import { readAllObjects } from '../support/read-source.js';
import { tempDirs } from '../support/temp.js';
import { memorySource, PLANTED_SECRET_B64, smallCluster, WIDGETS } from './helpers.js';

const dir = tempDirs('cozy-snapshot-');

async function snapshot(source: ClusterSource, target: string, includeSecrets: boolean) {
  const session = await startSnapshot({
    dir: target,
    includeSecrets,
    serverVersion: await source.serverVersion(),
  });
  const types = session.types(await source.discoverTypes());
  const outcomes = await scanCluster(source, types, [session.sink], { concurrency: 2 });
  return session.commit(outcomes);
}

describe('snapshot DIR', () => {
  it('writes List files that the snapshot source reads back to identical objects; no Secrets unless asked', async () => {
    const target = join(await dir(), 'state');
    const cluster = smallCluster();
    const result = await snapshot(memorySource(cluster, { version: 'v1.30.2' }), target, false);
    assert.equal(result.exitCode, 0, result.problems.join('\n'));
    assert.equal(result.path, target);
    const files = (await readdir(target)).sort();
    assert.ok(files.includes('version.json') && files.includes('SHA256SUMS') && files.includes('pods.json'));
    assert.ok(!files.includes('secrets.json'));
    assert.ok(!(await readdir(join(target, '..'))).some((f) => f.includes('.partial-')));

    const back = await openSnapshotSource(target);
    assert.equal(await back.serverVersion(), 'v1.30.2');
    const readBack = await readAllObjects(back);
    const expected = cluster.filter((c) => ![typeKey(WIDGETS), 'secrets'].includes(typeKey(c.type)));
    assert.deepEqual([...readBack.keys()].sort(), expected.map((c) => typeKey(c.type)).sort());
    const sorted = (objects: KubeObject[]) =>
      [...objects].sort((a, b) =>
        `${a.metadata.namespace}/${a.metadata.name}` < `${b.metadata.namespace}/${b.metadata.name}` ? -1 : 1,
      );
    for (const entry of expected) {
      assert.deepEqual(
        sorted(readBack.get(typeKey(entry.type))!),
        sorted(entry.objects as KubeObject[]),
        typeKey(entry.type),
      );
    }
    assert.deepEqual(
      readBack.get('deployments.apps'),
      [],
      'an empty type is captured as an empty typed list',
    );
  });

  it('with includeSecrets writes secrets.json 0600 in a 0700 folder', async () => {
    const target = join(await dir(), 'state');
    const result = await snapshot(memorySource(smallCluster()), target, true);
    assert.equal(result.exitCode, 0);
    assert.equal((await stat(join(target, 'secrets.json'))).mode & 0o777, 0o600);
    assert.equal((await stat(target)).mode & 0o777, 0o700);
    assert.ok((await readFile(join(target, 'secrets.json'), 'utf8')).includes(PLANTED_SECRET_B64));
    for (const file of await readdir(target)) {
      if (file === 'secrets.json') continue;
      assert.ok(
        !(await readFile(join(target, file), 'utf8')).includes(PLANTED_SECRET_B64),
        `${file} holds no secret`,
      );
    }
  });

  it('never writes into a folder that has content (exit 2), but accepts an empty one', async () => {
    const parent = await dir();
    const full = join(parent, 'full');
    await mkdir(full);
    await writeFile(join(full, 'keep.txt'), 'mine');
    await assert.rejects(
      snapshot(memorySource(smallCluster()), full, false),
      (e: unknown) => e instanceof BadInputError && /not empty/.test(e.message),
    );
    assert.deepEqual(await readdir(full), ['keep.txt']);
    const empty = join(parent, 'empty');
    await mkdir(empty);
    const result = await snapshot(memorySource(smallCluster()), empty, false);
    assert.equal(result.exitCode, 0);
    assert.ok((await readdir(empty)).includes('pods.json'));
  });

  it('a forbidden type is reported and the run is INCOMPLETE (4)', async () => {
    const target = join(await dir(), 'state');
    const result = await snapshot(memorySource(smallCluster(), { forbidden: ['pods'] }), target, false);
    assert.equal(result.exitCode, 4);
    assert.deepEqual(
      result.skipped.map((s) => [s.type, s.status]),
      [['pods', 'forbidden']],
    );
    assert.match(result.problems[0]!, /not captured: pods: .*forbidden/);
  });
});
