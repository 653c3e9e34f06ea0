// `cozy-assess diff OLD.json NEW.json`: what changed between two assessments of one cluster (-o table,
// markdown, json or yaml). Exit: the verdict code of NEW (0 GO, 3 NO-GO, 4 INCOMPLETE), so CI can gate on the
// second run; 2 when a file is not an assessment, or when the two are of different clusters (unless --force).
import { z } from 'zod';
import { exitCodeOf } from '../../model/policy.js';
import { diffAssessments } from '../../report/diff.js';
import { readAssessmentFile } from '../assessment-file.js';
import { defineCommand } from '../command.js';
import { flag } from '../flag-schemas.js';

export default defineCommand({
  options: z.object({ old: z.string(), new: z.string(), force: flag }),
  prints: 'diff',
  async run(options, { print, terminal }) {
    const old = await readAssessmentFile(options.old);
    const now = await readAssessmentFile(options.new);
    const diff = diffAssessments(old, now, { old: options.old, new: options.new }, options.force);
    if (diff.cluster.same === 'unconfirmed')
      terminal.info(
        `warning: nothing in ${options.old} and ${options.new} confirms they are of the same cluster`,
      );
    print(diff);
    return exitCodeOf(now.verdict);
  },
});
