// Reads the YAML file given by `--config`: `checks:`, `suppressions:` and `decision:`. Every fault is exit 2
// and names the file and the field (`cozy.yaml: invalid config: checks.restarts.params.longTermDays: ...`).
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import {
  ChecksSectionSchema,
  type CheckConfig,
  SuppressionsSectionSchema,
  type SuppressionRule,
} from '../checks/config.js';
import { CONFIG_CHECK_ID } from '../checks/run.js';
import type { Check } from '../checks/types.js';
import { BadInputError, badInputFromZod } from '../errors.js';

/** `decision:` until the decision model plugs in its own schema (see readConfigFile's `decisionSchema`). */
export const RawDecisionSchema = z.record(z.string(), z.unknown());

/** The whole file's schema, with the decision section's schema supplied by its owner. */
export function configFileSchema<D extends z.ZodType>(decisionSchema: D) {
  return z.strictObject({
    checks: ChecksSectionSchema.optional(),
    suppressions: SuppressionsSectionSchema.optional(),
    decision: decisionSchema.optional(),
  });
}

export interface CozyConfig<D = Record<string, unknown>> {
  /** File the config came from (undefined: no --config given, all defaults). */
  file?: string;
  checks: Record<string, CheckConfig>;
  suppressions: SuppressionRule[];
  decision?: D;
}

export const EMPTY_CONFIG: CozyConfig = { checks: {}, suppressions: [] };

/**
 * Reads and validates the config file against the known checks (built-ins and plugins). Without a file,
 * returns the defaults. Pass `decisionSchema` to validate (and type) the `decision:` section as well.
 */
export async function readConfigFile<D = Record<string, unknown>>(
  file: string | undefined,
  knownChecks: readonly Check[],
  decisionSchema?: z.ZodType<D>,
): Promise<CozyConfig<D>> {
  if (file === undefined) return { checks: {}, suppressions: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(
      `${file}: config file ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}`,
      file,
      undefined,
      'check the --config path',
    );
  }
  return parseConfigText(text, file, knownChecks, decisionSchema);
}

/** Parses and validates config text (the file's content); `file` is only used in messages. */
export function parseConfigText<D = Record<string, unknown>>(
  text: string,
  file: string,
  knownChecks: readonly Check[],
  decisionSchema?: z.ZodType<D>,
): CozyConfig<D> {
  const raw = parseYaml(text, file);
  const schema = configFileSchema(decisionSchema ?? RawDecisionSchema);
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw badInputFromZod(parsed.error, file, 'config');
  const config: CozyConfig<D> = {
    file,
    checks: parsed.data.checks ?? {},
    suppressions: parsed.data.suppressions ?? [],
    decision: parsed.data.decision as D | undefined,
  };
  validateAgainstChecks(config, file, knownChecks);
  return config;
}

function parseYaml(text: string, file: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const first = doc.errors[0];
  if (first) {
    const at = lineCounter.linePos(first.pos[0]);
    throw new BadInputError(
      `${file}: not valid YAML${at ? ` at line ${at.line}, column ${at.col}` : ''}: ${first.message.split('\n')[0]}`,
      file,
      undefined,
      'fix the YAML syntax (indentation, colons, quotes)',
    );
  }
  try {
    return doc.toJS();
  } catch (error) {
    // An alias to an anchor defined later (or never) parses, then fails to resolve.
    throw new BadInputError(
      `${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      file,
      undefined,
      'fix the YAML syntax (indentation, colons, quotes)',
    );
  }
}

/** Check ids must exist (a typo would silently disable nothing), and params must fit the check's schema. */
function validateAgainstChecks(
  config: CozyConfig<unknown>,
  file: string,
  knownChecks: readonly Check[],
): void {
  const byId = new Map(knownChecks.map((check) => [check.id, check]));
  const known = `known checks: ${[...byId.keys()].sort().join(', ')}`;
  for (const [id, entry] of Object.entries(config.checks)) {
    const check = byId.get(id);
    if (!check)
      throw new BadInputError(`${file}: checks.${id}: unknown check '${id}'`, file, `checks.${id}`, known);
    if (check.paramsSchema && entry.params !== undefined) {
      const params = check.paramsSchema.safeParse(entry.params);
      if (!params.success) {
        const prefixed = new z.ZodError(
          params.error.issues.map((issue) => ({ ...issue, path: ['checks', id, 'params', ...issue.path] })),
        );
        throw badInputFromZod(prefixed, file, 'config');
      }
    }
  }
  config.suppressions.forEach((rule, index) => {
    if (byId.has(rule.check)) return;
    const hint = rule.check === CONFIG_CHECK_ID ? 'the config pseudo-check cannot be suppressed' : known;
    throw new BadInputError(
      `${file}: suppressions[${index}].check: unknown check '${rule.check}'`,
      file,
      `suppressions[${index}].check`,
      hint,
    );
  });
}
