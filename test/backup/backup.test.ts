import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { startBackup } from '../../src/backup/backup.js';
import { readManifest } from '../../src/backup/manifest.js';
import { verifyBackup } from '../../src/backup/verify.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { type KubeObject, typeKey } from '../../src/cluster/types.js';
import { scanCluster } from '../../src/cluster/scan.js';
import { BadInputError } from '../../src/errors.js';
import { readAllObjects } from '../support/read-source.js';
import { tempDirs } from '../support/temp.js';
import {
  COZY_APPS,
  filesBelow,
  memorySource,
  PLANTED_SECRET,
  PLANTED_SECRET_B64,
  PROXMOX_CLUSTERS,
  runBackup,
  smallCluster,
  WIDGETS,
} from './helpers.js';

const outDir = tempDirs('cozy-backup-test-');

const byName = (a: KubeObject, b: KubeObject) =>
  `${a.metadata.namespace ?? ''}/${a.metadata.name}` < `${b.metadata.namespace ?? ''}/${b.metadata.name}`
    ? -1
    : 1;

describe('backup', () => {
  it('writes the timestamped layout, reads back through the snapshot source as identical objects, and verifies', async () => {
    const out = await outDir();
    const cluster = smallCluster();
    const result = await runBackup(memorySource(cluster), { outDir: out });
    assert.equal(result.exitCode, 0, result.problems.join('\n'));
    assert.equal(result.finalized, true);
    assert.equal(result.summary.path, join(out, '20251024-1931'));
    assert.deepEqual(await readdir(out), ['20251024-1931'], 'only the finished folder, no partial left');
    assert.equal(result.summary.verified, true);
    assert.equal(result.summary.complete, true);
    assert.equal(result.summary.status, 'complete');

    const backup = result.summary.path;
    assert.equal((await stat(backup)).mode & 0o777, 0o700);
    const entries = (await readdir(backup)).sort();
    assert.deepEqual(entries, [
      'SHA256SUMS',
      'apply',
      'capi',
      'configmaps',
      'cozystack',
      'crds',
      'helmreleases',
      'manifest.json',
      'secrets',
      'states',
      'version.json',
    ]);
    assert.deepEqual((await readdir(join(backup, 'capi'))).sort(), [
      'clusters.cluster.x-k8s.io.json',
      'proxmoxclusters.infrastructure.cluster.x-k8s.io.json',
    ]);
    assert.equal((await stat(join(backup, 'secrets', 'secrets.json'))).mode & 0o777, 0o600);

    // Round trip: the backup folder is a snapshot; every backed-up type comes back object for object.
    const snapshot = await openSnapshotSource(backup);
    assert.equal(await snapshot.serverVersion(), 'v1.31.4');
    const readBack = await readAllObjects(snapshot);
    const expectedKeys = cluster
      .map((c) => typeKey(c.type))
      .filter((k) => ![typeKey(COZY_APPS), typeKey(WIDGETS), 'events.events.k8s.io'].includes(k))
      .sort();
    assert.deepEqual(
      [...readBack.keys()].sort(),
      expectedKeys,
      'aggregated, unrelated and duplicate event types are left out',
    );
    for (const entry of cluster) {
      const key = typeKey(entry.type);
      if (!readBack.has(key)) continue;
      const original = (entry.objects as KubeObject[]).slice().sort(byName);
      assert.deepEqual(readBack.get(key)!.slice().sort(byName), original, `objects of ${key}`);
    }

    // Manifest: schema-valid, per-type counts, cozystack ConfigMaps named, nothing skipped.
    const manifest = await readManifest(backup);
    assert.equal(manifest.complete, true);
    assert.equal(manifest.cluster.server, 'https://memory.test:6443');
    assert.equal(manifest.cluster.context, 'memory');
    assert.deepEqual(manifest.cozystackConfigMaps, [
      'cozy-system/cozystack',
      'cozy-system/cozystack-version',
    ]);
    const proxmox = manifest.types.find((t) => t.type === typeKey(PROXMOX_CLUSTERS));
    assert.equal(proxmox?.objects, 1);
    assert.equal(proxmox?.category, 'Cluster API / Proxmox');
    assert.equal(
      manifest.types.find((t) => t.type === 'deployments.apps')?.objects,
      0,
      'an empty type is recorded as read',
    );
    assert.deepEqual(manifest.skipped, []);

    // Summary in the assessment's shape.
    const categories = Object.fromEntries(result.summary.categories.map((c) => [c.category, c.objects]));
    assert.deepEqual(categories, {
      ConfigMaps: 3,
      HelmReleases: 1,
      CRDs: 5,
      Secrets: 2,
      'Resource states': 8,
      'Cluster API / Proxmox': 2,
      'CozyStack state': 1,
    });
    assert.equal(result.summary.totals.objects, 22);
    assert.equal(result.summary.secrets, 'included');

    const verify = await verifyBackup(backup);
    assert.deepEqual(verify, {
      ok: true,
      dir: backup,
      files: verify.files,
      missing: [],
      extra: [],
      altered: [],
    });
    assert.ok(verify.files >= 15);
  });

  it('SHA256SUMS is accepted by sha256sum -c', async (t) => {
    if (spawnSync('sha256sum', ['--version']).status !== 0) return t.skip('sha256sum not installed');
    const out = await outDir();
    const result = await runBackup(memorySource(smallCluster()), { outDir: out });
    const output = execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], {
      cwd: result.summary.path,
      encoding: 'utf8',
    });
    assert.match(output, /secrets\/secrets\.json: OK/);
    assert.doesNotMatch(output, /FAILED/);
  });

  it('backup verify names altered, missing and extra files', async () => {
    const out = await outDir();
    const { summary } = await runBackup(memorySource(smallCluster()), { outDir: out });
    await appendFile(join(summary.path, 'configmaps', 'configmaps.json'), ' ');
    await rm(join(summary.path, 'states', 'pods.json'));
    await writeFile(join(summary.path, 'states', 'planted.json'), '{}');
    const result = await verifyBackup(summary.path);
    assert.equal(result.ok, false);
    assert.deepEqual(result.altered, ['configmaps/configmaps.json']);
    assert.deepEqual(result.missing, ['states/pods.json']);
    assert.deepEqual(result.extra, ['states/planted.json']);
  });

  it('a second backup in the same minute gets a suffix and never overwrites', async () => {
    const out = await outDir();
    const first = await runBackup(memorySource(smallCluster()), { outDir: out });
    const second = await runBackup(memorySource(smallCluster()), { outDir: out });
    assert.equal(second.summary.path, join(out, '20251024-1931-2'));
    assert.deepEqual((await readdir(out)).sort(), ['20251024-1931', '20251024-1931-2']);
    assert.equal((await verifyBackup(first.summary.path)).ok, true);
  });

  it('writes a clean view that has no server-owned fields and only restorable objects', async () => {
    const out = await outDir();
    const { summary, clean } = await runBackup(memorySource(smallCluster()), { outDir: out });
    const apply = join(summary.path, 'apply');
    const files = (await readdir(apply)).sort();
    assert.deepEqual(files, [
      '.cozy-assess-apply-view',
      '00-namespaces.json',
      '01-customresourcedefinitions.apiextensions.k8s.io.json',
      '02-configmaps.json',
      '03-secrets.json',
      '04-helmreleases.helm.toolkit.fluxcd.io.json',
      '05-clusters.cluster.x-k8s.io.json',
      '05-proxmoxclusters.infrastructure.cluster.x-k8s.io.json',
      '06-workloadmonitors.cozystack.io.json',
    ]);
    const objects: Array<Record<string, unknown>> = [];
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      const list = JSON.parse(await readFile(join(apply, file), 'utf8'));
      assert.equal(list.apiVersion, 'v1');
      assert.equal(list.kind, 'List', 'a plain List, what kubectl apply -f takes');
      objects.push(...list.items);
    }
    assert.equal(objects.length, clean.objects);
    // default and kube-system namespaces and kube-root-ca.crt are the cluster's own.
    assert.deepEqual(
      objects.filter((o) => o.kind === 'Namespace').map((o) => (o.metadata as { name: string }).name),
      ['cozy-system', 'tenant-root'],
    );
    assert.ok(
      !objects.some(
        (o) => o.kind === 'ConfigMap' && (o.metadata as { name: string }).name === 'kube-root-ca.crt',
      ),
    );
    for (const object of objects) {
      const metadata = object.metadata as Record<string, unknown>;
      assert.equal(object.status, undefined, `${object.kind} has no status`);
      for (const field of [
        'managedFields',
        'resourceVersion',
        'uid',
        'creationTimestamp',
        'generation',
        'selfLink',
      ]) {
        assert.equal(metadata[field], undefined, `${object.kind}/${metadata.name} has no ${field}`);
      }
      assert.deepEqual(metadata.annotations, { keep: 'me' });
      assert.ok(!['Pod', 'Event', 'Node'].includes(object.kind as string));
    }
  });

  it('fills apiVersion and kind of items that lack them (raw API lists), in the raw files and the clean view', async () => {
    const cluster = smallCluster();
    const configMaps = cluster.find((c) => c.type.kind === 'ConfigMap')!;
    configMaps.objects = (configMaps.objects as KubeObject[]).map(
      ({ apiVersion: _a, kind: _k, ...rest }) => rest as KubeObject,
    );
    const { summary } = await runBackup(memorySource(cluster), { outDir: await outDir() });
    const raw = JSON.parse(await readFile(join(summary.path, 'configmaps', 'configmaps.json'), 'utf8'));
    assert.equal(raw.kind, 'ConfigMapList');
    assert.ok(raw.items.every((o: KubeObject) => o.apiVersion === 'v1' && o.kind === 'ConfigMap'));
    const clean = JSON.parse(await readFile(join(summary.path, 'apply', '02-configmaps.json'), 'utf8'));
    assert.deepEqual(
      clean.items.map((o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`),
      ['v1/ConfigMap/cozystack', 'v1/ConfigMap/cozystack-version'],
      'typed, and kube-root-ca.crt still recognised and left out',
    );
  });

  it('secret values appear only in the secret files; --no-secrets leaves them out entirely', async () => {
    const out = await outDir();
    const { summary } = await runBackup(memorySource(smallCluster()), { outDir: out });
    const secretFiles = ['apply/03-secrets.json', 'secrets/secrets.json'];
    for (const file of await filesBelow(summary.path)) {
      const holds = file.text.includes(PLANTED_SECRET) || file.text.includes(PLANTED_SECRET_B64);
      assert.equal(
        holds,
        secretFiles.includes(file.path),
        `${file.path} ${holds ? 'holds' : 'lacks'} the planted value`,
      );
      if (secretFiles.includes(file.path)) assert.equal(file.mode, 0o600, `${file.path} is 0600`);
    }
    assert.ok(!JSON.stringify(summary).includes(PLANTED_SECRET_B64));

    const excluded = await runBackup(memorySource(smallCluster()), {
      outDir: await outDir(),
      secrets: 'exclude',
    });
    assert.equal(excluded.exitCode, 0);
    assert.equal(excluded.summary.secrets, 'excluded');
    assert.ok(!excluded.summary.categories.some((c) => c.category === 'Secrets'));
    for (const file of await filesBelow(excluded.summary.path)) {
      assert.ok(
        !file.text.includes(PLANTED_SECRET) && !file.text.includes(PLANTED_SECRET_B64),
        `${file.path} holds no secret`,
      );
      assert.ok(!file.path.includes('secrets'), `${file.path} is not a secret file`);
    }
    const manifest = await readManifest(excluded.summary.path);
    assert.deepEqual(manifest.skipped, [
      { type: 'secrets', cause: 'excluded', reason: 'left out by --no-secrets' },
    ]);
    assert.equal(manifest.complete, true);
  });

  it('a forbidden type is skipped with its reason: INCOMPLETE (4), or 0 with allowPartial', async () => {
    const source = () => memorySource(smallCluster(), { forbidden: ['secrets', typeKey(PROXMOX_CLUSTERS)] });
    const strict = await runBackup(source(), { outDir: await outDir() });
    assert.equal(strict.exitCode, 4);
    assert.equal(strict.summary.complete, false);
    assert.equal(strict.summary.status, 'partial', 'finished and verified, forbidden types skipped');
    assert.ok(strict.summary.skipped.every((s) => s.cause === 'forbidden'));
    assert.equal(strict.summary.verified, true);
    assert.deepEqual(
      strict.summary.skipped.map((s) => s.type),
      ['proxmoxclusters.infrastructure.cluster.x-k8s.io', 'secrets'],
    );
    assert.match(
      strict.summary.skipped[1]!.reason,
      /^forbidden: secrets: forbidden: User "viewer" cannot list/,
    );
    assert.ok(strict.problems.some((p) => /--allow-partial/.test(p)));
    const manifest = await readManifest(strict.summary.path);
    assert.equal(manifest.complete, false);
    assert.deepEqual(
      manifest.skipped.map((s) => [s.type, s.cause]),
      [
        ['proxmoxclusters.infrastructure.cluster.x-k8s.io', 'forbidden'],
        ['secrets', 'forbidden'],
      ],
    );
    await assert.rejects(
      stat(join(strict.summary.path, 'secrets')),
      'no secrets folder for a forbidden type',
    );

    const partial = await runBackup(source(), { outDir: await outDir() }, true);
    assert.equal(partial.exitCode, 0);
    assert.equal(partial.summary.complete, false);
    assert.equal(partial.summary.status, 'partial');
  });

  it('a type that fails mid-list leaves only a folder marked INCOMPLETE (exit 4), never a finished-looking one', async () => {
    const out = await outDir();
    const cluster = smallCluster();
    const many = Array.from({ length: 30 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p-${i}`, namespace: 'x' },
    }));
    cluster.find((c) => c.type.kind === 'Pod')!.objects = many;
    const result = await runBackup(memorySource(cluster, { pageSize: 10, failAfterPages: { pods: 2 } }), {
      outDir: out,
    });
    assert.equal(result.exitCode, 4);
    assert.equal(result.finalized, false);
    assert.equal(result.summary.complete, false);
    assert.equal(result.summary.status, 'unfinished');
    assert.ok(result.summary.skipped.some((s) => s.cause === 'failed'));
    assert.equal(result.summary.verified, false);
    assert.match(result.problems[0]!, /INCOMPLETE: pods \(pods: 503 Service Unavailable/);
    const entries = await readdir(out);
    assert.equal(entries.length, 1);
    assert.match(entries[0]!, /^\.20251024-1931\.partial-\d+$/);
    assert.match(await readFile(join(out, entries[0]!, 'INCOMPLETE'), 'utf8'), /not a complete backup/);
    await assert.rejects(
      stat(join(out, entries[0]!, 'states', 'pods.json')),
      'the half-written type file is gone',
    );
    await assert.rejects(
      verifyBackup(join(out, entries[0]!)).then((r) =>
        r.ok ? undefined : Promise.reject(new Error('not ok')),
      ),
    );
  });

  it('a file that changes between writing and re-reading fails verification (3) and is not renamed into place', async () => {
    const out = await outDir();
    const source = memorySource(smallCluster());
    const session = await startBackup({
      outDir: out,
      secrets: 'include',
      toolVersion: 't',
    });
    const types = session.types(await source.discoverTypes());
    const outcomes = await scanCluster(source, types, [session.sink], { concurrency: 2 });
    // Something else (a failing disk, another process) touches a finished file before the commit re-reads it.
    await appendFile(join(session.partialPath, 'states', 'pods.json'), 'x');
    const result = await session.commit(outcomes, { allowPartial: false, source: source.info });
    assert.equal(result.exitCode, 3);
    assert.equal(result.summary.status, 'failed-verification');
    assert.equal(result.finalized, false);
    assert.equal(result.summary.verified, false);
    assert.match(result.problems[0]!, /FAILED verification: .*altered states\/pods\.json/);
    assert.deepEqual(await readdir(out), [basename(session.partialPath)]);
    assert.match(await readFile(join(session.partialPath, 'INCOMPLETE'), 'utf8'), /did not match/);
  });

  it('an --out that cannot hold a folder is bad input (exit 2) naming it', async () => {
    const file = join(await outDir(), 'a-file');
    await writeFile(file, 'x');
    await assert.rejects(runBackup(memorySource(smallCluster()), { outDir: file }), (e: unknown) => {
      assert.ok(e instanceof BadInputError);
      assert.match(e.message, /a-file: cannot create a folder there \(E(EXIST|NOTDIR)\)/);
      return true;
    });
  });

  it('a source that throws mid-way leaves nothing behind after abort', async () => {
    const out = await outDir();
    const cluster = smallCluster();
    const source = memorySource(cluster, { pageSize: 1, crashAfterPages: { configmaps: 1 } });
    await assert.rejects(runBackup(source, { outDir: out }), /connection reset by peer/);
    assert.deepEqual(await readdir(out), []);
  });

  it('an abort signal in the middle stops the writes and abort() removes the partial folder', async () => {
    const out = await outDir();
    const controller = new AbortController();
    const cluster = smallCluster();
    cluster.find((c) => c.type.kind === 'Pod')!.objects = Array.from({ length: 50 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p-${i}`, namespace: 'x' },
    }));
    const source = memorySource(cluster, {
      pageSize: 5,
      beforePage: async (type, index) => {
        if (type.kind === 'Pod' && index === 3) controller.abort(new Error('interrupted by SIGTERM'));
      },
    });
    const session = await startBackup({
      outDir: out,
      secrets: 'include',
      toolVersion: 't',
      signal: controller.signal,
    });
    const types = session.types(await source.discoverTypes());
    await assert.rejects(
      scanCluster(source, types, [session.sink], { concurrency: 2, signal: controller.signal }),
      /SIGTERM/,
    );
    assert.equal((await readdir(out)).length, 1, 'partial folder exists while the run is stopping');
    await session.abort('was interrupted');
    assert.deepEqual(await readdir(out), []);
  });
});
