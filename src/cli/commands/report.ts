// `cozy-assess report FILE`: re-render a saved assessment (from `assess --json`) as markdown, json, junit or a
// terminal table, byte for byte what `assess` wrote. The file is validated first: a bad one is exit 2 naming
// the file and the field. Exit: the verdict's code (0 GO, 3 NO-GO, 4 INCOMPLETE), so CI can gate on it too.
import { readFile } from 'node:fs/promises';
import { BadInputError } from '../../errors.js';
import { parseAssessment, renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import { exitCodeOf } from '../../model/policy.js';
import { renderAssessmentJunit, renderAssessmentTable } from '../../report/summary.js';
import type { GlobalOptions } from '../globals.js';
import { createTerminal } from '../io.js';
import { requireOutputFormat } from '../output-format.js';

export async function run(
  _options: Record<string, unknown>,
  globals: GlobalOptions,
  args: string[],
): Promise<number> {
  const file = args[0];
  if (!file)
    throw new BadInputError('report: which assessment? pass the JSON file written by `assess --json FILE`');
  requireOutputFormat(globals, 'report', ['markdown', 'json', 'junit', 'table']);
  const assessment = parseAssessment(await readText(file), file);
  switch (globals.output) {
    case 'markdown':
      process.stdout.write(renderMarkdown(assessment));
      break;
    case 'json':
      process.stdout.write(renderJson(assessment));
      break;
    case 'junit':
      process.stdout.write(renderAssessmentJunit(assessment));
      break;
    default:
      createTerminal(globals).out(renderAssessmentTable(assessment, createTerminal(globals).color));
  }
  return exitCodeOf(assessment.verdict);
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(
      `${file}: assessment file ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}`,
      file,
      undefined,
      'pass the JSON file written by `cozy-assess assess --json FILE`',
    );
  }
}
