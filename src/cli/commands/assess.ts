// `cozy-assess assess`: one pass over the cluster feeding the inventory and the backup, then checks, upgrade
// path, decision, and the go/no-go report (Markdown file, optional JSON/JUnit files or `-o` on stdout). Each
// step is a function of the one before: inputs → backup session → scan → path → probes → checks → commit →
// assessment → outputs. Exit: 0 GO, 3 NO-GO, 4 INCOMPLETE, 2 bad input, 130/143 interrupted (no backup kept).
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  type BackupCommitResult,
  type BackupOptions,
  type BackupSession,
  startBackup,
} from '../../backup/backup.js';
import { breakingChangesOf, planUpgrade, resolveTarget, toVersionSection } from '../../catalog/path.js';
import type { Catalog, UpgradePlan } from '../../catalog/types.js';
import { BUILTIN_CHECKS } from '../../checks/registry.js';
import type { Check } from '../../checks/types.js';
import { buildAssessment, clusterSection } from '../../decide/build-assessment.js';
import { type DecisionConfig, DecisionConfigSchema, type DecisionModel } from '../../decide/decision-model.js';
import { BadInputError } from '../../errors.js';
import { type Assessment, AssessmentSchema, type PathStrategy } from '../../model/assessment.js';
import { exitCodeOf, type FailOn } from '../../model/policy.js';
import { diffAssessments } from '../../report/diff.js';
import { renderHtml } from '../../report/html.js';
import { renderJson } from '../../report/json.js';
import { appendStepSummary, writeGithubAnnotations } from '../github.js';
import { renderJobSummary, renderMarkdown } from '../../report/markdown.js';
import { renderAssessmentJunit } from '../../report/junit.js';
import { renderAssessOutcome } from '../../report/terminal.js';
import { readAssessmentFile } from '../assessment-file.js';
import { loadCatalog } from '../catalog-file.js';
import { type CommandContext, defineCommand } from '../command.js';
import { type CozyConfig, readConfigFile } from '../config-file.js';
import { decisionModel } from '../decision-model.js';
import { execProbesWanted, runKubeOvnProbes } from '../exec-probes.js';
import { failOnFlag, flag, negatableFlag, repeatable, strategyFlag } from '../flag-schemas.js';
import type { GlobalOptions } from '../globals.js';
import { type Gathered, gatherInventory, runAllChecks } from '../pipeline.js';
import { loadPlugins } from '../plugins.js';
import { type SecretFlags, secretFlags, secretFlagsShape } from '../secret-flags.js';
import { toolVersion } from '../version.js';
import { refuseExistingFolder, writePlanFolder } from '../plan-writer.js';
import type { EncryptionSettings } from '../../backup/encrypt.js';
import { buildMigrationPlan } from '../../migration/build.js';
import { createMigrationCollector, type MigrationObjects, migrationTypes } from '../../migration/collect.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const AssessOptionsSchema = z.object({
  target: z.string().default('latest'),
  strategy: strategyFlag,
  backup: negatableFlag,
  backupDir: z.string().default('cozy-backup'),
  report: z.string().optional(),
  json: z.string().optional(),
  junit: z.string().optional(),
  html: z.string().optional(),
  previous: z.string().optional(),
  force: flag,
  failOn: failOnFlag,
  plugin: repeatable,
  execProbes: flag,
  migrationPlan: z.string().optional(),
  includeSecrets: flag,
  ...secretFlagsShape,
});
type AssessOptions = z.output<typeof AssessOptionsSchema>;

export default defineCommand({
  options: AssessOptionsSchema,
  prints: 'assessment',
  async run(options, context) {
    const inputs = await readInputs(options, context);
    const session = inputs.backup ? await startBackup(inputs.backup) : undefined;
    let assessed: Assessed;
    try {
      assessed = await assess(inputs, session, context);
    } catch (error) {
      // Until its commit, the backup is a partial folder: a stopped run removes it.
      if (session) {
        const received = context.run.received();
        const where = await session.abort(received ? `was interrupted by ${received}` : 'was stopped');
        context.run.noteCleanup(`removed the partial backup folder ${where}; no backup was written`);
      }
      throw error;
    }
    const assessment = sinceLast(assessed.assessment, inputs.previous, options, context);
    // The plan is written before the report, so the report can say where it is; a plan that cannot be written
    // does not cost the report, and its error is raised once the report is out.
    const planError = inputs.migration
      ? await writeMigrationPlan({ ...assessed, assessment }, inputs, context)
      : undefined;
    await writeOutputs(assessment, options, context);
    if (planError) throw planError;
    return exitCodeOf(assessment.verdict);
  },
});

