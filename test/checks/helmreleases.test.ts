import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helmReleasesCheck } from '../../src/checks/helmreleases.js';
import { helmRelease, type HelmReleaseInput } from '../support/objects.js';
import { clock, ctx, inventoryFrom, runCheck } from './support.js';

function hr(name: string, namespace: string, extra: Partial<HelmReleaseInput> = {}) {
  return helmRelease({
    name,
    namespace,
    created: clock.daysAgo(219),
    chart: name,
    versionSpec: '>= 0.0.0-0',
    sourceRef: { kind: 'HelmRepository', name: 'cozystack-system', namespace: 'cozy-public' },
    chartVersion: '0.28.0',
    deployedAt: clock.daysAgo(219),
    ...extra,
  });
}

describe('helmreleases check', () => {
  const objects = [
    hr('kubeovn', 'cozy-kubeovn', {
      failure: {
        reason: 'UpgradeFailed',
        message:
          'Helm upgrade failed for release cozy-kubeovn/kubeovn with chart kubeovn@0.28.0: context deadline exceeded',
        since: clock.daysAgo(30),
        stalled: true,
        failures: 4,
      },
    }),
    hr('dashboard', 'cozy-dashboard', {
      failure: {
        reason: 'DependencyNotReady',
        message: "dependency 'cozy-kubeovn/kubeovn' is not ready",
        since: clock.daysAgo(8),
      },
    }),
    hr('cilium', 'cozy-cilium'),
    hr('kafka', 'tenant-acme', {
      failure: { reason: 'InstallFailed', message: 'install failed', since: clock.daysAgo(2) },
    }),
    hr('velero', 'cozy-velero', { suspend: true }),
  ];

  it('fails on platform releases not Ready, quoting reason and message, with ages', () => {
    const findings = runCheck(helmReleasesCheck, inventoryFrom(objects), ctx());
    const platform = findings.find((f) => f.id === 'helmreleases:not-ready:platform')!;
    assert.equal(platform.status, 'fail');
    assert.equal(platform.blocking, true);
    assert.deepEqual(platform.objects, [
      'cozy-dashboard/helmrelease/dashboard',
      'cozy-kubeovn/helmrelease/kubeovn',
    ]);
    assert.deepEqual(platform.counts, { DependencyNotReady: 1, Stalled: 1, total: 2 });
    assert.match(platform.summary, /1 release only waits for a dependency; 1 release fails on its own\./);
    assert.deepEqual(platform.ageDays, { min: 8, max: 30 });
    const kubeovn = platform.evidence.find((e) => e.name === 'kubeovn')!;
    assert.equal(kubeovn.reason, 'Stalled: RetriesExceeded');
    assert.match(kubeovn.message!, /context deadline exceeded/);
  });

  it('warns on tenant releases without blocking, and on suspended releases', () => {
    const findings = runCheck(helmReleasesCheck, inventoryFrom(objects), ctx());
    const tenant = findings.find((f) => f.id === 'helmreleases:not-ready:tenant')!;
    assert.deepEqual([tenant.status, tenant.blocking, tenant.scope], ['warn', false, 'tenant']);
    const suspended = findings.find((f) => f.id === 'helmreleases:suspended')!;
    assert.deepEqual(suspended.objects, ['cozy-velero/helmrelease/velero']);
    assert.equal(suspended.blocking, false);
  });

  it('passes when every release is Ready', () => {
    assert.deepEqual(
      runCheck(helmReleasesCheck, inventoryFrom([hr('cilium', 'cozy-cilium')]), ctx()).map((f) => f.status),
      ['pass'],
    );
  });
});
