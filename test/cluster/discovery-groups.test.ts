// Which served groups discovery hands over as custom types: not Kubernetes' own (read through the built-in
// list), but a stateful CRD group under k8s.io is custom all the same (COSI buckets must reach the backup).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCustomGroup } from '../../src/cluster/discovery.js';

describe('isCustomGroup', () => {
  it("leaves Kubernetes' own groups to the built-in list", () => {
    for (const group of ['', 'apps', 'batch', 'networking.k8s.io', 'storage.k8s.io', 'events.k8s.io'])
      assert.equal(isCustomGroup(group), false, group);
  });

  it('takes CRD groups, including the stateful ones under k8s.io (COSI)', () => {
    for (const group of ['helm.toolkit.fluxcd.io', 'cozystack.io', 'objectstorage.k8s.io'])
      assert.equal(isCustomGroup(group), true, group);
  });
});
