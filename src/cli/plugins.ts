// External checks given with `--plugin file.js`. A plugin is an ES module whose default export is a Check or an
// array of Checks, the interface the built-in checks implement (src/checks/types.ts). Its code runs only in a
// thread of its own (plugin-thread.ts), where a deadline can stop it: loading it, validating its params and each
// check's run() are bounded by --plugin-timeout and by the run's abort signal.
// Whatever is wrong with a plugin when it is loaded is bad input (exit 2) naming the file; a check that does not
// finish when the run calls it is `unknown`, and the run goes on.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { BUILTIN_CHECKS } from '../checks/registry.js';
import { type CallOutcome, CONFIG_CHECK_ID } from '../checks/run.js';
import type { Check, CheckSettings } from '../checks/types.js';
import { BadInputError, badInputFromZod } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { CommandContext } from './command.js';
import { type CozyConfig, readConfigFile } from './config-file.js';
import { formatDuration } from './globals.js';
import type { ParamsIssue, PluginWorld } from './plugin-module.js';
import {
  type PluginBounds,
  openPluginThread,
  type PluginThread,
  PluginThreadEnded,
  PluginTimeout,
} from './plugin-thread.js';

export { PluginCheckSchema } from './plugin-module.js';
export type { PluginBounds } from './plugin-thread.js';

/** --plugin-timeout's default: a check reads facts already in memory and takes milliseconds; this is for slow machines. */
export const DEFAULT_PLUGIN_TIMEOUT_MS = 30_000;

/**
 * One --plugin module and the thread that runs its code, kept for the whole run: the module is imported once,
 * when it is loaded, and the same thread validates the config's params and runs the checks. After a step that
 * failed (a check that did not finish), the next one starts a new thread.
 */
export class PluginModule {
  private thread: PluginThread | undefined;

  constructor(
    readonly file: string,
    readonly path: string,
    readonly bounds: PluginBounds,
  ) {}

  /** The module's thread, started (and the module imported) when there is none alive. */
  async open(): Promise<PluginThread> {
    if (this.thread?.alive) return this.thread;
    this.thread = await openPluginThread(this.path, this.file, this.bounds);
    return this.thread;
  }

  close(): void {
    this.thread?.close();
    this.thread = undefined;
  }
}

/**
 * A plugin check as the main thread holds it: its description, and the module it comes from. The runner never
 * calls its `run` here; runPluginChecks calls it in the module's thread and hands the runner what it returned.
 */
export interface PluginCheck extends Check {
  module: PluginModule;
  hasParamsSchema: boolean;
}

/** Stops the threads of every module these checks come from. */
export function closePlugins(plugins: readonly PluginCheck[]): void {
  for (const module of new Set(plugins.map((check) => check.module))) module.close();
}

/** The plugin bounds of a command: --plugin-timeout, the run's abort signal, and its phase. */
export function pluginBounds(timeoutMs: number, context: Pick<CommandContext, 'run'>): PluginBounds {
  return { timeoutMs, signal: context.run.signal, onStep: (text) => context.run.enterPhase(text) };
}

/**
 * Every bad input of the checks found before the cluster is read: the plugins first (the config may tune their
 * checks), then the config file against every check, then the plugins' params in their own threads.
 */
export async function loadChecksConfig<D = Record<string, unknown>>(
  pluginFiles: readonly string[],
  configFile: string | undefined,
  bounds: PluginBounds,
  decisionSchema?: z.ZodType<D>,
): Promise<{ plugins: PluginCheck[]; config: CozyConfig<D> }> {
  const plugins = await loadPlugins(
    pluginFiles,
    BUILTIN_CHECKS.map((c) => c.id),
    bounds,
  );
  try {
    const config = await readConfigFile<D>(configFile, [...BUILTIN_CHECKS, ...plugins], decisionSchema);
    await validatePluginParams(plugins, config);
    return { plugins, config };
  } catch (error) {
    closePlugins(plugins);
    throw error;
  }
}

export async function loadPlugins(
  files: readonly string[],
  builtinIds: readonly string[],
  bounds: PluginBounds = { timeoutMs: DEFAULT_PLUGIN_TIMEOUT_MS },
): Promise<PluginCheck[]> {
  const loaded: PluginCheck[] = [];
  const owner = new Map<string, string>(builtinIds.map((id) => [id, 'a built-in check']));
  owner.set(CONFIG_CHECK_ID, 'the config pseudo-check');
  try {
    for (const file of files) {
      for (const check of await loadPlugin(file, bounds)) {
        loaded.push(check);
        const taken = owner.get(check.id);
        if (taken) {
          throw new BadInputError(
            `--plugin ${file}: check id '${check.id}' is already used by ${taken}`,
            file,
            'id',
            'give the plugin check an id of its own',
          );
        }
        owner.set(check.id, `--plugin ${file}`);
      }
    }
    return loaded;
  } catch (error) {
    closePlugins(loaded);
    throw error;
  }
}

async function loadPlugin(file: string, bounds: PluginBounds): Promise<PluginCheck[]> {
  const path = resolve(file);
  bounds.onStep?.(`loading --plugin ${file}`);
  const isFile = await stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) {
    throw new BadInputError(
      `--plugin ${file}: file does not exist`,
      file,
      undefined,
      'give the path of a .js (ESM) module',
    );
  }
  const module = new PluginModule(file, path, bounds);
  const thread = await module.open().catch((error: unknown) => {
    throw unusable(error, file, 'loading');
  });
  return thread.checks.map(({ hasParamsSchema, ...check }) => ({
    ...check,
    module,
    hasParamsSchema,
    run: () => {
      throw new Error(`the check of --plugin ${file} runs in the plugin's thread, not here`);
    },
  }));
}

