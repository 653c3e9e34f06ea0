// Loads external checks given with `--plugin file.js`. A plugin is an ES module whose default export is a
// Check or an array of Checks, the same interface the built-in checks implement (src/checks/types.ts).
// Whatever is wrong with a plugin is bad input (exit 2) naming the file; it never becomes an internal error.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { CONFIG_CHECK_ID } from '../checks/run.js';
import { SeveritySchema } from '../model/finding.js';
import { type Check, CHECK_ROLES } from '../checks/types.js';
import { BadInputError, badInputFromZod } from '../errors.js';

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

export async function loadPlugins(files: readonly string[], builtinIds: readonly string[]): Promise<Check[]> {
  const loaded: Check[] = [];
  const owner = new Map<string, string>(builtinIds.map((id) => [id, 'a built-in check']));
  owner.set(CONFIG_CHECK_ID, 'the config pseudo-check');
  for (const file of files) {
    for (const check of await loadPlugin(file)) {
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
      loaded.push(check);
    }
  }
  return loaded;
}

async function loadPlugin(file: string): Promise<Check[]> {
  const path = resolve(file);
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

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
