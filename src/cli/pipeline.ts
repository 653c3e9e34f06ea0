// The path `check`, `path` and `assess` share: open the source, list each type once into the inventory (and any
// extra sink such as the backup writer), then run the checks and attribute root causes. The run's signal stops
// the reading; main() turns a stopped run into its exit code.
import { INSTALLER_RELEASE, wantsInstallerRecords } from '../catalog/detect.js';
import { BUILTIN_CHECKS } from '../checks/registry.js';
import { findRootCauses } from '../checks/root-cause.js';
import type { ChecksConfig } from '../checks/config.js';
import { type CheckPlan, type CheckRunResult, checksToCall, runChecks } from '../checks/run.js';
import type { Finding, RootCause } from '../model/finding.js';
import type { Check } from '../checks/types.js';
import { type PageSink, readOne, scanCluster } from '../cluster/scan.js';
import { BUILTIN_TYPES } from '../cluster/resource-types.js';
import { type ListOutcome, type ResourceType, type SourceInfo, typeKey } from '../cluster/types.js';
import { createInventoryBuilder, inventoryTypes } from '../inventory/build.js';
import { secretKeysFact, secretRef, WATCHED_SECRETS } from '../inventory/secrets.js';
import type { Inventory } from '../inventory/types.js';
import type { CommandContext } from './command.js';
import { readHelmRecords } from './helm-records.js';
import { type PluginCheck, runPluginChecks } from './plugins.js';
import { openSource, type SourceContext } from './source.js';

export interface GatherOptions {
  /** More sinks fed with every page (the backup writer). */
  extraSinks?: PageSink[];
  /** More types to list, chosen from the discovered ones (the backup's Secrets and custom resources). */
  extraTypes?: (discovered: ResourceType[]) => ResourceType[];
}

export interface Gathered {
  inventory: Inventory;
  outcomes: ListOutcome[];
  source: SourceInfo;
  /** Keys of the types the inventory reads: what the verdict needs (extra types were read for their sinks only). */
  neededTypes: string[];
}

/** The types to list: what the inventory needs plus what the extra sinks want, each once. */
export function typesToList(
  discovered: ResourceType[],
  extraTypes?: (discovered: ResourceType[]) => ResourceType[],
): ResourceType[] {
  const byKey = new Map<string, ResourceType>();
  for (const type of [...inventoryTypes(discovered), ...(extraTypes?.(discovered) ?? [])]) {
    if (!byKey.has(typeKey(type))) byKey.set(typeKey(type), type);
  }
  return [...byKey.values()];
}

/**
 * One pass over the cluster, under the run's abort signal. The clock is `--now` when given, else the current
 * time for a live cluster, else (a snapshot) left to the inventory builder, which takes the newest timestamp it saw.
 */
export async function gatherInventory(
  context: SourceContext & Pick<CommandContext, 'terminal'>,
  opts: GatherOptions = {},
): Promise<Gathered> {
  const { globals, run, terminal } = context;
  run.enterPhase(
    `${globals.snapshot ? `Opening snapshot ${globals.snapshot}` : 'Connecting to the cluster'} and discovering its resource types`,
  );
  const source = await openSource(context);
  try {
    const discovered = await source.discoverTypes();
    const types = typesToList(discovered, opts.extraTypes);
    const now = globals.now ?? (source.info.kind === 'live' ? new Date().toISOString() : undefined);
    const builder = createInventoryBuilder({
      source: source.info,
      now,
      originOf: source.originOf?.bind(source),
    });
    const phase = await terminal.phase(
      `Reading ${types.length} resource types from ${describe(source.info)}`,
    );
    let outcomes: ListOutcome[];
    try {
      outcomes = await scanCluster(source, types, [builder.sink, ...(opts.extraSinks ?? [])], {
        concurrency: globals.concurrency,
        signal: run.signal,
        onOutcome: globals.verbose ? (o) => terminal.info(`  ${o.type}: ${o.status}, ${o.count}`) : undefined,
      });
    } catch (error) {
      phase.fail();
      throw error;
    }
    const absent = outcomes.filter((o) => o.status === 'not-installed').length;
    const unreadable = outcomes.filter((o) => o.status !== 'ok' && o.status !== 'not-installed').length;
    const objects = outcomes.reduce((sum, o) => sum + o.count, 0);
    const where = source.info.kind === 'snapshot' ? 'not in the snapshot' : 'not installed';
    const summary = `Read ${objects} objects of ${outcomes.length - absent - unreadable} types${
      absent > 0 ? ` (${absent} ${where})` : ''
    }`;
    if (unreadable > 0) phase.warn(`${summary}; ${unreadable} types could not be read`);
    else phase.succeed(summary);
    for (const watched of WATCHED_SECRETS) {
      const ref = secretRef(watched);
      const read = await readOne(source, BUILTIN_TYPES.secrets, watched.namespace, watched.name, run.signal);
      const fact = secretKeysFact(read);
      builder.recordSecret(ref, fact);
      if (globals.verbose) terminal.info(`  secret ${ref} (key names only): ${fact.status}`);
    }
    const inventory = builder.finish(outcomes, await source.serverVersion());
    if (wantsInstallerRecords(inventory)) {
      inventory.installerRecords = await readHelmRecords(source, INSTALLER_RELEASE, run.signal);
    }
    return {
      inventory,
      outcomes,
      source: source.info,
      neededTypes: inventoryTypes(discovered).map(typeKey),
    };
  } finally {
    await source.close();
  }
}

function describe(info: SourceInfo): string {
  if (info.kind === 'snapshot') return `snapshot ${info.path ?? ''}`.trim();
  return info.context ? `context ${info.context}` : (info.server ?? 'the cluster');
}

export interface RunAllOptions {
  config?: ChecksConfig;
  plugins?: readonly PluginCheck[];
  execProbe?: Record<string, boolean>;
  plan?: CheckPlan;
  /** Built-in check ids left out of this run altogether (not counted in coverage), e.g. the path check without a target. */
  without?: readonly string[];
}

export interface AllChecksResult {
  findings: Finding[];
  rootCauses: RootCause[];
  coverage: CheckRunResult['coverage'];
  /** The checks that were considered (built-ins then plugins), for reporters that list every check. */
  checks: Check[];
}

/**
 * Built-in and plugin checks through the runner, then root causes over the findings. Plugin checks are called
 * first, each in its module's thread under the plugin deadline; the runner judges what they returned.
 */
export async function runAllChecks(
  inventory: Inventory,
  options: RunAllOptions = {},
): Promise<AllChecksResult> {
  const left = new Set(options.without ?? []);
  const plugins = options.plugins ?? [];
  const checks: Check[] = [...BUILTIN_CHECKS.filter((c) => !left.has(c.id)), ...plugins];
  const shared = { execProbe: options.execProbe, plan: options.plan };
  const calledElsewhere =
    plugins.length === 0
      ? undefined
      : await runPluginChecks(
          inventory,
          checksToCall(inventory, { checks: plugins, config: options.config }),
          shared,
        );
  const { findings, coverage } = runChecks(inventory, {
    checks,
    config: options.config,
    ...shared,
    calledElsewhere,
    clock: () => performance.now(),
  });
  return { findings, rootCauses: findRootCauses(inventory, findings, checks), coverage, checks };
}
