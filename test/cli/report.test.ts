// `cozy-assess report FILE` through the built binary: re-renders a saved assessment byte for byte as `assess`
// wrote it, and rejects a bad file with exit 2 naming the file and the field.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { writeSampleCluster } from '../support/sample-cluster.js';
import { assessInto } from '../support/assess.js';
import { runBinary, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

let dir: string;
let files: { report: string; json: string; junit: string };
let assessCode: number;

const tempDir = tempDirs('cozy-report-');
before(async () => {
  dir = await tempDir();
  const snapshot = await writeSampleCluster(join(dir, 'snapshot'));
  const result = await assessInto(dir, 'saved', snapshot);
  files = result.files;
  assessCode = result.code;
  assert.ok([0, 3, 4].includes(result.code), result.stderr);
});

describe('report re-renders a saved assessment', () => {
  for (const [format, key] of [
    ['markdown', 'report'],
    ['json', 'json'],
    ['junit', 'junit'],
  ] as const) {
    it(`-o ${format} is identical to what assess wrote, and exits with the verdict's code`, async () => {
      // Through the built binary once (markdown): the bytes a real stdout carries.
      const run = format === 'markdown' ? runBinary : runCli;
      const result = await run(['report', files.json, '-o', format]);
      assert.equal(result.stdout, await readFile(files[key], 'utf8'));
      assert.equal(result.code, assessCode);
    });
  }

  it('-o table shows the findings and the verdict block', async () => {
    const saved = JSON.parse(await readFile(files.json, 'utf8'));
    const result = await runCli(['report', files.json]);
    assert.match(result.stdout, new RegExp(`Verdict: ${saved.verdict} \\(exit ${assessCode}\\)`));
    assert.match(result.stdout, /Option A \(Incremental in-place upgrade\): \d+–\d+ h/);
  });

  it('a file that does not fit the schema is exit 2 naming the file and the field', async () => {
    const saved = JSON.parse(await readFile(files.json, 'utf8'));
    saved.options.C.successMin = 'high';
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify(saved));
    const result = await runCli(['report', bad, '-o', 'markdown']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      new RegExp(
        `${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid assessment: options\\.C\\.successMin`,
      ),
    );
  });

  it('a missing file and text that is not JSON are exit 2', async () => {
    const missing = await runCli(['report', join(dir, 'nope.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: assessment file does not exist/);
    const text = join(dir, 'text.json');
    await writeFile(text, 'not json');
    const notJson = await runCli(['report', text]);
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /text\.json: not valid JSON/);
  });

  it('-o yaml prints the same document as YAML, with the verdict as the exit code', async () => {
    const yaml = await runCli(['report', files.json, '-o', 'yaml']);
    const saved = JSON.parse(await readFile(files.json, 'utf8')) as { verdict: string };
    assert.equal(yaml.code, { GO: 0, 'NO-GO': 3, INCOMPLETE: 4 }[saved.verdict], yaml.stderr);
    assert.deepEqual(parseYaml(yaml.stdout), saved);
  });
});
