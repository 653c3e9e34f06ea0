// `npm run schema`: writes schema/assessment.schema.json from the zod schema (a test keeps them equal).
import { writeFileSync } from 'node:fs';
import { assessmentJsonSchema } from '../src/report/json.js';

const target = new URL('../schema/assessment.schema.json', import.meta.url);
writeFileSync(target, assessmentJsonSchema());
process.stdout.write(`wrote ${target.pathname.split('/').slice(-2).join('/')}\n`);
