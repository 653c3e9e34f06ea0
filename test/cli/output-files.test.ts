// The files assess writes for the user (issue 12): two flags naming one file is exit 2 before the cluster is
// read; a file that cannot be written leaves the previous one as it was (whole or not at all); an unwritable
// GITHUB_STEP_SUMMARY is a warning that shows even with --quiet, and the run keeps its verdict.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { writeNewOutputFile, writeOutputFile } from '../../src/cli/output-files.js';
import { BadInputError } from '../../src/errors.js';
import { fixture, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const tempDir = tempDirs('cozy-output-files-');
let dir: string;
before(async () => {
  dir = await tempDir();
});

const assess = (extra: string[]) =>
  runCli(['assess', '--snapshot', fixture('healthy'), '--target', 'v0.37.2', '--no-backup', ...extra]);

describe('assess output files', () => {
  it('refuses --json and --report naming the same file (exit 2) before reading anything', async () => {
    const file = join(dir, 'same.out');
    const result = await assess(['--report', file, '--json', file]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--report and --json both name .*same\.out/);
    assert.doesNotMatch(result.stderr, /Reading/);
  });

  it('keeps the previous report when the new one cannot be written', async () => {
    const locked = join(dir, 'locked');
    await mkdir(locked);
    const report = join(locked, 'report.md');
    await writeFile(report, 'previous report\n');
    await chmod(locked, 0o500);
    try {
      const result = await assess(['--report', report]);
      if (process.getuid?.() === 0) {
        // root writes through the folder's mode: the write succeeds whole instead.
        assert.equal(result.code, 0, result.stderr);
        assert.match(await readFile(report, 'utf8'), /^# CozyStack upgrade assessment: GO/);
      } else {
        assert.equal(result.code, 2, result.stderr);
        assert.equal(await readFile(report, 'utf8'), 'previous report\n');
      }
    } finally {
      await chmod(locked, 0o700);
    }
    assert.deepEqual(
      (await readdir(locked)).filter((f) => f !== 'report.md'),
      [],
      'no temporary file is left',
    );
  });

  it('warns, even with --quiet, when GITHUB_STEP_SUMMARY cannot be appended, and keeps the verdict', async () => {
    const report = join(dir, 'summary-report.md');
    const result = await runCli(
      [
        'assess',
        '--snapshot',
        fixture('healthy'),
        '--target',
        'v0.37.2',
        '--no-backup',
        '--report',
        report,
        '-q',
      ],
      { env: { GITHUB_STEP_SUMMARY: join(dir, 'no-such-folder', 'summary.md') } },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: could not append the job summary to GITHUB_STEP_SUMMARY .*ENOENT/);
  });
});

describe('output-files', () => {
  it('writes into a FIFO as it is, never renaming a plain file over it (as --json /dev/stdout or >(jq) do)', async (t) => {
    const fifo = join(dir, 'pipe');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      t.skip('mkfifo is not available');
      return;
    }
    // The reader is a child with a deadline, so a regression fails here instead of blocking the suite.
    const read = new Promise<string>((done) =>
      execFile('cat', [fifo], { timeout: 5000 }, (_error, stdout) => done(stdout)),
    );
    await writeOutputFile(fifo, '{"verdict":"GO"}\n', '--json');
    assert.ok((await stat(fifo)).isFIFO(), 'the FIFO is still a FIFO');
    assert.equal(await read, '{"verdict":"GO"}\n');
  });

  it('replaces a file whole: the old content or the new, never a cut one', async () => {
    const file = join(dir, 'whole.json');
    await writeFile(file, 'old');
    await writeOutputFile(file, 'new', '--json');
    assert.equal(await readFile(file, 'utf8'), 'new');
    const missingFolder = join(dir, 'nowhere', 'x.json');
    await assert.rejects(writeOutputFile(missingFolder, 'x', '--json'), (error: unknown) => {
      assert.ok(error instanceof BadInputError);
      assert.match(error.message, /--json: cannot write .*x\.json \(ENOENT\)/);
      return true;
    });
  });

  it('takes the next free numbered name and never replaces an existing file', async () => {
    const sub = join(dir, 'numbered');
    await mkdir(sub);
    const names = (n: number) => join(sub, n === 1 ? 'r.md' : `r-${n}.md`);
    await writeFile(names(1), 'first');
    assert.equal(await writeNewOutputFile(names, 'second', '--report'), names(2));
    assert.equal(await writeNewOutputFile(names, 'third', '--report'), names(3));
    assert.equal(await readFile(names(1), 'utf8'), 'first');
    assert.equal(await readFile(names(2), 'utf8'), 'second');
    assert.deepEqual((await readdir(sub)).sort(), ['r-2.md', 'r-3.md', 'r.md']);
  });
});
