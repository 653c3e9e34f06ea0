// `npm run schema`: writes the published JSON Schemas from their zod schemas (tests keep them equal):
// schema/assessment.schema.json, schema/migration-plan.schema.json, schema/diff.schema.json and
// schema/fleet-assessment.schema.json.
import { writeFileSync } from 'node:fs';
import { migrationPlanJsonSchema } from '../src/migration/schema.js';
import { diffJsonSchema } from '../src/report/diff-render.js';
import { fleetJsonSchema } from '../src/report/fleet.js';
import { assessmentJsonSchema } from '../src/report/json.js';

for (const [file, text] of [
  ['assessment.schema.json', assessmentJsonSchema()],
  ['migration-plan.schema.json', migrationPlanJsonSchema()],
  ['diff.schema.json', diffJsonSchema()],
  ['fleet-assessment.schema.json', fleetJsonSchema()],
] as const) {
  const target = new URL(`../schema/${file}`, import.meta.url);
  writeFileSync(target, text);
  process.stdout.write(`wrote schema/${file}\n`);
}
