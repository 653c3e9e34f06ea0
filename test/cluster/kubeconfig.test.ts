// Finding and merging kubeconfig files as kubectl does, and the errors when that fails (no network here).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { transportError } from '../../src/cluster/http.js';
import { loadKubeConfig, SERVICE_ACCOUNT_DIR_ENV } from '../../src/cluster/kubeconfig.js';
import { connectionError } from '../../src/cluster/live.js';
import { BadInputError, ExitCode, IncompleteError } from '../../src/errors.js';
import { testTls } from '../support/tls.js';
import { tempDirs } from '../support/temp.js';

let root: string;
const tempDir = tempDirs('cozy-kubeconfig-');
before(async () => {
  root = await tempDir();
});

interface Entry {
  cluster?: string;
  server?: string;
  context?: string;
  user?: string;
  token?: string;
}

async function kubeconfig(name: string, entries: Entry[], current?: string): Promise<string> {
  const file = join(root, name);
  await writeFile(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: entries
        .filter((e) => e.cluster && e.server)
        .map((e) => ({ name: e.cluster, cluster: { server: e.server } })),
      users: entries.filter((e) => e.user).map((e) => ({ name: e.user, user: { token: e.token } })),
      contexts: entries
        .filter((e) => e.context)
        .map((e) => ({ name: e.context, context: { cluster: e.cluster, user: e.user } })),
      ...(current ? { 'current-context': current } : {}),
    }),
  );
  return file;
}

function badInput(run: () => unknown, pattern: RegExp): BadInputError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof BadInputError, `expected BadInputError, got ${String(error)}`);
    assert.equal(error.exitCode, ExitCode.BAD_INPUT);
    assert.match(error.message, pattern);
    return error;
  }
  return assert.fail('expected a BadInputError');
}

