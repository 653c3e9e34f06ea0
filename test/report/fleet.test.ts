// The fleet document: its published JSON Schema, the worst verdict, rows made from a cluster's own result, and a
// Markdown summary in which cluster text (context names, causes, errors) stays text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { type FleetAssessment, FleetAssessmentSchema } from '../../src/model/fleet.js';
import { worstVerdict } from '../../src/model/policy.js';
import {
  fleetJsonSchema,
  fleetRowOfAssessment,
  fleetRowOfFailure,
  renderFleetMarkdown,
} from '../../src/report/fleet.js';
import { seedLikeParts } from '../decide/inputs.js';
import { repoPath } from '../support/repo.js';

describe('fleet document', () => {
  it('the committed JSON Schema is what the zod schema produces now (run `npm run schema` after a change)', () => {
    const committed = readFileSync(repoPath('schema', 'fleet-assessment.schema.json'), 'utf8');
    assert.equal(committed, fleetJsonSchema());
    const schema = JSON.parse(committed);
    for (const field of ['schemaVersion', 'kind', 'verdict', 'clusters'])
      assert.ok(schema.required.includes(field), field);
    const row = schema.properties.clusters.items;
    for (const field of ['context', 'verdict', 'exitCode', 'recommendation', 'report', 'error'])
      assert.ok(row.required.includes(field), field);
  });

  it('the worst verdict: NO-GO over INCOMPLETE over GO', () => {
    assert.equal(worstVerdict(['GO', 'INCOMPLETE', 'NO-GO', 'GO']), 'NO-GO');
    assert.equal(worstVerdict(['GO', 'INCOMPLETE']), 'INCOMPLETE');
    assert.equal(worstVerdict(['GO', 'GO']), 'GO');
  });

  it("a row carries the cluster's own values; a cluster not assessed is INCOMPLETE with its error", () => {
    const assessment = buildAssessment(seedLikeParts());
    const row = fleetRowOfAssessment('prod', assessment, {
      report: 'r/prod/report.md',
      json: 'r/prod/assessment.json',
    });
    assert.equal(row.verdict, assessment.verdict);
    assert.equal(row.recommendation, assessment.recommendation);
    assert.deepEqual(row.hours?.C, {
      min: assessment.options.C.hoursMin,
      max: assessment.options.C.hoursMax,
    });
    assert.equal(row.topRootCause, assessment.rootCauses[0]?.title ?? null);
    const failed = fleetRowOfFailure('gone', 4, 'cannot reach the API server');
    assert.deepEqual([failed.verdict, failed.exitCode, failed.recommendation], ['INCOMPLETE', 4, null]);
  });

  it('Markdown: cluster text cannot become markup (pipes, emphasis, links, HTML)', () => {
    const fleet: FleetAssessment = FleetAssessmentSchema.parse({
      schemaVersion: 1,
      kind: 'FleetAssessment',
      tool: { name: 'cozy-assess', version: '0' },
      generatedAt: '2025-10-24T12:00:00Z',
      command: 'assess',
      verdict: 'INCOMPLETE',
      exitCode: 4,
      clusters: [fleetRowOfFailure('a|b*[x](http://e)', 4, 'refused <img src=x onerror=alert(1)> | `code`')],
    });
    const markdown = renderFleetMarkdown(fleet);
    const row = markdown.split('\n').find((l) => l.startsWith('| a'))!;
    assert.equal(row.split(/(?<!\\)\|/).length, 10, 'eight cells: no pipe of the name splits the row');
    assert.doesNotMatch(markdown, /(?<!\\)<img/, 'no raw HTML');
    assert.doesNotMatch(markdown, /(?<!\\)\]\(http/, 'no link');
    assert.match(markdown, /- \*\*a\\\|b\\\*\\\[x\\\]\(http:\/\/e\)\*\* \(exit 4\): refused \\<img/);
  });
});
