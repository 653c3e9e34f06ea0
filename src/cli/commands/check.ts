// `cozy-assess check`: run the health checks and print the findings as a table, JSON, YAML or JUnit XML; with
// `--context a,b,c` or `--all-contexts`, on every cluster (src/cli/fleet.ts) and print the fleet's table.
// Exit: 0 nothing blocking, 3 a blocking failure (or any warning with --fail-on warn), 4 a blocking check
// could not be evaluated, 2 bad input (config, plugin, snapshot, flags); a fleet: the worst verdict's.
import { z } from 'zod';
import type { SourceInfo } from '../../cluster/types.js';
import { renderCheckSummaryMarkdown } from '../../report/check-summary.js';
import { fleetRowOfChecks } from '../../report/fleet.js';
import { checkFlagsShape, checkOnce, readCheckInputs } from '../check-run.js';
import { defineCommand } from '../command.js';
import { fleetFlagsShape, isFleetRequest, resolveFleet, runFleet, writeClusterFile } from '../fleet.js';
import { appendStepSummary, writeGithubAnnotations } from '../github.js';

export default defineCommand({
  options: z.object({ ...checkFlagsShape, ...fleetFlagsShape }),
  prints: 'checks',
  formatHint: 'for the Markdown go/no-go report run: cozy-assess assess',
  timeoutPerRun: (options, globals, env) => isFleetRequest(options, globals, env),
  async run(options, context) {
    const fleet = resolveFleet(options, context, { command: 'check', perClusterFlags: {} });
    // Bad input is found before the cluster is read.
    const inputs = await readCheckInputs(options, context);
    if (fleet) {
      return runFleet(fleet, context, async (cluster, name, { reportFolder }) => {
        const checked = await checkOnce(inputs, cluster);
        const json = reportFolder
          ? await writeClusterFile(reportFolder, 'checks.json', checked.printed.document)
          : null;
        const plan = checked.plan;
        return fleetRowOfChecks(
          name,
          {
            findings: checked.printed.findings,
            rootCauses: checked.printed.rootCauses,
            failOn: inputs.failOn,
            version: plan
              ? {
                  installed: plan.installed.raw ?? plan.installed.version ?? null,
                  target: plan.target ?? null,
                  minorGap: plan.minorGap ?? null,
                }
              : null,
          },
          { report: null, json },
        );
      });
    }
    const { printed, source, now } = await checkOnce(inputs, context);
    writeGithubAnnotations(printed.findings, inputs.failOn, context.io);
    context.print(printed);
    await appendStepSummary(
      renderCheckSummaryMarkdown({
        findings: printed.findings,
        coverage: printed.coverage,
        exitCode: printed.exitCode,
        failOn: inputs.failOn,
        source: sourceName(source),
        now,
      }),
      context.io,
    );
    return printed.exitCode;
  },
});

/** The source as the summary names it: the kubeconfig context, the server, or the snapshot folder. */
function sourceName(source: SourceInfo): string {
  if (source.kind === 'snapshot') return `snapshot ${source.path ?? ''}`.trim();
  return source.context ?? source.server ?? 'the cluster';
}
