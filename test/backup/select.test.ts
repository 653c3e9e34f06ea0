import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanObject, inCleanView, keepInCleanView } from '../../src/backup/clean.js';
import {
  backupFolderName,
  categoryOf,
  cleanFilePath,
  isSkippedBySnapshotReader,
  rawFilePath,
} from '../../src/backup/layout.js';
import { backupWants, selectTypes, snapshotWants } from '../../src/backup/select.js';
import { formatSize, renderSummaryTable } from '../../src/backup/summary.js';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import { type KubeObject, type ResourceType, typeKey } from '../../src/cluster/types.js';

const custom = (group: string, kind: string, plural: string): ResourceType => ({
  group,
  version: 'v1',
  kind,
  plural,
  namespaced: true,
});

describe('what a backup takes', () => {
  const discovered = [
    custom('infrastructure.cluster.x-k8s.io', 'ProxmoxMachine', 'proxmoxmachines'),
    custom('controlplane.cluster.x-k8s.io', 'KamajiControlPlane', 'kamajicontrolplanes'),
    custom('cozystack.io', 'WorkloadMonitor', 'workloadmonitors'),
    custom('apps.cozystack.io', 'Tenant', 'tenants'),
    custom('core.cozystack.io', 'TenantNamespace', 'tenantnamespaces'),
    custom('kubevirt.io', 'VirtualMachine', 'virtualmachines'),
    custom('subresources.kubevirt.io', 'VirtualMachineInstance', 'virtualmachineinstances'),
    custom('cilium.io', 'CiliumNetworkPolicy', 'ciliumnetworkpolicies'),
    { ...BUILTIN_TYPES.helmReleases, version: 'v2beta2' },
  ];

  it('takes the built-in types (one copy of events) and the stateful custom ones, not aggregated APIs', () => {
    const keys = selectTypes(discovered, (t) => backupWants(t, 'include')).map(typeKey);
    assert.ok(keys.includes('secrets') && keys.includes('configmaps') && keys.includes('events'));
    assert.ok(!keys.includes('events.events.k8s.io'));
    assert.deepEqual(
      keys.filter((k) => !Object.values(BUILTIN_TYPES).some((b) => typeKey(b) === k)),
      [
        'kamajicontrolplanes.controlplane.cluster.x-k8s.io',
        'proxmoxmachines.infrastructure.cluster.x-k8s.io',
        'virtualmachines.kubevirt.io',
        'workloadmonitors.cozystack.io',
      ],
    );
    const helm = selectTypes(discovered, (t) => backupWants(t, 'include')).find(
      (t) => t.kind === 'HelmRelease',
    );
    assert.equal(helm?.version, 'v2beta2', 'the version the cluster serves');
  });

  it('leaves Secrets out with --no-secrets and in a snapshot unless asked', () => {
    assert.equal(backupWants(BUILTIN_TYPES.secrets, 'exclude'), false);
    assert.equal(backupWants(BUILTIN_TYPES.secrets, 'encrypt'), true);
    assert.equal(snapshotWants(BUILTIN_TYPES.secrets, false), false);
    assert.equal(snapshotWants(BUILTIN_TYPES.secrets, true), true);
    assert.equal(
      snapshotWants(BUILTIN_TYPES.eventsV1, false),
      true,
      'a snapshot keeps every type the tool reads',
    );
    assert.equal(
      snapshotWants(custom('apps.cozystack.io', 'Tenant', 'tenants'), false),
      true,
      'aggregated APIs too',
    );
    assert.equal(backupWants(custom('apps.cozystack.io', 'Tenant', 'tenants'), 'include'), false);
  });

  it('files each type under its category', () => {
    assert.equal(
      rawFilePath(BUILTIN_TYPES.crds, false),
      'crds/customresourcedefinitions.apiextensions.k8s.io.json',
    );
    assert.equal(rawFilePath(BUILTIN_TYPES.secrets, true), 'secrets/secrets.json.age');
    assert.equal(rawFilePath(BUILTIN_TYPES.pvcs, false), 'states/persistentvolumeclaims.json');
    assert.equal(categoryOf(discovered[0]!), 'capi');
    assert.equal(categoryOf(discovered[5]!), 'operators');
    assert.equal(cleanFilePath(BUILTIN_TYPES.namespaces, false), 'apply/00-namespaces.json');
    assert.equal(inCleanView(BUILTIN_TYPES.pods), false);
    assert.equal(backupFolderName(new Date('2025-10-24T19:31:59.999Z')), '20251024-1931');
    assert.equal(isSkippedBySnapshotReader(['00-namespaces.json', '.cozy-assess-apply-view']), true);
    assert.equal(isSkippedBySnapshotReader(['pods.json']), false);
  });
});

describe('clean view', () => {
  it('removes status and server-owned metadata and leaves the input untouched', () => {
    const object: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'a',
        namespace: 'n',
        uid: 'u',
        resourceVersion: '1',
        creationTimestamp: 't',
        generation: 2,
        selfLink: '/x',
        managedFields: [],
        ownerReferences: [{ kind: 'X', name: 'y', uid: 'old' }],
        labels: { app: 'a' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      data: { k: 'v' },
      status: { x: 1 },
    };
    assert.deepEqual(cleanObject(object), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', namespace: 'n', labels: { app: 'a' } },
      data: { k: 'v' },
    });
    assert.equal(object.metadata.uid, 'u');
    assert.equal(
      keepInCleanView({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 't' },
        type: 'kubernetes.io/service-account-token',
      }),
      false,
    );
  });
});

describe('summary', () => {
  it('prints sizes like ls -h', () => {
    assert.deepEqual([0, 512, 1024, 1600, 147_456, 3_879_731, 25_165_824].map(formatSize), [
      '0',
      '512',
      '1.0K',
      '1.6K',
      '144K',
      '3.7M',
      '24M',
    ]);
  });

  it('renders one row per category, the total and the verification line', () => {
    const lines = renderSummaryTable({
      path: 'b/20251024-1931',
      complete: true,
      verified: true,
      totals: { objects: 12, bytes: 4_000_000, size: '3.9M', files: 9 },
      categories: [
        { category: 'ConfigMaps', objects: 10, bytes: 3_879_731, size: '3.7M' },
        { category: 'Cluster API / Proxmox', objects: 2, bytes: 1_600, size: '1.6K' },
      ],
      skipped: [],
      secrets: 'excluded',
    });
    assert.deepEqual(lines, [
      'CATEGORY               OBJECTS  SIZE',
      'ConfigMaps                  10  3.7M',
      'Cluster API / Proxmox        2  1.6K',
      'Total                       12  3.9M',
      'Checksums verified (9 files, SHA256SUMS)',
      'Secrets: excluded',
    ]);
  });
});
