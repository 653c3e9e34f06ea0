// The plan folder as written: no Secret value in any clear file, Secrets only encrypted (age, as the backup's),
// never over an existing folder, and kubectl (a client nobody here wrote) accepts every manifest of the kit.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Decrypter, generateIdentity, identityToRecipient } from 'age-encryption';
import { writePlanFolder } from '../../src/cli/plan-writer.js';
import { BadInputError } from '../../src/errors.js';
import { APP_KINDS } from '../../src/migration/app-kinds.js';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { kubectlAvailable } from '../support/kubectl.js';
import { crd } from '../support/objects.js';
import { tempDirs } from '../support/temp.js';
import { planFor } from './support.js';

const run = promisify(execFile);
const FIXTURE = 'fixtures/tenants';
const PLANTED: string[] = JSON.parse(await readFile(`${FIXTURE}.expected.json`, 'utf8')).plantedSecrets;
// A recipient key, not a passphrase: age's scrypt costs about a second per file, and the passphrase path is the
// backup's, tested there. The plan encrypts with whichever key it is given.
const IDENTITY = await generateIdentity();
const RECIPIENT = await identityToRecipient(IDENTITY);
const outDir = tempDirs('cozy-plan-kit-');

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out.sort();
}

/** Every form a planted value could leak in: clear, base64 (Secret data), JSON-escaped. */
const forms = (value: string) => [value, Buffer.from(value).toString('base64')];

async function decrypt(path: string): Promise<string> {
  const decrypter = new Decrypter();
  decrypter.addIdentity(IDENTITY);
  return decrypter.decrypt(await readFile(path), 'text');
}

describe('the plan folder', () => {
  it('holds no Secret value in any clear file when Secrets are not read', async () => {
    const built = await planFor(FIXTURE, 'v0.37.2');
    const folder = await writePlanFolder(join(await outDir(), 'plan'), built, undefined);
    const files = await filesUnder(folder.path);
    assert.ok(files.some((f) => f.endsWith('plan.json')) && files.some((f) => f.endsWith('plan.md')));
    assert.ok(
      !files.some((f) => f.endsWith('.age')),
      'nothing is encrypted: there is nothing secret to carry',
    );
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const value of PLANTED) {
        for (const form of forms(value))
          assert.ok(!text.includes(form), `${relative(folder.path, file)} leaks ${value}`);
      }
    }
    const pg = JSON.parse(
      await readFile(join(folder.path, 'tenants/tenant-shop/05-postgres-orders.json'), 'utf8'),
    );
    assert.deepEqual(pg.spec.users, { shop: {} }, 'the password is left out, the user stays');
    assert.equal(pg.spec.backup.destinationPath, 's3://shop-backups/postgres/');
    const sums = await readFile(join(folder.path, 'SHA256SUMS'), 'utf8');
    assert.ok(
      sums.includes('  plan.json\n') && sums.includes('tenants/tenant-shop/'),
      'checksums cover the kit',
    );
  });

  it('with --include-secrets, carries Secrets and secret values only in age-encrypted files', async () => {
    const built = await planFor(FIXTURE, 'v0.37.2', { includeSecrets: true });
    const folder = await writePlanFolder(join(await outDir(), 'plan'), built, {
      recipients: [RECIPIENT],
    });
    const files = await filesUnder(folder.path);
    const encrypted = files.filter((f) => f.endsWith('.age'));
    assert.deepEqual(
      encrypted.map((f) => relative(folder.path, f)),
      [...built.plan.secrets.files].sort(),
    );
    assert.ok(
      encrypted.some((f) => f.endsWith('/tenant-shop/01-secrets.json.age')),
      encrypted.join('\n'),
    );
    let decrypted = '';
    for (const file of files) {
      const content = await readFile(file);
      if (file.endsWith('.age')) {
        assert.ok(content.subarray(0, 21).toString().startsWith('age-encryption.org/v1'), `${file} is age`);
        decrypted += await decrypt(file);
        continue;
      }
      for (const value of PLANTED) {
        for (const form of forms(value))
          assert.ok(!content.toString().includes(form), `${relative(folder.path, file)} leaks ${value}`);
      }
    }
    // What was carried is really there, once decrypted: the Secret and the values of the apps.
    for (const value of PLANTED.filter((v) => v !== 'cozy-test-orders-credentials-9d2f'))
      assert.ok(decrypted.includes(value), value);
    assert.ok(decrypted.includes(Buffer.from('cozy-test-orders-credentials-9d2f').toString('base64')));
    assert.ok(!decrypted.includes('sh.helm.release.v1'), "Helm's release records are not carried");
  });

  it('is never written over an existing path (exit 2)', async () => {
    const built = await planFor(FIXTURE, 'v0.37.2');
    const dir = await outDir();
    await writeFile(join(dir, 'note.txt'), 'keep me');
    await assert.rejects(writePlanFolder(dir, built, undefined), (error: unknown) => {
      assert.ok(error instanceof BadInputError);
      assert.match(error.message, /already exists/);
      return true;
    });
    assert.deepEqual(await readdir(dir), ['note.txt']);
  });
});

