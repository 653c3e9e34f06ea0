// Small inline inventories for catalog tests: every listed type read fine unless a test says otherwise.
import { emptyFacts } from '../../src/inventory/empty.js';
import type { HelmReleaseFacts, Inventory, WorkloadFacts } from '../../src/inventory/types.js';

export const READ_TYPES = [
  'configmaps',
  'deployments.apps',
  'daemonsets.apps',
  'statefulsets.apps',
  'helmreleases.helm.toolkit.fluxcd.io',
  'customresourcedefinitions.apiextensions.k8s.io',
];

export function inventory(overrides: Partial<Inventory> = {}): Inventory {
  const outcomes = Object.fromEntries(
    READ_TYPES.map((type) => [type, { type, status: 'ok' as const, count: 0 }]),
  );
  return {
    now: '2025-10-24T19:31:00Z',
    source: { kind: 'snapshot' },
    serverVersion: 'v1.32.3',
    outcomes,
    ...emptyFacts(),
    ...overrides,
  } as Inventory;
}

export function deployment(
  namespace: string,
  name: string,
  containers: Array<{ name: string; image: string; args?: string[]; env?: Record<string, string> }>,
  createdAt?: string,
): WorkloadFacts {
  return {
    kind: 'Deployment',
    namespace,
    name,
    desired: 1,
    ready: 1,
    available: 1,
    updated: 1,
    containers: containers.map((c) => ({
      name: c.name,
      image: c.image,
      args: c.args ?? [],
      env: c.env ?? {},
    })),
    labels: {},
    createdAt,
  };
}

export function helmRelease(
  namespace: string,
  name: string,
  chart: string,
  extra: Partial<HelmReleaseFacts> = {},
): HelmReleaseFacts {
  return {
    namespace,
    name,
    chart,
    ready: 'True',
    stalled: false,
    suspended: false,
    valueKeys: [],
    labels: {},
    ...extra,
  };
}

export function installer(tag: string, createdAt?: string): WorkloadFacts {
  const image = `ghcr.io/cozystack/cozystack/installer:${tag}@sha256:c7c2aa0bd5e2d3d3b0f7e1f2d1b7a0f6e9d3c1b2a4e5f6a7b8c9d0e1f2a3b4c5`;
  return deployment(
    'cozy-system',
    'cozystack',
    [
      { name: 'cozystack', image },
      { name: 'assets', image },
    ],
    createdAt,
  );
}
