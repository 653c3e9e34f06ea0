// `cozy-assess path --target vX.Y.Z|latest [--strategy conservative|shortest]`: the releases to apply from the installed version, with the
// migrations and breaking changes of each step (used / not used / unknown in this cluster).
// Exit: 0 a path was computed; 2 bad target, catalog or flags; 4 the installed version could not be
// detected (or is not a catalog release), so no path.
import { z } from 'zod';
import { planUpgrade, resolveTarget } from '../../catalog/path.js';
import { ExitCode } from '../../errors.js';
import { planDocument } from '../../report/plan.js';
import { loadCatalog } from '../catalog-file.js';
import { defineCommand } from '../command.js';
import { strategyFlag } from '../flag-schemas.js';
import { gatherInventory } from '../pipeline.js';
import { toolVersion } from '../version.js';

export default defineCommand({
  options: z.object({ target: z.string().default('latest'), strategy: strategyFlag }),
  prints: 'plan',
  async run({ target, strategy }, context) {
    // Bad input is found before the cluster is read.
    const catalog = loadCatalog(context.globals.catalog);
    resolveTarget(catalog, target);

    const { inventory } = await gatherInventory(context);
    const plan = planUpgrade(inventory, catalog, target, { strategy });
    const document = planDocument(plan, { name: 'cozy-assess', version: toolVersion() }, inventory.now);
    context.print({ document, plan });
    if (plan.unknownReason) {
      context.terminal.error(`error: no upgrade path: ${plan.unknownReason}`);
      return ExitCode.INCOMPLETE;
    }
    return ExitCode.GO;
  },
});
