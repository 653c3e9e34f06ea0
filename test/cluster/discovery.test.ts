// Discovery from the answers a server gives: aggregated (apidiscovery.k8s.io) or one list per group version.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type DiscoveryClient, discoverServedTypes } from '../../src/cluster/discovery.js';
import { typeKey } from '../../src/cluster/types.js';

/** A client answering from a table of paths; it records what was asked. */
function client(answers: Record<string, unknown>): DiscoveryClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    getJson: async (path: string) => {
      asked.push(path);
      if (!(path in answers)) throw new Error(`HTTP 503 for ${path}`);
      return answers[path];
    },
  };
}

const resource = (resource: string, kind: string, scope = 'Namespaced') => ({
  resource,
  responseKind: { kind },
  scope,
  verbs: ['get', 'list', 'watch'],
});

const aggregated = (items: unknown[]) => ({ kind: 'APIGroupDiscoveryList', items });

describe('discovery', () => {
  test('aggregated: the preferred version, cluster scope, and nothing of a stale version (an API that did not answer)', async () => {
    const api = client({
      '/api': aggregated([
        {
          metadata: {},
          versions: [
            { version: 'v1', resources: [resource('pods', 'Pod'), resource('nodes', 'Node', 'Cluster')] },
          ],
        },
      ]),
      '/apis': aggregated([
        {
          metadata: { name: 'example.com' },
          versions: [
            { version: 'v2', resources: [resource('widgets', 'Widget')] },
            { version: 'v1', resources: [resource('widgets', 'Widget'), resource('gadgets', 'Gadget')] },
          ],
        },
        {
          metadata: { name: 'broken.example.org' },
          versions: [{ version: 'v1', freshness: 'Stale', resources: [resource('things', 'Thing')] }],
        },
      ]),
    });
    const types = await discoverServedTypes(api);
    assert.deepEqual(api.asked, ['/apis', '/api']);
    const byKey = new Map(types.map((t) => [typeKey(t), t]));
    assert.equal(byKey.get('widgets.example.com')?.version, 'v2');
    assert.equal(byKey.get('gadgets.example.com')?.version, 'v1');
    assert.equal(byKey.get('nodes')?.namespaced, false);
    assert.equal(byKey.get('pods')?.namespaced, true);
    assert.equal(byKey.has('things.broken.example.org'), false);
  });

  test('a server without aggregated discovery: one request per group version, a failing one skipped', async () => {
    const api = client({
      '/apis': {
        kind: 'APIGroupList',
        groups: [
          { name: 'example.com', preferredVersion: { version: 'v1' }, versions: [{ version: 'v1' }] },
          { name: 'broken.example.org', versions: [{ version: 'v1' }] },
        ],
      },
      '/api/v1': { resources: [{ name: 'pods', kind: 'Pod', namespaced: true, verbs: ['list'] }] },
      '/apis/example.com/v1': {
        resources: [
          { name: 'widgets', kind: 'Widget', namespaced: true, verbs: ['list'] },
          { name: 'widgets/status', kind: 'Widget', namespaced: true, verbs: ['get'] },
        ],
      },
    });
    const types = await discoverServedTypes(api);
    assert.deepEqual(types.map(typeKey), ['pods', 'widgets.example.com']);
    assert.ok(api.asked.includes('/apis/broken.example.org/v1'));
  });
});
