import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { loadCatalog } from '../../src/cli/catalog-file.js';
import { planUpgrade } from '../../src/catalog/path.js';
import type { CheckContext } from '../../src/checks/types.js';
import { FindingSchema } from '../../src/model/finding.js';
import { versionGapCheck } from '../../src/checks/version-gap.js';
import type { Inventory } from '../../src/inventory/types.js';
import { helmRelease, installer, inventory } from '../catalog/inline-inventory.js';
import { runCheck } from './support.js';

const catalog = loadCatalog();
const context = (inv: Inventory, target?: string, params: Record<string, unknown> = {}): CheckContext => ({
  settings: { enabled: true, params },
  ...(target ? { plan: planUpgrade(inv, catalog, target) } : {}),
});
const run = (inv: Inventory, target?: string, params?: Record<string, unknown>) => {
  const findings = runCheck(versionGapCheck, inv, context(inv, target, params));
  z.array(FindingSchema).parse(findings);
  return findings;
};
const byId = (findings: ReturnType<typeof run>, id: string) => findings.find((f) => f.id === id);

describe('version-gap check', () => {
  it('reports the gap and the steps as a pass when nothing in the cluster is affected', () => {
    const inv = inventory({
      workloads: [installer('v0.28.0-54-g22cf18ff')],
      cozystackConfigMaps: {
        'cozy-system/cozystack': { 'bundle-name': 'paas-full' },
        'cozy-system/cozystack-version': { version: '10' },
      },
    });
    const findings = run(inv, 'v0.37.2');
    const gap = byId(findings, 'version-gap')!;
    assert.equal(gap.status, 'pass');
    assert.equal(gap.counts?.minorGap, 9);
    assert.equal(gap.counts?.steps, 7);
    assert.match(
      gap.summary,
      /v0\.28\.0 \(build 54 commits after it\) → v0\.37\.2: 9 minor versions, 7 steps/,
    );
    assert.equal(gap.evidence.filter((e) => e.kind === 'release').length, 7);
    assert.equal(findings.filter((f) => f.status === 'fail').length, 0);
    assert.equal(byId(findings, 'version-gap:breaking:ferretdb-v2'), undefined);
  });

  it('a used blocker change (FerretDB v1 data) fails and blocks; a used warning change warns', () => {
    const inv = inventory({
      workloads: [installer('v0.33.3')],
      helmReleases: [
        helmRelease('tenant-a', 'ferretdb-db', 'ferretdb', { deployedChartVersion: '0.8.0' }),
        helmRelease('tenant-root', 'seaweedfs', 'seaweedfs', { deployedChartVersion: '0.6.1' }),
      ],
    });
    const findings = run(inv, 'v0.37.2');
    const ferret = byId(findings, 'version-gap:breaking:ferretdb-v2')!;
    assert.equal(ferret.status, 'fail');
    assert.equal(ferret.blocking, true);
    assert.equal(ferret.severity, 'critical');
    assert.match(ferret.summary, /tenant-a\/ferretdb-db/);
    const seaweed = byId(findings, 'version-gap:breaking:seaweedfs-0.36')!;
    assert.equal(seaweed.status, 'warn');
    assert.equal(seaweed.blocking, false);
  });

  it('unknown for a blocker whose data could not be read', () => {
    const inv = inventory({ workloads: [installer('v0.33.3')] });
    inv.outcomes['helmreleases.helm.toolkit.fluxcd.io'] = {
      type: 'helmreleases.helm.toolkit.fluxcd.io',
      status: 'forbidden',
      count: 0,
    };
    const ferret = byId(run(inv, 'v0.37.2'), 'version-gap:breaking:ferretdb-v2')!;
    assert.equal(ferret.status, 'unknown');
    assert.equal(ferret.blocking, true);
    assert.ok(ferret.unknownReason);
  });

  it('pending migrations and an unknown bundle are warnings', () => {
    const inv = inventory({
      workloads: [installer('v0.37.2')],
      cozystackConfigMaps: {
        'cozy-system/cozystack': { 'bundle-name': 'paas-proxmox' },
        'cozy-system/cozystack-version': { version: '20' },
      },
    });
    const findings = run(inv, 'v0.38.8');
    assert.equal(byId(findings, 'version-gap:migrations')?.status, 'warn');
    assert.match(byId(findings, 'version-gap:migrations')!.summary, /below 21/);
    const bundle = byId(findings, 'version-gap:bundle')!;
    assert.equal(bundle.status, 'warn');
    assert.match(bundle.summary, /paas-proxmox.*upstream upgrade path is not guaranteed/);
  });

  it('a rolled-back counter is reported', () => {
    const inv = inventory({
      workloads: [installer('v0.36.3')],
      cozystackConfigMaps: { 'cozy-system/cozystack-version': { version: '21' } },
    });
    assert.match(byId(run(inv, 'latest'), 'version-gap:migrations')!.summary, /rolled back/);
  });

  it('unknown when there is no plan or the version is unknown, never a guess', () => {
    const noPlan = run(inventory());
    assert.equal(noPlan.length, 1);
    assert.equal(noPlan[0]!.status, 'unknown');
    assert.equal(noPlan[0]!.blocking, false);
    const findings = run(inventory({ workloads: [installer('latest')] }), 'v0.37.2');
    assert.equal(byId(findings, 'version-gap')?.status, 'unknown');
    assert.equal(byId(findings, 'version-gap')?.blocking, true);
    assert.equal(
      findings.some((f) => f.id.startsWith('version-gap:breaking')),
      false,
    );
  });

  it('maxMinorGap turns a large gap into a warning', () => {
    const inv = inventory({ workloads: [installer('v0.28.0')] });
    assert.equal(byId(run(inv, 'v0.37.2', { maxMinorGap: 4 }), 'version-gap')?.status, 'warn');
    assert.equal(byId(run(inv, 'v0.30.6', { maxMinorGap: 4 }), 'version-gap')?.status, 'pass');
  });
});
