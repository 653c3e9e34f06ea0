// The assessment as JSON (the CI contract), its JSON Schema, and reading a saved assessment back. Pure.
import { z } from 'zod';
import { badInputFromZod, BadInputError } from '../errors.js';
import { type Assessment, AssessmentSchema } from '../model/assessment.js';

export function renderJson(assessment: Assessment): string {
  return `${JSON.stringify(assessment, null, 2)}\n`;
}

/** The published JSON Schema (schema/assessment.schema.json), generated from the zod schema. */
export function assessmentJsonSchema(): string {
  const { $schema, ...schema } = z.toJSONSchema(AssessmentSchema, { target: 'draft-2020-12' });
  const published = {
    $schema,
    $id: 'https://github.com/cozystack/cozy-assess/schema/assessment.schema.json',
    title: 'cozy-assess assessment',
    description: 'The document written by `cozy-assess assess --json` (schemaVersion 1).',
    ...schema,
  };
  return `${JSON.stringify(published, null, 2)}\n`;
}

/** Parses a saved assessment; bad JSON or a document that does not fit the schema is exit 2 naming the field. */
export function parseAssessment(text: string, file: string): Assessment {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(
      `${file}: not valid JSON: ${(error as Error).message}`,
      file,
      undefined,
      'pass the file written by `cozy-assess assess --json FILE` (or `-o json`)',
    );
  }
  const parsed = AssessmentSchema.safeParse(raw);
  if (!parsed.success) throw badInputFromZod(parsed.error, file, 'assessment');
  return parsed.data;
}