/** Everything read from flags and files before the cluster is: every bad input is found here (exit 2). */
interface AssessInputs {
  plugins: Check[];
  config: CozyConfig<DecisionConfig>;
  model: DecisionModel;
  catalog: Catalog;
  target: string;
  strategy: PathStrategy;
  failOn: FailOn;
  allowPartial: boolean;
  probeSockets: boolean;
  /** The backup's settings; undefined with --no-backup. */
  backup?: BackupOptions;
  /** `--previous FILE`, read and validated before the cluster is. */
  previous?: { file: string; assessment: Assessment };
  /** --migration-plan: the folder to write when the recommendation is C, and how its Secrets are encrypted. */
  migration?: { out: string; encryption?: EncryptionSettings };
}

async function readInputs(
  options: AssessOptions,
  { globals, terminal, run }: CommandContext,
): Promise<AssessInputs> {
  const plugins = await loadPlugins(
    options.plugin,
    BUILTIN_CHECKS.map((c) => c.id),
  );
  const config = await readConfigFile<DecisionConfig>(
    globals.config,
    [...BUILTIN_CHECKS, ...plugins],
    DecisionConfigSchema as z.ZodType<DecisionConfig>,
  );
  const model = decisionModel(config.decision, globals.config);
  const catalog = loadCatalog(globals.catalog);
  resolveTarget(catalog, options.target);
  const flags = options.backup ? await secretFlags(options) : undefined;
  const migration = await migrationInputs(options, flags);
  const previous = options.previous
    ? { file: options.previous, assessment: await readAssessmentFile(options.previous) }
    : undefined;
  return {
    previous,
    migration,
    plugins,
    config,
    model,
    catalog,
    target: options.target,
    strategy: options.strategy,
    failOn: options.failOn,
    allowPartial: options.allowPartial,
    probeSockets: execProbesWanted(options.execProbes, globals, terminal),
    backup: flags && {
      outDir: options.backupDir,
      secrets: flags.secrets,
      recipients: flags.recipients,
      passphrase: flags.passphrase,
      toolVersion: toolVersion(),
      signal: run.signal,
    },
  };
}

/**
 * --migration-plan DIR (a folder that must not exist yet) and --include-secrets, whose Secrets are encrypted with
 * the backup's own key: so it needs --encrypt-secrets, and the plan never holds a Secret the backup keeps in clear.
 */
async function migrationInputs(
  options: AssessOptions,
  flags: SecretFlags | undefined,
): Promise<AssessInputs['migration']> {
  if (!options.migrationPlan) {
    if (options.includeSecrets) {
      throw new BadInputError('--include-secrets only applies with --migration-plan DIR', undefined, '--include-secrets');
    }
    return undefined;
  }
  await refuseExistingFolder(options.migrationPlan, '--migration-plan');
  if (!options.includeSecrets) return { out: options.migrationPlan };
  if (flags?.secrets !== 'encrypt') {
    throw new BadInputError(
      "--include-secrets with --migration-plan encrypts the plan's Secrets with the backup's key: add --encrypt-secrets with --recipient or --passphrase-file",
      undefined,
      '--include-secrets',
      'or run `cozy-assess plan-migration --include-secrets` with its own key',
    );
  }
  return {
    out: options.migrationPlan,
    encryption: { recipients: flags.recipients, passphrase: flags.passphrase },
  };
}

/** The assessment, and what a migration plan is built from when --migration-plan asks for one. */
interface Assessed {
  assessment: Assessment;
  gathered: Gathered;
  plan: UpgradePlan;
  migration?: MigrationObjects;
}

