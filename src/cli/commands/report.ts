// `cozy-assess report FILE`: re-render a saved assessment (from `assess --json`) in any format an assessment
// prints in, byte for byte what `assess` wrote. The file is validated first: a bad one is exit 2 naming the file
// and the field. Exit: the verdict's code (0 GO, 3 NO-GO, 4 INCOMPLETE), so CI can gate on it too.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { BadInputError } from '../../errors.js';
import { exitCodeOf } from '../../model/policy.js';
import { parseAssessment } from '../../report/json.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  options: z.object({ assessment: z.string() }),
  prints: 'assessment',
  async run(options, { print }) {
    const assessment = parseAssessment(await readText(options.assessment), options.assessment);
    print(assessment);
    return exitCodeOf(assessment.verdict);
  },
});

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