describe('kubeconfig discovery', () => {
  test('KUBECONFIG files merge: the first to set current-context, a cluster or a user wins', async () => {
    const a = await kubeconfig(
      'a',
      [{ cluster: 'c1', server: 'https://one:6443', context: 'ctx-a', user: 'u', token: 'first' }],
      'ctx-a',
    );
    const b = await kubeconfig(
      'b',
      [
        { cluster: 'c1', server: 'https://shadowed:6443', context: 'ctx-b', user: 'u', token: 'second' },
        { cluster: 'c2', server: 'https://two:6443', context: 'ctx-c', user: 'u2', token: 'third' },
      ],
      'ctx-b',
    );
    const loaded = loadKubeConfig(k8s, { env: { KUBECONFIG: `${a}:${b}` }, home: root });
    assert.equal(loaded.context, 'ctx-a');
    assert.equal(loaded.server, 'https://one:6443');
    assert.deepEqual(loaded.files, [a, b]);
    assert.deepEqual(
      loaded.kc.getContexts().map((c) => c.name),
      ['ctx-a', 'ctx-b', 'ctx-c'],
    );
    const viaB = loadKubeConfig(k8s, { env: { KUBECONFIG: `${a}:${b}` }, context: 'ctx-b', home: root });
    assert.equal(viaB.server, 'https://one:6443', 'cluster c1 comes from the first file');
    assert.equal(viaB.kc.getCurrentUser()?.token, 'first');
    assert.equal(
      loadKubeConfig(k8s, { env: { KUBECONFIG: `${a}:${b}` }, context: 'ctx-c', home: root }).server,
      'https://two:6443',
    );
  });

  test('--kubeconfig wins over KUBECONFIG; ~/.kube/config is the fallback', async () => {
    const explicit = await kubeconfig(
      'explicit',
      [{ cluster: 'x', server: 'https://explicit:6443', context: 'x', user: 'x' }],
      'x',
    );
    const env = { KUBECONFIG: join(root, 'does-not-matter') };
    assert.equal(
      loadKubeConfig(k8s, { kubeconfig: explicit, env, home: root }).server,
      'https://explicit:6443',
    );
    const home = join(root, 'home');
    await mkdir(join(home, '.kube'), { recursive: true });
    await writeFile(
      join(home, '.kube', 'config'),
      stringify({
        clusters: [{ name: 'h', cluster: { server: 'https://home:6443' } }],
        users: [{ name: 'h', user: {} }],
        contexts: [{ name: 'h', context: { cluster: 'h', user: 'h' } }],
        'current-context': 'h',
      }),
    );
    const loaded = loadKubeConfig(k8s, { env: {}, home });
    assert.equal(loaded.server, 'https://home:6443');
    assert.deepEqual(loaded.files, [join(home, '.kube', 'config')]);
  });

  test('nothing to read, and not in a pod: says how to point at a cluster or a snapshot', () => {
    const error = badInput(
      () => loadKubeConfig(k8s, { env: {}, home: join(root, 'empty-home') }),
      /no kubeconfig found/,
    );
    assert.match(error.hint ?? '', /--kubeconfig FILE.*--snapshot DIR/);
  });

  test('in a pod (no kubeconfig): the service account token and CA', async () => {
    const accountDir = join(root, 'pod', 'serviceaccount');
    await mkdir(accountDir, { recursive: true });
    await writeFile(join(accountDir, 'token'), 'pod-token');
    await writeFile(join(accountDir, 'ca.crt'), testTls().caPem);
    await writeFile(join(accountDir, 'namespace'), 'cozy-assess\n');
    const env = {
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      [SERVICE_ACCOUNT_DIR_ENV]: accountDir,
    };
    const loaded = loadKubeConfig(k8s, { env, home: join(root, 'empty-home') });
    assert.equal(loaded.server, 'https://10.96.0.1:443');
    assert.deepEqual(loaded.files, []);
    assert.equal(loaded.kc.getContextObject(loaded.context)?.namespace, 'cozy-assess');
    const opts: { headers?: Record<string, string>; ca?: Buffer } = {};
    await loaded.kc.applyToHTTPSOptions(opts);
    assert.equal(opts.headers?.Authorization, 'Bearer pod-token');
    assert.equal(opts.ca?.toString(), testTls().caPem);
  });

  test('in a pod with an IPv6 service address: the host is bracketed', async () => {
    const accountDir = join(root, 'pod6');
    await mkdir(accountDir, { recursive: true });
    await writeFile(join(accountDir, 'token'), 't');
    const env = {
      KUBERNETES_SERVICE_HOST: 'fd00::1',
      KUBERNETES_SERVICE_PORT: '6443',
      [SERVICE_ACCOUNT_DIR_ENV]: accountDir,
    };
    assert.equal(
      loadKubeConfig(k8s, { env, home: join(root, 'empty-home') }).server,
      'https://[fd00::1]:6443',
    );
  });

  test('KUBERNETES_SERVICE_HOST set but no token: says which file is missing', () => {
    const env = {
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      [SERVICE_ACCOUNT_DIR_ENV]: join(root, 'nowhere'),
    };
    badInput(
      () => loadKubeConfig(k8s, { env, home: join(root, 'empty-home') }),
      /nowhere\/token does not exist/,
    );
  });

  test('no current-context: lists the contexts to choose from', async () => {
    const file = await kubeconfig('no-current', [
      { cluster: 'c', server: 'https://c:6443', context: 'one', user: 'u' },
      { context: 'two', cluster: 'c', user: 'u' },
    ]);
    const error = badInput(
      () => loadKubeConfig(k8s, { kubeconfig: file }),
      /sets no current-context \(available contexts: one, two\)/,
    );
    assert.equal(error.hint, 'pass --context one');
  });

  test('a context naming a cluster that is not defined', async () => {
    const file = await kubeconfig('dangling', [{ context: 'lost', cluster: 'gone', user: 'u' }], 'lost');
    badInput(
      () => loadKubeConfig(k8s, { kubeconfig: file }),
      /context 'lost' names cluster 'gone', which is not defined/,
    );
  });
});

describe('connection failures: exit codes and advice', () => {
  const config = {
    kc: new k8s.KubeConfig(),
    files: ['/home/op/.kube/config'],
    context: 'prod',
    server: 'https://api.example.invalid:6443',
  };
  const url = new URL(config.server);

  test('DNS failure and refused connection: IncompleteError (exit 4) naming server, context and file', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED']) {
      const cause = Object.assign(new Error(`getaddrinfo ${code} api.example.invalid`), { code });
      const error = connectionError(transportError(cause, url, false, 30_000), config);
      assert.ok(error instanceof IncompleteError, code);
      assert.equal(error.exitCode, ExitCode.INCOMPLETE);
      assert.match(
        error.message,
        /cannot reach the API server https:\/\/api\.example\.invalid:6443 \(context 'prod' in \/home\/op\/\.kube\/config\)/,
      );
      assert.match(error.message, new RegExp(code));
      assert.match(error.hint ?? '', /VPN, firewall, DNS/);
    }
  });

  test('TLS errors become BadInputError (exit 2) pointing at the certificate authority', () => {
    for (const code of ['SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      const cause = Object.assign(new Error(`tls: ${code}`), { code });
      const error = connectionError(transportError(cause, url, false, 30_000), config);
      assert.ok(error instanceof BadInputError, code);
      assert.equal(error.field, 'clusters[].cluster.certificate-authority-data');
    }
  });

  test('a timeout of the first request is IncompleteError suggesting --request-timeout', () => {
    const cause = Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
    const error = connectionError(transportError(cause, url, true, 500), config);
    assert.ok(error instanceof IncompleteError);
    assert.match(error.message, /within 500 ms/);
    assert.match(error.hint ?? '', /--request-timeout/);
  });
});
