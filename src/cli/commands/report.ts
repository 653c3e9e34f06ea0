// `cozy-assess report FILE`: re-render a saved assessment (from `assess --json`) in any format an assessment
// prints in (the HTML report too), byte for byte what `assess` wrote. The file is validated first: a bad one
// is exit 2 naming the file and the field. Exit: the verdict's code (0 GO, 3 NO-GO, 4 INCOMPLETE), so CI can
// gate on it too.
import { z } from 'zod';
import { exitCodeOf } from '../../model/policy.js';
import { readAssessmentFile } from '../assessment-file.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  options: z.object({ assessment: z.string() }),
  prints: 'assessment',
  async run(options, { print }) {
    const assessment = await readAssessmentFile(options.assessment);
    print(assessment);
    return exitCodeOf(assessment.verdict);
  },
});
