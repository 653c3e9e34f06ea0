// `cozy-assess assess`: one pass over the cluster feeding the inventory and the backup, then checks, upgrade
// path, decision, and the go/no-go report (Markdown file, optional JSON/JUnit files or `-o` on stdout).
// Exit: 0 GO, 3 NO-GO, 4 INCOMPLETE, 2 bad input, 130/143 interrupted (no backup kept).
import { appendFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  type BackupCommitResult,
  type BackupOptions,
  type BackupSession,
  startBackup,
} from '../../backup/backup.js';
import { exitCodeForSignal, watchInterrupts } from '../../backup/interrupt.js';
import { loadCatalog } from '../catalog.js';
import { breakingChangesOf, planUpgrade, resolveTarget, toVersionSection } from '../../catalog/path.js';
import type { UpgradePlan } from '../../catalog/types.js';
import { BUILTIN_CHECKS } from '../../checks/registry.js';
import { typeKey } from '../../cluster/types.js';
import { buildAssessment, clusterSection } from '../../decide/assessment.js';
import {
  type DecisionConfig,
  DecisionConfigSchema,
  type DecisionModel,
  resolveModel,
} from '../../decide/model.js';
import { BadInputError, badInputFromZod, IncompleteError } from '../../errors.js';
import { inventoryTypes } from '../../inventory/build.js';
import type { Assessment } from '../../model/assessment.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown, renderSummaryMarkdown } from '../../report/markdown.js';
import { exitCodeOf } from '../../model/policy.js';
import { renderAssessmentJunit, renderAssessSummary } from '../../report/summary.js';
import { readConfigFile } from '../config-file.js';
import type { GlobalOptions } from '../globals.js';
import { execProbesWanted, runKubeOvnProbes } from '../exec-probes.js';
import { createTerminal, type Terminal } from '../io.js';
import { toolVersion } from '../version.js';
import { requireOutputFormat } from '../output-format.js';
import { gatherInventory, runAllChecks } from '../pipeline.js';
import { failOnOption, stringListOption, stringOption } from '../options.js';
import { loadPlugins } from '../plugins.js';
import { secretFlags } from '../secret-flags.js';

