// `npm run schema`: writes schema/assessment.schema.json and schema/migration-plan.schema.json from their zod
// schemas (tests keep them equal).
import { writeFileSync } from 'node:fs';
import { migrationPlanJsonSchema } from '../src/migration/schema.js';
import { assessmentJsonSchema } from '../src/report/json.js';

for (const [file, text] of [
  ['assessment.schema.json', assessmentJsonSchema()],
  ['migration-plan.schema.json', migrationPlanJsonSchema()],
] as const) {
  const target = new URL(`../schema/${file}`, import.meta.url);
  writeFileSync(target, text);
  process.stdout.write(`wrote schema/${file}\n`);
}
