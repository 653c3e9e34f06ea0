// A snapshot folder through the real snapshot source, scan and inventory builder: the inventory the CLI
// would build from it.
import { scanCluster } from '../../src/cluster/scan.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { createInventoryBuilder, inventoryTypes } from '../../src/inventory/build.js';
import type { Inventory } from '../../src/inventory/types.js';

export async function snapshotInventory(dir: string): Promise<Inventory> {
  const source = await openSnapshotSource(dir);
  try {
    const builder = createInventoryBuilder({ source: source.info });
    const types = inventoryTypes(await source.discoverTypes());
    const outcomes = await scanCluster(source, types, [builder.sink], { concurrency: 2 });
    return builder.finish(outcomes, await source.serverVersion());
  } finally {
    await source.close();
  }
}