export async function run(
  options: Record<string, unknown>,
  globals: GlobalOptions,
  _args: string[],
): Promise<number> {
  requireOutputFormat(globals, 'assess', ['table', 'json', 'markdown', 'junit']);
  const failOn = failOnOption(options);
  const terminal = createTerminal(globals);

  // Every bad input is found before the cluster is read: plugins, config (with the decision model), catalog, target.
  const plugins = await loadPlugins(
    stringListOption(options, 'plugin'),
    BUILTIN_CHECKS.map((c) => c.id),
  );
  const config = await readConfigFile<DecisionConfig>(
    globals.config,
    [...BUILTIN_CHECKS, ...plugins],
    DecisionConfigSchema as z.ZodType<DecisionConfig>,
  );
  const model = decisionModel(config.decision, globals.config);
  const catalog = loadCatalog(globals.catalog);
  const target = stringOption(options, 'target') ?? 'latest';
  resolveTarget(catalog, target);
  const takeBackup = options.backup !== false;
  const flags = takeBackup ? await secretFlags(options) : undefined;
  const probeSockets = execProbesWanted(options, globals, terminal);

  const interrupts = watchInterrupts(globals.timeoutMs);
  let session: BackupSession | undefined;
  try {
    // The backup learns the source and server version after the scan, before its commit writes the manifest.
    const backupOptions: BackupOptions | undefined = flags && {
      outDir: stringOption(options, 'backupDir') ?? 'cozy-backup',
      secrets: flags.secrets,
      recipients: flags.recipients,
      passphrase: flags.passphrase,
      source: { kind: globals.snapshot ? 'snapshot' : 'live', path: globals.snapshot },
      toolVersion: toolVersion(),
      signal: interrupts.signal,
    };
    session = backupOptions ? await startBackup(backupOptions) : undefined;
    const backupSession = session;
    // Types read only for the backup (Secrets, custom resources) do not make the verdict INCOMPLETE.
    let neededTypes: string[] | undefined;
    const { inventory, outcomes, source } = await gatherInventory(globals, {
      terminal,
      signal: interrupts.signal,
      extraSinks: backupSession ? [backupSession.sink] : [],
      extraTypes: backupSession
        ? (discovered) => {
            neededTypes = inventoryTypes(discovered).map(typeKey);
            return backupSession.types(discovered);
          }
        : undefined,
    });

    const pathPhase = await terminal.phase(`Planning the upgrade path to ${target}`);
    const plan = planUpgrade(inventory, catalog, target);
    pathPhase.succeed(pathSummary(plan));

    const probes = probeSockets
      ? await runKubeOvnProbes(inventory, globals, terminal, {
          config,
          signal: interrupts.signal,
        })
      : undefined;

    const checksPhase = await terminal.phase('Running checks');
    const checks = runAllChecks(inventory, { config, plugins, plan, execProbe: probes?.execProbe });
    checksPhase.succeed(`Ran ${checks.coverage.checksRun} of ${checks.coverage.checksTotal} checks`);

    let backup: BackupCommitResult | undefined;
    if (backupSession && backupOptions) {
      backupOptions.source = source;
      backupOptions.serverVersion = inventory.serverVersion;
      const backupPhase = await terminal.phase('Writing and verifying the backup');
      interrupts.signal.throwIfAborted();
      backup = await backupSession.commit(outcomes, { allowPartial: options.allowPartial === true });
      if (backup.exitCode === 0) backupPhase.succeed(`Backup verified: ${backup.summary.path}`);
      else
        backupPhase.warn(
          `Backup ${backup.finalized ? 'written but not clean' : 'NOT finished'}: ${backup.summary.path}`,
        );
      for (const problem of backup.problems) terminal.error(problem);
    }

    const generatedAt = globals.now ?? new Date().toISOString();
    const assessment = buildAssessment({
      toolVersion: toolVersion(),
      generatedAt,
      now: inventory.now,
      cluster: clusterSection(inventory),
      version: {
        ...toVersionSection(plan),
        migrationCounterExpected: plan.migrationCounter.expected,
        ...(plan.unknownReason ? { unknownReason: plan.unknownReason } : {}),
      },
      breakingChanges: breakingChangesOf(plan),
      checks: checks.checks.filter((c) => config.checks[c.id]?.enabled !== false),
      findings: checks.findings,
      rootCauses: checks.rootCauses,
      backup: backup?.summary ?? null,
      coverage: checks.coverage,
      notes: [
        ...runNotes(globals, takeBackup, plan, probes?.note),
        ...modelNotes(config.decision, globals.config),
      ],
      model,
      failOn,
      // The backup already applied --allow-partial: its exit 4 means incomplete even so (a type failed).
      allowPartialBackup: backup !== undefined && backup.exitCode !== 4,
      neededTypes,
    });
    await writeOutputs(assessment, options, globals, terminal);
    return exitCodeOf(assessment.verdict);
  } catch (error) {
    const signal = interrupts.received();
    const stopped = signal ? `assessment interrupted by ${signal}` : 'assessment stopped';
    if (session) {
      const where = await session.abort(signal ? `was interrupted by ${signal}` : 'was stopped');
      terminal.error(`${stopped}: removed the partial backup folder ${where}; no backup was written`);
    } else if (signal) {
      terminal.error(`${stopped} while reading the cluster: no report was written`);
    }
    if (signal) return exitCodeForSignal(signal);
    if (interrupts.timedOut()) {
      throw new IncompleteError(
        `the assessment did not finish within --timeout (${globals.timeoutMs} ms)`,
        'raise --timeout, or lower the cluster load with --concurrency',
      );
    }
    throw error;
  } finally {
    interrupts.dispose();
  }
}