describe('kubectl accepts the kit', () => {
  it('kubectl apply --dry-run=client takes every manifest, the decrypted ones included', async (t) => {
    if (!kubectlAvailable()) return t.skip('kubectl not installed');
    const built = await planFor(FIXTURE, 'v1.6.2', { includeSecrets: true });
    const dir = await outDir();
    const folder = await writePlanFolder(join(dir, 'plan'), built, {
      recipients: [RECIPIENT],
    });
    // The encrypted files are decrypted the way the runbook says (age -d), into a folder of their own.
    const clear = join(dir, 'decrypted');
    await mkdir(clear);
    for (const file of built.plan.secrets.files) {
      await writeFile(
        join(clear, file.replaceAll('/', '_').replace(/\.age$/, '')),
        await decrypt(join(folder.path, file)),
      );
    }
    // The target serves apps.cozystack.io from its API server (an APIService); the fake serves the same
    // discovery from CRD stand-ins.
    const kinds = new Set(built.kit.flatMap((f) => f.objects.map((o) => o.kind)));
    const stand_ins = APP_KINDS.filter((k) => kinds.has(k.kind)).map((k) =>
      crd({
        group: 'apps.cozystack.io',
        kind: k.kind,
        plural: `${k.kind.toLowerCase()}s`,
        scope: 'Namespaced',
        versions: ['v1alpha1'],
        created: '2025-01-01T00:00:00Z',
      }),
    );
    const server = await startFakeApiServer({ objects: stand_ins, token: 'kit-token' });
    try {
      const kubectl = (path: string) =>
        run(
          'kubectl',
          [
            '--kubeconfig',
            server.kubeconfigPath,
            '--cache-dir',
            join(dir, 'cache'),
            'apply',
            '--dry-run=client',
            '--validate=false',
            '-R',
            '-f',
            path,
          ],
          { timeout: 60_000 },
        );
      const lines = [
        ...(await kubectl(join(folder.path, 'tenants'))).stdout.trim().split('\n'),
        ...(await kubectl(clear)).stdout.trim().split('\n'),
      ];
      const objects = built.kit.reduce((n, f) => n + f.objects.length, 0);
      assert.equal(lines.length, objects, lines.join('\n'));
      assert.ok(
        lines.every((l) => / (created|configured|unchanged) \(dry run\)$/.test(l)),
        lines.join('\n'),
      );
      assert.ok(lines.includes('mariadb.apps.cozystack.io/wiki created (dry run)'), lines.join('\n'));
      assert.ok(lines.includes('namespace/tenant-root created (dry run)'), lines.join('\n'));
      assert.ok(
        server.requestLog.every((r) => r.method === 'GET'),
        'a client dry run sends only GETs',
      );
    } finally {
      await server.close();
    }
  });
});
