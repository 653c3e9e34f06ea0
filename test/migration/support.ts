// A snapshot folder through the real snapshot source and one scan feeding both the inventory builder and the
// migration collector (as the CLI does), then the plan for a target.
import { loadCatalog } from '../../src/cli/catalog-file.js';
import { planUpgrade } from '../../src/catalog/path.js';
import { scanCluster } from '../../src/cluster/scan.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { typeKey } from '../../src/cluster/types.js';
import { type DecisionModel, DEFAULT_MODEL } from '../../src/decide/decision-model.js';
import { createInventoryBuilder, inventoryTypes } from '../../src/inventory/build.js';
import type { Inventory } from '../../src/inventory/types.js';
import { type BuiltPlan, buildMigrationPlan } from '../../src/migration/build.js';
import {
  createMigrationCollector,
  type MigrationObjects,
  migrationTypes,
} from '../../src/migration/collect.js';

export async function scanForPlan(
  dir: string,
  options: { includeSecrets?: boolean } = {},
): Promise<{ inventory: Inventory; objects: MigrationObjects }> {
  const source = await openSnapshotSource(dir);
  try {
    const discovered = await source.discoverTypes();
    const builder = createInventoryBuilder({ source: source.info });
    const collector = createMigrationCollector({ includeSecrets: options.includeSecrets ?? false });
    const byKey = new Map(
      [...inventoryTypes(discovered), ...migrationTypes(discovered, options.includeSecrets ?? false)].map(
        (t) => [typeKey(t), t],
      ),
    );
    const outcomes = await scanCluster(source, [...byKey.values()], [builder.sink, collector.sink], {
      concurrency: 2,
    });
    return { inventory: builder.finish(outcomes, await source.serverVersion()), objects: collector.finish() };
  } finally {
    await source.close();
  }
}

export async function planFor(
  dir: string,
  target: string,
  options: { includeSecrets?: boolean; model?: DecisionModel } = {},
): Promise<BuiltPlan & { inventory: Inventory }> {
  const { inventory, objects } = await scanForPlan(dir, options);
  const catalog = loadCatalog();
  const upgrade = planUpgrade(inventory, catalog, target);
  const built = buildMigrationPlan({
    inventory,
    objects,
    upgrade,
    catalog,
    model: options.model ?? DEFAULT_MODEL,
    toolVersion: '0.0.0-test',
    generatedAt: '2025-10-24T20:00:00Z',
  });
  return { ...built, inventory };
}
