// Secret values never leak. Known values are planted in the cluster (the fake API server serving
// fixtures/healthy): in a Secret's `data` (base64, as the API returns it), in `stringData` (as a snapshot written
// by hand may hold it), and in the `kubectl.kubernetes.io/last-applied-configuration` annotation of a Secret.
// Then every command and output format runs against it, and the values (raw and base64) must appear nowhere:
// not in stdout or stderr (with -v too), the report, the JSON, the JUnit, nor in any file written, except the
// Secret files of a backup or of `snapshot --include-secrets`, which are 0600 in a 0700 folder; with
// --encrypt-secrets the value appears in no file at all.
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import type { KubeObject } from '../../src/cluster/types.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { describeRun, fixture, type GuardedResult, runGuardedInProcess, tempFolder } from './guard.js';

const DATA_VALUE = 'hardening-secret-data-7c1e';
const STRING_DATA_VALUE = 'hardening-secret-string-91ad';
const ANNOTATION_VALUE = 'hardening-secret-annotation-44b0';
/** In the one Secret the inventory itself reads (for its key names): cozy-velero/cozy-backups-creds. */
const WATCHED_VALUE = 'hardening-secret-watched-0e6b';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const PLANTED = [DATA_VALUE, STRING_DATA_VALUE, ANNOTATION_VALUE, WATCHED_VALUE];
/** Every form a planted value may take in a file or an output. */
const FORBIDDEN = PLANTED.flatMap((value) => [value, b64(value)]);

const plantedSecrets: KubeObject[] = [
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'planted-credentials',
      namespace: 'cozy-system',
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'planted-credentials', namespace: 'cozy-system' },
          stringData: { token: ANNOTATION_VALUE },
          data: { password: b64(DATA_VALUE) },
        }),
      },
    },
    type: 'Opaque',
    data: { password: b64(DATA_VALUE) },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'planted-string-data', namespace: 'tenant-root' },
    type: 'Opaque',
    stringData: { token: STRING_DATA_VALUE },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'cozy-backups-creds', namespace: 'cozy-velero' },
    type: 'Opaque',
    data: { AWS_ACCESS_KEY_ID: b64(WATCHED_VALUE), AWS_SECRET_ACCESS_KEY: b64(WATCHED_VALUE) },
  },
];

/** Every file below `dir` with its mode, relative path and content. */
async function filesBelow(
  dir: string,
): Promise<Array<{ path: string; rel: string; mode: number; text: string }>> {
  const out: Array<{ path: string; rel: string; mode: number; text: string }> = [];
  const walk = async (folder: string) => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else
        out.push({
          path,
          rel: relative(dir, path),
          mode: (await stat(path)).mode & 0o777,
          text: (await readFile(path)).toString('latin1'),
        });
    }
  };
  await walk(dir);
  return out;
}

function leaks(text: string): string[] {
  return FORBIDDEN.filter((value) => text.includes(value));
}

let server: FakeApiServer;
let out: string;
let passphraseFile: string;
let recipient: string;
const runs: Array<{ args: string[]; result: GuardedResult }> = [];

/** Runs the CLI (in-process) against the planted cluster (or with the args as given) and keeps its output. */
async function run(args: string[], live = true): Promise<GuardedResult> {
  const full = live ? [...args, '--kubeconfig', server.kubeconfigPath] : args;
  const result = await runGuardedInProcess(full, { cwd: out });
  runs.push({ args: full, result });
  assert.equal(result.hung, false, describeRun(result));
  assert.ok([0, 3, 4].includes(result.code ?? -1), `${full.join(' ')}: ${describeRun(result)}`);
  return result;
}

before(async () => {
  server = await startFakeApiServer({ snapshotDir: fixture('healthy'), objects: plantedSecrets });
  out = await tempFolder('cozy-secrets-');
  passphraseFile = join(await tempFolder('cozy-secrets-key-'), 'passphrase');
  await writeFile(passphraseFile, 'correct horse battery staple\n', { mode: 0o600 });
  recipient = await identityToRecipient(await generateIdentity());
});
after(() => server.close());

