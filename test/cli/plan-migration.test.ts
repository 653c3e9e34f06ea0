// `cozy-assess plan-migration` and `assess --migration-plan` through the CLI: the plan folder is written new
// (exit 0), bad input is found before the cluster is read (exit 2), the assessment writes a plan only when it
// recommends Option C and keeps its verdict's exit code, and one end-to-end run reads a live (fake) API server.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { MigrationPlanSchema } from '../../src/migration/schema.js';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { fixture, runBinary, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const tempDir = tempDirs('cozy-plan-cli-');
const PLANTED: string[] = JSON.parse(
  await readFile(`${fixture('tenants')}.expected.json`, 'utf8'),
).plantedSecrets;

const plan = async (out: string) =>
  MigrationPlanSchema.parse(JSON.parse(await readFile(join(out, 'plan.json'), 'utf8')));

describe('cozy-assess plan-migration', () => {
  it('writes the plan folder (plan.md, plan.json, the kit) and exits 0', async () => {
    const out = join(await tempDir(), 'plan');
    const result = await runCli([
      '--snapshot',
      fixture('tenants'),
      'plan-migration',
      '--target',
      'v0.37.2',
      '--out',
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Migration plan \(Option C, fresh install of v0\.37\.2\)/);
    assert.match(result.stdout, /1 MANUAL CONVERSION \(tenant-shop\/ferretdb-docs\)/);
    const written = await plan(out);
    assert.equal(written.target, '0.37.2');
    assert.equal(written.tenants.length, 4);
    const md = await readFile(join(out, 'plan.md'), 'utf8');
    assert.match(md, /^# Migration plan: Option C to CozyStack v0\.37\.2/);
    assert.match(md, /### \d+\. Tenant tenant-shop \(under tenant-root\)/);
    assert.deepEqual((await readdir(join(out, 'tenants'))).sort(), [
      'tenant-lab',
      'tenant-lab-ci',
      'tenant-root',
      'tenant-shop',
    ]);
    for (const value of PLANTED)
      assert.ok(!result.stdout.includes(value) && !result.stderr.includes(value), value);
  });

  it('prints plan.json with -o json and plan.md with -o markdown', async () => {
    const dir = await tempDir();
    const json = await runCli([
      '--snapshot',
      fixture('tenants'),
      '-o',
      'json',
      'plan-migration',
      '--out',
      join(dir, 'a'),
      '--target',
      'v0.37.2',
    ]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(MigrationPlanSchema.parse(JSON.parse(json.stdout)), await plan(join(dir, 'a')));
    const md = await runCli([
      '--snapshot',
      fixture('tenants'),
      '-o',
      'markdown',
      'plan-migration',
      '--out',
      join(dir, 'b'),
      '--target',
      'v0.37.2',
    ]);
    assert.equal(md.stdout, await readFile(join(dir, 'b', 'plan.md'), 'utf8'));
    const junit = await runCli([
      '--snapshot',
      fixture('tenants'),
      '-o',
      'junit',
      'plan-migration',
      '--out',
      join(dir, 'c'),
    ]);
    assert.equal(junit.code, 2);
    assert.ok(!existsSync(join(dir, 'c')));
  });

  it('finds bad input before reading the cluster, and writes nothing (exit 2)', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'exists'));
    await writeFile(join(dir, 'pass'), '\n');
    const cases: Array<[string[], RegExp]> = [
      [['plan-migration', '--target', 'v0.37.2'], /needs --out DIR/],
      [
        ['plan-migration', '--out', join(dir, 'exists')],
        /already exists; a migration plan is written to a new folder/,
      ],
      [
        ['plan-migration', '--out', join(dir, 'x'), '--target', 'v9.9.9'],
        /--target: v9\.9\.9 is not a release in the catalog/,
      ],
      [['plan-migration', '--out', join(dir, 'x'), '--include-secrets'], /--include-secrets needs a key/],
      [
        ['plan-migration', '--out', join(dir, 'x'), '--recipient', 'age1xyz'],
        /only apply with --include-secrets/,
      ],
      [
        ['plan-migration', '--out', join(dir, 'x'), '--include-secrets', '--recipient', 'not-a-key'],
        /is not an age recipient/,
      ],
      [
        [
          'plan-migration',
          '--out',
          join(dir, 'x'),
          '--include-secrets',
          '--passphrase-file',
          join(dir, 'pass'),
        ],
        /the first line is empty/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['--snapshot', fixture('tenants'), ...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.doesNotMatch(result.stderr, /Reading \d+ resource types/, 'nothing was read');
    }
    assert.deepEqual((await readdir(dir)).sort(), ['exists', 'pass']);
  });

  it('with --include-secrets and a key, encrypts the Secrets and keeps every clear file free of them', async () => {
    // A recipient key: a passphrase would cost age's scrypt, about a second per encrypted file.
    const recipient = await identityToRecipient(await generateIdentity());
    const out = join(await tempDir(), 'plan');
    const result = await runCli([
      '--snapshot',
      fixture('tenants'),
      'plan-migration',
      '--target',
      'v0.37.2',
      '--out',
      out,
      '--include-secrets',
      '--recipient',
      recipient,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const written = await plan(out);
    assert.ok(written.secrets.included && written.secrets.files.length > 0);
    for (const file of written.secrets.files) assert.ok(existsSync(join(out, file)), file);
    const clear = [join(out, 'plan.json'), join(out, 'plan.md')];
    for (const file of clear) {
      const text = await readFile(file, 'utf8');
      for (const value of PLANTED) assert.ok(!text.includes(value), `${file} leaks ${value}`);
    }
  });

  it('exits 4 when a type the plan reads is missing from the snapshot, and says so in the plan', async () => {
    const out = join(await tempDir(), 'plan');
    const result = await runCli([
      '--snapshot',
      fixture('seed-incident'),
      'plan-migration',
      '--target',
      'v0.37.2',
      '--out',
      out,
    ]);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /ingresses\.networking\.k8s\.io could not be read/);
    assert.ok((await plan(out)).notes.some((n) => /ingress hosts are missing from this plan/.test(n)));
  });
});

describe('cozy-assess assess --migration-plan', () => {
  it('on a NO-GO that recommends Option C: writes the plan, says so in the report, exits 3', async () => {
    const dir = await tempDir();
    const out = join(dir, 'plan');
    const result = await runCli([
      '--snapshot',
      fixture('seed-incident'),
      '--now',
      '2025-10-24T19:31:00Z',
      'assess',
      '--target',
      'v0.37.2',
      '--no-backup',
      '--report',
      join(dir, 'report.md'),
      '--json',
      join(dir, 'a.json'),
      '--migration-plan',
      out,
    ]);
    assert.equal(result.code, 3, result.stderr);
    const assessment = JSON.parse(await readFile(join(dir, 'a.json'), 'utf8'));
    assert.equal(assessment.recommendation, 'C');
    const written = await plan(out);
    const workload = assessment.options.C.factors.find(
      (f: { id: string }) => f.id === 'optionC.perTenantWorkload',
    );
    assert.deepEqual(written.hours.migration, { hoursMin: workload.hoursMin, hoursMax: workload.hoursMax });
    assert.equal(written.hours.workloads, assessment.cluster.tenantWorkloads);
    assert.ok(
      assessment.notes.some((n: string) => n.startsWith(`Migration plan (Option C) written to ${out}`)),
    );
    assert.match(await readFile(join(dir, 'report.md'), 'utf8'), /Migration plan \(Option C\) written to/);
  });

  it('on a GO (Option A): writes no plan, says why, and keeps the verdict code', async () => {
    const dir = await tempDir();
    const out = join(dir, 'plan');
    const result = await runCli([
      '--snapshot',
      fixture('healthy'),
      'assess',
      '--target',
      'v0.37.2',
      '--no-backup',
      '--report',
      join(dir, 'report.md'),
      '--migration-plan',
      out,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!existsSync(out));
    assert.match(result.stderr + result.stdout, /recommendation is Option A: no migration plan was written/);
  });

  it('refuses --include-secrets without the backup key, before reading the cluster (exit 2)', async () => {
    const dir = await tempDir();
    const result = await runCli([
      '--snapshot',
      fixture('seed-incident'),
      'assess',
      '--backup-dir',
      dir,
      '--migration-plan',
      join(dir, 'plan'),
      '--include-secrets',
    ]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /add --encrypt-secrets/);
    const lone = await runCli([
      '--snapshot',
      fixture('seed-incident'),
      'assess',
      '--no-backup',
      '--include-secrets',
    ]);
    assert.equal(lone.code, 2);
    assert.match(lone.stderr, /only applies with --migration-plan/);
    assert.deepEqual(await readdir(dir), []);
  });
});

describe('plan-migration end to end', () => {
  it('the built binary reads a live (fake) API server with GETs only and writes the plan', async () => {
    const server = await startFakeApiServer({ snapshotDir: fixture('tenants'), token: 'plan-token' });
    try {
      const out = join(await tempDir(), 'plan');
      const result = await runBinary([
        '--kubeconfig',
        server.kubeconfigPath,
        'plan-migration',
        '--target',
        'v1.6.2',
        '--out',
        out,
      ]);
      assert.equal(result.code, 0, result.stderr);
      const written = await plan(out);
      assert.equal(written.source.kind, 'live');
      const wiki = written.tenants.flatMap((t) => t.apps).find((a) => a.release === 'mysql-wiki')!;
      assert.deepEqual(wiki.targetKinds, ['MariaDB']);
      assert.ok(existsSync(join(out, wiki.manifests[0]!)));
      assert.ok(
        server.requestLog.every((r) => r.method === 'GET'),
        'only GET requests',
      );
      assert.ok(!server.requestLog.some((r) => r.path.endsWith('/secrets')), 'Secrets are not even listed');
    } finally {
      await server.close();
    }
  });
});
