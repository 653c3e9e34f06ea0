// Reading a saved assessment (`report FILE`, `diff OLD NEW`, `assess --previous OLD`): a file that cannot be
// read, is not JSON or is not an assessment is bad input (exit 2) naming the file (and the field).
import { readFile } from 'node:fs/promises';
import { BadInputError } from '../errors.js';
import type { Assessment } from '../model/assessment.js';
import { parseAssessment } from '../report/json.js';

const HINT = 'pass the JSON file written by `cozy-assess assess --json FILE`';

export async function readAssessmentFile(file: string): Promise<Assessment> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(
      `${file}: assessment file ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`}`,
      file,
      undefined,
      HINT,
    );
  }
  return parseAssessment(text, file);
}
