// `cozy-assess assess`: one pass over the cluster feeding the inventory and the backup, then checks, upgrade
// path, decision, and the go/no-go report (Markdown file, optional JSON/JUnit files or `-o` on stdout). Each
// step is a function of the one before: inputs → backup session → scan → path → probes → checks → commit →
// assessment → outputs. Exit: 0 GO, 3 NO-GO, 4 INCOMPLETE, 2 bad input, 130/143 interrupted (no backup kept).
import { join } from 'node:path';
import { z } from 'zod';
import type { EncryptionSettings } from '../../backup/encrypt.js';
import { BadInputError } from '../../errors.js';
import { buildMigrationPlan } from '../../migration/build.js';
import { createMigrationCollector, type MigrationObjects, migrationTypes } from '../../migration/collect.js';
import { type Assessment, AssessmentSchema } from '../../model/assessment.js';
import { exitCodeOf } from '../../model/policy.js';
import { diffAssessments } from '../../report/diff.js';
import { renderHtml } from '../../report/html.js';
import { fleetRowOfAssessment } from '../../report/fleet.js';
import { renderJson } from '../../report/json.js';
import { renderAssessmentJunit } from '../../report/junit.js';
import { renderJobSummary, renderMarkdown } from '../../report/markdown.js';
import { renderAssessOutcome } from '../../report/terminal.js';
import { readAssessmentFile } from '../assessment-file.js';
import {
  type Assessed as AssessedRun,
  type AssessmentInputs,
  assessmentFlagsShape,
  assessOnce,
  readAssessmentInputs,
} from '../assessment-run.js';
import { type CommandContext, defineCommand } from '../command.js';
import { flag } from '../flag-schemas.js';
import {
  type ClusterWork,
  fleetFlagsShape,
  isFleetRequest,
  resolveFleet,
  runFleet,
  writeClusterFile,
} from '../fleet.js';
import { appendStepSummary, writeGithubAnnotations } from '../github.js';
import { requireDistinctOutputs, writeNewOutputFile, writeOutputFile } from '../output-files.js';
import { refuseExistingFolder, writePlanFolder } from '../plan-writer.js';
import { toolVersion } from '../version.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const AssessOptionsSchema = z.object({
  ...assessmentFlagsShape,
  ...fleetFlagsShape,
  report: z.string().optional(),
  json: z.string().optional(),
  junit: z.string().optional(),
  html: z.string().optional(),
  previous: z.string().optional(),
  force: flag,
  migrationPlan: z.string().optional(),
  includeSecrets: flag,
});
type AssessOptions = z.output<typeof AssessOptionsSchema>;

/** What `assess` reads besides an assessment's inputs, before the cluster is read. */
interface AssessInputs extends AssessmentInputs {
  /** `--previous FILE`, read and validated before the cluster is. */
  previous?: { file: string; assessment: Assessment };
  /** --migration-plan: the folder to write when the recommendation is C, and how its Secrets are encrypted. */
  migration?: { out: string; encryption?: EncryptionSettings };
}

export default defineCommand({
  options: AssessOptionsSchema,
  prints: 'assessment',
  timeoutPerRun: (options, globals, env) => isFleetRequest(options, globals, env),
  async run(options, context) {
    const fleet = resolveFleet(options, context, {
      command: 'assess',
      perClusterFlags: {
        '--json': options.json,
        '--junit': options.junit,
        '--html': options.html,
        '--previous': options.previous,
        '--migration-plan': options.migrationPlan,
      },
    });
    const inputs = await readInputs(options, context);
    if (fleet) return runFleet(fleet, context, assessCluster(inputs), { report: options.report });
    // The migration plan's sink reads the same pages: the types only it needs are listed once more, never twice.
    const includeSecrets = inputs.migration?.encryption !== undefined;
    const collector = inputs.migration ? createMigrationCollector({ includeSecrets }) : undefined;
    const assessed = await assessOnce(
      inputs,
      context,
      collector
        ? {
            extraSinks: [collector.sink],
            extraTypes: (discovered) => migrationTypes(discovered, includeSecrets),
          }
        : {},
    );
    const assessment = sinceLast(assessed.assessment, inputs.previous, options, context);
    // The plan is written before the report, so the report can say where it is; a plan that cannot be written
    // does not cost the report, and its error is raised once the report is out.
    const planError = inputs.migration
      ? await writeMigrationPlan({ ...assessed, assessment, migration: collector?.finish() }, inputs, context)
      : undefined;
    await writeOutputs(assessment, options, context);
    if (planError) throw planError;
    return exitCodeOf(assessment.verdict);
  },
});

/** One cluster of a fleet run: its own backup folder, and with --report-dir its report and assessment JSON. */
function assessCluster(inputs: AssessInputs): ClusterWork {
  return async (cluster, name, { folder, reportFolder }) => {
    const backup = inputs.backup && { ...inputs.backup, outDir: join(inputs.backup.outDir, folder) };
    const { assessment } = await assessOnce({ ...inputs, backup }, cluster);
    const files = reportFolder
      ? {
          report: await writeClusterFile(reportFolder, 'report.md', renderMarkdown(assessment)),
          json: await writeClusterFile(reportFolder, 'assessment.json', renderJson(assessment)),
        }
      : { report: null, json: null };
    return fleetRowOfAssessment(name, assessment, files);
  };
}

async function readInputs(options: AssessOptions, context: CommandContext): Promise<AssessInputs> {
  requireDistinctOutputs([
    ['--report', options.report],
    ['--json', options.json],
    ['--junit', options.junit],
    ['--html', options.html],
    ['--previous', options.previous],
  ]);
  const inputs = await readAssessmentInputs(options, context);
  const migration = await migrationInputs(options, inputs.backup);
  const previous = options.previous
    ? { file: options.previous, assessment: await readAssessmentFile(options.previous) }
    : undefined;
  return { ...inputs, migration, previous };
}

/**
 * --migration-plan DIR (a folder that must not exist yet) and --include-secrets, whose Secrets are encrypted with
 * the backup's own key: so it needs --encrypt-secrets, and the plan never holds a Secret the backup keeps in clear.
 */
async function migrationInputs(
  options: AssessOptions,
  flags: AssessInputs['backup'],
): Promise<AssessInputs['migration']> {
  if (!options.migrationPlan) {
    if (options.includeSecrets) {
      throw new BadInputError(
        '--include-secrets only applies with --migration-plan DIR',
        undefined,
        '--include-secrets',
      );
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
    encryption: { recipients: flags.recipients ?? [], passphrase: flags.passphrase },
  };
}

/** The assessment, and what a migration plan is built from when --migration-plan asks for one. */
interface Assessed extends AssessedRun {
  migration?: MigrationObjects;
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

/**
 * Writes the report under its default name, `cozy-assess-report-<date>.md`, or `-2`, `-3`, … when that name is
 * taken: an earlier report of the same day is never replaced, and the file appears whole or not at all.
 */
async function writeDefaultReport(assessment: Assessment): Promise<string> {
  const stem = `cozy-assess-report-${assessment.generatedAt.slice(0, 10)}`;
  return writeNewOutputFile(
    (n) => (n === 1 ? `${stem}.md` : `${stem}-${n}.md`),
    renderMarkdown(assessment),
    '--report',
  );
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
    await writeOutputFile(file, render(assessment), flag);
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
  await appendStepSummary(renderJobSummary(assessment), io);
}