/** The one pass (feeding the backup and the migration sink too), then path, probes, checks, the backup's commit, and the decision. */
async function assess(
  inputs: AssessInputs,
  session: BackupSession | undefined,
  context: CommandContext,
): Promise<Assessed> {
  const { globals, terminal } = context;
  // The migration plan's sink reads the same pages: the types only it needs are listed once more, never twice.
  const collector = inputs.migration
    ? createMigrationCollector({ includeSecrets: inputs.migration.encryption !== undefined })
    : undefined;
  const sinks = [...(session ? [session.sink] : []), ...(collector ? [collector.sink] : [])];
  const gathered = await gatherInventory(context, {
    extraSinks: sinks,
    extraTypes:
      sinks.length > 0
        ? (discovered) => [
            ...(session ? session.types(discovered) : []),
            ...(collector ? migrationTypes(discovered, inputs.migration?.encryption !== undefined) : []),
          ]
        : undefined,
  });
  const { inventory } = gathered;

  const pathPhase = await terminal.phase(`Planning the upgrade path to ${inputs.target}`);
  const plan = planUpgrade(inventory, inputs.catalog, inputs.target, { strategy: inputs.strategy });
  pathPhase.succeed(pathSummary(plan));

  const probes = inputs.probeSockets ? await runKubeOvnProbes(inventory, context, inputs.config) : undefined;

  const checksPhase = await terminal.phase('Running checks');
  const checks = runAllChecks(inventory, {
    config: inputs.config,
    plugins: inputs.plugins,
    plan,
    execProbe: probes?.execProbe,
  });
  checksPhase.succeed(`Ran ${checks.coverage.checksRun} of ${checks.coverage.checksTotal} checks`);

  const backup = session ? await commitBackup(session, gathered, inputs.allowPartial, context) : undefined;

  const assessment = buildAssessment({
    toolVersion: toolVersion(),
    generatedAt: globals.now ?? new Date().toISOString(),
    now: inventory.now,
    cluster: clusterSection(inventory),
    version: {
      ...toVersionSection(plan),
      migrationCounterExpected: plan.migrationCounter.expected,
      ...(plan.unknownReason ? { unknownReason: plan.unknownReason } : {}),
    },
    breakingChanges: breakingChangesOf(plan),
    checks: checks.checks.filter((c) => inputs.config.checks[c.id]?.enabled !== false),
    findings: checks.findings,
    rootCauses: checks.rootCauses,
    backup: backup?.summary ?? null,
    coverage: checks.coverage,
    notes: [
      ...runNotes(globals, inputs.backup !== undefined, plan, probes?.note),
      ...modelNotes(inputs.config.decision, globals.config),
    ],
    model: inputs.model,
    failOn: inputs.failOn,
    allowPartialBackup: inputs.allowPartial,
    // Types read only for the backup (Secrets, custom resources) do not make the verdict INCOMPLETE.
    neededTypes: gathered.neededTypes,
  });
  return { assessment, gathered, plan, migration: collector?.finish() };
}

/**
 * With --migration-plan, writes the plan folder when the recommendation is C (priced by the same model, so its
 * hours are the assessment's Option C) and says so in the assessment's notes. Returns the error of a plan that
 * could not be written, for the caller to raise once the report is out.
 */
async function writeMigrationPlan(
  assessed: Assessed,
  inputs: AssessInputs,
  { terminal }: CommandContext,
): Promise<unknown> {
  const { assessment, gathered, plan } = assessed;
  const out = inputs.migration!.out;
  if (assessment.recommendation !== 'C') {
    const note = `The recommendation is Option A: no migration plan was written to ${out} (\`cozy-assess plan-migration\` writes one anyway).`;
    assessment.notes.push(note);
    terminal.info(note);
    return undefined;
  }
  const phase = await terminal.phase(`Writing the migration plan (Option C) to ${out}`);
  try {
    const built = buildMigrationPlan({
      inventory: gathered.inventory,
      objects: assessed.migration!,
      upgrade: plan,
      catalog: inputs.catalog,
      model: inputs.model,
      toolVersion: toolVersion(),
      generatedAt: assessment.generatedAt,
    });
    const folder = await writePlanFolder(out, built, inputs.migration!.encryption, '--migration-plan');
    const apps = built.plan.hours.workloads;
    assessment.notes.push(
      `Migration plan (Option C) written to ${folder.path}: ${plural(built.plan.tenants.length, 'tenant')}, ${plural(apps, 'application')}, runbook plan.md.`,
    );
    phase.succeed(`Migration plan written: ${folder.path}`);
    return undefined;
  } catch (error) {
    phase.fail();
    assessment.notes.push(`The migration plan could not be written to ${out}: ${(error as Error).message}`);
    return error;
  }
}

