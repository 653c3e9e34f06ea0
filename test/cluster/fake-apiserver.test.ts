// The fake API server itself: it must answer like a real one, or the live-source tests prove nothing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FakeApiServer } from '../support/fake-apiserver.js';
import { serveSampleCluster } from '../support/sample-server.js';

const TOKEN = 'fake-token';
let server: FakeApiServer;

serveSampleCluster('cozy-fake-', { tls: false, token: TOKEN, forbidden: ['secrets'] }, (sample) => {
  ({ server } = sample);
});

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are inspected field by field
  body: any;
}

async function get(path: string, token: string | null = TOKEN): Promise<Answer> {
  const response = await fetch(`${server.url}${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const names = (answer: Answer): string[] =>
  answer.body.items.map((i: { metadata: { name: string } }) => i.metadata.name);

describe('fake API server: discovery', () => {
  test('/version, /api, /apis and resource lists', async () => {
    assert.equal((await get('/version')).body.gitVersion, 'v1.31.4');
    assert.deepEqual((await get('/api')).body.versions, ['v1']);
    const groups = (await get('/apis')).body.groups.map((g: { name: string }) => g.name);
    assert.ok(groups.includes('apps'));
    assert.ok(groups.includes('helm.toolkit.fluxcd.io'));
    assert.ok(groups.includes('example.com'));
    const core = (await get('/api/v1')).body;
    assert.equal(core.kind, 'APIResourceList');
    const pods = core.resources.find((r: { name: string }) => r.name === 'pods');
    assert.deepEqual(pods, {
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['get', 'list', 'watch'],
      shortNames: ['po'],
    });
    const helm = (await get('/apis/helm.toolkit.fluxcd.io/v2')).body.resources;
    assert.deepEqual(
      helm.map((r: { name: string; kind: string }) => [r.name, r.kind]),
      [['helmreleases', 'HelmRelease']],
    );
  });
});

describe('fake API server: list and get', () => {
  test('lists cluster-wide and per namespace; built-in list items carry no apiVersion/kind, custom ones do', async () => {
    const all = await get('/api/v1/pods');
    assert.equal(all.body.kind, 'PodList');
    assert.equal(all.body.apiVersion, 'v1');
    assert.equal(all.body.items.length, 7);
    assert.equal(all.body.items[0].kind, undefined);
    assert.deepEqual(names(await get('/api/v1/namespaces/tenant-root/pods')), ['web-0', 'web-1']);
    const releases = await get('/apis/helm.toolkit.fluxcd.io/v2/namespaces/cozy-system/helmreleases');
    assert.deepEqual(names(releases), ['cozystack-api', 'kubeovn']);
    assert.equal(releases.body.items[0].kind, 'HelmRelease');
  });

  test('gets one object, namespaced or cluster-scoped; a missing one is a NotFound Status', async () => {
    const pod = await get('/api/v1/namespaces/tenant-root/pods/web-0');
    assert.equal(pod.status, 200);
    assert.equal(pod.body.kind, 'Pod');
    assert.equal(pod.body.spec.nodeName, 'node-b');
    assert.equal((await get('/api/v1/nodes/node-a')).body.metadata.name, 'node-a');
    assert.equal((await get('/api/v1/namespaces/default')).body.kind, 'Namespace');
    const missing = await get('/api/v1/namespaces/tenant-root/pods/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(
      [missing.body.kind, missing.body.reason, missing.body.message, missing.body.code],
      ['Status', 'NotFound', 'pods "nope" not found', 404],
    );
  });

  test('pages with limit and an opaque continue token', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page: Answer = await get(
        `/api/v1/pods?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
      );
      seen.push(...names(page));
      token = page.body.metadata.continue;
      assert.ok(page.body.items.length <= 3);
    } while (token);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
    assert.equal((await get('/api/v1/pods?limit=3&continue=not-a-token')).status, 400);
  });

  test('label selectors: =, !=, in, notin, exists; with pagination', async () => {
    assert.deepEqual(names(await get('/api/v1/pods?labelSelector=app%3Dweb')), ['web-0', 'web-1']);
    assert.equal(names(await get('/api/v1/pods?labelSelector=app!%3Dweb')).length, 5);
    const inSet = await get(`/api/v1/pods?labelSelector=${encodeURIComponent('app in (coredns,debug)')}`);
    assert.deepEqual(names(inSet), ['debug', 'coredns-1']);
    assert.equal(
      names(await get(`/api/v1/pods?labelSelector=${encodeURIComponent('app notin (web),app')}`)).length,
      5,
    );
    assert.equal(names(await get('/api/v1/pods?labelSelector=missing')).length, 0);
    const first = await get('/api/v1/pods?labelSelector=app%3Dkube-ovn-cni&limit=1');
    assert.deepEqual(names(first), ['kube-ovn-cni-abcde']);
    const second = await get(
      `/api/v1/pods?labelSelector=app%3Dkube-ovn-cni&limit=1&continue=${first.body.metadata.continue}`,
    );
    assert.deepEqual(names(second), ['kube-ovn-cni-fghij']);
    assert.equal(second.body.metadata.continue, undefined, 'no continue token when nothing more matches');
    assert.equal((await get('/api/v1/pods?labelSelector=a%20b%20c')).status, 400);
  });

  test('field selectors: metadata.name, metadata.namespace, spec.nodeName, involvedObject.name', async () => {
    assert.deepEqual(names(await get('/api/v1/pods?fieldSelector=metadata.name%3Ddebug')), ['debug']);
    assert.deepEqual(names(await get('/api/v1/pods?fieldSelector=metadata.namespace%3Dtenant-root')), [
      'web-0',
      'web-1',
    ]);
    assert.deepEqual(names(await get('/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-c')), [
      'coredns-1',
      'web-1',
    ]);
    assert.deepEqual(names(await get('/api/v1/events?fieldSelector=involvedObject.name%3Dweb-1')), [
      'web-1.1',
    ]);
    assert.deepEqual(
      names(
        await get(
          `/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=node-a,metadata.namespace!=default')}`,
        ),
      ),
      ['cozystack-0', 'kube-ovn-cni-abcde'],
    );
  });
});

