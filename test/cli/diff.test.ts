// The repair scenario through the CLI: `assess` on fixtures/seed-incident, then on fixtures/seed-repaired with
// `--previous` and `--html`; `diff` between the two in every format, its exit codes, and its bad inputs.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type Assessment, AssessmentSchema } from '../../src/model/assessment.js';
import { AssessmentDiffSchema } from '../../src/model/diff.js';
import { untracedNumbers, visibleText } from '../report/numbers.js';
import { assessInto } from '../support/assess.js';
import { fixture, REPO_ROOT, runBinary, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const tempDir = tempDirs('cozy-diff-');
const expected = JSON.parse(await readFile(join(REPO_ROOT, 'fixtures/seed-repaired.expected.json'), 'utf8'));
let dir: string;
let files: { before: string; after: string; html: string; healthy: string };
let after: Assessment;
let afterCode: number;

before(async () => {
  dir = await tempDir();
  const incident = await assessInto(dir, 'before', fixture('seed-incident'));
  assert.equal(incident.code, 3, incident.stderr);
  const html = join(dir, 'after.html');
  const repaired = await assessInto(dir, 'after', fixture('seed-repaired'), [
    '--previous',
    incident.files.json,
    '--html',
    html,
  ]);
  const healthy = await assessInto(dir, 'healthy', fixture('healthy'));
  files = { before: incident.files.json, after: repaired.files.json, html, healthy: healthy.files.json };
  after = repaired.json;
  afterCode = repaired.code;
});

describe('assess --previous and --html', () => {
  it('the repaired run is GO, as its expected file says, and its reports and JSON say what changed since the incident', async () => {
    assert.deepEqual(
      [after.verdict, after.recommendation, afterCode],
      [expected.verdict, expected.recommendation, expected.exitCode],
    );
    assert.equal(after.now, expected.clock);
    assert.deepEqual(after.rootCauses, []);
    const warnings = after.findings.filter((f) => f.status === 'warn' && f.check !== 'version-gap');
    assert.deepEqual(
      warnings.map((f) => f.id),
      expected.warnings,
    );
    for (const key of ['A', 'C'] as const) {
      const o = after.options[key];
      assert.deepEqual(
        { hours: [o.hoursMin, o.hoursMax], successPercent: [o.successMin, o.successMax], risk: o.risk },
        expected.options[key],
      );
    }
    const since = after.sinceLast;
    assert.ok(since, 'sinceLast in the JSON');
    assert.deepEqual(
      since.findings.fixed.map((f) => f.id),
      expected.sinceIncident.fixed,
    );
    assert.deepEqual(
      since.rootCauses.resolved.map((rc) => rc.id),
      expected.sinceIncident.rootCausesResolved,
    );
    const markdown = await readFile(join(dir, 'after.md'), 'utf8');
    assert.match(markdown, /## Since the last assessment\n\nCompared with the assessment of .* Same cluster/);
    assert.deepEqual(untracedNumbers(markdown, after), []);
    const html = await readFile(files.html, 'utf8');
    assert.match(html, /<h2>Since the last assessment<\/h2>/);
    assert.match(html, /<div class="banner go" role="status">/);
    assert.deepEqual(untracedNumbers(visibleText(html), after), []);
  });

  it('report -o html re-renders the HTML report byte for byte, with the verdict as the exit code', async () => {
    const result = await runCli(['report', files.after, '-o', 'html']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, await readFile(files.html, 'utf8'));
  });

  it('--previous of another cluster is exit 2 before any report is written, unless --force', async () => {
    const out = join(dir, 'other');
    const refused = await runCli([
      'assess',
      '--snapshot',
      fixture('healthy'),
      '--target',
      'v0.37.2',
      '--no-backup',
      '--previous',
      files.before,
      '--report',
      `${out}.md`,
    ]);
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /before\.json and this run are assessments of different clusters: cluster\.nodeNames/,
    );
    await assert.rejects(readFile(`${out}.md`, 'utf8'), /ENOENT/);
    const forced = await runCli([
      'assess',
      '--snapshot',
      fixture('healthy'),
      '--target',
      'v0.37.2',
      '--no-backup',
      '--previous',
      files.before,
      '--force',
      '--report',
      `${out}.md`,
    ]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(await readFile(`${out}.md`, 'utf8'), /DIFFERENT clusters, compared with --force/);
  });

  it('--previous that is not an assessment is exit 2 naming the file and the field, before the cluster is read', async () => {
    const bad = join(dir, 'bad-previous.json');
    await writeFile(bad, JSON.stringify({ ...after, verdict: 'MAYBE' }));
    const result = await runCli([
      'assess',
      '--snapshot',
      fixture('healthy'),
      '--no-backup',
      '--previous',
      bad,
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bad-previous\.json: invalid assessment: verdict/);
    assert.ok(!/Reading \d+ resource types/.test(result.stderr), 'the cluster was read');
  });
});

describe('cozy-assess diff', () => {
  it('-o table (default): what changed, and the verdict code of NEW', async () => {
    const result = await runCli(['diff', files.before, files.after]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Assessment diff: NO-GO → GO\n/);
    assert.match(result.stdout, /Findings: 13 fixed · 6 still failing/);
    assert.match(result.stdout, /resolved {6}Kube-OVN daemon socket missing/);
    const reverse = await runCli(['diff', files.after, files.before]);
    assert.equal(reverse.code, 3);
    assert.match(reverse.stdout, /Findings: 13 new · 6 still failing/);
  });

  it('-o json through the binary: the published document, as the expected file says', async () => {
    const result = await runBinary(['diff', files.before, files.after, '-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const d = AssessmentDiffSchema.parse(JSON.parse(result.stdout));
    const since = expected.sinceIncident;
    assert.deepEqual([d.verdict.old, d.verdict.new], since.verdict);
    assert.deepEqual([d.recommendation.old, d.recommendation.new], since.recommendation);
    assert.deepEqual(
      d.findings.stillFailing.map((f) => f.id),
      since.stillFailing,
    );
    assert.deepEqual(d.findings.new, []);
    assert.equal(d.cluster.same, 'yes');
  });

  it('-o markdown: for a ticket, every number from the comparison', async () => {
    const result = await runCli(['diff', files.before, files.after, '-o', 'markdown']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^# CozyStack assessment diff: NO-GO → GO\n/);
    assert.match(result.stdout, /\| \*\*Option A risk\*\* \| very high \| \*\*low\*\* \|/);
    const json = await runCli(['diff', files.before, files.after, '-o', 'json']);
    assert.deepEqual(untracedNumbers(result.stdout, JSON.parse(json.stdout)), []);
  });

  it('exit 4 when NEW is INCOMPLETE', async () => {
    const incomplete = join(dir, 'incomplete.json');
    await writeFile(incomplete, JSON.stringify(AssessmentSchema.parse({ ...after, verdict: 'INCOMPLETE' })));
    assert.equal((await runCli(['diff', files.before, incomplete])).code, 4);
  });

  it('two clusters are exit 2 naming both files and the evidence; --force compares them', async () => {
    const refused = await runCli(['diff', files.before, files.healthy]);
    assert.equal(refused.code, 2);
    assert.equal(refused.stdout, '');
    assert.match(
      refused.stderr,
      /before\.json and .*healthy\.json are assessments of different clusters: cluster\.nodeNames: mgr-cozy2/,
    );
    assert.match(refused.stderr, /--force/);
    const forced = await runCli(['diff', files.before, files.healthy, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /DIFFERENT clusters, compared with --force/);
  });

  it('a file that is not an assessment, a missing file and a format diff does not print are exit 2', async () => {
    const plan = join(dir, 'not-an-assessment.json');
    await writeFile(plan, JSON.stringify({ schemaVersion: 1, tool: { name: 'cozy-assess', version: '0' } }));
    const bad = await runCli(['diff', plan, files.after]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not-an-assessment\.json: invalid assessment: generatedAt/);
    const missing = await runCli(['diff', files.before, join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: assessment file does not exist/);
    const junit = await runCli(['diff', files.before, files.after, '-o', 'junit']);
    assert.equal(junit.code, 2);
    assert.match(junit.stderr, /'diff' prints table, json, markdown or yaml, not junit/);
  });
});
