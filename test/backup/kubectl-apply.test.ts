// kubectl, a client we did not write, accepts the clean view: `kubectl apply --dry-run=client -f apply/`
// against the fake API server (client dry-run still needs discovery for every kind, and GETs each object to
// compute its patch). The fake server serves no OpenAPI document, so schema validation is off
// (`--validate=false`); parsing, kind mapping and the apply logic are kubectl's own. Skipped without kubectl.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { kubectlAvailable } from '../support/kubectl.js';
import { tempDirs } from '../support/temp.js';
import { memorySource, runBackup, smallCluster } from './helpers.js';

const run = promisify(execFile);
const outDir = tempDirs('cozy-backup-kubectl-');

it('kubectl apply --dry-run=client accepts the clean view', async (t) => {
  if (!kubectlAvailable()) return t.skip('kubectl not installed');
  const out = await outDir();
  const { summary } = await runBackup(memorySource(smallCluster()), { outDir: out });
  // The backup is itself a snapshot: the fake server serves its objects and the CRDs in it.
  const server = await startFakeApiServer({ snapshotDir: summary.path, token: 'test-token' });
  try {
    const { stdout } = await run(
      'kubectl',
      [
        '--kubeconfig',
        server.kubeconfigPath,
        '--cache-dir',
        join(out, 'kube-cache'),
        'apply',
        '--dry-run=client',
        '--validate=false',
        '-f',
        join(summary.path, 'apply'),
      ],
      { timeout: 60_000 },
    );
    const lines = stdout.trim().split('\n');
    // One line per object: namespaces, CRDs, ConfigMaps, Secrets, the HelmRelease and the custom resources.
    assert.ok(
      lines.includes('namespace/tenant-root configured (dry run)') ||
        lines.includes('namespace/tenant-root created (dry run)'),
      stdout,
    );
    assert.ok(
      lines.some((l) =>
        /^proxmoxcluster\.infrastructure\.cluster\.x-k8s\.io\/pve (created|configured|unchanged) \(dry run\)$/.test(
          l,
        ),
      ),
      stdout,
    );
    assert.ok(
      lines.some((l) => /^secret\/db-password /.test(l)),
      stdout,
    );
    assert.ok(
      lines.some((l) => /^helmrelease\.helm\.toolkit\.fluxcd\.io\/tenant-root /.test(l)),
      stdout,
    );
    assert.equal(lines.length, 15, stdout);
    assert.ok(
      lines.every((l) => / \(dry run\)$/.test(l)),
      stdout,
    );
    assert.ok(
      server.requestLog.every((r) => r.method === 'GET'),
      'a client dry run sends only GETs',
    );
  } finally {
    await server.close();
  }
});
