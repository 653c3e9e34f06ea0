import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import type { KubeObject } from '../../src/cluster/types.js';
import {
  createMigrationCollector,
  migrationTypes,
  reduceExposedService,
  reduceIngress,
  reduceVolume,
} from '../../src/migration/collect.js';
import { backingOf } from '../../src/migration/attribute.js';

const obj = (
  kind: string,
  name: string,
  namespace: string | undefined,
  rest: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  ...rest,
});

describe('the migration sink', () => {
  it('keeps tenant objects only, Secrets only when asked, and never a Helm release record', () => {
    const collector = createMigrationCollector({ includeSecrets: true });
    collector.sink.page(BUILTIN_TYPES.helmReleases, [
      obj('HelmRelease', 'a', 'tenant-x'),
      obj('HelmRelease', 'b', 'cozy-system'),
    ]);
    collector.sink.page(BUILTIN_TYPES.secrets, [
      obj('Secret', 'creds', 'tenant-x', { type: 'Opaque', data: { p: 'eA==' } }),
      obj('Secret', 'sh.helm.release.v1.a.v1', 'tenant-x', { type: 'helm.sh/release.v1' }),
      obj('Secret', 'token', 'tenant-x', { type: 'kubernetes.io/service-account-token' }),
      obj('Secret', 'platform', 'cozy-system', { type: 'Opaque' }),
    ]);
    collector.sink.page(BUILTIN_TYPES.namespaces, [
      obj('Namespace', 'tenant-x', undefined),
      obj('Namespace', 'kube-system', undefined),
    ]);
    const out = collector.finish();
    assert.deepEqual(
      out.helmReleases.map((o) => o.metadata.name),
      ['a'],
    );
    assert.deepEqual(
      out.secrets.map((o) => o.metadata.name),
      ['creds'],
    );
    assert.deepEqual(
      out.namespaces.map((o) => o.metadata.name),
      ['tenant-x'],
    );

    const without = createMigrationCollector({ includeSecrets: false });
    without.sink.page(BUILTIN_TYPES.secrets, [obj('Secret', 'creds', 'tenant-x', { type: 'Opaque' })]);
    assert.deepEqual(without.finish().secrets, []);
    assert.ok(!migrationTypes([], false).some((t) => t.kind === 'Secret'), 'Secrets are not even listed');
    assert.ok(migrationTypes([], true).some((t) => t.kind === 'Secret'));
  });

  it('lists each type in the version the cluster serves', () => {
    const served = { ...BUILTIN_TYPES.ingresses, version: 'v1beta1' };
    assert.equal(migrationTypes([served], false).find((t) => t.kind === 'Ingress')?.version, 'v1beta1');
  });

  it('reduces volumes, Ingresses and exposed Services to what the plan prints', () => {
    assert.deepEqual(
      reduceVolume(
        obj('PersistentVolume', 'pv1', undefined, {
          spec: { local: { path: '/d' }, storageClassName: 'local-path' },
        }),
      ),
      {
        name: 'pv1',
        storageClass: 'local-path',
        driver: 'local',
      },
    );
    const ing = reduceIngress(
      obj('Ingress', 'web', 'tenant-x', {
        spec: {
          ingressClassName: 'tenant-root',
          rules: [{ host: 'b.example' }, { host: 'a.example' }],
          tls: [{ hosts: ['a.example', 'c.example'] }],
        },
      }),
    );
    assert.deepEqual(ing.hosts, ['a.example', 'b.example', 'c.example']);
    assert.equal(
      reduceExposedService(obj('Service', 'internal', 'tenant-x', { spec: { type: 'ClusterIP' } })),
      undefined,
    );
    assert.deepEqual(
      reduceExposedService(
        obj('Service', 'lb', 'tenant-x', {
          spec: { type: 'LoadBalancer', ports: [{ port: 22 }], externalIPs: ['198.51.100.2'] },
          status: { loadBalancer: { ingress: [{ ip: '198.51.100.1' }, { hostname: 'lb.example' }] } },
        }),
      )?.addresses,
      ['198.51.100.1', 'lb.example', '198.51.100.2'],
    );
  });

  it('names the backing of a volume: the CozyStack LINSTOR classes, another driver, or none', () => {
    const claim = { namespace: 'n', name: 'c', labels: {}, accessModes: [], volumeName: 'pv' };
    assert.equal(
      backingOf(
        { ...claim, storageClass: 'replicated' },
        { name: 'pv', driver: 'linstor.csi.linbit.com', storageClass: 'replicated' },
        true,
      ),
      'replicated',
    );
    assert.equal(
      backingOf(claim, { name: 'pv', driver: 'linstor.csi.linbit.com', storageClass: 'fast' }, true),
      'linstor',
    );
    assert.equal(backingOf(claim, { name: 'pv', driver: 'rbd.csi.ceph.com' }, true), 'rbd.csi.ceph.com');
    assert.equal(backingOf({ ...claim, volumeName: undefined }, undefined, true), 'unbound');
    assert.equal(backingOf(claim, undefined, false), 'unknown', 'PVs were not read');
  });
});
