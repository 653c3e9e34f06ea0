// The installer's Helm records are one narrow read after the scan: Secrets of cozy-system with Helm's labels
// of release `cozystack`, on a live cluster as in a snapshot; a forbidden read leaves the version to the
// other evidence and says why.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { detectInstalled } from '../../src/catalog/detect.js';
import { loadCatalog } from '../../src/cli/catalog-file.js';
import type { GlobalOptions } from '../../src/cli/globals.js';
import { gatherInventory } from '../../src/cli/pipeline.js';
import { fixture } from '../support/cli.js';
import { testContext } from '../support/command-context.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';

const FIXTURE = fixture('v1-shared-operator-tag');
const catalog = loadCatalog();
let server: FakeApiServer;
let denied: FakeApiServer;

before(async () => {
  server = await startFakeApiServer({ snapshotDir: FIXTURE });
  denied = await startFakeApiServer({ snapshotDir: FIXTURE, forbidden: ['secrets'] });
});
after(async () => {
  await server?.close();
  await denied?.close();
});

async function gather(globals: Partial<GlobalOptions>) {
  return (await gatherInventory(testContext(globals))).inventory;
}

describe("the installer's Helm records", () => {
  it('are read live with one namespaced, label-selected list, and decide a shared operator tag', async () => {
    const start = server.requestLog.length;
    const inventory = await gather({ kubeconfig: server.kubeconfigPath });
    const reads = server.requestLog.slice(start).filter((r) => r.path.endsWith('/secrets'));
    assert.deepEqual(
      reads.map((r) => `${r.path}?labelSelector=${r.query.labelSelector}`),
      ['/api/v1/namespaces/cozy-system/secrets?labelSelector=owner=helm,name=cozystack'],
    );
    assert.equal(inventory.installerRecords?.status, 'ok');
    assert.deepEqual(
      inventory.installerRecords?.records.map(
        (r) => `${r.revision} ${r.status} ${r.chart} ${r.chartVersion}`,
      ),
      ['2 superseded cozy-installer 1.4.5', '3 deployed cozy-installer 1.4.6'],
    );
    assert.equal(detectInstalled(inventory, catalog).version, '1.4.6');
  });

  it('read from a snapshot give the same answer', async () => {
    const inventory = await gather({ snapshot: FIXTURE });
    assert.equal(inventory.installerRecords?.records.length, 2);
    assert.equal(detectInstalled(inventory, catalog).version, '1.4.6');
  });

  it('when forbidden, leave the version to the image tag and the counter, and say why', async () => {
    const inventory = await gather({ kubeconfig: denied.kubeconfigPath });
    assert.equal(inventory.installerRecords?.status, 'forbidden');
    assert.match(inventory.installerRecords?.reason ?? '', /in namespace cozy-system/);
    const found = detectInstalled(inventory, catalog);
    assert.equal(found.version, '1.4.5');
    assert.deepEqual(found.alternatives, ['1.4.6']);
    assert.ok(
      found.notes.some((n) => /Helm release cozy-system\/cozystack could not be read \(forbidden/.test(n)),
      found.notes.join('\n'),
    );
  });
});
