// `cozy-assess completion bash|zsh|fish` through the built CLI: the script each shell loads, asked what it
// completes as the shell would ask it (bash: the function with COMP_WORDS; zsh: the same through bashcompinit;
// fish: `complete -C`). Contexts come from the kubeconfig through the hidden `__contexts` command. A shell that
// is not installed is skipped.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { formatsFor } from '../../src/cli/formats.js';
import { GLOBAL_FLAGS_OF } from '../../src/cli/program.js';
import { CLI_BIN, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const tempDir = tempDirs('cozy-completion-');
const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;

/** A kubeconfig with one cluster and user, and a context of each name (the first one current). */
function writeKubeconfig(path: string, contexts: string[]): Promise<void> {
  return writeFile(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443' } }],
      users: [{ name: 'u', user: {} }],
      contexts: contexts.map((name) => ({ name, context: { cluster: 'c', user: 'u' } })),
      'current-context': contexts[0],
    }),
  );
}

let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = await tempDir();
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await symlink(CLI_BIN, join(bin, 'cozy-assess'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfig, ['prod', 'staging']);
  for (const shell of ['bash', 'zsh', 'fish']) {
    const script = await runCli(['completion', shell]);
    assert.equal(script.code, 0, script.stderr);
    await writeFile(join(dir, `completion.${shell}`), script.stdout);
  }
  env = { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: kubeconfig, HOME: dir };
});

function shell(program: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(program, args, { cwd: dir, env, timeout: 60_000 }, (error, stdout, stderr) =>
      error ? fail(new Error(`${program}: ${stderr || error.message}`)) : done(stdout),
    );
  });
}

/** What the completion function offers for a command line whose last word is being typed. */
const bashHarness = (source: string, setup = '') => `
${setup}
source ${source}
try() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _cozy_assess; printf '%s\\n' "\${COMPREPLY[@]}"; }
try "$@"`;

const lines = (text: string) => text.split('\n').filter(Boolean).sort();
const TOP_COMMANDS = Object.keys(GLOBAL_FLAGS_OF)
  .filter((p) => !p.includes(' '))
  .sort();
const ASSESS_FORMATS = [...formatsFor('assessment')].sort();
/** Some of assess's own flags and of the global ones, which completing `assess --` offers. */
const ASSESS_FLAGS = [
  '--target',
  '--no-backup',
  '--encrypt-secrets',
  '--kubeconfig',
  '--context',
  '--output',
];

describe('completion', () => {
  it('refuses a shell it does not know, naming the ones it does (exit 2)', async () => {
    const result = await runCli(['completion', 'powershell']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bash, zsh, fish/);
  });

  it('__contexts lists the kubeconfig contexts (and nothing, quietly, without one)', async () => {
    const listed = await shell(CLI_BIN, ['__contexts']);
    assert.deepEqual(lines(listed), ['prod', 'staging']);
    const none = await runCli(['__contexts'], { env: { KUBECONFIG: join(dir, 'missing'), HOME: dir } });
    assert.equal(none.code, 0);
    assert.equal(none.stdout, '');
  });

  describe('bash', { skip: has('bash') ? false : 'bash is not installed' }, () => {
    const complete = async (...words: string[]) =>
      lines(
        await shell('bash', [
          '-c',
          bashHarness(join(dir, 'completion.bash')),
          'bash',
          'cozy-assess',
          ...words,
        ]),
      );

    it('commands, subcommands and the shell names', async () => {
      assert.deepEqual(await complete(''), TOP_COMMANDS);
      assert.deepEqual(await complete('backup', ''), ['verify']);
      assert.deepEqual(await complete('completion', ''), ['bash', 'fish', 'zsh']);
    });

    it("a command's own flags with the global ones, and -o values per command", async () => {
      const flags = await complete('assess', '--');
      for (const flag of ASSESS_FLAGS)
        assert.ok(flags.includes(flag), `${flag} missing from ${flags.join(' ')}`);
      assert.ok(!(await complete('check', '--')).includes('--no-backup'));
      assert.deepEqual(await complete('assess', '-o', ''), ASSESS_FORMATS);
      assert.ok(!(await complete('check', '-o', '')).includes('markdown'));
      assert.deepEqual(await complete('check', '--fail-on', ''), ['fail', 'warn']);
    });

    it('contexts from the kubeconfig', async () => {
      assert.deepEqual(await complete('--context', ''), ['prod', 'staging']);
      assert.deepEqual(await complete('check', '--context', 'st'), ['staging']);
    });
  });

  describe('zsh', { skip: has('zsh') ? false : 'zsh is not installed' }, () => {
    it('loads under compinit and offers the same through bashcompinit', async () => {
      // zsh arrays start at 1; bashcompinit passes COMP_CWORD 0-based, as the harness does here.
      const harness = `autoload -U compinit && compinit -u
source ${join(dir, 'completion.zsh')}
try() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _cozy_assess; print -l -- "\${COMPREPLY[@]}"; }
try "$@"`;
      const offered = async (...words: string[]) =>
        lines(await shell('zsh', ['-f', '-c', harness, 'zsh', 'cozy-assess', ...words]));
      // zsh filters by the typed prefix itself: the function offers every candidate.
      assert.ok((await offered('as')).includes('assess'));
      assert.deepEqual(await offered('assess', '-o', ''), ASSESS_FORMATS);
      assert.deepEqual(await offered('--context', ''), ['prod', 'staging']);
    });
  });

  describe('fish', { skip: has('fish') ? false : 'fish is not installed' }, () => {
    const complete = async (line: string) =>
      lines(await shell('fish', ['-c', `source ${join(dir, 'completion.fish')}; complete -C '${line}'`])).map(
        (l) => l.split('\t')[0]!,
      );

    it('commands with descriptions, flags, -o values, contexts', async () => {
      assert.deepEqual(await complete('cozy-assess as'), ['assess']);
      assert.deepEqual(await complete('cozy-assess backup '), ['verify']);
      assert.deepEqual(await complete('cozy-assess check -o j'), ['json', 'junit']);
      assert.deepEqual(await complete('cozy-assess --context '), ['prod', 'staging']);
      assert.ok((await complete('cozy-assess assess --no-')).includes('--no-backup'));
      assert.ok(!(await complete('cozy-assess check --no-')).includes('--no-backup'));
    });
  });
});

