// The command line's habits, as kubectl, Helm and Flux users expect them: output piped into `head` stops quietly
// with the run's own exit code; every command's --help lists the global flags it reads, two examples and its
// exit codes; FORCE_COLOR forces colour; the default report name never replaces an earlier report; `check`
// writes the GitHub job summary as `assess` does.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { addCompletionCommands } from '../../src/cli/completion.js';
import { buildProgram, GLOBAL_FLAGS_OF, PRINTS_OF } from '../../src/cli/program.js';
import { CLI_BIN, cliEnv, fixture, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const NOW = '2025-10-24T12:00:00Z';
const tempDir = tempDirs('cozy-habits-');

/** `node bin.js ARGS | head -c BYTES`: the CLI's exit code and its stderr. */
function pipedIntoHead(args: string[], bytes: number): Promise<{ code: number; stderr: string }> {
  const script = `"$NODE" "$BIN" "$@" 2>"$ERR" | head -c ${bytes} >/dev/null; echo "\${PIPESTATUS[0]}"`;
  return tempDir().then(
    (dir) =>
      new Promise((done, fail) => {
        const err = join(dir, 'stderr');
        execFile(
          'bash',
          ['-c', script, 'bash', ...args],
          { env: cliEnv({ NODE: process.execPath, BIN: CLI_BIN, ERR: err }), timeout: 120_000 },
          async (error, stdout) => {
            if (error) return fail(error);
            done({ code: Number(stdout.trim()), stderr: await readFile(err, 'utf8') });
          },
        );
      }),
  );
}

describe('output piped into head', () => {
  it('check -o json | head -c 100: no EPIPE, no stack, the verdict as the exit code', async () => {
    const { code, stderr } = await pipedIntoHead(
      ['--snapshot', fixture('seed-incident'), '--now', NOW, '-q', 'check', '-o', 'json'],
      100,
    );
    assert.equal(code, 3);
    assert.doesNotMatch(stderr, /EPIPE|Error|at /);
  });

  it('--help | head -1: exit 0, nothing on stderr', async () => {
    const { code, stderr } = await pipedIntoHead(['--help'], 20);
    assert.equal(code, 0);
    assert.equal(stderr, '');
  });
});

describe('--help of every command', () => {
  it('every command has its global flags listed (a new command must say which it reads)', () => {
    const paths: string[] = [];
    const walk = (command: Command, prefix: string) => {
      for (const sub of command.commands) {
        if ((sub as Command & { _hidden?: boolean })._hidden) continue;
        const path = prefix ? `${prefix} ${sub.name()}` : sub.name();
        paths.push(path);
        walk(sub, path);
      }
    };
    const program = buildProgram(() => async () => {});
    addCompletionCommands(program, { stdout: process.stdout, env: {} });
    walk(program, '');
    assert.deepEqual(
      paths.filter((p) => !(p in GLOBAL_FLAGS_OF)),
      [],
    );
    assert.deepEqual(
      paths.filter((p) => p !== 'completion' && !(p in PRINTS_OF)),
      [],
    );
  });

  for (const [path, flags] of Object.entries(GLOBAL_FLAGS_OF)) {
    it(`${path}: the global flags it reads, two examples, its exit codes`, async () => {
      const help = await runCli([...path.split(' '), '--help']);
      assert.equal(help.code, 0);
      const global = help.stdout.split('Global Options:')[1]?.split('\n\n')[0] ?? '';
      for (const flag of flags) assert.match(global, new RegExp(`${flag}\\b`), `${path}: ${flag}`);
      for (const flag of ['--kubeconfig', '--context', '--snapshot', '--output']) {
        if (!flags.includes(flag))
          assert.doesNotMatch(global, new RegExp(`${flag} `), `${path} lists ${flag}`);
      }
      const examples = help.stdout.split('Examples:')[1] ?? '';
      assert.equal(examples.match(/^ {2}\$ \S/gm)?.length, 2, help.stdout);
      assert.match(help.stdout, /\nExit codes: 0 .*2 /);
    });
  }

  it('the -o formats listed are those each command module prints', async () => {
    const modules: Record<string, string> = {
      assess: 'assess',
      check: 'check',
      path: 'path',
      backup: 'backup',
      'backup verify': 'backup-verify',
      snapshot: 'snapshot',
      report: 'report',
      'plan-migration': 'plan-migration',
      diff: 'diff',
    };
    for (const [path, file] of Object.entries(modules)) {
      const definition = (await import(`../../src/cli/commands/${file}.js`)) as {
        default: { prints: string };
      };
      assert.equal(PRINTS_OF[path], definition.default.prints, path);
    }
  });
});

describe('colour', () => {
  const check = (env: Record<string, string | undefined>, ...flags: string[]) =>
    runCli(['--snapshot', fixture('seed-incident'), '--now', NOW, ...flags, 'check'], { env });
  const coloured = (text: string) => text.includes('\u001b[');

  it('FORCE_COLOR forces colour without a terminal, even with CI and NO_COLOR set', async () => {
    assert.ok(coloured((await check({ FORCE_COLOR: '1' })).stdout));
    assert.ok(!coloured((await check({})).stdout));
  });

  it('FORCE_COLOR=0 and --no-color turn it off', async () => {
    assert.ok(!coloured((await check({ FORCE_COLOR: '0', CI: undefined, NO_COLOR: undefined })).stdout));
    assert.ok(!coloured((await check({ FORCE_COLOR: '1' }, '--no-color')).stdout));
  });
});

describe('the default report name', () => {
  it('never replaces an earlier report: the second run of the day writes -2', async () => {
    const dir = await tempDir();
    const assess = () =>
      runCli(
        [
          '--snapshot',
          fixture('healthy'),
          '--now',
          NOW,
          '-q',
          'assess',
          '--target',
          'v0.37.2',
          '--no-backup',
        ],
        { cwd: dir },
      );
    assert.equal((await assess()).code, 0);
    const first = (await readdir(dir)).filter((f) => f.endsWith('.md'));
    assert.equal(first.length, 1);
    await writeFile(join(dir, first[0]!), 'kept by hand\n');
    const second = await assess();
    assert.equal(second.code, 0);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
    assert.deepEqual(files, [first[0]!, first[0]!.replace(/\.md$/, '-2.md')].sort());
    assert.equal(await readFile(join(dir, first[0]!), 'utf8'), 'kept by hand\n');
    assert.match(second.stdout, /-2\.md/);
  });
});

describe('check and the GitHub job summary', () => {
  it('appends its result, blocking findings first, to GITHUB_STEP_SUMMARY as assess does', async () => {
    const summary = join(await tempDir(), 'summary.md');
    await writeFile(summary, '# earlier step\n');
    const result = await runCli(['--snapshot', fixture('seed-incident'), '--now', NOW, 'check'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    assert.equal(result.code, 3);
    const text = await readFile(summary, 'utf8');
    assert.match(text, /^# earlier step\n## cozy-assess check: blocking findings \(exit 3\)\n/);
    assert.match(text, /### Blocking \(\d+\)\n\n\| check \| finding \| summary \|/);
    assert.match(text, /\| `kube-ovn` \|/);
  });
});
