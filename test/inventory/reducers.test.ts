import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/types.js';
import { cpuMillis, memoryBytes, parseQuantity } from '../../src/inventory/quantity.js';
import {
  reduceApiService,
  reduceCrd,
  reduceHelmRelease,
  reduceNode,
  reduceWebhookConfiguration,
  reduceWorkload,
} from '../../src/inventory/reducers.js';
import { clock, readyNode } from '../checks/support.js';
import { apiService, crd, daemonSet, helmRelease, statefulSet } from '../support/objects.js';

const k = (o: unknown) => o as KubeObject;
const noop = () => {};

describe('quantities', () => {
  it('parses CPU and memory the way Kubernetes writes them', () => {
    assert.equal(cpuMillis('250m'), 250);
    assert.equal(cpuMillis('2'), 2000);
    assert.equal(cpuMillis('0.5'), 500);
    assert.equal(memoryBytes('512Mi'), 512 * 2 ** 20);
    assert.equal(memoryBytes('1G'), 1e9);
    assert.equal(memoryBytes('1e3'), 1000);
    assert.equal(memoryBytes('32766460Ki'), 32766460 * 1024);
    assert.equal(parseQuantity('lots'), undefined);
    assert.equal(cpuMillis(undefined), 0);
  });
});

describe('reducers', () => {
  it('node: Ready state and since, roles, allocatable, kubelet version, cordon', () => {
    const n = reduceNode(
      k(readyNode('mgr.cp.if.ua', { unschedulable: true, roles: ['control-plane'] })),
      noop,
    );
    assert.equal(n.ready, 'True');
    assert.deepEqual(n.roles, ['control-plane']);
    assert.deepEqual(n.allocatable, { cpuMillis: 7800, memoryBytes: 31 * 2 ** 30 });
    assert.equal(n.kubeletVersion, 'v1.31.4');
    assert.equal(n.unschedulable, true);
    assert.deepEqual(n.pressures, []);
  });

  it('workloads: DaemonSet desired/ready from status, StatefulSet from spec.replicas', () => {
    const template = {
      labels: {},
      containers: [
        {
          name: 'cni-server',
          image: 'ghcr.io/x/kube-ovn:v1.13.14',
          args: ['--enable-mirror=false'],
          env: [
            { name: 'A', value: '1' },
            { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
          ],
        },
      ],
    };
    const ds = reduceWorkload(
      k(
        daemonSet({
          name: 'kube-ovn-cni',
          namespace: 'cozy-kubeovn',
          created: clock.daysAgo(9),
          selector: {},
          template,
          desired: 4,
          current: 4,
          ready: 2,
        }),
      ),
      noop,
    );
    assert.deepEqual([ds.kind, ds.desired, ds.ready, ds.available], ['DaemonSet', 4, 2, 2]);
    assert.deepEqual(ds.containers[0], {
      name: 'cni-server',
      image: 'ghcr.io/x/kube-ovn:v1.13.14',
      args: ['--enable-mirror=false'],
      env: { A: '1' },
    });
    const sts = reduceWorkload(
      k(
        statefulSet({
          name: 'etcd',
          namespace: 'tenant-root',
          created: clock.daysAgo(9),
          selector: {},
          template,
          replicas: 3,
          ready: 2,
          serviceName: 'etcd',
          revision: 'etcd-1',
        }),
      ),
      noop,
    );
    assert.deepEqual([sts.kind, sts.desired, sts.ready], ['StatefulSet', 3, 2]);
  });

  it('HelmRelease: chart, version spec, deployed version, Ready/Stalled, suspend, value keys only', () => {
    const hr = reduceHelmRelease(
      k(
        helmRelease({
          name: 'kubeovn',
          namespace: 'cozy-kubeovn',
          created: clock.daysAgo(200),
          chart: 'cozy-kubeovn',
          versionSpec: '>= 0.0.0-0',
          sourceRef: { kind: 'HelmRepository', name: 'cozystack-system', namespace: 'cozy-system' },
          chartVersion: '0.28.0',
          deployedAt: clock.daysAgo(200),
          values: { 'kube-ovn': { secret: 'x' }, global: {} },
          failure: { reason: 'UpgradeFailed', message: 'timed out', since: clock.daysAgo(30), stalled: true },
        }),
      ),
      noop,
    );
    assert.equal(hr.chart, 'cozy-kubeovn');
    assert.equal(hr.chartVersionSpec, '>= 0.0.0-0');
    assert.equal(hr.deployedChartVersion, '0.28.0');
    assert.deepEqual(
      [hr.ready, hr.readyReason, hr.readyMessage, hr.readySince],
      ['False', 'UpgradeFailed', 'timed out', clock.daysAgo(30)],
    );
    assert.deepEqual([hr.stalled, hr.stalledReason, hr.suspended], [true, 'RetriesExceeded', false]);
    assert.deepEqual(hr.valueKeys, ['global', 'kube-ovn']);
    assert.deepEqual(hr.sourceRef, {
      kind: 'HelmRepository',
      name: 'cozystack-system',
      namespace: 'cozy-system',
    });
  });

  it('HelmRelease with spec.chartRef (Flux 2.3+ OCIRepository)', () => {
    const hr = reduceHelmRelease(
      k({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: 'x', namespace: 'cozy-x' },
        spec: { chartRef: { kind: 'OCIRepository', name: 'x-chart' } },
      }),
      noop,
    );
    assert.equal(hr.chart, 'x-chart');
    assert.equal(hr.ready, 'Unknown');
    assert.deepEqual(hr.sourceRef, { kind: 'OCIRepository', name: 'x-chart' });
  });

  it('webhooks default failurePolicy to Fail; APIServices keep service and Available', () => {
    const hooks = reduceWebhookConfiguration(
      k({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'lineage' },
        webhooks: [
          { name: 'a', clientConfig: { service: { namespace: 'cozy-system', name: 'lineage' } } },
          { name: 'b', failurePolicy: 'Ignore', clientConfig: { url: 'https://x' } },
        ],
      }),
    );
    assert.deepEqual(hooks.webhooks, [
      { name: 'a', failurePolicy: 'Fail', service: { namespace: 'cozy-system', name: 'lineage' } },
      { name: 'b', failurePolicy: 'Ignore' },
    ]);
    const api = reduceApiService(
      k(
        apiService({
          group: 'apps.cozystack.io',
          version: 'v1alpha1',
          created: clock.daysAgo(2),
          service: { namespace: 'cozy-system', name: 'cozystack-api' },
          available: {
            status: 'False',
            reason: 'MissingEndpoints',
            message: 'no endpoints',
            since: clock.daysAgo(1),
          },
        }),
      ),
      noop,
    );
    assert.deepEqual(api, {
      name: 'v1alpha1.apps.cozystack.io',
      available: 'False',
      service: { namespace: 'cozy-system', name: 'cozystack-api' },
      reason: 'MissingEndpoints',
      message: 'no endpoints',
    });
  });

  it('CRD: group, kind, plural, scope, versions and the storage version', () => {
    const c = reduceCrd(
      k(
        crd({
          group: 'apps.cozystack.io',
          kind: 'FerretDB',
          plural: 'ferretdbs',
          scope: 'Namespaced',
          versions: ['v1alpha1'],
          storage: 'v1alpha1',
          created: clock.daysAgo(3),
        }),
      ),
    );
    assert.deepEqual(
      [c.name, c.group, c.kind, c.plural, c.scope, c.storedVersion],
      ['ferretdbs.apps.cozystack.io', 'apps.cozystack.io', 'FerretDB', 'ferretdbs', 'Namespaced', 'v1alpha1'],
    );
  });
});
