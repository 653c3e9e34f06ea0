// The repair scenario on the fixtures: the seed incident, then the same cluster repaired, each assessed by the
// real binary; their comparison must say what `seed-repaired.expected.json` documents, and the reports of the
// second run must carry it with every number traced to the JSON.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Assessment } from '../../src/model/assessment.js';
import { diffAssessments } from '../../src/report/diff.js';
import { renderHtml } from '../../src/report/html.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { assessInto } from '../support/assess.js';
import { fixture, REPO_ROOT } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';
import { untracedNumbers, visibleText } from './numbers.js';

const tempDir = tempDirs('cozy-repair-');
const expected = JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/seed-repaired.expected.json'), 'utf8'));
const runs: { incident?: Assessment; repaired?: Assessment; codes: number[] } = { codes: [] };

describe('repair scenario: seed-incident, then seed-repaired', () => {
  before(async () => {
    const dir = await tempDir();
    const incident = await assessInto(dir, 'incident', fixture('seed-incident'));
    const repaired = await assessInto(dir, 'repaired', fixture('seed-repaired'));
    Object.assign(runs, {
      incident: incident.json,
      repaired: repaired.json,
      codes: [incident.code, repaired.code],
    });
  });

  it('the repaired cluster is GO, Option A, as its expected file says', () => {
    const a = runs.repaired!;
    assert.deepEqual(
      [a.verdict, a.recommendation, runs.codes[1]],
      [expected.verdict, expected.recommendation, expected.exitCode],
    );
    assert.equal(a.now, '2025-11-03T10:00:00Z');
    assert.deepEqual(a.rootCauses, []);
    const warnings = a.findings
      .filter((f) => f.status === 'warn' && f.check !== 'version-gap')
      .map((f) => f.id);
    assert.deepEqual(warnings, expected.warnings);
    for (const key of ['A', 'C'] as const) {
      const o = a.options[key];
      assert.deepEqual(
        { hours: [o.hoursMin, o.hoursMax], successPercent: [o.successMin, o.successMax], risk: o.risk },
        expected.options[key],
      );
    }
  });

  it('the comparison finds what the repair fixed, what still fails, and the root causes resolved', () => {
    const d = diffAssessments(runs.incident!, runs.repaired!, { old: 'incident.json', new: 'repaired.json' });
    const since = expected.sinceIncident;
    assert.equal(d.cluster.same, 'yes');
    assert.deepEqual([d.verdict.old, d.verdict.new], since.verdict);
    assert.deepEqual([d.recommendation.old, d.recommendation.new], since.recommendation);
    assert.deepEqual(
      d.findings.fixed.map((f) => f.id),
      since.fixed,
    );
    assert.deepEqual(
      d.findings.new.map((f) => f.id),
      since.new,
    );
    assert.deepEqual(
      d.findings.stillFailing.map((f) => f.id),
      since.stillFailing,
    );
    assert.deepEqual(
      d.rootCauses.resolved.map((rc) => rc.id),
      since.rootCausesResolved,
    );
    assert.equal(d.version.installed.changed, false);
  });

  it('the reports of the repaired run say what changed, every number in its JSON', () => {
    const a = {
      ...runs.repaired!,
      sinceLast: diffAssessments(runs.incident!, runs.repaired!, { old: 'a', new: 'b' }),
    };
    const markdown = renderMarkdown(a);
    assert.match(markdown, /## Since the last assessment\n/);
    assert.match(markdown, /Findings: 13 fixed, 6 still failing/);
    assert.deepEqual(untracedNumbers(markdown, a), []);
    const html = renderHtml(a);
    assert.match(html, /<h2>Since the last assessment<\/h2>/);
    assert.deepEqual(untracedNumbers(visibleText(html), a), []);
  });
});