describe('fake API server: errors like a real one', () => {
  test('401 without the bearer token', async () => {
    const answer = await get('/api/v1/pods', null);
    assert.equal(answer.status, 401);
    assert.equal(answer.body.reason, 'Unauthorized');
  });

  test('403 for a forbidden type, with a Status naming the user, verb and resource', async () => {
    const answer = await get('/api/v1/secrets');
    assert.equal(answer.status, 403);
    assert.equal(answer.body.reason, 'Forbidden');
    assert.match(answer.body.message, /cannot list resource "secrets" in API group "" at the cluster scope/);
  });

  test('404 for a type the server does not serve, and for subresources', async () => {
    assert.equal((await get('/apis/cluster.x-k8s.io/v1beta1/clusters')).status, 404);
    assert.equal((await get('/api/v1/namespaces/default/pods/debug/log')).status, 404);
  });
});

describe('fake API server: injected faults', () => {
  test('status faults carry Retry-After, honour skip and times, and are per type', async () => {
    server.setFaults([
      { kind: 'status', code: 429, retryAfterSeconds: 2, target: 'nodes', skip: 1, times: 2 },
    ]);
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get('/api/v1/nodes')).status);
      assert.deepEqual(statuses, [200, 429, 429, 200]);
      assert.equal((await get('/api/v1/pods')).status, 200);
      server.setFaults([{ kind: 'status', code: 429, retryAfterSeconds: 2 }]);
      const limited = await get('/version');
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '2');
      assert.equal(limited.body.reason, 'TooManyRequests');
    } finally {
      server.setFaults([]);
    }
  });

  test('expire-continue answers 410 Expired only to requests carrying a continue token', async () => {
    server.setFaults([{ kind: 'expire-continue', target: 'pods' }]);
    try {
      const first = await get('/api/v1/pods?limit=2');
      assert.equal(first.status, 200);
      const next = await get(`/api/v1/pods?limit=2&continue=${first.body.metadata.continue}`);
      assert.equal(next.status, 410);
      assert.equal(next.body.reason, 'Expired');
    } finally {
      server.setFaults([]);
    }
  });

  test('truncate sends invalid JSON; reset cuts the connection mid-body', async () => {
    server.setFaults([{ kind: 'truncate', target: 'pods', times: 1 }]);
    const truncated = await fetch(`${server.url}/api/v1/pods`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    await assert.rejects(truncated.json(), SyntaxError);
    server.setFaults([{ kind: 'reset', target: 'pods', times: 1 }]);
    await assert.rejects(
      fetch(`${server.url}/api/v1/pods`, { headers: { Authorization: `Bearer ${TOKEN}` } }).then((r) =>
        r.text(),
      ),
      /terminated|other side closed|fetch failed/,
    );
    server.setFaults([]);
  });
});
