// A plugin module: what its default export must be (a Check, or an array of Checks, the interface the built-in
// checks implement: src/checks/types.ts) and how one is imported. Importing runs the plugin's code, so only the
// plugin's own thread (plugin-worker.ts) does it; the main thread sees the descriptions it sends back.
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { CallOutcome, CheckPlan } from '../checks/run.js';
import { type Check, CHECK_ROLES, type CheckSettings } from '../checks/types.js';
import { BadInputError, badInputFromZod } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { SeveritySchema } from '../model/finding.js';

const fn = (what: string) =>
  z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', `expected ${what}`);

/** The shape a plugin check must have; `run` is called later and its findings are validated by the runner. */
export const PluginCheckSchema = z.object({
  id: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._-]*$/,
      'expected a lower-case id of letters, digits, ".", "_" or "-" (e.g. max-pods)',
    ),
  title: z.string().min(1),
  description: z.string().default(''),
  defaultSeverity: SeveritySchema,
  blocking: z.boolean(),
  role: z.enum(CHECK_ROLES).optional(),
  needs: z.array(z.string()),
  paramsSchema: z
    .custom<NonNullable<Check['paramsSchema']>>(
      (value) => typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function',
      'expected a zod schema (an object with safeParse)',
    )
    .optional(),
  run: fn('a function run(inventory, context) returning findings'),
});

/** What the main thread knows of a plugin check: everything but its code. */
export type PluginCheckDescription = Omit<Check, 'run' | 'paramsSchema' | 'rootCause'> & {
  /** Whether it declares a params schema (its params are then validated in its thread). */
  hasParamsSchema: boolean;
};

/** Imports `path` and returns its checks, `run` bound to the author's objects; any fault is bad input naming `file`. */
export async function importPluginChecks(path: string, file: string): Promise<Check[]> {
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    throw new BadInputError(
      `--plugin ${file}: cannot be loaded: ${firstLine(error)}`,
      file,
      undefined,
      'a plugin is an ES module (.js in an ESM package, or .mjs) that default-exports a check',
    );
  }
  const exported = module.default;
  if (exported === undefined) {
    throw new BadInputError(
      `--plugin ${file}: no default export`,
      file,
      undefined,
      'write `export default { id, title, description, defaultSeverity, blocking, needs, run }` (or an array of them)',
    );
  }
  const parsed = z.union([PluginCheckSchema, z.array(PluginCheckSchema).min(1)]).safeParse(exported);
  if (!parsed.success) {
    // Report against the shape the author meant: an array's issues for an array, the object's otherwise.
    const single = Array.isArray(exported)
      ? z.array(PluginCheckSchema).min(1).safeParse(exported)
      : PluginCheckSchema.safeParse(exported);
    const error = single.success ? parsed.error : single.error;
    throw badInputFromZod(error, file, 'plugin check (see README, "Checks, configuration and plugins")');
  }
  const checks = (Array.isArray(parsed.data) ? parsed.data : [parsed.data]) as Check[];
  // zod copies the object; keep `run` bound to the author's object in case it uses `this`.
  const originals = (Array.isArray(exported) ? exported : [exported]) as Check[];
  return checks.map((check, index) => ({ ...check, run: originals[index]!.run.bind(originals[index]) }));
}

export function describePluginCheck(check: Check): PluginCheckDescription {
  return {
    id: check.id,
    title: check.title,
    description: check.description,
    defaultSeverity: check.defaultSeverity,
    blocking: check.blocking,
    ...(check.role ? { role: check.role } : {}),
    needs: [...check.needs],
    hasParamsSchema: check.paramsSchema !== undefined,
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

// ---------------------------------------------------------------------------------------------------------
// What the main thread and a plugin's thread say to each other (plugin-thread.ts and plugin-worker.ts).

/** Given to the thread when it starts: the module to import (`file` as the user wrote it, for messages). */
export interface PluginThreadData {
  path: string;
  file: string;
}

/** Sent to the thread, one at a time, each answered by one reply. */
export type PluginRequest =
  | { kind: 'params'; params: Record<string, unknown> }
  /**
   * The inventory, the probes' results and the upgrade plan (a PluginWorld) as JSON text: the inventory is plain
   * data, and one string crosses to a thread several times faster than a structured clone of its many small
   * objects (measured: 50 000 pods and 20 000 events, 2.7 s against 7.6 s on a loaded 2-core machine); the text
   * is parsed in the plugin's thread, under its deadline.
   */
  | { kind: 'inventory'; world: string }
  | { kind: 'run'; id: string; settings: CheckSettings };

/** What a plugin check reads besides its settings. */
export interface PluginWorld {
  inventory: Inventory;
  execProbe?: Record<string, boolean>;
  plan?: CheckPlan;
}

/** A field of the config that a plugin's params schema refused (the path starts at the check's params). */
export interface ParamsIssue {
  id: string;
  path: PropertyKey[];
  message: string;
}

export type PluginReply =
  /** The thread runs (our code is loaded); the plugin's import starts now. Sent unprompted, first. */
  | { kind: 'started' }
  /** The module was imported and its default export is valid. Sent unprompted, once, when the thread starts. */
  | { kind: 'loaded'; checks: PluginCheckDescription[] }
  /** The module cannot be used: the BadInputError the main thread throws. */
  | { kind: 'refused'; message: string; field?: string; hint?: string }
  | { kind: 'params'; issues: ParamsIssue[] }
  | { kind: 'ready' }
  | { kind: 'result'; id: string; outcome: CallOutcome };