// kubectl's plugin completion: kubectl runs `kubectl_complete-cozy_assess` with the words typed after
// `kubectl cozy-assess` (the last one being completed) and reads one choice a line, then `:<cobra directive>`.
// In-process here (main's `__complete`); test/package.test.ts asks kubectl itself.
describe('kubectl plugin completion (__complete, what kubectl_complete-cozy_assess prints)', () => {
  const complete = async (...words: string[]) => {
    const result = await runCli(['__complete', ...words], { env: { KUBECONFIG: join(dir, 'kubeconfig') } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const printed = result.stdout.split('\n').filter(Boolean);
    const directive = printed.pop();
    assert.match(directive ?? '', /^:\d+$/, `no directive line in ${JSON.stringify(result.stdout)}`);
    return {
      choices: printed.map((l) => l.split('\t')[0]!).sort(),
      printed,
      directive: Number(directive!.slice(1)),
    };
  };
  const NO_FILES = 4;
  const DIRS = 16;
  const FILES = 0;

  it('commands with their descriptions, subcommands and the shell names; never files', async () => {
    const all = await complete('');
    assert.deepEqual(all.choices, TOP_COMMANDS);
    assert.equal(all.directive, NO_FILES);
    assert.ok(
      all.printed.includes(
        `assess\trun checks, upgrade path, backup and decision; write the go/no-go report`,
      ),
    );
    assert.deepEqual((await complete('as')).choices, ['assess']);
    assert.deepEqual((await complete('backup', '')).choices, ['verify']);
    assert.deepEqual((await complete('completion', '')).choices, ['bash', 'fish', 'zsh']);
  });

  it("a command's own flags with the global ones, -o values per command, choices of a flag", async () => {
    const flags = (await complete('assess', '--')).choices;
    for (const flag of ASSESS_FLAGS)
      assert.ok(flags.includes(flag), `${flag} missing from ${flags.join(' ')}`);
    assert.ok(!(await complete('check', '--')).choices.includes('--no-backup'));
    assert.deepEqual((await complete('assess', '-o', '')).choices, ASSESS_FORMATS);
    assert.deepEqual((await complete('check', '-o', 'j')).choices, ['json', 'junit']);
    assert.deepEqual((await complete('check', '--fail-on', '')).choices, ['fail', 'warn']);
    assert.deepEqual((await complete('check', '--fail-on=w')).choices, ['--fail-on=warn']);
  });

  it('contexts from the kubeconfig (KUBECONFIG or --kubeconfig), and none from one that cannot be read', async () => {
    assert.deepEqual((await complete('assess', '--context', '')).choices, ['prod', 'staging']);
    assert.deepEqual((await complete('--context=st')).choices, ['--context=staging']);
    const other = join(dir, 'kubeconfig-other');
    await writeKubeconfig(other, ['lab']);
    assert.deepEqual((await complete('--kubeconfig', other, 'check', '--context', '')).choices, ['lab']);
    const broken = join(dir, 'kubeconfig-broken');
    await writeFile(broken, 'contexts: [unclosed');
    const none = await complete('--kubeconfig', broken, 'check', '--context', '');
    assert.deepEqual(none.choices, []);
    assert.equal(none.directive, NO_FILES);
  });

  it('a value after a flag that takes one is not the command; folders and files are left to the shell', async () => {
    assert.ok((await complete('--context', 'prod', 'assess', '--no-')).choices.includes('--no-backup'));
    assert.equal((await complete('assess', '--snapshot', '')).directive, DIRS);
    assert.equal((await complete('backup', 'verify', '')).directive, DIRS);
    assert.equal((await complete('assess', '--config', '')).directive, FILES);
    const target = await complete('assess', '--target', '');
    assert.deepEqual(target.choices, []);
    assert.equal(target.directive, NO_FILES);
  });
});
