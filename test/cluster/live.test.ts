// The live source through the real client library (@kubernetes/client-node: kubeconfig, credentials, TLS
// agent) against the fake API server over HTTPS.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type LiveSourceOptions, openLiveSource } from '../../src/cluster/live.js';
import { MAX_ANSWER_BYTES, parseJson, type RetryEvent, TransportError } from '../../src/cluster/http.js';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import { scanCluster } from '../../src/cluster/scan.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import {
  type ClusterSource,
  type KubeObject,
  type ObjectPage,
  type ResourceType,
  SourceListError,
  typeKey,
} from '../../src/cluster/types.js';
import { BadInputError, CozyError, ExitCode, IncompleteError } from '../../src/errors.js';
import { type FakeApiServer, kubeconfigYaml, startFakeApiServer } from '../support/fake-apiserver.js';
import { samplePods } from '../support/sample-cluster.js';
import { listType } from '../support/read-source.js';
import { generateTls } from '../support/tls.js';
import { serveSampleCluster } from '../support/sample-server.js';
import { closedPort } from '../support/net.js';

const TOKEN = 'sample-token';
let root: string;
let snapshotDir: string;
let server: FakeApiServer;

serveSampleCluster('cozy-live-', { tls: true, token: TOKEN }, (sample) => {
  ({ root, snapshotDir, server } = sample);
});

/** Fast retries so fault tests take milliseconds; everything else as the CLI sets it. */
function open(
  overrides: Partial<LiveSourceOptions> = {},
  target: FakeApiServer = server,
): Promise<ClusterSource> {
  return openLiveSource({
    kubeconfig: target.kubeconfigPath,
    requestTimeoutMs: 5000,
    concurrency: 4,
    retry: { baseDelayMs: 2, maxDelayMs: 10 },
    env: {},
    ...overrides,
  });
}

/** The items a page's bytes hold, parsed. */
function rawItems(page: ObjectPage): unknown[] {
  assert.ok(page.raw, 'the page carries bytes');
  return JSON.parse(`[${page.raw.bytes.subarray(page.raw.start, page.raw.end).toString('utf8')}]`);
}

/** A list item as the API sends it: built-in types leave out apiVersion and kind. */
function withoutTypeMeta({ apiVersion: _a, kind: _k, ...rest }: KubeObject): Record<string, unknown> {
  return rest;
}

