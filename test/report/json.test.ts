import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { BadInputError } from '../../src/errors.js';
import { assessmentJsonSchema, parseAssessment, renderJson } from '../../src/report/json.js';
import { seedLikeParts } from '../decide/inputs.js';
import { repoPath } from '../support/repo.js';

describe('assessment JSON', () => {
  it('the committed JSON Schema is what the zod schema produces now (run `npm run schema` after a change)', () => {
    const committed = readFileSync(repoPath('schema', 'assessment.schema.json'), 'utf8');
    assert.equal(committed, assessmentJsonSchema());
    const schema = JSON.parse(committed);
    for (const field of [
      'verdict',
      'recommendation',
      'version',
      'options',
      'findings',
      'rootCauses',
      'backup',
      'coverage',
      'generatedAt',
      'cluster',
    ]) {
      assert.ok(schema.required.includes(field), field);
    }
  });

  it('round-trips through renderJson and parseAssessment', () => {
    const assessment = buildAssessment(seedLikeParts());
    assert.deepEqual(parseAssessment(renderJson(assessment), 'a.json'), assessment);
  });

  it('a bad file is bad input naming the file and the field', () => {
    const assessment = JSON.parse(renderJson(buildAssessment(seedLikeParts())));
    assessment.options.A.risk = 'catastrophic';
    assert.throws(
      () => parseAssessment(JSON.stringify(assessment), 'saved.json'),
      (error: unknown) =>
        error instanceof BadInputError &&
        error.field === 'options.A.risk' &&
        /^saved\.json: invalid assessment: options\.A\.risk/.test(error.message),
    );
    assert.throws(
      () => parseAssessment('{not json', 'saved.json'),
      (error: unknown) => error instanceof BadInputError && /saved\.json: not valid JSON/.test(error.message),
    );
  });
});