/**
 * With --previous: the comparison with the earlier run, kept in the assessment (`sinceLast`) so that every
 * report shows it and `report` re-renders it. Two different clusters are exit 2 (unless --force), judged
 * before any report is written; the backup, already committed and verified, stays.
 */
function sinceLast(
  assessment: Assessment,
  previous: AssessInputs['previous'],
  options: AssessOptions,
  { terminal }: CommandContext,
): Assessment {
  if (!previous) return assessment;
  const diff = diffAssessments(
    previous.assessment,
    assessment,
    { old: previous.file, new: 'this run' },
    options.force,
  );
  if (diff.cluster.same === 'unconfirmed')
    terminal.info(`warning: nothing in ${previous.file} confirms it is an assessment of this cluster`);
  return AssessmentSchema.parse({ ...assessment, sinceLast: diff });
}

/** Writes the manifest and checksums from what the scan learned, and verifies the folder. */
async function commitBackup(
  session: BackupSession,
  gathered: Gathered,
  allowPartial: boolean,
  { terminal, run }: CommandContext,
): Promise<BackupCommitResult> {
  const phase = await terminal.phase('Writing and verifying the backup');
  run.signal.throwIfAborted();
  const backup = await session.commit(gathered.outcomes, {
    allowPartial,
    source: gathered.source,
    serverVersion: gathered.inventory.serverVersion,
  });
  if (backup.exitCode === 0) phase.succeed(`Backup verified: ${backup.summary.path}`);
  else
    phase.warn(
      `Backup ${backup.finalized ? 'written but not clean' : 'NOT finished'}: ${backup.summary.path}`,
    );
  for (const problem of backup.problems) terminal.error(problem);
  return backup;
}

function pathSummary(plan: UpgradePlan): string {
  if (plan.unknownReason) return `No upgrade path: ${plan.unknownReason}`;
  const from = plan.installed.raw ?? plan.installed.version ?? '?';
  return `Path ${from} → v${plan.target}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} (${plan.strategy}), ${plan.minorGap ?? '?'} minor versions`;
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

/**
 * Writes the report under its default name, `cozy-assess-report-<date>.md`, or `-2`, `-3`, … when that name is
 * taken: an earlier report of the same day is never replaced (created exclusively, so two runs cannot race).
 */
async function writeDefaultReport(assessment: Assessment): Promise<string> {
  const stem = `cozy-assess-report-${assessment.generatedAt.slice(0, 10)}`;
  const text = renderMarkdown(assessment);
  for (let n = 1; ; n++) {
    const file = n === 1 ? `${stem}.md` : `${stem}-${n}.md`;
    try {
      await writeFile(file, text, { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && n < 1000) continue;
      throw outputError(file, '--report', error);
    }
  }
}

/**
 * The report file (always), --json and --junit files, then stdout: the short summary with -o table, else the
 * document asked for (the summary then goes to stderr). Last, in GitHub Actions, the annotations and the job summary.
 */
async function writeOutputs(
  assessment: Assessment,
  options: AssessOptions,
  { globals, terminal, io, print }: CommandContext<'assessment'>,
): Promise<void> {
  const files: Array<[file: string | undefined, flag: string, render: (a: Assessment) => string]> = [
    [options.report, '--report', renderMarkdown],
    [options.json, '--json', renderJson],
    [options.junit, '--junit', renderAssessmentJunit],
    [options.html, '--html', renderHtml],
  ];
  const written: string[] = options.report === undefined ? [await writeDefaultReport(assessment)] : [];
  for (const [file, flag, render] of files) {
    if (file === undefined) continue;
    await writeOutput(file, render(assessment), flag);
    written.push(file);
  }
  const summary = renderAssessOutcome(assessment, terminal.color, written);
  if (globals.output === 'table') {
    terminal.out(summary);
  } else {
    print(assessment);
    if (!globals.quiet) io.stderr.write(`${summary}\n`);
  }
  writeGithubAnnotations(assessment.findings, assessment.failOn, io);
  await appendStepSummary(renderJobSummary(assessment), io, terminal);
}

/** A file the user named that cannot be written is bad input (exit 2) naming the flag and the file. */
async function writeOutput(file: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw outputError(file, flag, error);
  }
}

function outputError(file: string, flag: string, error: unknown): BadInputError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new BadInputError(
    `${flag}: cannot write ${file} (${code})`,
    file,
    flag,
    'check that the folder exists and is writable',
  );
}
