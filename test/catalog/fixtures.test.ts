// The reference case on the committed fixture, through the real snapshot source and inventory builder:
// fixtures/seed-incident is the cluster of the hand-written report (v0.28.0-54-g22cf18ff → v0.37.2).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assessUsage } from '../../src/catalog/breaking.js';
import { loadCatalog } from '../../src/cli/catalog-file.js';
import { planUpgrade } from '../../src/catalog/path.js';
import { versionGapCheck } from '../../src/checks/version-gap.js';
import { gatherInventory } from '../../src/cli/pipeline.js';
import type { Inventory } from '../../src/inventory/types.js';
import { runCheck } from '../checks/support.js';
import { testContext } from '../support/command-context.js';
import { REPO_ROOT } from '../support/repo.js';

const ROOT = REPO_ROOT;
const catalog = loadCatalog();

async function inventoryOf(fixture: string): Promise<Inventory> {
  return (await gatherInventory(testContext({ snapshot: join(ROOT, 'fixtures', fixture) }))).inventory;
}

interface Expected {
  target: string;
  version: {
    installed: string;
    migrationCounter: number;
    bundle: string;
    clusterAgeDays: number;
    minorGap: number;
    reportSteps: number;
  };
  breakingChangesUsed: string[];
  breakingChangesNotUsed: string[];
}

describe('fixtures/seed-incident: the reference report', () => {
  const expected = JSON.parse(
    readFileSync(join(ROOT, 'fixtures/seed-incident.expected.json'), 'utf8'),
  ) as Expected;

  it('v0.28.0-54-g22cf18ff → v0.37.2: 9 minor versions, 7 steps, FerretDB and SeaweedFS not used', async () => {
    const inventory = await inventoryOf('seed-incident');
    const plan = planUpgrade(inventory, catalog, expected.target);
    assert.equal(plan.installed.raw, expected.version.installed);
    assert.equal(plan.installed.raw, 'v0.28.0-54-g22cf18ff');
    assert.equal(plan.installed.version, '0.28.0');
    assert.equal(plan.installed.commitsAfter, 54);
    assert.equal(plan.installed.detectedFrom, 'Deployment cozy-system/cozystack image tag');
    assert.equal(plan.minorGap, 9);
    assert.equal(plan.minorGap, expected.version.minorGap);
    assert.equal(plan.steps.length, expected.version.reportSteps);
    assert.equal(plan.installedAgeDays, expected.version.clusterAgeDays);
    assert.equal(plan.installed.migrationCounter, expected.version.migrationCounter);
    assert.equal(plan.migrationCounter.state, 'ok');
    assert.equal(plan.installed.bundle, expected.version.bundle);

    const usage = (id: string) => plan.breakingChanges.find((c) => c.id === id);
    for (const id of expected.breakingChangesNotUsed) assert.equal(usage(id)?.usage, 'not used', id);
    for (const id of expected.breakingChangesUsed) assert.equal(usage(id)?.usage, 'used', id);
    assert.match(usage('ferretdb-v2')!.evidence, /^no HelmRelease with chart ferretdb/);
    assert.match(usage('seaweedfs-0.36')!.evidence, /no HelmRelease named seaweedfs/);
  });

  it('the version-gap check: the gap passes, the paas-proxmox fork bundle warns, nothing blocks', async () => {
    const inventory = await inventoryOf('seed-incident');
    const plan = planUpgrade(inventory, catalog, 'v0.37.2');
    const findings = runCheck(versionGapCheck, inventory, { settings: { enabled: true, params: {} }, plan });
    assert.equal(findings.find((f) => f.id === 'version-gap')?.status, 'pass');
    assert.equal(findings.find((f) => f.id === 'version-gap:bundle')?.status, 'warn');
    assert.equal(findings.filter((f) => f.blocking).length, 0);
    assert.equal(
      findings.some((f) => f.id === 'version-gap:migrations'),
      false,
    );
  });
});

describe('fixtures/healthy: breaking changes used and not used', () => {
  const change = (id: string) => catalog.breakingChanges.find((c) => c.id === id)!;

  it('v0.36.2 → v0.37.2 is one step, migrations 20 → 21, upstream bundle', async () => {
    const inventory = await inventoryOf('healthy');
    const plan = planUpgrade(inventory, catalog, 'v0.37.2');
    assert.equal(plan.installed.version, '0.36.2');
    assert.equal(plan.minorGap, 1);
    assert.deepEqual(
      plan.steps.map((s) => [s.from, s.to, s.migrations]),
      [['0.36.2', '0.37.2', { from: 20, to: 21 }]],
    );
    assert.equal(plan.migrationCounter.state, 'ok');
    assert.deepEqual(plan.bundle, {
      name: 'paas-full',
      known: true,
      from: 'ConfigMap cozy-system/cozystack bundle-name',
    });
  });

  it('FerretDB is used (already chart 1.0.0, so v1→v2 does not apply), SeaweedFS is not', async () => {
    const inventory = await inventoryOf('healthy');
    const removed = assessUsage(change('ferretdb-removed'), inventory);
    assert.equal(removed.usage, 'used');
    assert.match(removed.evidence, /tenant-demo\/ferretdb-docs \(chart ferretdb\)/);
    const v2 = assessUsage(change('ferretdb-v2'), inventory);
    assert.equal(v2.usage, 'not used');
    assert.equal(assessUsage(change('seaweedfs-0.36'), inventory).usage, 'not used');
  });

  it('across v0.41 → v1.0 the used FerretDB app is a blocking finding', async () => {
    const inventory = await inventoryOf('healthy');
    const plan = planUpgrade(inventory, catalog, 'v1.0.8');
    assert.deepEqual(
      plan.steps.map((s) => s.to),
      ['0.39.5', '0.41.11', '1.0.8'],
    );
    const findings = runCheck(versionGapCheck, inventory, { settings: { enabled: true, params: {} }, plan });
    const ferret = findings.find((f) => f.id === 'version-gap:breaking:ferretdb-removed')!;
    assert.equal(ferret.status, 'fail');
    assert.equal(ferret.blocking, true);
  });
});
