// A small cluster state written as kubectl would print it, in every shape the snapshot source reads:
// a `kind: List` (kubectl get -o json), a raw typed list (NodeList, items without apiVersion/kind),
// multi-document YAML, single objects, CRDs with their custom objects, and version.json.
// Tests own their data: this is independent of fixtures/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

const created = '2025-10-20T08:00:00Z';

export function samplePods(): Array<Record<string, unknown>> {
  const pod = (namespace: string, name: string, nodeName: string, phase: string, app: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      uid: `uid-${namespace}-${name}`,
      resourceVersion: '100',
      creationTimestamp: created,
      labels: { app },
    },
    spec: { nodeName, containers: [{ name: 'main', image: `${app}:1.0` }] },
    status: {
      phase,
      containerStatuses: [
        { name: 'main', restartCount: phase === 'Running' ? 0 : 12, ready: phase === 'Running' },
      ],
    },
  });
  return [
    pod('kube-system', 'kube-ovn-cni-abcde', 'node-a', 'Running', 'kube-ovn-cni'),
    pod('kube-system', 'kube-ovn-cni-fghij', 'node-b', 'Running', 'kube-ovn-cni'),
    pod('kube-system', 'coredns-1', 'node-c', 'Pending', 'coredns'),
    pod('cozy-system', 'cozystack-0', 'node-a', 'Running', 'cozystack'),
    pod('tenant-root', 'web-0', 'node-b', 'Failed', 'web'),
    pod('tenant-root', 'web-1', 'node-c', 'Running', 'web'),
    pod('default', 'debug', 'node-a', 'Running', 'debug'),
  ];
}

const crd = (
  group: string,
  kind: string,
  plural: string,
  version: string,
  scope: 'Namespaced' | 'Cluster',
) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.${group}`, creationTimestamp: created },
  spec: {
    group,
    names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
    scope,
    versions: [
      { name: version, served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
    ],
  },
});

const helmRelease = (namespace: string, name: string, ready: boolean) => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name, namespace, creationTimestamp: created, labels: { 'cozystack.io/system-app': 'true' } },
  spec: { chart: { spec: { chart: name, version: '0.1.0' } }, interval: '5m' },
  status: {
    conditions: [
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        reason: ready ? 'ReconciliationSucceeded' : 'InstallFailed',
      },
    ],
  },
});

/** Writes the sample cluster into `dir` (created) and returns `dir`. */
export async function writeSampleCluster(dir: string): Promise<string> {
  await mkdir(join(dir, 'crds'), { recursive: true });
  const json = (file: string, value: unknown) =>
    writeFile(join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  await json('pods.json', {
    apiVersion: 'v1',
    kind: 'List',
    items: samplePods(),
    metadata: { resourceVersion: '' },
  });
  await json('nodes.json', {
    apiVersion: 'v1',
    kind: 'NodeList',
    metadata: { resourceVersion: '200' },
    items: ['node-c', 'node-a', 'node-b'].map((name) => ({
      metadata: { name, labels: { 'kubernetes.io/hostname': name }, creationTimestamp: created },
      status: { conditions: [{ type: 'Ready', status: name === 'node-c' ? 'Unknown' : 'True' }] },
    })),
  });
  const namespaces = ['cozy-system', 'default', 'kube-system', 'tenant-root'].map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  }));
  await writeFile(join(dir, 'namespaces.yaml'), namespaces.map((ns) => stringify(ns)).join('---\n'));
  const event = (name: string, pod: string, reason: string) => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'tenant-root', creationTimestamp: created },
    involvedObject: { kind: 'Pod', name: pod, namespace: 'tenant-root' },
    reason,
    message: `${reason} for ${pod}`,
    count: 3,
    lastTimestamp: '2025-10-24T19:00:00Z',
    type: 'Warning',
  });
  await writeFile(
    join(dir, 'events.yml'),
    stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        event('web-0.1', 'web-0', 'BackOff'),
        event('web-1.1', 'web-1', 'Unhealthy'),
        event('web-0.2', 'web-0', 'Failed'),
      ],
    }),
  );
  await json('configmap.json', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cozystack', namespace: 'cozy-system' },
    data: { 'bundle-name': 'paas-full', 'ipv4-pod-cidr': '10.244.0.0/16' },
  });
  await json('crds/crds.json', {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      crd('helm.toolkit.fluxcd.io', 'HelmRelease', 'helmreleases', 'v2', 'Namespaced'),
      crd('example.com', 'Widget', 'widgets', 'v1', 'Namespaced'),
    ],
  });
  await writeFile(
    join(dir, 'crds', 'custom.yaml'),
    [
      helmRelease('cozy-system', 'cozystack-api', true),
      helmRelease('tenant-root', 'tenant-root', false),
      helmRelease('cozy-system', 'kubeovn', true),
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1', namespace: 'default' },
        spec: { size: 1 },
      },
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w2', namespace: 'tenant-root' },
        spec: { size: 2 },
      },
    ]
      .map((o) => stringify(o))
      .join('---\n'),
  );
  await json('version.json', {
    clientVersion: { gitVersion: 'v1.32.4' },
    serverVersion: { major: '1', minor: '31', gitVersion: 'v1.31.4', platform: 'linux/amd64' },
  });
  return dir;
}
