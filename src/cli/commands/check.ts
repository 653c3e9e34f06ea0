// `cozy-assess check`: run the health checks and print the findings as a table, JSON or JUnit XML.
// Exit: 0 nothing blocking, 3 a blocking failure (or any warning with --fail-on warn), 4 a blocking check
// could not be evaluated, 2 bad input (config, plugin, snapshot, flags).
import { BUILTIN_CHECKS } from '../../checks/registry.js';
import { type FailOn, findingsExitCode } from '../../model/policy.js';
import { versionGapCheck } from '../../checks/version-gap.js';
import { loadCatalog } from '../catalog.js';
import { planUpgrade, resolveTarget } from '../../catalog/path.js';
import { renderJunit } from '../../report/junit.js';
import { renderCheckResults } from '../../report/terminal.js';
import { readConfigFile } from '../config-file.js';
import type { GlobalOptions } from '../globals.js';
import { execProbesWanted, runKubeOvnProbes } from '../exec-probes.js';
import { createTerminal } from '../io.js';
import { toolVersion } from '../version.js';
import { requireOutputFormat } from '../output-format.js';
import { gatherInventory, runAllChecks } from '../pipeline.js';
import { failOnOption, stringListOption, stringOption } from '../options.js';
import { loadPlugins } from '../plugins.js';

export async function run(
  options: Record<string, unknown>,
  globals: GlobalOptions,
  _args: string[],
): Promise<number> {
  requireOutputFormat(
    globals,
    'check',
    ['table', 'json', 'junit'],
    'for the Markdown go/no-go report run: cozy-assess assess',
  );
  const failOn = failOnOption(options);
  const terminal = createTerminal(globals);

  // Bad input is found before the cluster is read: plugins first, since config may tune plugin checks.
  const plugins = await loadPlugins(
    stringListOption(options, 'plugin'),
    BUILTIN_CHECKS.map((c) => c.id),
  );
  const config = await readConfigFile(globals.config, [...BUILTIN_CHECKS, ...plugins]);
  const probeSockets = execProbesWanted(options, globals, terminal);

  // The upgrade-path check runs only with --target: `check` is about health, and a path to a release the
  // operator did not ask for would fail a healthy cluster. A bad target or catalog is found before reading.
  const target = stringOption(options, 'target');
  const catalog = target === undefined ? undefined : loadCatalog(globals.catalog);
  if (catalog && target) resolveTarget(catalog, target);

  const { inventory } = await gatherInventory(globals, { terminal });
  const probes = probeSockets ? await runKubeOvnProbes(inventory, globals, terminal, { config }) : undefined;
  const plan = catalog && target ? planUpgrade(inventory, catalog, target) : undefined;
  const result = runAllChecks(inventory, {
    config,
    plugins,
    plan,
    without: plan ? [] : [versionGapCheck.id],
    execProbe: probes?.execProbe,
  });
  const exitCode = findingsExitCode(result.findings, failOn);

  if (globals.output === 'json') {
    const document = {
      tool: { name: 'cozy-assess', version: toolVersion() },
      now: inventory.now,
      source: inventory.source,
      exitCode,
      findings: result.findings,
      rootCauses: result.rootCauses,
      coverage: result.coverage,
      ...(probes ? { execProbes: probes.results } : {}),
    };
    terminal.out(JSON.stringify(document, null, 2));
  } else if (globals.output === 'junit') {
    terminal.out(
      renderJunit({
        findings: result.findings,
        checks: result.checks.filter((c) => config.checks[c.id]?.enabled !== false),
        coverage: result.coverage,
        name: 'cozy-assess check',
        failOn,
      }).trimEnd(),
    );
  } else {
    terminal.out(renderCheckResults(result, terminal.color));
    terminal.out('');
    terminal.out(verdictLine(exitCode, failOn, terminal.color));
  }
  return exitCode;
}

function verdictLine(
  code: number,
  failOn: FailOn,
  color: ReturnType<typeof createTerminal>['color'],
): string {
  switch (code) {
    case 3:
      return color.bold.red(
        failOn === 'warn' ? 'Result: failing (--fail-on warn), exit 3' : 'Result: blocking findings, exit 3',
      );
    case 4:
      return color.bold.magenta('Result: incomplete, a blocking check could not be evaluated, exit 4');
    default:
      return color.bold.green('Result: nothing blocking, exit 0');
  }
}
