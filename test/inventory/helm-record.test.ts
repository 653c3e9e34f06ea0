// Helm's release record is read in memory for its chart version only: nothing else of it survives the reducer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { KubeObject } from '../../src/cluster/types.js';
import { helmRecordSelector, reduceHelmReleaseRecord } from '../../src/inventory/helm-record.js';

function record(release: unknown, { gzip = true, type = 'helm.sh/release.v1' } = {}): KubeObject {
  const json = Buffer.from(JSON.stringify(release));
  const helmText = (gzip ? gzipSync(json) : json).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'sh.helm.release.v1.cozystack.v3',
      namespace: 'cozy-system',
      labels: { name: 'cozystack', owner: 'helm', status: 'deployed', version: '3' },
    },
    type,
    data: { release: Buffer.from(helmText).toString('base64') },
  };
}

const RELEASE = {
  name: 'cozystack',
  info: { status: 'deployed', last_deployed: '2026-07-10T08:00:00Z' },
  chart: { metadata: { name: 'cozy-installer', version: '1.4.6', appVersion: '1.4.6' }, templates: [] },
  config: { platform: { registryToken: 'do-not-print-me' } },
  manifest: 'kind: Deployment',
  version: 3,
  namespace: 'cozy-system',
};

describe('reduceHelmReleaseRecord', () => {
  it('reads chart, version, revision and status from base64(gzip(JSON)), and keeps nothing else', () => {
    const facts = reduceHelmReleaseRecord(record(RELEASE));
    assert.deepEqual(facts, {
      namespace: 'cozy-system',
      release: 'cozystack',
      revision: 3,
      status: 'deployed',
      chart: 'cozy-installer',
      chartVersion: '1.4.6',
      appVersion: '1.4.6',
      deployedAt: '2026-07-10T08:00:00Z',
    });
    assert.ok(!JSON.stringify(facts).includes('do-not-print-me'));
  });

  it('reads an old record stored without gzip', () => {
    assert.equal(reduceHelmReleaseRecord(record(RELEASE, { gzip: false }))?.chartVersion, '1.4.6');
  });

  it('ignores Secrets that are not readable Helm records of a chart', () => {
    assert.equal(reduceHelmReleaseRecord(record(RELEASE, { type: 'Opaque' })), undefined);
    assert.equal(reduceHelmReleaseRecord(record({ name: 'x' })), undefined);
    const garbage = record(RELEASE);
    garbage.data = { release: Buffer.from('H4sIAAAA-not-gzip').toString('base64') };
    assert.equal(reduceHelmReleaseRecord(garbage), undefined);
  });

  it('reads a record whose Secret fields have the wrong type as far as they go, and never throws', () => {
    // Helm's records are read outside the scan's per-kind field checks, straight from the answer.
    const noMetadata = { ...record(RELEASE), metadata: undefined } as unknown as KubeObject;
    assert.equal(reduceHelmReleaseRecord(noMetadata)?.namespace, '');
    const bare = record({ ...RELEASE, name: undefined, version: undefined, info: undefined });
    bare.metadata.labels = { name: 7, version: 'three', status: ['deployed'] } as unknown as Record<
      string,
      string
    >;
    assert.deepEqual(
      [
        reduceHelmReleaseRecord(bare)?.release,
        reduceHelmReleaseRecord(bare)?.revision,
        reduceHelmReleaseRecord(bare)?.status,
      ],
      ['', 0, 'unknown'],
    );
    bare.metadata.labels = { name: 'cozystack', version: '12', status: 'superseded' };
    assert.deepEqual(
      [
        reduceHelmReleaseRecord(bare)?.release,
        reduceHelmReleaseRecord(bare)?.revision,
        reduceHelmReleaseRecord(bare)?.status,
      ],
      ['cozystack', 12, 'superseded'],
    );
    for (const odd of [null, 'a Secret', 42, { type: 'helm.sh/release.v1', data: 'not a map' }])
      assert.equal(reduceHelmReleaseRecord(odd as unknown as KubeObject), undefined);
  });

  it("selects one release's records by Helm's labels", () => {
    assert.equal(helmRecordSelector('cozystack'), 'owner=helm,name=cozystack');
  });
});
