// `cozy-assess path --target vX.Y.Z|latest`: the releases to apply from the installed version, with the
// migrations and breaking changes of each step (used / not used / unknown in this cluster).
// Exit: 0 a path was computed; 2 bad target, catalog or flags; 4 the installed version could not be
// detected (or is not a catalog release), so no path.
import { loadCatalog } from '../catalog.js';
import { planUpgrade, resolveTarget } from '../../catalog/path.js';
import { planDocument, renderPlanMarkdown, renderPlanTable } from '../../catalog/render.js';
import { ExitCode } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import { createTerminal } from '../io.js';
import { toolVersion } from '../version.js';
import { stringOption } from '../options.js';
import { requireOutputFormat } from '../output-format.js';
import { gatherInventory } from '../pipeline.js';

export async function run(
  options: Record<string, unknown>,
  globals: GlobalOptions,
  _args: string[],
): Promise<number> {
  requireOutputFormat(globals, 'path', ['table', 'json', 'markdown']);
  const target = stringOption(options, 'target') ?? 'latest';
  // Bad input is found before the cluster is read.
  const catalog = loadCatalog(globals.catalog);
  resolveTarget(catalog, target);

  const terminal = createTerminal(globals);
  const { inventory } = await gatherInventory(globals, { terminal });
  const plan = planUpgrade(inventory, catalog, target);

  if (globals.output === 'json') {
    const document = planDocument(plan, { name: 'cozy-assess', version: toolVersion() }, inventory.now);
    terminal.out(JSON.stringify(document, null, 2));
  } else if (globals.output === 'markdown') {
    terminal.out(renderPlanMarkdown(plan).trimEnd());
  } else {
    terminal.out(renderPlanTable(plan, terminal.color));
  }
  if (plan.unknownReason) {
    terminal.error(`error: no upgrade path: ${plan.unknownReason}`);
    return ExitCode.INCOMPLETE;
  }
  return ExitCode.GO;
}
