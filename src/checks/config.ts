// The `checks:` and `suppressions:` sections of the config file: which checks run, how they are tuned,
// and which findings an operator has accepted for a while. Pure: reading the file is src/cli/config-file.ts.
import { z } from 'zod';
import { SeveritySchema } from '../model/finding.js';

/** Settings of one check, keyed by check id under `checks:`. Every field is optional: absent = the check's default. */
export const CheckConfigSchema = z.strictObject({
  enabled: z.boolean().optional(),
  severity: SeveritySchema.optional(),
  /** false: none of the check's findings blocks; true: its `fail` findings block. */
  blocking: z.boolean().optional(),
  /** Thresholds, validated by the check's own `paramsSchema` when it has one. */
  params: z.record(z.string(), z.unknown()).optional(),
});
export type CheckConfig = z.infer<typeof CheckConfigSchema>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * `until` is a day (`2026-12-31`, valid through the end of that day, UTC) or an RFC 3339 time.
 * YAML may hand us a Date when a loader resolves timestamps; both are accepted and kept as text.
 */
const UntilSchema = z
  .union([z.string(), z.date()])
  .transform((value) => (value instanceof Date ? value.toISOString() : value.trim()))
  .refine((text) => (DAY.test(text) || RFC3339.test(text)) && !Number.isNaN(Date.parse(text)), {
    message: 'expected a date (2026-12-31) or an RFC 3339 time (2026-12-31T12:00:00Z)',
  });

/** An accepted finding: kept in the output, marked suppressed, no longer blocking or warning, until a date. */
export const SuppressionRuleSchema = z.strictObject({
  /** Check id (exact). */
  check: z.string().min(1),
  /** Finding id, or a glob over finding ids (`*` any text, `?` one character). Absent: every finding of the check. */
  id: z.string().min(1).optional(),
  /** Applies only when every namespace the finding names matches (glob allowed). */
  namespace: z.string().min(1).optional(),
  /** Applies only when every node the finding names matches (glob allowed). */
  node: z.string().min(1).optional(),
  reason: z.string().trim().min(1, 'a reason is required: say why this finding is accepted'),
  until: UntilSchema,
});
export type SuppressionRule = z.infer<typeof SuppressionRuleSchema>;

export const ChecksSectionSchema = z.record(z.string(), CheckConfigSchema);
export const SuppressionsSectionSchema = z.array(SuppressionRuleSchema);

/** What the runner needs from the config file (the file also has `decision:`, which the runner ignores). */
export interface ChecksConfig {
  checks?: Record<string, CheckConfig>;
  suppressions?: SuppressionRule[];
}

/** The instant a suppression stops applying: the end of its day, or the exact time given. */
export function suppressionExpiry(until: string): number {
  return DAY.test(until) ? Date.parse(`${until}T00:00:00Z`) + 86_400_000 : Date.parse(until);
}

export function isSuppressionActive(rule: Pick<SuppressionRule, 'until'>, now: string): boolean {
  return Date.parse(now) < suppressionExpiry(rule.until);
}

/** Glob match for ids, namespaces and nodes: `*` is any text (also empty), `?` one character. */
export function globMatch(pattern: string, text: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(text);
}
