import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AppDraft, applyOp, flattenResources } from '../../src/migration/convert.js';

const draft = (chart: string, values: Record<string, unknown>, kind = 'Postgres'): AppDraft => ({
  chart,
  kind,
  prefix: `${chart}-`,
  name: 'db',
  namespace: 'tenant-a',
  values,
});

describe('kit conversions (the catalog ops)', () => {
  it('flattenResources: every nested resources map becomes {cpu, memory}, limits over requests', () => {
    const values = {
      resources: {
        requests: { cpu: '500m', memory: '1Gi', 'ephemeral-storage': '1Gi' },
        limits: { cpu: '2' },
      },
      nodeGroups: { md0: { resources: { requests: { memory: '4Gi' } } } },
      flat: { resources: { cpu: '1', memory: '1Gi' } },
      empty: { resources: { requests: { 'nvidia.com/gpu': 1 } } },
    };
    const changed = flattenResources(values, []);
    assert.deepEqual(values.resources, { cpu: '2', memory: '1Gi' });
    assert.deepEqual(values.nodeGroups.md0.resources, { memory: '4Gi' });
    assert.deepEqual(values.flat.resources, { cpu: '1', memory: '1Gi' }, 'already flat: untouched');
    assert.deepEqual(
      values.empty.resources,
      { requests: { 'nvidia.com/gpu': 1 } },
      'no cpu/memory: untouched',
    );
    assert.equal(changed.length, 2);
  });

  it('moveValues moves the keys present under one key and keeps what was there', () => {
    const result = applyOp({ op: 'moveValues', keys: ['size', 'zones'], under: 'volume' }, [
      draft('seaweedfs', { size: '50Gi', volume: { replicas: 2 }, host: 's3.example.net' }),
    ]);
    assert.deepEqual(result.drafts[0]!.values, {
      host: 's3.example.net',
      volume: { replicas: 2, size: '50Gi' },
    });
    assert.deepEqual(result.changed, ['size moved under volume']);
  });

  it('renameInEach renames a key in every entry of a map, and reports nothing when absent', () => {
    const values = { nodeGroups: { md0: { ephemeralStorage: '20Gi' }, md1: { diskSize: '50Gi' } } };
    const result = applyOp(
      { op: 'renameInEach', under: 'nodeGroups', from: 'ephemeralStorage', to: 'diskSize' },
      [draft('kubernetes', values, 'Kubernetes')],
    );
    assert.deepEqual(result.drafts[0]!.values, {
      nodeGroups: { md0: { diskSize: '20Gi' }, md1: { diskSize: '50Gi' } },
    });
    assert.deepEqual(values.nodeGroups.md0, { ephemeralStorage: '20Gi' }, 'the input is not changed');
    const none = applyOp({ op: 'renameInEach', under: 'nodeGroups', from: 'x', to: 'y' }, [
      draft('kubernetes', {}),
    ]);
    assert.deepEqual(none.changed, []);
  });

  it('valueToPlatform moves a flag as a list item, or a value as the setting', () => {
    const flag = applyOp(
      { op: 'valueToPlatform', key: 'dashboard', setting: 'expose-services', item: 'dashboard' },
      [draft('ingress', { dashboard: true, replicas: 2 }, 'Ingress')],
    );
    assert.deepEqual(flag.drafts[0]!.values, { replicas: 2 });
    assert.deepEqual(flag.platform, [{ setting: 'expose-services', items: ['dashboard'] }]);
    const off = applyOp(
      { op: 'valueToPlatform', key: 'dashboard', setting: 'expose-services', item: 'dashboard' },
      [draft('ingress', { dashboard: false }, 'Ingress')],
    );
    assert.deepEqual(off.platform, [], 'a false flag exposes nothing');
    assert.equal(off.changed.length, 1, 'but the key still leaves the values');
    const list = applyOp({ op: 'valueToPlatform', key: 'externalIPs', setting: 'expose-external-ips' }, [
      draft('ingress', { externalIPs: ['203.0.113.1', '203.0.113.2'] }, 'Ingress'),
    ]);
    assert.deepEqual(list.platform, [
      { setting: 'expose-external-ips', items: ['203.0.113.1', '203.0.113.2'] },
    ]);
  });

  it('renameApp gives the app a new kind and prefix, once', () => {
    const op = { op: 'renameApp', chart: 'mariadb', kind: 'MariaDB', prefix: 'mariadb-' } as const;
    const result = applyOp(op, [draft('mysql', { size: '8Gi' }, 'MySQL')]);
    assert.equal(result.drafts[0]!.kind, 'MariaDB');
    assert.equal(result.drafts[0]!.prefix, 'mariadb-');
    assert.deepEqual(applyOp(op, result.drafts).changed, [], 'already renamed');
  });

  it('splitVirtualMachine: the system disk becomes a VMDisk, the rest a VMInstance booting from it', () => {
    const result = applyOp({ op: 'splitVirtualMachine' }, [
      draft(
        'virtual-machine',
        {
          external: true,
          externalPorts: [22],
          running: false,
          instanceType: 'u1.large',
          sshKeys: ['ssh-ed25519 AAAA'],
          systemDisk: { image: 'ubuntu', storage: '30Gi', storageClass: 'replicated' },
        },
        'VirtualMachine',
      ),
    ]);
    assert.deepEqual(
      result.drafts.map((d) => [d.kind, d.prefix, d.name]),
      [
        ['VMDisk', 'vm-disk-', 'db'],
        ['VMInstance', 'vm-instance-', 'db'],
      ],
    );
    assert.deepEqual(result.drafts[0]!.values, {
      source: { image: { name: 'ubuntu' } },
      optical: false,
      storage: '30Gi',
      storageClass: 'replicated',
    });
    assert.deepEqual(result.drafts[1]!.values, {
      external: true,
      externalPorts: [22],
      instanceType: 'u1.large',
      sshKeys: ['ssh-ed25519 AAAA'],
      runStrategy: 'Halted',
      disks: [{ name: 'db' }],
    });
  });
});
