// The in-process test helper itself: main() with its own output, environment and folder leaves the test
// process as it was (no exit code set, its env untouched, its folder back), so in-process runs can stand in
// for the binary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixture, REPO_ROOT, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const tempDir = tempDirs('cozy-run-cli-');

describe('runCli (main() in-process)', () => {
  it('returns the exit code and what went to stdout and stderr, and sets no process exit code', async () => {
    const version = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    const printed = await runCli(['--version']);
    assert.deepEqual(printed, { code: 0, stdout: `${version.version}\n`, stderr: '' });
    const usage = await runCli(['check', '--bogus']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stdout, '');
    assert.match(usage.stderr, /^error: unknown option '--bogus'\n/);
    const blocking = await runCli(['check', '--snapshot', fixture('seed-incident'), '-o', 'json']);
    assert.equal(blocking.code, 3);
    assert.equal(JSON.parse(blocking.stdout).exitCode, 3);
    assert.equal(process.exitCode, undefined);
  });

  it('resolves relative paths against its folder, then gives the test its own folder back', async () => {
    const dir = await tempDir();
    const before = process.cwd();
    const result = await runCli(
      [
        'assess',
        '--snapshot',
        fixture('healthy'),
        '--target',
        'v0.37.2',
        '--no-backup',
        '--report',
        'r.md',
        '--json',
        'a.json',
      ],
      { cwd: dir },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'r.md']);
    assert.equal(process.cwd(), before);
  });

  it('reads the environment it is given, not the test process’s', async () => {
    const dir = await tempDir();
    const summary = join(dir, 'summary.md');
    await writeFile(summary, '');
    const result = await runCli(
      [
        'assess',
        '--snapshot',
        fixture('healthy'),
        '--target',
        'v0.37.2',
        '--no-backup',
        '--report',
        join(dir, 'r.md'),
      ],
      { env: { GITHUB_STEP_SUMMARY: summary } },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(await readFile(summary, 'utf8'), /^# CozyStack upgrade assessment: GO/);
    assert.equal(process.env.GITHUB_STEP_SUMMARY === summary, false);
  });
});
