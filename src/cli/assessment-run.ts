// One assessment of one cluster, as `assess`, `serve` (again and again) and a fleet run (once per context) make
// it: the inputs read once (every bad input found before a cluster is read), then a backup session, one scan,
// path, probes, checks, the backup's commit and the decision. What a command does with the assessment (files,
// stdout, metrics) is the command's.
import { z } from 'zod';
import {
  type BackupCommitResult,
  type BackupOptions,
  type BackupSession,
  startBackup,
} from '../backup/backup.js';
import { breakingChangesOf, planUpgrade, resolveTarget, toVersionSection } from '../catalog/path.js';
import type { Catalog, UpgradePlan } from '../catalog/types.js';
import { buildAssessment, clusterSection } from '../decide/build-assessment.js';
import { type DecisionConfig, DecisionConfigSchema, type DecisionModel } from '../decide/decision-model.js';
import type { Assessment, PathStrategy } from '../model/assessment.js';
import type { FailOn } from '../model/policy.js';
import { loadCatalog } from './catalog-file.js';
import type { CommandContext } from './command.js';
import type { CozyConfig } from './config-file.js';
import { decisionModel } from './decision-model.js';
import { execProbesWanted, runKubeOvnProbes } from './exec-probes.js';
import {
  failOnFlag,
  flag,
  negatableFlag,
  pluginTimeoutFlag,
  repeatable,
  strategyFlag,
} from './flag-schemas.js';
import type { GlobalOptions } from './globals.js';
import { type GatherOptions, type Gathered, gatherInventory, runAllChecks } from './pipeline.js';
import { loadChecksConfig, type PluginCheck, pluginBounds } from './plugins.js';
import { secretFlags, secretFlagsShape } from './secret-flags.js';
import { toolVersion } from './version.js';

/** The flags of an assessment, shared by `assess` and `serve` (which defaults to no backup). */
export const assessmentFlagsShape = {
  target: z.string().default('latest'),
  strategy: strategyFlag,
  backup: negatableFlag,
  backupDir: z.string().default('cozy-backup'),
  failOn: failOnFlag,
  plugin: repeatable,
  pluginTimeout: pluginTimeoutFlag,
  execProbes: flag,
  ...secretFlagsShape,
};
export type AssessmentFlags = z.output<z.ZodObject<typeof assessmentFlagsShape>>;

/** A backup's settings as the flags give them; each assessment adds its own abort signal. */
export type BackupSettings = Omit<BackupOptions, 'signal' | 'now'>;

/** Everything read from flags and files before the cluster is: every bad input is found here (exit 2). */
export interface AssessmentInputs {
  plugins: PluginCheck[];
  config: CozyConfig<DecisionConfig>;
  model: DecisionModel;
  catalog: Catalog;
  target: string;
  strategy: PathStrategy;
  failOn: FailOn;
  allowPartial: boolean;
  probeSockets: boolean;
  /** The backup's settings; undefined with --no-backup. */
  backup?: BackupSettings;
}

export async function readAssessmentInputs(
  options: AssessmentFlags,
  context: Pick<CommandContext, 'globals' | 'terminal' | 'run'>,
): Promise<AssessmentInputs> {
  const { globals, terminal } = context;
  const { plugins, config } = await loadChecksConfig<DecisionConfig>(
    options.plugin,
    globals.config,
    pluginBounds(options.pluginTimeout, context),
    DecisionConfigSchema as z.ZodType<DecisionConfig>,
  );
  const model = decisionModel(config.decision, globals.config);
  const catalog = loadCatalog(globals.catalog);
  resolveTarget(catalog, options.target);
  const flags = options.backup ? await secretFlags(options) : undefined;
  return {
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
    },
  };
}

/** The assessment, and what it was made from (for a migration plan built from the same pass). */
export interface Assessed {
  assessment: Assessment;
  gathered: Gathered;
  plan: UpgradePlan;
}

/**
 * One assessment under the context's run; `more` adds sinks fed by the same pass (a migration plan's). A run
 * stopped before the backup's commit removes the partial backup folder, says so (`noteCleanup`) and rethrows.
 */
export async function assessOnce(
  inputs: AssessmentInputs,
  context: CommandContext,
  more: GatherOptions = {},
): Promise<Assessed> {
  const session = inputs.backup
    ? await startBackup({ ...inputs.backup, signal: context.run.signal })
    : undefined;
  try {
    return await assess(inputs, session, context, more);
  } catch (error) {
    // Until its commit, the backup is a partial folder: a stopped run removes it.
    if (session) {
      const received = context.run.received();
      const where = await session.abort(received ? `was interrupted by ${received}` : 'was stopped');
      context.run.noteCleanup(`removed the partial backup folder ${where}; no backup was written`);
    }
    throw error;
  }
}

/** The one pass (feeding the backup and any other sink too), then path, probes, checks, the backup's commit, and the decision. */
async function assess(
  inputs: AssessmentInputs,
  session: BackupSession | undefined,
  context: CommandContext,
  more: GatherOptions,
): Promise<Assessed> {
  const { globals, terminal } = context;
  // Types several sinks want are listed once (typesToList keeps the first of each).
  const sinks = [...(session ? [session.sink] : []), ...(more.extraSinks ?? [])];
  const gathered = await gatherInventory(context, {
    extraSinks: sinks,
    extraTypes:
      session || more.extraTypes
        ? (discovered) => [...(session?.types(discovered) ?? []), ...(more.extraTypes?.(discovered) ?? [])]
        : undefined,
  });
  const { inventory } = gathered;

  const pathPhase = await terminal.phase(`Planning the upgrade path to ${inputs.target}`);
  const plan = planUpgrade(inventory, inputs.catalog, inputs.target, { strategy: inputs.strategy });
  pathPhase.succeed(pathSummary(plan));

  const probes = inputs.probeSockets ? await runKubeOvnProbes(inventory, context, inputs.config) : undefined;

  const checksPhase = await terminal.phase('Running checks');
  const checks = await runAllChecks(inventory, {
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
  return { assessment, gathered, plan };
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
