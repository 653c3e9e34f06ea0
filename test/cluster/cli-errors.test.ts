// The cluster-source errors as a user sees them: the CLI's exit code and its stderr lines (what failed, where,
// and a hint), run in-process with the test's environment (no KUBECONFIG, HOME in a temporary folder).
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type FakeApiServer, kubeconfigYaml } from '../support/fake-apiserver.js';
import { runCli } from '../support/cli.js';
import { writeSampleCluster } from '../support/sample-cluster.js';
import { generateTls } from '../support/tls.js';
import { serveSampleCluster } from '../support/sample-server.js';
import { closedPort } from '../support/net.js';

let root: string;
let server: FakeApiServer;

serveSampleCluster('cozy-cli-errors-', { token: 'right', kubeconfigToken: 'wrong' }, (sample) => {
  ({ root, server } = sample);
});

/** `check` reads the cluster first, so its exit code and stderr show the source's errors. */
const check = (...args: string[]) =>
  runCli(['check', ...args], { env: { KUBECONFIG: undefined, HOME: root } });

describe('cluster source errors through the CLI', () => {
  test('kubeconfig missing: exit 2, names the file', async () => {
    const result = await check('--kubeconfig', join(root, 'nope'));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /kubeconfig .*nope does not exist/);
    assert.match(result.stderr, /hint: /);
    assert.equal(result.stdout, '');
  });

  test('no kubeconfig anywhere: exit 2, suggests --kubeconfig or --snapshot', async () => {
    const result = await check();
    assert.equal(result.code, 2);
    assert.match(result.stderr, /no kubeconfig found/);
    assert.match(result.stderr, /--snapshot DIR/);
  });

  test('unknown context: exit 2, lists the available ones', async () => {
    const result = await check('--kubeconfig', server.kubeconfigPath, '--context', 'prod');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /context 'prod' is not in kubeconfig .*\(available contexts: fake\)/);
  });

  test('401: exit 2, says the credentials were rejected', async () => {
    const result = await check('--kubeconfig', server.kubeconfigPath);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /rejected the credentials \(401 Unauthorized\)/);
    assert.match(result.stderr, /hint: .*refresh the kubeconfig/);
  });

  test('TLS failure: exit 2, points at the certificate authority', async () => {
    const kubeconfig = join(root, 'wrong-ca');
    await writeFile(kubeconfig, kubeconfigYaml(server.url, generateTls('other CA').caPem, 'right'));
    const result = await check('--kubeconfig', kubeconfig);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot verify the API server https:\/\/127\.0\.0\.1:\d+/);
    assert.match(result.stderr, /certificate-authority/);
  });

  test('server refusing connections: exit 4 (INCOMPLETE), names the server', async () => {
    const port = await closedPort();
    const kubeconfig = join(root, 'refused');
    await writeFile(kubeconfig, kubeconfigYaml(`https://127.0.0.1:${port}`, undefined, 'right'));
    const result = await check('--kubeconfig', kubeconfig);
    assert.equal(result.code, 4);
    assert.match(result.stderr, new RegExp(`cannot reach the API server https://127\\.0\\.0\\.1:${port}`));
  });

  test('snapshot with a broken file: exit 2, names the file, line and column', async () => {
    const broken = join(root, 'broken-snapshot');
    await writeSampleCluster(broken);
    await writeFile(join(broken, 'extra.json'), '{\n  "kind": "List",\n  "items": [\n');
    const result = await check('--snapshot', broken);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /extra\.json:4:1: not valid JSON/);
  });

  test('snapshot folder empty: exit 2 with the kubectl command to capture one', async () => {
    const empty = await mkdtemp(join(root, 'empty-'));
    const result = await check('--snapshot', empty);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /holds no \.json, \.yaml or \.yml files/);
    assert.match(result.stderr, /kubectl get pods,nodes,events -A -o json > state\.json/);
  });
});
