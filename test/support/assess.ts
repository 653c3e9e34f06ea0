// `cozy-assess assess` through the built binary with every report file written into a test's folder, read back.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Assessment, AssessmentSchema } from '../../src/model/assessment.js';
import { type CliResult, runCli } from './cli.js';

export interface AssessRun extends CliResult {
  files: { report: string; json: string; junit: string };
  markdown: string;
  json: Assessment;
  junit: string;
}

/** Assesses `snapshot` for v0.37.2 without a backup, writing `<dir>/<name>.md`, `.json` and `.xml`. */
export async function assessInto(
  dir: string,
  name: string,
  snapshot: string,
  extra: string[] = [],
): Promise<AssessRun> {
  const out = join(dir, name);
  const files = { report: `${out}.md`, json: `${out}.json`, junit: `${out}.xml` };
  const result = await runCli([
    'assess',
    '--snapshot',
    snapshot,
    '--target',
    'v0.37.2',
    '--no-backup',
    '--report',
    files.report,
    '--json',
    files.json,
    '--junit',
    files.junit,
    ...extra,
  ]);
  assert.ok(existsSync(files.json), `no JSON written (exit ${result.code}): ${result.stderr}`);
  return {
    ...result,
    files,
    markdown: await readFile(files.report, 'utf8'),
    json: AssessmentSchema.parse(JSON.parse(await readFile(files.json, 'utf8'))),
    junit: await readFile(files.junit, 'utf8'),
  };
}
