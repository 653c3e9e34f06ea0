// `cozy-assess backup` and `backup verify` end to end through the built binary (npm test builds it first).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { readManifest } from '../../src/backup/manifest.js';
import { backupWants } from '../../src/backup/select.js';
import { BackupSummarySchema } from '../../src/model/assessment.js';
import { writeSampleCluster } from '../support/sample-cluster.js';
import { fixture, runBinary, runCli } from '../support/cli.js';
import { readSnapshotObjects } from '../support/read-source.js';
import { tempDirs } from '../support/temp.js';

const dir = tempDirs('cozy-cli-backup-');

let snapshot: string;
before(async () => {
  snapshot = await writeSampleCluster(join(await dir(), 'snapshot'));
  // A planted Secret, to prove its value is never printed.
  await writeFile(
    join(snapshot, 'secret.json'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'tenant-root' },
      type: 'Opaque',
      data: { password: Buffer.from('s3cr3t-PLANTED').toString('base64') },
    }),
  );
});

describe('cozy-assess backup', () => {
  it('writes the layout from a snapshot, prints the summary table, and backup verify accepts it; tampering gives 3', async () => {
    const out = await dir();
    const result = await runCli(['backup', '--snapshot', snapshot, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    const [name, ...others] = await readdir(out);
    assert.deepEqual(others, []);
    assert.match(name!, /^\d{8}-\d{4}$/);
    const backup = join(out, name!);
    assert.match(result.stdout, /^CATEGORY +OBJECTS +SIZE$/m);
    assert.match(result.stdout, /^ConfigMaps +1 +\d/m);
    assert.match(result.stdout, /^Secrets +1 +\d/m);
    assert.match(result.stdout, /^Total +\d+ +\d/m);
    assert.match(result.stdout, /^Checksums verified \(\d+ files, SHA256SUMS\)$/m);
    for (const text of [result.stdout, result.stderr]) {
      assert.ok(!text.includes('s3cr3t') && !text.includes(Buffer.from('s3cr3t-PLANTED').toString('base64')));
    }
    const manifest = await readManifest(backup);
    assert.equal(manifest.cluster.source, 'snapshot');
    assert.equal(manifest.cluster.kubernetesVersion, 'v1.31.4');

    // The end-to-end run of the built binary for backup verify.
    const ok = await runBinary(['backup', 'verify', backup]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /checksums verified/);

    await appendFile(join(backup, 'configmaps', 'configmaps.json'), '\n');
    await rm(join(backup, 'states', 'pods.json'));
    const bad = await runCli(['backup', 'verify', backup]);
    assert.equal(bad.code, 3);
    assert.match(bad.stdout, /^ALTERED +configmaps\/configmaps\.json$/m);
    assert.match(bad.stdout, /^MISSING +states\/pods\.json$/m);
    assert.match(bad.stdout, /verification FAILED \(1 missing, 1 altered, 0 extra\)/);

    const notBackup = await runCli(['backup', 'verify', out]);
    assert.equal(notBackup.code, 2);
    assert.match(notBackup.stderr, /not a backup folder/);
  });

  it('-o json prints the assessment BackupSummary; --no-secrets leaves Secrets out', async () => {
    const out = await dir();
    const result = await runCli([
      'backup',
      '--snapshot',
      snapshot,
      '--out',
      out,
      '--no-secrets',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const summary = BackupSummarySchema.parse(JSON.parse(result.stdout));
    assert.equal(summary.secrets, 'excluded');
    assert.equal(summary.verified, true);
    assert.ok(!summary.categories.some((c) => c.category === 'Secrets'));
    assert.equal(summary.path, join(out, (await readdir(out))[0]!));
  });

  it('rejects key flags without --encrypt-secrets, and a bad recipient, before reading anything (exit 2)', async () => {
    const out = await dir();
    const stray = await runCli(['backup', '--snapshot', snapshot, '--out', out, '--recipient', 'age1xyz']);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /only apply with --encrypt-secrets/);
    const bad = await runCli([
      'backup',
      '--snapshot',
      snapshot,
      '--out',
      out,
      '--encrypt-secrets',
      '--recipient',
      'age1xyz',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--recipient: 'age1xyz' is not an age recipient/);
    assert.deepEqual(await readdir(out), []);
  });

  it('backs up the seed-incident fixture, and the backup reads back as the same cluster', async (t) => {
    if (!existsSync(fixture('seed-incident')))
      return t.skip('fixtures/seed-incident is not in this tree yet');
    const out = await dir();
    const result = await runCli(['backup', '--snapshot', fixture('seed-incident'), '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Cluster API \/ Proxmox +\d+ /m);
    assert.match(result.stdout, /^Checksums verified/m);
    const [name] = await readdir(out);
    const backup = join(out, name!);
    assert.equal((await runCli(['backup', 'verify', backup])).code, 0);
    // Every object of every type the fixture holds comes back identical from the backup folder.
    const original = await readSnapshotObjects(fixture('seed-incident'), (type) =>
      backupWants(type, 'include'),
    );
    const restored = await readSnapshotObjects(backup);
    assert.deepEqual([...restored.keys()].sort(), [...original.keys()].sort());
    assert.ok(original.has('proxmoxclusters.infrastructure.cluster.x-k8s.io'));
    for (const [key, objects] of original) assert.deepEqual(restored.get(key), objects, key);
  });
});
