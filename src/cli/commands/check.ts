// `cozy-assess check`: run the health checks and print the findings as a table, JSON, YAML or JUnit XML.
// Exit: 0 nothing blocking, 3 a blocking failure (or any warning with --fail-on warn), 4 a blocking check
// could not be evaluated, 2 bad input (config, plugin, snapshot, flags).
import { z } from 'zod';
import { planUpgrade, resolveTarget } from '../../catalog/path.js';
import { versionGapCheck } from '../../checks/version-gap.js';
import { findingsExitCode } from '../../model/policy.js';
import { renderCheckSummaryMarkdown } from '../../report/check-summary.js';
import { loadCatalog } from '../catalog-file.js';
import { defineCommand } from '../command.js';
import { appendStepSummary, writeGithubAnnotations } from '../github.js';
import { execProbesWanted, runKubeOvnProbes } from '../exec-probes.js';
import { failOnFlag, flag, pluginTimeoutFlag, repeatable, strategyFlag } from '../flag-schemas.js';
import { gatherInventory, runAllChecks } from '../pipeline.js';
import { loadChecksConfig, pluginBounds } from '../plugins.js';
import { toolVersion } from '../version.js';
import type { SourceInfo } from '../../cluster/types.js';

export default defineCommand({
  options: z.object({
    target: z.string().optional(),
    strategy: strategyFlag,
    failOn: failOnFlag,
    plugin: repeatable,
    pluginTimeout: pluginTimeoutFlag,
    execProbes: flag,
  }),
  prints: 'checks',
  formatHint: 'for the Markdown go/no-go report run: cozy-assess assess',
  async run(options, context) {
    const { globals, terminal } = context;
    // Bad input is found before the cluster is read: plugins first, since config may tune plugin checks.
    const { plugins, config } = await loadChecksConfig(
      options.plugin,
      globals.config,
      pluginBounds(options.pluginTimeout, context),
    );
    const probeSockets = execProbesWanted(options.execProbes, globals, terminal);

    // The upgrade-path check runs only with --target: `check` is about health, and a path to a release the
    // operator did not ask for would fail a healthy cluster. A bad target or catalog is found before reading.
    const { target } = options;
    const catalog = target === undefined ? undefined : loadCatalog(globals.catalog);
    if (catalog && target) resolveTarget(catalog, target);

    const { inventory } = await gatherInventory(context);
    const probes = probeSockets ? await runKubeOvnProbes(inventory, context, config) : undefined;
    const plan =
      catalog && target ? planUpgrade(inventory, catalog, target, { strategy: options.strategy }) : undefined;
    const result = await runAllChecks(inventory, {
      config,
      plugins,
      plan,
      without: plan ? [] : [versionGapCheck.id],
      execProbe: probes?.execProbe,
    });
    const exitCode = findingsExitCode(result.findings, options.failOn);
    writeGithubAnnotations(result.findings, options.failOn, context.io);
    context.print({
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
        failOn: options.failOn,
      },
      exitCode,
      failOn: options.failOn,
    });
    await appendStepSummary(
      renderCheckSummaryMarkdown({
        findings: result.findings,
        coverage: result.coverage,
        exitCode,
        failOn: options.failOn,
        source: sourceName(inventory.source),
        now: inventory.now,
      }),
      context.io,
    );
    return exitCode;
  },
});

/** The source as the summary names it: the kubeconfig context, the server, or the snapshot folder. */
function sourceName(source: SourceInfo): string {
  if (source.kind === 'snapshot') return `snapshot ${source.path ?? ''}`.trim();
  return source.context ?? source.server ?? 'the cluster';
}