async function listError(source: ClusterSource, type: ResourceType): Promise<SourceListError> {
  const error = await listType(source, type).then(
    () => assert.fail(`expected listing ${typeKey(type)} to fail`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof SourceListError, `expected SourceListError, got ${String(error)}`);
  return error;
}

async function openError(options: Partial<LiveSourceOptions>): Promise<CozyError> {
  const error = await open(options).then(
    () => assert.fail('expected openLiveSource to fail'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CozyError, `expected a CozyError, got ${String(error)}`);
  return error;
}

function logSince(start: number, path?: string) {
  return server.requestLog.slice(start).filter((entry) => path === undefined || entry.path === path);
}

function withFaults<T>(faults: Parameters<FakeApiServer['setFaults']>[0], run: () => Promise<T>): Promise<T> {
  server.setFaults(faults);
  return run().finally(() => server.setFaults([]));
}

describe('live source: reading', () => {
  test('yields the same objects as the snapshot source for every type of the same folder', async () => {
    const live = await open({ pageSize: 2 });
    const snapshot = await openSnapshotSource(snapshotDir);
    const snapshotTypes = await snapshot.discoverTypes();
    assert.ok(snapshotTypes.length >= 8);
    for (const type of snapshotTypes) {
      const fromLive = await listType(live, type);
      const fromSnapshot = await listType(snapshot, type);
      assert.deepEqual(fromLive.objects, fromSnapshot.objects, `objects of ${typeKey(type)} differ`);
    }
    assert.equal(await live.serverVersion(), 'v1.31.4');
    assert.deepEqual(live.info, { kind: 'live', server: server.url, context: 'fake' });
  });

  test('follows continue tokens over many pages, sending the page size as limit', async () => {
    const start = server.requestLog.length;
    const { pages, objects } = await listType(await open({ pageSize: 2 }), BUILTIN_TYPES.pods);
    assert.equal(pages, 4);
    assert.equal(objects.length, samplePods().length);
    const requests = logSince(start, '/api/v1/pods');
    assert.equal(requests.length, 4);
    assert.ok(requests.every((r) => r.query.limit === '2'));
    assert.equal(requests[0]!.query.continue, undefined);
    assert.ok(
      requests.slice(1).every((r) => typeof r.query.continue === 'string' && r.query.continue.length > 0),
    );
  });

  test("each page carries the server's bytes of exactly its items, untouched", async () => {
    const source = await open({ pageSize: 2 });
    for (const type of [BUILTIN_TYPES.pods, BUILTIN_TYPES.namespaces]) {
      let pages = 0;
      for await (const page of source.listPages(type)) {
        pages++;
        assert.deepEqual(rawItems(page), page.map(withoutTypeMeta), typeKey(type));
      }
      assert.ok(pages > 1);
    }
  });

  test('uses limit=500 by default', async () => {
    const start = server.requestLog.length;
    await listType(await open(), BUILTIN_TYPES.nodes);
    assert.deepEqual(
      logSince(start, '/api/v1/nodes').map((r) => r.query),
      [{ limit: '500' }],
    );
  });

  test('discovers built-in types the server serves and custom types from CRDs', async () => {
    const keys = (await (await open()).discoverTypes()).map(typeKey);
    assert.ok(keys.includes('pods'));
    assert.ok(keys.includes('helmreleases.helm.toolkit.fluxcd.io'));
    assert.ok(keys.includes('widgets.example.com'));
    assert.equal(keys.indexOf('nodes'), 0, 'built-in types come first, in BUILTIN_TYPES order');
  });

  test('aggregated discovery: /api and /apis in two requests, the same types as one request per group version', async () => {
    const start = server.requestLog.length;
    const aggregated = await (await open()).discoverTypes();
    const discovery = logSince(start).filter((r) => !r.path.startsWith('/version'));
    assert.deepEqual(discovery.map((r) => r.path).sort(), ['/api', '/apis']);
    const classicServer = await startFakeApiServer({ snapshotDir, aggregatedDiscovery: false });
    try {
      const classic = await (await open({}, classicServer)).discoverTypes();
      assert.deepEqual(aggregated, classic);
      const requests = classicServer.requestLog.filter((r) => r.path.startsWith('/api'));
      assert.ok(requests.length > 2 && requests.some((r) => r.path === '/apis/apps/v1'));
    } finally {
      await classicServer.close();
    }
  });

  test('works over plain HTTP with insecure-skip-tls-verify', async () => {
    const plain = await startFakeApiServer({ snapshotDir, tls: false });
    try {
      assert.match(plain.url, /^http:/);
      const { objects } = await listType(await open({}, plain), BUILTIN_TYPES.namespaces);
      assert.equal(objects.length, 4);
    } finally {
      await plain.close();
    }
  });

  test('keeps at most --concurrency requests in flight over a whole scan', async () => {
    const slow = await startFakeApiServer({ snapshotDir, faults: [{ kind: 'latency', ms: 20 }] });
    try {
      const source = await open({ concurrency: 2, pageSize: 1 }, slow);
      const types = await source.discoverTypes();
      const outcomes = await scanCluster(source, types, [{ page: () => {} }], { concurrency: 4 });
      assert.ok(outcomes.every((o) => o.status === 'ok'));
      assert.ok(slow.maxInFlight <= 2, `saw ${slow.maxInFlight} requests in flight`);
      assert.ok(slow.maxInFlight >= 1);
    } finally {
      await slow.close();
    }
  });

  test('a caller abort stops the list with an AbortError, not an outcome', async () => {
    const controller = new AbortController();
    controller.abort();
    const source = await open();
    const consume = async () => {
      for await (const _page of source.listPages(BUILTIN_TYPES.pods, { signal: controller.signal })) {
        assert.fail('no page after an abort');
      }
    };
    await assert.rejects(consume(), { name: 'AbortError' });
  });
});

describe('live source: faults are retried or become outcomes', () => {
  test('a 410 on a continue token restarts the list without yielding an object twice', async () => {
    const start = server.requestLog.length;
    const pages: ObjectPage[] = [];
    const { objects } = await withFaults(
      [{ kind: 'expire-continue', target: 'pods', times: 1, skip: 1 }],
      async () => {
        for await (const page of (await open({ pageSize: 2 })).listPages(BUILTIN_TYPES.pods))
          pages.push(page);
        return { objects: pages.flat() };
      },
    );
    const names = objects.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    assert.equal(names.length, samplePods().length);
    // A page that skipped objects read before the restart carries no bytes: they would hold those objects again.
    for (const page of pages) if (page.raw) assert.deepEqual(rawItems(page), page.map(withoutTypeMeta));
    assert.equal(new Set(names).size, names.length);
    const requests = logSince(start, '/api/v1/pods');
    assert.ok(
      requests.some((r) => r.status === 410),
      'the fault was hit',
    );
    const fresh = requests.filter((r) => r.query.continue === undefined);
    assert.equal(fresh.length, 2, 'one first request and one restart');
  });

  test('a list that keeps expiring fails after 3 restarts', async () => {
    const error = await withFaults([{ kind: 'expire-continue', target: 'pods' }], async () =>
      listError(await open({ pageSize: 3 }), BUILTIN_TYPES.pods),
    );
    assert.equal(error.status, 'failed');
    assert.match(error.message, /kept expiring \(410 Gone\) after 3 restarts/);
  });

  test('429 is retried after the Retry-After delay', async () => {
    const retries: RetryEvent[] = [];
    const { objects } = await withFaults(
      [{ kind: 'status', code: 429, retryAfterSeconds: 1, target: 'nodes', times: 1 }],
      async () => listType(await open({ onRetry: (e) => retries.push(e) }), BUILTIN_TYPES.nodes),
    );
    assert.equal(objects.length, 3);
    assert.equal(retries.length, 1);
    assert.ok(retries[0]!.delayMs >= 1000, `waited ${retries[0]!.delayMs} ms, Retry-After said 1 s`);
  });

  test('bursts of 500 and 503 are retried with backoff', async () => {
    const retries: RetryEvent[] = [];
    const start = server.requestLog.length;
    const { objects } = await withFaults(
      [
        { kind: 'status', code: 500, target: 'namespaces', times: 2 },
        { kind: 'status', code: 503, target: 'namespaces', times: 2 },
      ],
      async () => listType(await open({ onRetry: (e) => retries.push(e) }), BUILTIN_TYPES.namespaces),
    );
    assert.equal(objects.length, 4);
    assert.deepEqual(
      logSince(start, '/api/v1/namespaces').map((r) => r.status),
      [500, 500, 503, 503, 200],
    );
    assert.deepEqual(
      retries.map((r) => r.attempt),
      [1, 2, 3, 4],
    );
    // Jittered: each delay within the upper half of its exponential step (2, 4, 8, then the 10 ms cap).
    retries.forEach((r, i) => {
      const step = Math.min(10, 2 * 2 ** i);
      assert.ok(r.delayMs >= step / 2 && r.delayMs <= step, `delay ${i + 1}: ${r.delayMs} ms of ${step}`);
    });
  });

  test('the retry policy is injectable: without jitter the delays are the exponential steps, capped', async () => {
    const retries: RetryEvent[] = [];
    await withFaults([{ kind: 'status', code: 503, target: 'namespaces', times: 4 }], async () =>
      listType(
        await open({
          retry: { baseDelayMs: 3, maxDelayMs: 10, jitter: false },
          onRetry: (e) => retries.push(e),
        }),
        BUILTIN_TYPES.namespaces,
      ),
    );
    assert.deepEqual(
      retries.map((r) => r.delayMs),
      [3, 6, 10, 10],
    );
  });

  test('a server error that does not stop becomes a failed outcome naming the status and the attempts', async () => {
    const error = await withFaults([{ kind: 'status', code: 503, target: 'events' }], async () =>
      listError(await open(), BUILTIN_TYPES.events),
    );
    assert.equal(error.status, 'failed');
    assert.match(error.message, /events \(v1\) gave HTTP 503 ServiceUnavailable.*after 5 attempts/);
  });

  test('a connection reset in the middle of the body is retried', async () => {
    const retries: RetryEvent[] = [];
    const { objects } = await withFaults([{ kind: 'reset', target: 'pods', times: 1 }], async () =>
      listType(await open({ onRetry: (e) => retries.push(e) }), BUILTIN_TYPES.pods),
    );
    assert.equal(objects.length, samplePods().length);
    assert.equal(retries.length, 1);
    assert.match(retries[0]!.error.message, /reset/);
  });

  test('truncated JSON is retried', async () => {
    const retries: RetryEvent[] = [];
    const { objects } = await withFaults([{ kind: 'truncate', target: 'pods', times: 2 }], async () =>
      listType(await open({ onRetry: (e) => retries.push(e) }), BUILTIN_TYPES.pods),
    );
    assert.equal(objects.length, samplePods().length);
    assert.equal(retries.length, 2);
    assert.match(retries[0]!.error.message, /not complete JSON/);
  });

  test('--request-timeout 0 means no timeout, as in kubectl', async () => {
    const { objects } = await withFaults([{ kind: 'latency', ms: 50, target: 'nodes' }], async () =>
      listType(await open({ requestTimeoutMs: 0 }), BUILTIN_TYPES.nodes),
    );
    assert.equal(objects.length, 3);
  });

  test('a request slower than --request-timeout fails the type with a timeout reason', async () => {
    const error = await withFaults([{ kind: 'latency', ms: 1500, target: 'pods' }], async () =>
      listError(await open({ requestTimeoutMs: 200 }), BUILTIN_TYPES.pods),
    );
    assert.equal(error.status, 'failed');
    assert.match(error.message, /no answer .* within 200 ms \(--request-timeout\)/);
  });

  test('403 on a type is a forbidden outcome naming the type and the RBAC verb', async () => {
    server.setForbidden(['secrets']);
    try {
      const error = await listError(await open(), BUILTIN_TYPES.secrets);
      assert.equal(error.status, 'forbidden');
      assert.match(
        error.message,
        /may not list secrets \(v1\); it needs the RBAC verb "list" on resource "secrets"/,
      );
    } finally {
      server.setForbidden([]);
    }
  });

  test('404 on a CRD-backed type is a not-installed outcome', async () => {
    const bare = await startFakeApiServer({ objects: samplePods() as unknown as KubeObject[] });
    try {
      const source = await open({}, bare);
      assert.ok(!(await source.discoverTypes()).some((t) => t.kind === 'HelmRelease'));
      const error = await listError(source, BUILTIN_TYPES.helmReleases);
      assert.equal(error.status, 'not-installed');
      assert.match(error.message, /helmreleases\.helm\.toolkit\.fluxcd\.io .*its CRD is not installed/);
      assert.equal((await listType(source, BUILTIN_TYPES.pods)).objects.length, samplePods().length);
    } finally {
      await bare.close();
    }
  });
});

describe('live source: whole-source failures are clear errors', () => {
  test('401: BadInputError (exit 2) naming the server and context, saying to refresh the credentials', async () => {
    const locked = await startFakeApiServer({ snapshotDir, token: TOKEN, kubeconfigToken: 'expired' });
    try {
      const error = await openError({ kubeconfig: locked.kubeconfigPath });
      assert.ok(error instanceof BadInputError);
      assert.equal(error.exitCode, ExitCode.BAD_INPUT);
      assert.match(error.message, /rejected the credentials \(401 Unauthorized\)/);
      assert.match(error.message, /context 'fake'/);
      assert.match(error.hint ?? '', /refresh the kubeconfig/);
      assert.equal(locked.requestLog.length, 1, 'one request, not one per type');
    } finally {
      await locked.close();
    }
  });

  test('TLS failure (the kubeconfig trusts another CA): BadInputError (exit 2) about the certificate authority', async () => {
    const other = generateTls('some other CA');
    const kubeconfig = join(root, 'wrong-ca.kubeconfig');
    await writeFile(kubeconfig, kubeconfigYaml(server.url, other.caPem, TOKEN));
    const error = await openError({ kubeconfig });
    assert.ok(error instanceof BadInputError);
    assert.match(error.message, /cannot verify the API server .*TLS failure/);
    assert.match(error.hint ?? '', /certificate authority/);
  });

  test('kubeconfig settings that cannot be used (CA file missing, http:// without skip-verify): BadInputError', async () => {
    const missingCa = join(root, 'missing-ca.kubeconfig');
    await writeFile(
      missingCa,
      kubeconfigYaml(server.url, 'unused', TOKEN).replace(
        /certificate-authority-data: .*/,
        'certificate-authority: no-such-ca.crt',
      ),
    );
    const error = await openError({ kubeconfig: missingCa });
    assert.ok(error instanceof BadInputError);
    assert.match(
      error.message,
      /kubeconfig's settings for 127\.0\.0\.1:\d+ cannot be used: .*no-such-ca\.crt/,
    );
    const plainHttp = join(root, 'plain-http.kubeconfig');
    await writeFile(
      plainHttp,
      kubeconfigYaml('http://127.0.0.1:1', undefined, TOKEN).replace(
        'insecure-skip-tls-verify: true',
        'insecure-skip-tls-verify: false',
      ),
    );
    assert.match((await openError({ kubeconfig: plainHttp })).message, /HTTP protocol is not allowed/);
  });

  test('connection refused: IncompleteError (exit 4) naming the server, suggesting --snapshot', async () => {
    const port = await closedPort();
    const kubeconfig = join(root, 'refused.kubeconfig');
    await writeFile(kubeconfig, kubeconfigYaml(`https://127.0.0.1:${port}`, undefined, TOKEN));
    const error = await openError({ kubeconfig });
    assert.ok(error instanceof IncompleteError);
    assert.equal(error.exitCode, ExitCode.INCOMPLETE);
    assert.match(
      error.message,
      new RegExp(`cannot reach the API server https://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`),
    );
    assert.match(error.hint ?? '', /--snapshot/);
  });

  test('kubeconfig missing: BadInputError naming the file', async () => {
    const error = await openError({ kubeconfig: join(root, 'nope.kubeconfig') });
    assert.ok(error instanceof BadInputError);
    assert.match(error.message, /kubeconfig .*nope\.kubeconfig does not exist/);
  });

  test('kubeconfig unparseable: BadInputError naming the file and the position', async () => {
    const kubeconfig = join(root, 'broken.kubeconfig');
    await writeFile(kubeconfig, 'apiVersion: v1\nclusters: [\n  {name: a\n');
    const error = await openError({ kubeconfig });
    assert.ok(error instanceof BadInputError);
    assert.equal(error.file, kubeconfig);
    assert.match(error.message, /broken\.kubeconfig cannot be read: not valid YAML at line 4, column 1/);
    await writeFile(kubeconfig, '');
    assert.match((await openError({ kubeconfig })).message, /it is empty or not a YAML mapping/);
    await writeFile(kubeconfig, 'clusters:\n- name: a\n  cluster: {}\n');
    assert.match((await openError({ kubeconfig })).message, /clusters\[0\]\.cluster\.server is missing/);
  });

  test('unknown context: BadInputError listing the available contexts', async () => {
    const error = await openError({ context: 'prod' });
    assert.ok(error instanceof BadInputError);
    assert.match(error.message, /context 'prod' is not in kubeconfig .* \(available contexts: fake\)/);
    assert.match(error.hint ?? '', /--context/);
  });

  test('KUBECONFIG with several files merges as kubectl does: the first to define a name wins', async () => {
    const second = join(root, 'second.kubeconfig');
    const port = await closedPort();
    // Redefines 'fake-cluster' (pointing nowhere) and sets its own current-context: both lose to the first file.
    await writeFile(
      second,
      (await readFile(server.kubeconfigPath, 'utf8'))
        .replace(server.url, `https://127.0.0.1:${port}`)
        .replace('current-context: fake', 'current-context: other')
        .replace('- name: fake\n', '- name: other\n'),
    );
    const env = { KUBECONFIG: [server.kubeconfigPath, join(root, 'missing'), second].join(':') };
    const source = await openLiveSource({ requestTimeoutMs: 5000, concurrency: 2, env });
    assert.deepEqual(source.info, { kind: 'live', server: server.url, context: 'fake' });
    assert.equal((await listType(source, BUILTIN_TYPES.nodes)).objects.length, 3);
    const other = await openLiveSource({ requestTimeoutMs: 5000, concurrency: 2, env, context: 'other' });
    assert.equal(other.info.server, server.url, "context 'other' uses the first file's fake-cluster");
  });

  test('KUBECONFIG naming only missing files: BadInputError', async () => {
    const error = await openLiveSource({
      requestTimeoutMs: 1000,
      concurrency: 1,
      env: { KUBECONFIG: join(root, 'a') },
    }).then(
      () => assert.fail('expected an error'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof BadInputError);
    assert.match(error.message, /KUBECONFIG names .* none of them exists/);
  });
});

test('the live source sends GET requests only (from the request log)', () => {
  assert.ok(server.requestLog.length > 50);
  const other = server.requestLog.filter((entry) => entry.method !== 'GET');
  assert.deepEqual(other, []);
});

test('the fake server answers anything but GET with 405 and logs it', async () => {
  const plain = await startFakeApiServer({ snapshotDir, tls: false });
  try {
    const response = await fetch(`${plain.url}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      body: '{}',
    });
    assert.equal(response.status, 405);
    assert.equal(((await response.json()) as { reason: string }).reason, 'MethodNotAllowed');
    assert.deepEqual(
      plain.requestLog.map((r) => [r.method, r.status]),
      [['POST', 405]],
    );
  } finally {
    await plain.close();
  }
});

describe('an answer too large to parse', () => {
  test('bytes that decode to more characters than a string holds are a too-large fault, not a broken answer to retry', () => {
    const huge = {
      length: 600 * 2 ** 20,
      toString() {
        throw Object.assign(new Error('Cannot create a string longer than 0x1fffffe8 characters'), {
          code: 'ERR_STRING_TOO_LONG',
        });
      },
    } as unknown as Buffer;
    assert.throws(
      () => parseJson(huge, '/api/v1/pods'),
      (error: unknown) =>
        error instanceof TransportError &&
        error.fault === 'too-large' &&
        /GET \/api\/v1\/pods \(600 MiB\) decodes to too many characters/.test(error.message),
    );
  });

  test('the default limit is the longest string V8 makes', () => {
    assert.ok(MAX_ANSWER_BYTES >= 2 ** 28 && MAX_ANSWER_BYTES <= 2 ** 30, String(MAX_ANSWER_BYTES));
  });
});
