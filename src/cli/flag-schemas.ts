// zod pieces for the flags several commands share, so each command's options schema reads like its flags.
// Commander supplies the defaults shown in --help; the schemas type the values and default what it leaves unset.
import { z } from 'zod';
import { PathStrategySchema } from '../model/assessment.js';
import { BadInputError } from '../errors.js';
import { parseDuration } from './globals.js';

/** A boolean flag: true when given. */
export const flag = z.boolean().default(false);
/** A flag that may be turned off (`--no-backup`): true unless negated. */
export const negatableFlag = z.boolean().default(true);
/** --fail-on fail|warn. */
export const failOnFlag = z.enum(['fail', 'warn']).default('fail');
/** --strategy conservative|shortest: how the upgrade path is chosen. */
export const strategyFlag = PathStrategySchema.default('conservative');
/** A duration flag written like kubectl's (`500ms`, `30s`, `2m`), in milliseconds; 0 is refused (no bound). */
export const boundFlag = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text) => {
      const ms = parseDuration(text, name);
      if (ms <= 0) throw new BadInputError(`${name}: '${text}' must be more than 0`, undefined, name);
      return ms;
    });
/** --plugin-timeout: how long one step of a plugin (loading it, one check's run) may take. */
export const pluginTimeoutFlag = boundFlag('--plugin-timeout', '30s');
/** A repeatable option (`--plugin a --plugin b`): its values in order. */
export const repeatable = z.array(z.string()).default([]);
