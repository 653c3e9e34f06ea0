// kubeconfig credentials as kubectl reads them (issue 12): an exec credential plugin that never answers is
// bounded by --request-timeout and named (exit 2), `tokenFile` (kubectl's spelling) works like `token-file`,
// and insecure-skip-tls-verify together with a certificate authority is refused as kubectl refuses it.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { type LiveSourceOptions, openLiveSource } from '../../src/cluster/live.js';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import { BadInputError } from '../../src/errors.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { listType } from '../support/read-source.js';
import { fixture, runGuarded, tempFolder } from './guard.js';

const TOKEN = 'rotated-token';
let server: FakeApiServer;
let dir: string;

before(async () => {
  server = await startFakeApiServer({ snapshotDir: fixture('healthy'), token: TOKEN });
  dir = await tempFolder('cozy-credentials-');
});
after(() => server.close());

/** The fake server's kubeconfig with its user replaced by `user`, and its cluster patched by `cluster`. */
async function kubeconfigWith(
  name: string,
  user: Record<string, unknown>,
  cluster: Record<string, unknown> = {},
): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const config = parse(await readFile(server.kubeconfigPath, 'utf8')) as {
    users: Array<{ user: unknown }>;
    clusters: Array<{ cluster: Record<string, unknown> }>;
  };
  config.users[0]!.user = user;
  Object.assign(config.clusters[0]!.cluster, cluster);
  const file = join(dir, name);
  await writeFile(file, stringify(config));
  return file;
}

const open = (kubeconfig: string, overrides: Partial<LiveSourceOptions> = {}) =>
  openLiveSource({ kubeconfig, requestTimeoutMs: 5000, concurrency: 2, env: {}, ...overrides });

/** A credential plugin that never prints anything and never exits. */
const hangingPlugin = {
  exec: {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    command: process.execPath,
    args: ['-e', 'setInterval(() => {}, 1 << 30)'],
    interactiveMode: 'Never',
  },
};

describe('kubeconfig credentials', () => {
  it('reads a token from `tokenFile` (kubectl spelling), relative to the kubeconfig', async () => {
    await writeFile(join(dir, 'token'), TOKEN);
    const source = await open(await kubeconfigWith('token-file.yaml', { tokenFile: 'token' }));
    try {
      const { objects } = await listType(source, BUILTIN_TYPES.nodes);
      assert.ok(objects.length > 0);
      assert.ok(server.requestLog.length > 0);
    } finally {
      await source.close();
    }
  });

  it('refuses insecure-skip-tls-verify together with a certificate authority, naming the field', async () => {
    const file = await kubeconfigWith(
      'insecure.yaml',
      { token: TOKEN },
      { 'insecure-skip-tls-verify': true },
    );
    const error = await open(file).then(
      () => assert.fail('expected the kubeconfig to be refused'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BadInputError);
    assert.match(error.message, /insecure-skip-tls-verify together with a certificate authority/);
    assert.equal(error.field, 'clusters[].cluster.insecure-skip-tls-verify');
  });

  it('bounds an exec credential plugin that never answers by --request-timeout, naming the command', async () => {
    const file = await kubeconfigWith('hang.yaml', hangingPlugin);
    const error = await open(file, { requestTimeoutMs: 300 }).then(
      () => assert.fail('expected the first request to fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BadInputError);
    assert.match(
      error.message,
      /exec credential plugin '.*node' of the kubeconfig did not answer within 300 ms/,
    );
  });

  it('check with a hanging credential plugin ends by itself with exit 2 naming the plugin', async () => {
    const file = await kubeconfigWith('hang-cli.yaml', hangingPlugin);
    const result = await runGuarded(['check', '--kubeconfig', file, '--request-timeout', '1s'], {
      killAfterMs: 30_000,
    });
    assert.equal(result.hung, false, 'the process ended by itself (the plugin was killed)');
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /exec credential plugin '.*node' of the kubeconfig did not answer within 1000 ms/,
    );
  });
});
