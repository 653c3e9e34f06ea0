// The watched Secrets: read one by one (a GET, never a list), reduced at once to their key names. Through the
// snapshot source and the live source (the fake API server), found, absent, forbidden and not captured.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openLiveSource } from '../../src/cluster/live.js';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import { readOne } from '../../src/cluster/scan.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import type { KubeObject } from '../../src/cluster/types.js';
import { secretKeysFact, WATCHED_SECRETS } from '../../src/inventory/secrets.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';

const ACCESS = 'planted-access-key-5d1f';
const SECRET = 'planted-secret-key-a9c3';
const b64 = (text: string) => Buffer.from(text).toString('base64');

const creds: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'cozy-backups-creds', namespace: 'cozy-velero' },
  type: 'Opaque',
  data: { AWS_ACCESS_KEY_ID: b64(ACCESS), AWS_SECRET_ACCESS_KEY: b64(SECRET) },
  stringData: { endpoint: 's3.example.org' },
};

const secrets = BUILTIN_TYPES.secrets;

describe('secretKeysFact', () => {
  it('keeps the key names of data and stringData, sorted, and no value', () => {
    const fact = secretKeysFact({ status: 'found', object: creds });
    assert.deepEqual(fact, {
      status: 'found',
      keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'endpoint'],
    });
    const text = JSON.stringify(fact);
    for (const value of [ACCESS, SECRET, b64(ACCESS), b64(SECRET), 's3.example.org'])
      assert.ok(!text.includes(value), value);
  });

  it('absent and unreadable pass through; a Secret without data has no keys', () => {
    assert.deepEqual(secretKeysFact({ status: 'absent' }), { status: 'absent' });
    assert.deepEqual(secretKeysFact({ status: 'unreadable', reason: 'forbidden' }), {
      status: 'unreadable',
      reason: 'forbidden',
    });
    const empty = { ...creds, data: undefined, stringData: undefined };
    assert.deepEqual(secretKeysFact({ status: 'found', object: empty }), { status: 'found', keys: [] });
  });

  it('watches the etcd adoption backup credentials', () => {
    assert.deepEqual(
      WATCHED_SECRETS.map((s) => `${s.namespace}/${s.name}`),
      ['cozy-velero/cozy-backups-creds'],
    );
  });
});

describe('reading one Secret', () => {
  let dir: string;
  let server: FakeApiServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cozy-secret-keys-'));
    const other = { ...creds, metadata: { name: 'other', namespace: 'cozy-velero' } };
    await writeFile(
      join(dir, 'with.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [creds, other] }),
    );
    await writeFile(
      join(dir, 'without.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }),
    );
    server = await startFakeApiServer({ snapshotDir: join(dir, 'with.json') });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('snapshot: found by namespace and name, absent otherwise; not captured is unreadable', async () => {
    const source = await openSnapshotSource(join(dir, 'with.json'));
    const found = await readOne(source, secrets, 'cozy-velero', 'cozy-backups-creds');
    assert.equal(found.status, 'found');
    assert.equal((await readOne(source, secrets, 'cozy-system', 'cozy-backups-creds')).status, 'absent');
    const bare = await openSnapshotSource(join(dir, 'without.json'));
    const unread = await readOne(bare, secrets, 'cozy-velero', 'cozy-backups-creds');
    assert.equal(unread.status, 'unreadable');
    assert.match(unread.status === 'unreadable' ? unread.reason : '', /not captured/);
  });

  it('live: one GET of that Secret (no list), found or 404 absent; 403 is unreadable naming the RBAC rule', async () => {
    const source = await openLiveSource({
      kubeconfig: server.kubeconfigPath,
      requestTimeoutMs: 5000,
      concurrency: 2,
      retry: { baseDelayMs: 2, maxDelayMs: 10 },
      env: {},
    });
    const start = server.requestLog.length;
    const found = await readOne(source, secrets, 'cozy-velero', 'cozy-backups-creds');
    assert.deepEqual(secretKeysFact(found), {
      status: 'found',
      keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'endpoint'],
    });
    assert.deepEqual(
      server.requestLog.slice(start).map((r) => `${r.method} ${r.path}`),
      ['GET /api/v1/namespaces/cozy-velero/secrets/cozy-backups-creds'],
    );
    assert.equal((await readOne(source, secrets, 'cozy-velero', 'missing')).status, 'absent');
    server.setForbidden(['secrets']);
    try {
      const denied = await readOne(source, secrets, 'cozy-velero', 'cozy-backups-creds');
      assert.equal(denied.status, 'unreadable');
      assert.match(
        denied.status === 'unreadable' ? denied.reason : '',
        /forbidden: the account may not get Secret cozy-velero\/cozy-backups-creds; it needs the RBAC verb "get" on resource "secrets"/,
      );
    } finally {
      server.setForbidden([]);
      await source.close();
    }
  });
});
