// `cozy-assess plan-migration --target vX.Y.Z --out DIR`: Option C, planned. One pass over the cluster (or a
// snapshot) feeding the inventory and the migration sink, the upgrade path for the breaking changes crossed, and
// the plan folder: plan.md (the runbook), plan.json, and the kit of manifests per tenant in apply order.
// Exit: 0 written; 4 written, but a type the plan reads could not be (its notes say which); 2 bad input.
import { z } from 'zod';
import { planUpgrade, resolveTarget } from '../../catalog/path.js';
import { type DecisionConfig, DecisionConfigSchema } from '../../decide/decision-model.js';
import { BadInputError, ExitCode } from '../../errors.js';
import { buildMigrationPlan } from '../../migration/build.js';
import { createMigrationCollector, migrationTypes, unreadPlanTypes } from '../../migration/collect.js';
import { loadCatalog } from '../catalog-file.js';
import { defineCommand } from '../command.js';
import { decisionModel } from '../decision-model.js';
import { flag, pluginTimeoutFlag, repeatable } from '../flag-schemas.js';
import { gatherInventory } from '../pipeline.js';
import { closePlugins, loadChecksConfig, pluginBounds } from '../plugins.js';
import { planEncryption, refuseExistingFolder, writePlanFolder } from '../plan-writer.js';
import { toolVersion } from '../version.js';

export default defineCommand({
  options: z.object({
    target: z.string().default('latest'),
    out: z.string().optional(),
    includeSecrets: flag,
    recipient: repeatable,
    passphraseFile: z.string().optional(),
    plugin: repeatable,
    pluginTimeout: pluginTimeoutFlag,
  }),
  prints: 'migration',
  async run(options, context) {
    const { globals, terminal } = context;
    // Every bad input is found before the cluster is read.
    if (!options.out) {
      throw new BadInputError(
        'plan-migration needs --out DIR',
        undefined,
        '--out',
        'name a folder that does not exist yet',
      );
    }
    // The config's `decision:` rows price the plan, exactly as they price the assessment's Option C.
    // Plugins are loaded only so that a config tuning their checks reads as it does for assess.
    const { plugins, config } = await loadChecksConfig<DecisionConfig>(
      options.plugin,
      globals.config,
      pluginBounds(options.pluginTimeout, context),
      DecisionConfigSchema as z.ZodType<DecisionConfig>,
    );
    closePlugins(plugins);
    const model = decisionModel(config.decision, globals.config);
    const catalog = loadCatalog(globals.catalog);
    resolveTarget(catalog, options.target);
    const encryption = await planEncryption(options);
    await refuseExistingFolder(options.out, '--out');

    const collector = createMigrationCollector({ includeSecrets: encryption !== undefined });
    const gathered = await gatherInventory(context, {
      extraSinks: [collector.sink],
      extraTypes: (discovered) => migrationTypes(discovered, encryption !== undefined),
    });
    const phase = await terminal.phase(`Planning the migration to ${options.target}`);
    const built = buildMigrationPlan({
      inventory: gathered.inventory,
      objects: collector.finish(),
      upgrade: planUpgrade(gathered.inventory, catalog, options.target),
      catalog,
      model,
      toolVersion: toolVersion(),
      generatedAt: globals.now ?? new Date().toISOString(),
    });
    const folder = await writePlanFolder(options.out, built, encryption);
    const unread = unreadPlanTypes(gathered.outcomes, gathered.source.kind, encryption !== undefined);
    if (unread.length > 0) {
      phase.warn(`Migration plan written to ${folder.path}, INCOMPLETE`);
      for (const o of unread)
        terminal.error(
          `${o.type} could not be read (${o.status}${o.reason ? `: ${o.reason}` : ''}): the plan says what it lacks`,
        );
    } else {
      phase.succeed(`Migration plan written to ${folder.path}`);
    }
    context.print({ plan: built.plan, folder: folder.path });
    return unread.length > 0 ? ExitCode.INCOMPLETE : ExitCode.GO;
  },
});
