// Errors that carry their exit code, so every layer can fail in a way CI can gate on.
// Exit codes are a public interface (DESIGN.md): never renumber them.
import type { z } from 'zod';

export const ExitCode = {
  GO: 0,
  INTERNAL: 1,
  BAD_INPUT: 2,
  NO_GO: 3,
  INCOMPLETE: 4,
  SIGINT: 130,
  SIGTERM: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An expected failure: its message is shown to the user as is, without a stack trace. */
export class CozyError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    /** What the user can do about it, shown on its own line. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input (exit 2): names the file, the field and the fault. */
export class BadInputError extends CozyError {
  constructor(
    message: string,
    readonly file?: string,
    readonly field?: string,
    hint?: string,
  ) {
    super(message, ExitCode.BAD_INPUT, hint);
  }
}

/** Something the verdict needs could not be read (exit 4). */
export class IncompleteError extends CozyError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.INCOMPLETE, hint);
  }
}

/** Formats a zod path the way users write it: `checks.restarts.threshold`, `releases[3].version`. */
export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

/** The first issues of a zod error as users read them: `field.path: fault; other.path: fault (and 3 more)`. */
export function describeZodIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((issue) => `${formatFieldPath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `${issues.join('; ')}${more}`;
}

/**
 * One error message style for every zod-validated input: `FILE: invalid WHAT: field.path: fault` (first issues
 * only), or `FILE: WHERE: invalid WHAT: …` when the file holds many (`document 2, items[4]`).
 */
export function badInputFromZod(
  error: z.ZodError,
  file: string,
  what: string,
  where?: string,
  hint?: string,
): BadInputError {
  const first = error.issues[0];
  return new BadInputError(
    `${file}: ${where ? `${where}: ` : ''}invalid ${what}: ${describeZodIssues(error)}`,
    file,
    first ? formatFieldPath(first.path) : undefined,
    hint,
  );
}