/** The decision table with the config's `decision:` overrides; a merged range that no longer holds is exit 2. */
function decisionModel(overrides: DecisionConfig | undefined, file: string | undefined): DecisionModel {
  try {
    return resolveModel(overrides ?? {});
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    const prefixed = new z.ZodError(
      error.issues.map((issue) => ({ ...issue, path: ['decision', ...issue.path] })),
    );
    throw badInputFromZod(prefixed, file ?? '--config', 'config');
  }
}

function pathSummary(plan: UpgradePlan): string {
  if (plan.unknownReason) return `No upgrade path: ${plan.unknownReason}`;
  const from = plan.installed.raw ?? plan.installed.version ?? '?';
  return `Path ${from} → v${plan.target}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}, ${plan.minorGap ?? '?'} minor versions`;
}

function runNotes(
  globals: GlobalOptions,
  takeBackup: boolean,
  plan: UpgradePlan,
  probeNote: string | undefined,
): string[] {
  const notes = [...plan.notes];
  if (!takeBackup) notes.push('Run with --no-backup: no backup was taken.');
  if (globals.now) notes.push(`Clock fixed with --now ${globals.now}.`);
  if (probeNote) notes.push(probeNote);
  else notes.push('Read-only: only GET requests were sent; the cluster was not changed.');
  return notes;
}

/** Says which rows of the decision table the config changed, so a reader knows the numbers are tuned. */
function modelNotes(overrides: DecisionConfig | undefined, file: string | undefined): string[] {
  const paths: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else if (value !== undefined) {
      paths.push(`${path} = ${String(value)}`);
    }
  };
  walk(overrides ?? {}, '');
  return paths.length > 0 ? [`Decision model tuned by ${file ?? 'the config'}: ${paths.join(', ')}.`] : [];
}

function defaultReportFile(assessment: Assessment): string {
  return `cozy-assess-report-${assessment.generatedAt.slice(0, 10)}.md`;
}

async function writeOutputs(
  assessment: Assessment,
  options: Record<string, unknown>,
  globals: GlobalOptions,
  terminal: Terminal,
): Promise<void> {
  const reportFile = stringOption(options, 'report') ?? defaultReportFile(assessment);
  const markdown = renderMarkdown(assessment);
  const json = renderJson(assessment);
  const junit = renderAssessmentJunit(assessment);
  const written: string[] = [];
  await writeOutput(reportFile, markdown, '--report');
  written.push(reportFile);
  if (typeof options.json === 'string') {
    await writeOutput(options.json, json, '--json');
    written.push(options.json);
  }
  if (typeof options.junit === 'string') {
    await writeOutput(options.junit, junit, '--junit');
    written.push(options.junit);
  }
  const summary = renderAssessSummary(assessment, terminal.color, written);
  if (globals.output === 'table') {
    terminal.out(summary);
  } else {
    // stdout carries only the document asked for; the summary goes to stderr.
    process.stdout.write(globals.output === 'json' ? json : globals.output === 'junit' ? junit : markdown);
    if (!globals.quiet) process.stderr.write(`${summary}\n`);
  }
  const stepSummary = process.env.GITHUB_STEP_SUMMARY;
  if (stepSummary) {
    try {
      await appendFile(stepSummary, renderSummaryMarkdown(assessment));
    } catch (error) {
      // The assessment is done and written; a CI summary that cannot be appended is worth a warning only.
      terminal.info(
        `warning: could not append to GITHUB_STEP_SUMMARY (${stepSummary}): ${(error as Error).message}`,
      );
    }
  }
}

/** A file the user named that cannot be written is bad input (exit 2) naming the flag and the file. */
async function writeOutput(file: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new BadInputError(
      `${flag}: cannot write ${file} (${code})`,
      file,
      flag,
      'check that the folder exists and is writable',
    );
  }
}
