import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelmReleaseFacts, NamespaceFacts } from '../../src/inventory/types.js';
import { tenantNamespaceOf, tenantTree } from '../../src/migration/tenants.js';

const ns = (name: string): NamespaceFacts => ({ name, labels: {}, annotations: {} });
const tenant = (namespace: string, name: string): HelmReleaseFacts => ({
  namespace,
  name,
  chart: 'tenant',
  ready: 'True',
  stalled: false,
  suspended: false,
  valueKeys: [],
  labels: {},
});

describe('the tenant tree', () => {
  it('names the namespace a Tenant app creates as the tenant chart does', () => {
    assert.equal(tenantNamespaceOf(tenant('tenant-root', 'tenant-root')), 'tenant-root');
    assert.equal(tenantNamespaceOf(tenant('tenant-root', 'tenant-shop')), 'tenant-shop');
    assert.equal(tenantNamespaceOf(tenant('tenant-shop', 'tenant-dev')), 'tenant-shop-dev');
  });

  it('orders parents before children, whatever order the objects came in', () => {
    const tree = tenantTree(
      [ns('tenant-shop-dev'), ns('tenant-shop'), ns('tenant-root'), ns('tenant-lab'), ns('kube-system')],
      [
        tenant('tenant-shop', 'tenant-dev'),
        tenant('tenant-root', 'tenant-shop'),
        tenant('tenant-root', 'tenant-root'),
      ],
    );
    assert.deepEqual(
      tree.map((n) => [n.namespace, n.parent, n.depth]),
      [
        ['tenant-root', null, 0],
        ['tenant-lab', 'tenant-root', 1],
        ['tenant-shop', 'tenant-root', 1],
        ['tenant-shop-dev', 'tenant-shop', 2],
      ],
    );
    assert.equal(tree[2]!.release?.name, 'tenant-shop');
    assert.equal(
      tree[1]!.release,
      undefined,
      'a namespace no Tenant app creates is kept, under its closest parent',
    );
  });

  it('keeps a Tenant whose namespace does not exist (yet)', () => {
    const tree = tenantTree([ns('tenant-root')], [tenant('tenant-root', 'tenant-new')]);
    assert.deepEqual(
      tree.map((n) => n.namespace),
      ['tenant-root', 'tenant-new'],
    );
  });
});
