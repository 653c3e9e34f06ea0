// kubectl, a client nobody here wrote, lists from the fake API server over HTTPS with its generated
// kubeconfig (CA data and bearer token). Skipped where kubectl is not installed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { FakeApiServer } from '../support/fake-apiserver.js';
import { kubectlAvailable } from '../support/kubectl.js';
import { samplePods } from '../support/sample-cluster.js';
import { serveSampleCluster } from '../support/sample-server.js';

const run = promisify(execFile);

describe('kubectl against the fake API server (HTTPS)', {
  skip: kubectlAvailable() ? false : 'kubectl is not on PATH',
}, () => {
  let root: string;
  let server: FakeApiServer;
  serveSampleCluster('cozy-kubectl-', { tls: true, token: 'kubectl-token' }, (sample) => {
    ({ root, server } = sample);
  });

  // Must not block the event loop: the server runs in this process.
  const kubectl = async (...args: string[]) => {
    const { stdout } = await run(
      'kubectl',
      ['--kubeconfig', server.kubeconfigPath, '--cache-dir', join(root, 'cache'), ...args],
      {
        timeout: 60_000,
      },
    );
    return stdout;
  };

  test('get pods -A -o json lists every pod (in pages with --chunk-size)', async () => {
    const list = JSON.parse(await kubectl('get', 'pods', '-A', '-o', 'json', '--chunk-size=3')) as {
      items: Array<{ kind: string; metadata: { namespace: string; name: string } }>;
    };
    assert.equal(list.items.length, samplePods().length);
    assert.ok(list.items.every((item) => item.kind === 'Pod'));
    const continued = server.requestLog.filter((r) => r.path === '/api/v1/pods' && r.query.continue);
    assert.equal(continued.length, 2);
  });

  test('get helmreleases.helm.toolkit.fluxcd.io -A prints the releases', async () => {
    const out = await kubectl('get', 'helmreleases.helm.toolkit.fluxcd.io', '-A');
    assert.match(out, /^NAMESPACE\s+NAME\s+AGE/);
    for (const name of ['cozystack-api', 'kubeovn', 'tenant-root'])
      assert.match(out, new RegExp(`\\b${name}\\b`));
  });

  test('get crd lists the CRDs', async () => {
    const out = await kubectl('get', 'crd');
    assert.match(out, /helmreleases\.helm\.toolkit\.fluxcd\.io/);
    assert.match(out, /widgets\.example\.com/);
  });

  test('label and field selectors filter server-side', async () => {
    const byLabel = await kubectl('get', 'pods', '-A', '-l', 'app=web', '-o', 'name');
    assert.deepEqual(byLabel.trim().split('\n'), ['pod/web-0', 'pod/web-1']);
    const byNode = await kubectl(
      'get',
      'pods',
      '-A',
      '--field-selector',
      'spec.nodeName=node-c',
      '-o',
      'name',
    );
    assert.deepEqual(byNode.trim().split('\n'), ['pod/coredns-1', 'pod/web-1']);
    const events = await kubectl(
      'get',
      'events',
      '-n',
      'tenant-root',
      '--field-selector',
      'involvedObject.name=web-0',
      '-o',
      'name',
    );
    assert.deepEqual(events.trim().split('\n'), ['event/web-0.1', 'event/web-0.2']);
  });

  test('kubectl sent only GET requests', () => {
    assert.ok(server.requestLog.length > 0);
    assert.deepEqual(
      server.requestLog.filter((r) => r.method !== 'GET'),
      [],
    );
  });
});
