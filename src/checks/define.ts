// `defineCheck`: how a check is written. Everything the rest of the tool knows about a check is declared here,
// beside its code: its role in the decision, its root-cause rule, the types it needs (typed keys) and the
// schema of its params, which the runner parses once and `run` receives typed.
import type { z } from 'zod';
import type { Finding } from '../model/finding.js';
import type { Inventory } from '../inventory/types.js';
import type { ChecksConfig } from './config.js';
import type { Check, CheckContext, CheckRole } from './types.js';

type ParamsSchema = z.ZodType<Record<string, unknown>>;

/** The context `run` of a defined check receives: the runner's, with the params parsed and typed. */
export interface DefinedCheckContext<Params> extends CheckContext {
  params: Params;
}

export interface CheckDefinition<Schema extends ParamsSchema>
  extends Omit<Check, 'role' | 'paramsSchema' | 'run'> {
  role: CheckRole;
  paramsSchema: Schema;
  run(inventory: Inventory, context: DefinedCheckContext<z.output<Schema>>): Finding[];
}

/** A check made by `defineCheck`: its role and the type of its params are known. */
export interface DefinedCheck<Schema extends ParamsSchema> extends Check {
  role: CheckRole;
  paramsSchema: Schema;
}

export function defineCheck<Schema extends ParamsSchema>(
  definition: CheckDefinition<Schema>,
): DefinedCheck<Schema> {
  const { run, ...declaration } = definition;
  return {
    ...declaration,
    // The runner parsed `settings.params` with `paramsSchema` (defaults filled) before calling run.
    run: (inventory, context) =>
      run(inventory, { ...context, params: context.settings.params as z.output<Schema> }),
  };
}

export type ParsedParams = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/** A check's params parsed by its schema, defaults filled (the runner does it once per run); as given without one. */
export function parseCheckParams(check: Check, raw: Record<string, unknown>): ParsedParams {
  if (!check.paramsSchema) return { ok: true, value: raw };
  const parsed = check.paramsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `invalid params: ${issue ? `${issue.path.join('.')}: ${issue.message}` : ''}` };
}

/** A defined check's params as the config sets them (the config file was validated when it was read). */
export function paramsFromConfig<Schema extends ParamsSchema>(
  check: DefinedCheck<Schema>,
  config: ChecksConfig | undefined,
): z.output<Schema> {
  return check.paramsSchema.parse(config?.checks?.[check.id]?.params ?? {}) as z.output<Schema>;
}
