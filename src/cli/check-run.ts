// One run of the health checks on one cluster, as `check` makes it alone and once per context of a fleet run:
// the inputs read once (every bad input before a cluster is read), then one pass, probes, path and checks.
import { z } from 'zod';
import { planUpgrade, resolveTarget } from '../catalog/path.js';
import type { Catalog, UpgradePlan } from '../catalog/types.js';
import { versionGapCheck } from '../checks/version-gap.js';
import type { SourceInfo } from '../cluster/types.js';
import { type FailOn, findingsExitCode } from '../model/policy.js';
import { type PathStrategy, PathStrategySchema } from '../model/assessment.js';
import { loadCatalog } from './catalog-file.js';
import type { CommandContext } from './command.js';
import type { CozyConfig } from './config-file.js';
import { execProbesWanted, runKubeOvnProbes } from './exec-probes.js';
import { failOnFlag, flag, pluginTimeoutFlag, repeatable } from './flag-schemas.js';
import type { Printed } from './formats.js';
import { gatherInventory, runAllChecks } from './pipeline.js';
import { loadChecksConfig, type PluginCheck, pluginBounds } from './plugins.js';
import { toolVersion } from './version.js';

export const checkFlagsShape = {
  target: z.string().optional(),
  /** Optional here (its default applies with --target) so that one given alone is warned about. */
  strategy: PathStrategySchema.optional(),
  failOn: failOnFlag,
  plugin: repeatable,
  pluginTimeout: pluginTimeoutFlag,
  execProbes: flag,
};
export type CheckFlags = z.output<z.ZodObject<typeof checkFlagsShape>>;

export interface CheckInputs {
  plugins: PluginCheck[];
  config: CozyConfig;
  probeSockets: boolean;
  /** With --target: the catalog and the target, resolved before reading. */
  path?: { catalog: Catalog; target: string; strategy: PathStrategy };
  failOn: FailOn;
}

export async function readCheckInputs(
  options: CheckFlags,
  context: Pick<CommandContext, 'globals' | 'terminal' | 'run'>,
): Promise<CheckInputs> {
  const { globals, terminal } = context;
  // Plugins first, since config may tune plugin checks.
  const { plugins, config } = await loadChecksConfig(
    options.plugin,
    globals.config,
    pluginBounds(options.pluginTimeout, context),
  );
  const probeSockets = execProbesWanted(options.execProbes, globals, terminal);
  // The upgrade-path check runs only with --target: `check` is about health, and a path to a release the
  // operator did not ask for would fail a healthy cluster. A bad target or catalog is found before reading.
  const { target } = options;
  if (target === undefined && options.strategy !== undefined)
    terminal.info('warning: --strategy has no effect without --target: check plans no upgrade path');
  const catalog = target === undefined ? undefined : loadCatalog(globals.catalog);
  if (catalog && target) resolveTarget(catalog, target);
  return {
    plugins,
    config,
    probeSockets,
    path: catalog && target ? { catalog, target, strategy: options.strategy ?? 'conservative' } : undefined,
    failOn: options.failOn,
  };
}

/** What one check run found, as `check` prints it, with the path and where it read. */
export interface Checked {
  printed: Printed['checks'];
  plan?: UpgradePlan;
  source: SourceInfo;
  now: string;
}

export async function checkOnce(inputs: CheckInputs, context: CommandContext): Promise<Checked> {
  const { config, plugins, failOn } = inputs;
  const { inventory } = await gatherInventory(context);
  const probes = inputs.probeSockets ? await runKubeOvnProbes(inventory, context, config) : undefined;
  const plan = inputs.path
    ? planUpgrade(inventory, inputs.path.catalog, inputs.path.target, { strategy: inputs.path.strategy })
    : undefined;
  const result = await runAllChecks(inventory, {
    config,
    plugins,
    plan,
    without: plan ? [] : [versionGapCheck.id],
    execProbe: probes?.execProbe,
  });
  const exitCode = findingsExitCode(result.findings, failOn);
  return {
    plan,
    source: inventory.source,
    now: inventory.now,
    printed: {
      document: {
        tool: { name: 'cozy-assess', version: toolVersion() },
        now: inventory.now,
        source: inventory.source,
        exitCode,
        findings: result.findings,
        rootCauses: result.rootCauses,
        coverage: result.coverage,
        ...(probes ? { execProbes: probes.results } : {}),
      },
      findings: result.findings,
      rootCauses: result.rootCauses,
      coverage: result.coverage,
      junit: {
        findings: result.findings,
        checks: result.checks.filter((c) => config.checks[c.id]?.enabled !== false),
        coverage: result.coverage,
        name: 'cozy-assess check',
        timestamp: inventory.now,
        hostname: inventory.source.context ?? undefined,
        failOn,
      },
      exitCode,
      failOn,
    },
  };
}