/** A plugin thread that failed while the plugin was being read or validated: bad input naming the file. */
function unusable(error: unknown, file: string, doing: string): unknown {
  if (error instanceof PluginTimeout) {
    return new BadInputError(
      `--plugin ${file}: did not finish ${doing} in ${formatDuration(error.timeoutMs)}${error.flag ? ` (${error.flag})` : ''}`,
      file,
      undefined,
      'a plugin module does its work in run(); look for a loop or an await that never ends at its top level',
    );
  }
  if (error instanceof PluginThreadEnded) {
    return new BadInputError(`--plugin ${file}: cannot be loaded: ${error.message}`, file);
  }
  return error;
}

/** The config's params of each plugin check, validated by the check's own schema in its module's thread. */
async function validatePluginParams(
  plugins: readonly PluginCheck[],
  config: CozyConfig<unknown>,
): Promise<void> {
  for (const [module, checks] of byModule(plugins.filter((check) => check.hasParamsSchema))) {
    const params = Object.fromEntries(
      checks.flatMap((check) => {
        const given = config.checks[check.id]?.params;
        return given === undefined ? [] : [[check.id, given]];
      }),
    );
    if (Object.keys(params).length === 0) continue;
    let issues: ParamsIssue[];
    try {
      const thread = await module.open();
      ({ issues } = await thread.ask({ kind: 'params', params }, 'params', 'validating its params'));
    } catch (error) {
      throw unusable(error, module.file, 'validating its params');
    }
    if (issues.length > 0) {
      const prefixed = issues.map((issue) => ({
        code: 'custom' as const,
        input: undefined,
        path: ['checks', issue.id, 'params', ...issue.path],
        message: issue.message,
      }));
      throw badInputFromZod(new z.ZodError(prefixed), config.file ?? 'config', 'config');
    }
  }
}

/** What runPluginChecks needs of the run besides the inventory. */
export type PluginRunShared = Omit<PluginWorld, 'inventory'>;

/**
 * Calls each plugin check in its module's thread and returns what each returned, by check id; then stops the
 * threads. A check that does not answer within the deadline is stopped (its thread terminated) and its outcome
 * says so; the module's other checks then run in a new thread. An abort of the run (a signal, --timeout) rejects
 * at once.
 */
export async function runPluginChecks(
  inventory: Inventory,
  calls: ReadonlyArray<{ check: PluginCheck; settings: CheckSettings }>,
  shared: PluginRunShared,
): Promise<Map<string, CallOutcome>> {
  const outcomes = new Map<string, CallOutcome>();
  const settingsOf = new Map(calls.map(({ check, settings }) => [check.id, settings]));
  try {
    if (calls.length === 0) return outcomes;
    const world = JSON.stringify({ inventory, ...shared } satisfies PluginWorld);
    for (const [module, checks] of byModule(calls.map(({ check }) => check))) {
      const pending = [...checks];
      while (pending.length > 0) {
        const failed = await runInOneThread(module, pending, world, settingsOf, outcomes);
        // A step before the checks (loading, taking the inventory) failed: the rest cannot run either.
        if (failed) for (const check of pending.splice(0)) outcomes.set(check.id, { failed });
      }
    }
    return outcomes;
  } finally {
    closePlugins(calls.map(({ check }) => check));
  }
}

/**
 * Runs `pending` (removing each as it is answered) in the module's thread, until one does not finish (the thread
 * is then stopped). Returns why the thread could not run checks at all, if it could not.
 */
async function runInOneThread(
  module: PluginModule,
  pending: PluginCheck[],
  world: string,
  settingsOf: ReadonlyMap<string, CheckSettings>,
  outcomes: Map<string, CallOutcome>,
): Promise<string | undefined> {
  let thread: PluginThread;
  try {
    thread = await module.open();
    await thread.ask({ kind: 'inventory', world }, 'ready', 'taking the inventory');
  } catch (error) {
    return `the plugin could not be run: ${stepFailure(error)}`;
  }
  while (pending.length > 0) {
    const check = pending.shift()!;
    const settings = settingsOf.get(check.id)!;
    module.bounds.onStep?.(`running the check '${check.id}' of --plugin ${module.file}`);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const { outcome } = await thread.ask({ kind: 'run', id: check.id, settings }, 'result', 'run()');
      outcomes.set(check.id, { ...outcome, seconds: seconds() });
    } catch (error) {
      outcomes.set(check.id, { failed: `${stepFailure(error)}; its thread was stopped`, seconds: seconds() });
      return undefined;
    }
  }
  return undefined;
}

/** Why a step of a plugin thread failed, in words; an abort of the run is not a step failure and is rethrown. */
function stepFailure(error: unknown): string {
  if (
    error instanceof PluginTimeout ||
    error instanceof PluginThreadEnded ||
    error instanceof BadInputError
  ) {
    return error.message;
  }
  throw error;
}

/** Plugin checks grouped by the module they come from, in order. */
function byModule(checks: readonly PluginCheck[]): Map<PluginModule, PluginCheck[]> {
  const groups = new Map<PluginModule, PluginCheck[]>();
  for (const check of checks) groups.set(check.module, [...(groups.get(check.module) ?? []), check]);
  return groups;
}
