import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessUsage, evaluateDetector } from '../../src/catalog/breaking.js';
import { loadCatalog } from '../../src/cli/catalog-file.js';
import type { Inventory, SecretKeysFact } from '../../src/inventory/types.js';
import { deployment, helmRelease, inventory } from './inline-inventory.js';

const catalog = loadCatalog();
const change = (id: string) => catalog.breakingChanges.find((c) => c.id === id)!;

describe('assessUsage', () => {
  it('FerretDB v1→v2: used with chart < 1.0.0, not used with v2 or none, unknown when HelmReleases are unreadable', () => {
    const used = assessUsage(
      change('ferretdb-v2'),
      inventory({
        helmReleases: [helmRelease('tenant-a', 'ferretdb-db', 'ferretdb', { deployedChartVersion: '0.8.0' })],
      }),
    );
    assert.equal(used.usage, 'used');
    assert.equal(used.severity, 'blocker');
    assert.match(used.evidence, /tenant-a\/ferretdb-db \(chart ferretdb 0\.8\.0 < 1\.0\.0\)/);

    const v2 = assessUsage(
      change('ferretdb-v2'),
      inventory({
        helmReleases: [helmRelease('tenant-a', 'ferretdb-db', 'ferretdb', { deployedChartVersion: '1.0.0' })],
      }),
    );
    assert.equal(v2.usage, 'not used');

    const none = assessUsage(
      change('ferretdb-v2'),
      inventory({ helmReleases: [helmRelease('tenant-a', 'pg', 'postgres')] }),
    );
    assert.equal(none.usage, 'not used');
    assert.equal(
      none.evidence,
      'no HelmRelease with chart ferretdb below chart version 1.0.0 in tenant-* namespaces',
    );

    const blind = inventory();
    blind.outcomes['helmreleases.helm.toolkit.fluxcd.io'] = {
      type: 'helmreleases.helm.toolkit.fluxcd.io',
      status: 'forbidden',
      count: 0,
    };
    const unknown = assessUsage(change('ferretdb-v2'), blind);
    assert.equal(unknown.usage, 'unknown');
    assert.match(unknown.evidence, /could not be read \(forbidden\)/);
  });

  it('a FerretDB whose deployed version is unknown counts as used', () => {
    const result = assessUsage(
      change('ferretdb-v2'),
      inventory({ helmReleases: [helmRelease('tenant-a', 'ferretdb-x', 'ferretdb')] }),
    );
    assert.equal(result.usage, 'used');
    assert.match(result.evidence, /deployed version unknown/);
  });

  it('SeaweedFS: by release name or chart', () => {
    assert.equal(
      assessUsage(
        change('seaweedfs-0.36'),
        inventory({ helmReleases: [helmRelease('tenant-root', 'seaweedfs', 'seaweedfs')] }),
      ).usage,
      'used',
    );
    assert.equal(assessUsage(change('seaweedfs-0.36'), inventory()).usage, 'not used');
  });

  it('values keys, release names, workloads and label selectors', () => {
    const ingress = helmRelease('tenant-root', 'ingress', 'ingress', {
      valueKeys: ['replicas', 'dashboard'],
    });
    assert.equal(
      assessUsage(change('ingress-expose-settings'), inventory({ helmReleases: [ingress] })).usage,
      'used',
    );
    assert.equal(
      assessUsage(
        change('ingress-expose-settings'),
        inventory({ helmReleases: [{ ...ingress, valueKeys: ['replicas'] }] }),
      ).usage,
      'not used',
    );
    const proxy = helmRelease('cozy-system', 'cozy-proxy', 'cozy-proxy', { releaseName: 'cozy-proxy' });
    assert.equal(
      assessUsage(change('cozy-proxy-release-name'), inventory({ helmReleases: [proxy] })).usage,
      'not used',
    );
    const flux = deployment('cozy-fluxcd', 'flux-operator', [{ name: 'manager', image: 'x' }]);
    assert.equal(assessUsage(change('flux-aio'), inventory({ workloads: [flux] })).usage, 'used');
    const app = helmRelease('tenant-a', 'redis-x', 'redis', { labels: { 'cozystack.io/ui': 'true' } });
    assert.equal(
      assessUsage(change('app-resources-format'), inventory({ helmReleases: [app] })).usage,
      'used',
    );
    assert.equal(
      assessUsage(change('app-resources-format'), inventory({ helmReleases: [{ ...app, labels: {} }] }))
        .usage,
      'not used',
    );
  });

  it('management Kubernetes ≥ 1.33: from the server version, unknown without it', () => {
    assert.equal(
      assessUsage(change('management-kubernetes-1.33'), inventory({ serverVersion: 'v1.32.3' })).usage,
      'used',
    );
    assert.equal(
      assessUsage(change('management-kubernetes-1.33'), inventory({ serverVersion: 'v1.33.1+k3s1' })).usage,
      'not used',
    );
    assert.equal(
      assessUsage(change('management-kubernetes-1.33'), inventory({ serverVersion: undefined })).usage,
      'unknown',
    );
  });

  describe('etcd v1alpha2 (migration 50): a blocker unless Secret cozy-velero/cozy-backups-creds has both AWS keys', () => {
    const etcd = {
      group: 'etcd.aenix.io',
      kind: 'EtcdCluster',
      count: 2,
      names: ['tenant-a/etcd', 'tenant-b/etcd'],
    };
    const CREDS = 'cozy-velero/cozy-backups-creds';
    const withSecret = (fact?: SecretKeysFact, extra: Partial<Inventory> = {}) =>
      assessUsage(
        change('etcd-operator-v1alpha2'),
        inventory({
          customResources: { 'etcdclusters.etcd.aenix.io': etcd },
          secretKeys: fact ? { [CREDS]: fact } : {},
          ...extra,
        }),
      );

    it('prepared: the Secret exists with both AWS keys (and whatever else it holds)', () => {
      const prepared = withSecret({
        status: 'found',
        keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'bucketName', 'endpoint'],
      });
      assert.equal(prepared.usage, 'used');
      assert.equal(prepared.severity, 'warning');
      assert.match(
        prepared.evidence,
        /prepared: Secret cozy-velero\/cozy-backups-creds has keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY/,
      );
    });

    it('not prepared: no Secret, or a Secret lacking a key, stays a blocker and says which', () => {
      const absent = withSecret({ status: 'absent' });
      assert.equal(absent.severity, 'blocker');
      assert.match(absent.evidence, /not prepared: no Secret cozy-velero\/cozy-backups-creds/);
      const oneKey = withSecret({ status: 'found', keys: ['AWS_ACCESS_KEY_ID', 'endpoint'] });
      assert.equal(oneKey.severity, 'blocker');
      assert.match(oneKey.evidence, /lacks key AWS_SECRET_ACCESS_KEY/);
    });

    it('the chart-made cozy-default-etcd Strategy alone is no preparation (it is only the external-S3 fallback)', () => {
      const strategyOnly = withSecret(
        { status: 'absent' },
        {
          customResources: {
            'etcdclusters.etcd.aenix.io': etcd,
            'etcds.strategy.backups.cozystack.io': {
              group: 'strategy.backups.cozystack.io',
              kind: 'Etcd',
              count: 1,
              names: ['cozy-default-etcd'],
            },
          },
        },
      );
      assert.equal(strategyOnly.severity, 'blocker');
    });

    it('a Secret that could not be read (or was not captured) leaves it a blocker, not known to be prepared', () => {
      const unread = withSecret({
        status: 'unreadable',
        reason: 'secrets: not in the snapshot (that type was not captured)',
      });
      assert.equal(unread.severity, 'blocker');
      assert.match(unread.evidence, /not known to be prepared: .*not captured/);
      assert.match(withSecret().evidence, /not known to be prepared: .*does not read that Secret/);
    });

    it('no legacy etcd clusters: not used, whatever the Secret', () => {
      assert.equal(assessUsage(change('etcd-operator-v1alpha2'), inventory()).usage, 'not used');
    });

    it('the action names the escape hatch and never asks to create the Strategy', () => {
      const { action } = change('etcd-operator-v1alpha2');
      assert.match(action, /etcdAdoptSkipBackup/);
      assert.match(action, /cozy-backups-creds/);
      assert.doesNotMatch(action, /[Cc]reate the backup strategy|cozy-default-etcd/);
    });
  });

  it('v1 apps (HelmReleases with a chartRef, no chart name) are found by their application kind label', () => {
    const bucket = helmRelease('tenant-a', 'bucket-media', 'cozystack-bucket-application-default-bucket', {
      labels: { 'apps.cozystack.io/application.kind': 'Bucket' },
    });
    const used = assessUsage(change('bucket-access'), inventory({ helmReleases: [bucket] }));
    assert.equal(used.usage, 'used');
    assert.match(used.evidence, /tenant-a\/bucket-media/);
    const k8s = helmRelease(
      'tenant-a',
      'kubernetes-dev',
      'cozystack-kubernetes-application-default-kubernetes',
      {
        labels: { 'apps.cozystack.io/application.kind': 'Kubernetes' },
      },
    );
    for (const id of ['tenant-workers-persistent-disks', 'tenant-workers-talos'])
      assert.equal(assessUsage(change(id), inventory({ helmReleases: [k8s] })).usage, 'used', id);
  });

  it('custom resources of a type never listed are unknown when its CRD exists', () => {
    const crd = {
      name: 'etcdclusters.etcd.aenix.io',
      group: 'etcd.aenix.io',
      kind: 'EtcdCluster',
      plural: 'etcdclusters',
      scope: 'Namespaced' as const,
      versions: ['v1alpha1'],
    };
    const result = evaluateDetector(
      { kind: 'customResource', type: 'etcdclusters.etcd.aenix.io' },
      inventory({ crds: [crd] }),
    );
    assert.equal(result.state, 'unknown');
  });

  it('a type missing from a snapshot is unknown; a type not installed in a live cluster is absent', () => {
    const notInstalled = {
      type: 'helmreleases.helm.toolkit.fluxcd.io',
      status: 'not-installed' as const,
      count: 0,
      reason: 'not in the snapshot',
    };
    const snap = inventory({ source: { kind: 'snapshot', path: 'x' } });
    snap.outcomes[notInstalled.type] = notInstalled;
    assert.equal(assessUsage(change('ferretdb-v2'), snap).usage, 'unknown');
    const live = inventory({ source: { kind: 'live' } });
    live.outcomes[notInstalled.type] = notInstalled;
    assert.equal(assessUsage(change('ferretdb-v2'), live).usage, 'not used');
  });

  it('platform changes apply to every cluster', () => {
    assert.equal(assessUsage(change('v1-architecture'), inventory()).usage, 'used');
  });
});

describe('kubernetesBelow', () => {
  const detector = { kind: 'kubernetesBelow', version: '1.33' } as const;

  it("judges by the server's version, else by the inferred one and says it was inferred, else unknown", () => {
    assert.deepEqual(evaluateDetector(detector, inventory({ serverVersion: 'v1.33.2' })), {
      state: 'no-match',
      evidence: 'API server v1.33.2 is 1.33 or later',
    });
    const inferred = evaluateDetector(
      detector,
      inventory({
        serverVersion: undefined,
        serverVersionInferred: {
          version: 'v1.32.9',
          evidence: 'inferred from the kubelet version of 3 control-plane nodes',
        },
      }),
    );
    assert.equal(inferred.state, 'match');
    assert.equal(
      inferred.evidence,
      'API server v1.32.9 (inferred from the kubelet version of 3 control-plane nodes) is below 1.33',
    );
    assert.equal(evaluateDetector(detector, inventory({ serverVersion: undefined })).state, 'unknown');
  });
});
