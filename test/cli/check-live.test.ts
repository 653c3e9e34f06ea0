// `check` against a live API server (the fake one, over HTTPS, through the real client library): the same
// verdict as from the snapshot, each type listed once, only GETs, and exit 4 when RBAC hides what a
// blocking check needs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runBinary, runCli } from '../support/cli.js';
import { type CheckDocument, checkJson } from '../support/check-output.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';

const NOW = '2025-10-24T12:00:00Z';
let server: FakeApiServer;

before(async () => {
  server = await startFakeApiServer({ snapshotDir: 'fixtures/seed-incident', token: 'secret-token' });
});
after(async () => {
  await server?.close();
});

const live = (target: FakeApiServer = server) => [
  '--kubeconfig',
  target.kubeconfigPath,
  '--now',
  NOW,
  'check',
  '-o',
  'json',
];

describe('check on a live cluster', () => {
  it('gives the snapshot verdict, lists each type once and sends only GETs', async () => {
    server.setForbidden([]);
    server.requestLog.length = 0;
    // The end-to-end run of the built binary for check.
    const result = await runBinary(live());
    assert.equal(result.code, 3, result.stderr);
    const doc = checkJson(result);
    const fromSnapshot = checkJson(
      await runCli(['--snapshot', 'fixtures/seed-incident', '--now', NOW, 'check', '-o', 'json']),
    );
    const verdicts = (d: CheckDocument) => d.findings.map((f) => `${f.id}:${f.status}:${f.blocking}`).sort();
    assert.deepEqual(verdicts(doc), verdicts(fromSnapshot));

    assert.deepEqual(
      server.requestLog.filter((r) => r.method !== 'GET'),
      [],
    );
    // A list is its first page (no continue token); each listed path is requested once.
    const firstPages = server.requestLog.filter(
      (r) => r.query.limit !== undefined && r.query.continue === undefined,
    );
    const paths = firstPages.map((r) => r.path);
    assert.ok(paths.includes('/api/v1/pods'), paths.join(' '));
    assert.equal(new Set(paths).size, paths.length, `listed more than once: ${paths.join(' ')}`);
  });

  it('exits 4 (INCOMPLETE) when pods are forbidden on a healthy cluster, naming the type and the checks it stopped', async () => {
    const healthy = await startFakeApiServer({ snapshotDir: 'fixtures/healthy', forbidden: ['pods'] });
    try {
      const result = await runCli(live(healthy));
      assert.equal(result.code, 4, result.stderr);
      const doc = checkJson(result);
      assert.deepEqual(
        doc.coverage.unreadable.filter((u) => u.type === 'pods').map((u) => u.status),
        ['forbidden'],
      );
      assert.ok(doc.coverage.unknown.some((u) => u.check === 'kube-ovn'));
      assert.deepEqual(
        doc.findings.filter((f) => f.status === 'fail'),
        [],
      );
      // and the same cluster, readable, is GO
      healthy.setForbidden([]);
      const readable = await runCli(live(healthy));
      assert.equal(readable.code, 0, readable.stderr);
    } finally {
      await healthy.close();
    }
  });
});