describe('planted secret values appear in no output and no file but the Secret files', () => {
  it('the planted values are served by the cluster (the test would prove nothing otherwise)', async () => {
    const result = await run(['snapshot', 'with-secrets', '--include-secrets']);
    assert.equal(result.code, 0, describeRun(result));
    const secretsFile = (await filesBelow(join(out, 'with-secrets'))).find((f) => f.rel === 'secrets.json');
    assert.ok(secretsFile, 'secrets.json written');
    for (const value of [b64(DATA_VALUE), STRING_DATA_VALUE, ANNOTATION_VALUE, b64(WATCHED_VALUE)])
      assert.ok(secretsFile.text.includes(value), `the Secret file holds ${value}`);
  });

  it('the watched Secret is read by the inventory (its key names only) in a run without a backup', async () => {
    const result = await run(['check', '-v', '--target', 'v0.37.2']);
    assert.match(
      result.stderr + result.stdout,
      /secret cozy-velero\/cozy-backups-creds \(key names only\): found/,
    );
  });

  it('runs every command and output format', async () => {
    // Independent runs go two at a time (separate output names); the rest need what these wrote.
    const independent: string[][] = [
      ['snapshot', 'without-secrets'],
      ...['table', 'json', 'junit'].map((format) => ['check', '-o', format]),
      ['check', '-v', '--target', 'v0.37.2'],
      ...['table', 'json', 'markdown'].map((format) => ['path', '--target', 'v0.37.2', '-o', format]),
      [
        'assess',
        '-o',
        'json',
        '-v',
        '--target',
        'v0.37.2',
        '--backup-dir',
        'assess-backups',
        '--report',
        'report.md',
        '--json',
        'assessment.json',
        '--junit',
        'junit.xml',
        '--html',
        'report.html',
      ],
      [
        'assess',
        '--target',
        'v0.37.2',
        '--backup-dir',
        'assess-encrypted',
        '--encrypt-secrets',
        '--passphrase-file',
        passphraseFile,
        '--report',
        'report-encrypted.md',
      ],
      ['backup', '--out', 'backups', '-v'],
      ['backup', '--out', 'backups-json', '-o', 'json'],
      // A recipient here (the passphrase path above): scrypt costs seconds per file, and both key kinds are covered.
      ['backup', '--out', 'encrypted', '--encrypt-secrets', '--recipient', recipient],
    ];
    for (let i = 0; i < independent.length; i += 2)
      await Promise.all(independent.slice(i, i + 2).map((args) => run(args)));
    const [backupName] = await readdir(join(out, 'backups'));
    assert.ok(backupName);
    await run(['backup', 'verify', join('backups', backupName)], false);
    for (const format of ['markdown', 'html', 'json', 'junit', 'table'])
      await run(['report', 'assessment.json', '-o', format], false);
    for (const format of ['table', 'markdown', 'json'])
      await run(['diff', 'assessment.json', 'assessment.json', '-o', format], false);
    // Reading back a snapshot that holds Secrets, offline.
    await run(['check', '--snapshot', 'with-secrets', '-o', 'json', '-v'], false);
    await run(
      ['assess', '--snapshot', 'with-secrets', '--no-backup', '-o', 'junit', '--report', 'offline.md'],
      false,
    );
  });

  it('no planted value (raw or base64) in any stdout or stderr', () => {
    assert.ok(runs.length >= 20, `every command ran (${runs.length})`);
    for (const { args, result } of runs) {
      assert.deepEqual(leaks(result.stdout), [], `stdout of ${args.join(' ')}`);
      assert.deepEqual(leaks(result.stderr), [], `stderr of ${args.join(' ')}`);
    }
  });

  it('no planted value in any file written, except the 0600 Secret files of a backup or an --include-secrets snapshot', async () => {
    const files = await filesBelow(out);
    const isSecretFile = (rel: string) =>
      /^(assess-backups|backups|backups-json)\/[^/]+\/(secrets\/secrets\.json|apply\/\d+-secrets\.json)$/.test(
        rel,
      ) || rel === 'with-secrets/secrets.json';
    const secretFiles = files.filter((f) => isSecretFile(f.rel));
    // Three backups (assess, backup, backup -o json) with two Secret files each, and the snapshot's.
    assert.equal(secretFiles.length, 7, secretFiles.map((f) => f.rel).join(', '));
    for (const file of secretFiles) {
      assert.equal(file.mode, 0o600, `${file.rel} is 0600`);
      assert.equal(
        (await stat(join(file.path, '..'))).mode & 0o077,
        0,
        `${file.rel}: its folder is not open to others`,
      );
    }
    for (const file of files.filter((f) => !isSecretFile(f.rel))) {
      assert.deepEqual(leaks(file.text), [], `${file.rel} holds a planted value`);
    }
    // The reports and documents were written, so the search above covered them.
    for (const name of ['report.md', 'assessment.json', 'junit.xml', 'report-encrypted.md', 'offline.md'])
      assert.ok(
        files.some((f) => f.rel === name),
        `${name} written`,
      );
  });

  it('--encrypt-secrets: the values appear in no file of the backup at all', async () => {
    for (const dir of ['encrypted', 'assess-encrypted']) {
      const files = await filesBelow(join(out, dir));
      assert.ok(
        files.some((f) => f.rel.endsWith('secrets.json.age')),
        `${dir}: encrypted Secret file`,
      );
      assert.ok(!files.some((f) => f.rel.endsWith('secrets.json')), `${dir}: no plain Secret file`);
      for (const file of files) assert.deepEqual(leaks(file.text), [], `${dir}/${file.rel}`);
    }
  });

  it('a snapshot without --include-secrets holds no Secret at all', async () => {
    const files = await filesBelow(join(out, 'without-secrets'));
    assert.ok(files.length > 5);
    assert.ok(!files.some((f) => /secret/i.test(f.rel)), files.map((f) => f.rel).join(', '));
    assert.ok(!files.some((f) => f.text.includes('planted-credentials')), 'not even the Secret names');
  });
});
