// The facts of a cluster with nothing in it. The builder starts from it and fills in what it reads; tests
// start from it and set only what they are about.
import type { Inventory } from './types.js';

/** Everything in an Inventory that is read from the cluster's objects (not the clock, source or outcomes). */
export type InventoryFacts = Omit<
  Inventory,
  'now' | 'source' | 'serverVersion' | 'serverVersionInferred' | 'outcomes' | 'installerRecords'
>;

/** Fresh empty lists and maps on every call: callers push into them. */
export function emptyFacts(): InventoryFacts {
  return {
    nodes: [],
    namespaces: [],
    pods: [],
    events: [],
    workloads: [],
    replicaSets: [],
    jobs: [],
    helmReleases: [],
    packages: [],
    cozystackConfigMaps: {},
    crds: [],
    webhooks: [],
    apiServices: [],
    serviceReadyEndpoints: {},
    serviceNotReadyPods: {},
    pvcs: [],
    secretKeys: {},
    customResources: {},
    counts: {},
  };
}
