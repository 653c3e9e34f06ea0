// The -o/--output format names, apart from their renderers (formats.ts): parsing the command line and printing
// --help load no renderer. formats.ts has one row per name (checked when it compiles).
import { BadInputError } from '../errors.js';

export const FORMAT_NAMES = ['table', 'json', 'junit', 'markdown', 'html', 'yaml'] as const;
export type OutputFormat = (typeof FORMAT_NAMES)[number];

/** Other names people type for a format. */
const ALIASES: Record<string, OutputFormat> = { md: 'markdown', text: 'table' };

/** -o/--output as given → a format name; exit 2 for one no command prints. */
export function parseOutputFormat(text: string): OutputFormat {
  const format = ALIASES[text] ?? text;
  if (!(FORMAT_NAMES as readonly string[]).includes(format)) {
    throw new BadInputError(
      `-o/--output: unknown format '${text}'`,
      undefined,
      'output',
      `use one of: ${FORMAT_NAMES.join(', ')}`,
    );
  }
  return format as OutputFormat;
}

/**
 * The formats each kind of result prints in, in FORMAT_NAMES order: what help and completion list, and what
 * a command accepts. formats.ts must hold exactly these renderers (its rows are typed from this table).
 */
export const FORMATS_OF = {
  assessment: ['table', 'json', 'junit', 'markdown', 'html', 'yaml'],
  checks: ['table', 'json', 'junit', 'yaml'],
  plan: ['table', 'json', 'markdown', 'yaml'],
  backup: ['table', 'json', 'yaml'],
  verification: ['table', 'json', 'yaml'],
  snapshot: ['table', 'json', 'yaml'],
  diff: ['table', 'json', 'markdown', 'yaml'],
  migration: ['table', 'json', 'markdown', 'yaml'],
  serve: ['table', 'json', 'yaml'],
  fleet: ['table', 'json', 'markdown', 'yaml'],
} as const satisfies Record<string, readonly OutputFormat[]>;

/** The kinds of result commands print (formats.ts says what each holds). */
export type PrintedKind = keyof typeof FORMATS_OF;

/** The formats a kind of result can be printed in, in table order. */
export function formatsFor(kind: PrintedKind): OutputFormat[] {
  return [...FORMATS_OF[kind]];
}
