// The decision table the run prices with: the shipped model with the config file's `decision:` overrides.
// `assess` and `plan-migration` read it the same way, so a plan's hours and the assessment's Option C agree
// under the same --config.
import { z } from 'zod';
import { type DecisionConfig, type DecisionModel, resolveModel } from '../decide/decision-model.js';
import { badInputFromZod } from '../errors.js';

/** The model with the overrides applied; a merged range that no longer holds is exit 2 naming `decision.…`. */
export function decisionModel(
  overrides: DecisionConfig | undefined,
  file: string | undefined,
): DecisionModel {
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
