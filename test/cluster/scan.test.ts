// The one pass: every sink sees every page, in order per type; once the sinks have taken what they need, the
// scan empties the page, so its objects die young (a sink that wants an object keeps the object).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import { type PageSink, scanCluster } from '../../src/cluster/scan.js';
import type { ClusterSource, KubeObject } from '../../src/cluster/types.js';

const pod = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name } });

describe('scanCluster', () => {
  it('hands every page to every sink, then empties it; objects a sink kept stay whole', async () => {
    const yielded: KubeObject[][] = [];
    const source: ClusterSource = {
      info: { kind: 'snapshot' },
      serverVersion: async () => undefined,
      discoverTypes: async () => [BUILTIN_TYPES.pods],
      getObject: async () => undefined,
      async *listPages() {
        for (const names of [['a', 'b'], ['c']]) {
          const page = names.map(pod);
          yielded.push(page);
          yield page;
        }
      },
      close: async () => {},
    };
    const kept: KubeObject[] = [];
    const counted: number[] = [];
    const sinks: PageSink[] = [
      { page: (_type, objects) => void kept.push(...objects) },
      {
        // An async sink takes what it needs before its first await.
        page: async (_type, objects) => {
          const names = objects.map((o) => o.metadata.name);
          await new Promise((resolve) => setTimeout(resolve, 5));
          counted.push(names.length);
        },
      },
    ];
    const [outcome] = await scanCluster(source, [BUILTIN_TYPES.pods], sinks, { concurrency: 1 });
    assert.deepEqual(outcome, { type: 'pods', status: 'ok', count: 3 });
    assert.deepEqual(
      kept.map((o) => o.metadata.name),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(counted, [2, 1]);
    assert.deepEqual(yielded, [[], []], 'the pages were emptied');
  });
});
