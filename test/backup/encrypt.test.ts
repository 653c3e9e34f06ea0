import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { createEncrypter, readPassphraseFile } from '../../src/backup/encrypt.js';
import { readManifest } from '../../src/backup/manifest.js';
import { verifyBackup } from '../../src/backup/verify.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { BadInputError } from '../../src/errors.js';
import { tempDirs } from '../support/temp.js';
import {
  filesBelow,
  memorySource,
  PLANTED_SECRET,
  PLANTED_SECRET_B64,
  runBackup,
  smallCluster,
} from './helpers.js';

const outDir = tempDirs('cozy-backup-test-');

const originalSecrets = () =>
  (
    smallCluster().find((c) => c.type.kind === 'Secret')!.objects as Array<{ metadata: { name: string } }>
  ).map((s) => s.metadata.name);

describe('encrypted secrets', () => {
  it('encrypts Secret files for age recipients; they decrypt to the original objects and verify still works', async () => {
    const identity = await generateIdentity();
    const other = await generateIdentity();
    const recipients = [await identityToRecipient(identity), await identityToRecipient(other)];
    const out = await outDir();
    const result = await runBackup(memorySource(smallCluster()), {
      outDir: out,
      secrets: 'encrypt',
      recipients,
    });
    assert.equal(result.exitCode, 0, result.problems.join('\n'));
    assert.equal(result.summary.secrets, 'encrypted');
    const backup = result.summary.path;
    assert.deepEqual(await readdir(join(backup, 'secrets')), ['secrets.json.age']);
    assert.equal((await stat(join(backup, 'secrets', 'secrets.json.age'))).mode & 0o777, 0o600);

    // No clear secret value anywhere on disk.
    for (const file of await filesBelow(backup)) {
      assert.ok(
        !file.text.includes(PLANTED_SECRET) && !file.text.includes(PLANTED_SECRET_B64),
        `${file.path} holds no clear secret`,
      );
    }

    // Either recipient decrypts; the raw file is the typed SecretList, the clean file YAML without status.
    const decrypter = new Decrypter();
    decrypter.addIdentity(other);
    const raw = JSON.parse(
      await decrypter.decrypt(await readFile(join(backup, 'secrets', 'secrets.json.age')), 'text'),
    );
    assert.equal(raw.kind, 'SecretList');
    const original = smallCluster().find((c) => c.type.kind === 'Secret')!.objects;
    assert.deepEqual(raw.items, original);
    const clean = await decrypter.decrypt(
      await readFile(join(backup, 'apply', '03-secrets.json.age')),
      'text',
    );
    const docs = (JSON.parse(clean) as { items: Array<{ metadata: Record<string, unknown> }> }).items;
    assert.deepEqual(
      docs.map((d) => d.metadata.name),
      originalSecrets(),
    );
    assert.ok(docs.every((d) => d.metadata.uid === undefined && d.metadata.resourceVersion === undefined));

    const verify = await verifyBackup(backup);
    assert.equal(verify.ok, true);
    if (spawnSync('sha256sum', ['--version']).status === 0) {
      execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: backup });
    }
    const manifest = await readManifest(backup);
    assert.deepEqual(manifest.encryption, { tool: 'age', recipients, passphrase: false });
    assert.equal(manifest.types.find((t) => t.type === 'secrets')?.file, 'secrets/secrets.json.age');

    // Still readable as a snapshot: the .age files are skipped, everything else comes back.
    const snapshot = await openSnapshotSource(backup);
    const keys = (await snapshot.discoverTypes()).map((t) => t.plural);
    assert.ok(!keys.includes('secrets'));
    assert.ok(keys.includes('configmaps'));
  });

  it('encrypts with a passphrase (scrypt) that decrypts the file', async () => {
    const out = await outDir();
    const passFile = join(out, 'pass.txt');
    await writeFile(passFile, 'correct horse battery staple\n');
    const passphrase = await readPassphraseFile(passFile);
    assert.equal(passphrase, 'correct horse battery staple');
    const result = await runBackup(memorySource(smallCluster()), {
      outDir: join(out, 'b'),
      secrets: 'encrypt',
      passphrase,
      // age's default cost (18) takes seconds per file; the header records the cost, so decryption is the same.
      scryptWorkFactor: 12,
    });
    assert.equal(result.exitCode, 0);
    const manifest = await readManifest(result.summary.path);
    assert.deepEqual(manifest.encryption, { tool: 'age', recipients: [], passphrase: true });
    assert.ok(!JSON.stringify(manifest).includes('horse'), 'the passphrase is not recorded');
    const decrypter = new Decrypter();
    decrypter.addPassphrase(passphrase);
    const raw = JSON.parse(
      await decrypter.decrypt(
        await readFile(join(result.summary.path, 'secrets', 'secrets.json.age')),
        'text',
      ),
    );
    assert.deepEqual(
      raw.items.map((s: { metadata: { name: string } }) => s.metadata.name),
      originalSecrets(),
    );
  });

  it('refuses bad keys before anything is read (exit 2)', async () => {
    await assert.rejects(
      createEncrypter({ recipients: ['age1notakey'] }),
      (e: unknown) =>
        e instanceof BadInputError && /--recipient: 'age1notakey' is not an age recipient/.test(e.message),
    );
    await assert.rejects(
      createEncrypter({ recipients: [] }),
      (e: unknown) => e instanceof BadInputError && /needs a key/.test(e.message),
    );
    const recipient = await identityToRecipient(await generateIdentity());
    await assert.rejects(
      createEncrypter({ recipients: [recipient], passphrase: 'x' }),
      (e: unknown) => e instanceof BadInputError && /not both/.test(e.message),
    );
    const dir = await outDir();
    await writeFile(join(dir, 'empty'), '\n');
    await assert.rejects(
      readPassphraseFile(join(dir, 'empty')),
      (e: unknown) => e instanceof BadInputError && /first line is empty/.test(e.message),
    );
    await assert.rejects(
      readPassphraseFile(join(dir, 'absent')),
      (e: unknown) => e instanceof BadInputError && e.exitCode === 2,
    );
    // A bad recipient leaves no folder behind.
    const out = await outDir();
    await assert.rejects(
      runBackup(memorySource(smallCluster()), { outDir: out, secrets: 'encrypt', recipients: ['age1bad'] }),
    );
    assert.deepEqual(await readdir(out), []);
  });
});
