// The command-line frame: help, version and internal errors (exit 1, short, stack only with -v) through the built
// binary; usage errors (exit 2, one line and a hint) and bad flag values in-process.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { exitCodeForError } from '../../src/cli/main.js';
import { BadInputError } from '../../src/errors.js';
import { CLI_BIN, REPO_ROOT as ROOT, runBinary, runCli } from '../support/cli.js';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { tempDirs } from '../support/temp.js';

const cli = (...args: string[]) => runCli(args);

let dir: string;
/** `--import` this to make any import whose specifier contains one of `blocked` fail (a module-resolve hook). */
async function blockingImports(name: string, blocked: string[], message: string): Promise<string> {
  const hooks = join(dir, `${name}-hooks.mjs`);
  await writeFile(
    hooks,
    `const blocked = ${JSON.stringify(blocked)};
export async function resolve(specifier, context, next) {
  if (blocked.some((b) => specifier.includes(b))) throw new Error(${JSON.stringify(message)});
  return next(specifier, context);
}\n`,
  );
  const register = join(dir, `${name}-register.mjs`);
  await writeFile(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  return register;
}

const tempDir = tempDirs('cozy-cli-');
before(async () => {
  assert.ok(existsSync(CLI_BIN), 'build first: npm run build');
  dir = await tempDir();
});

describe('help and version', () => {
  it('prints help with examples and exit codes on stdout, exit 0, without loading the Kubernetes client, a renderer, YAML or zod', async () => {
    const noKube = await blockingImports(
      'nokube-help',
      ['@kubernetes/client-node', '/report/', 'yaml', 'zod'],
      'a module --help does not need was loaded',
    );
    // the hook is effective: importing the client under it fails
    const control = await new Promise<number>((done) =>
      execFile(
        process.execPath,
        ['--import', noKube, '-e', "await import('@kubernetes/client-node')", '--input-type=module'],
        { cwd: ROOT },
        (e) => done(e ? 1 : 0),
      ),
    );
    assert.equal(control, 1);
    const result = await runBinary(['--help'], { nodeArgs: ['--import', noKube] });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Usage: cozy-assess \[options\] \[command\]/);
    assert.match(result.stdout, /Examples:\n\s+\$ cozy-assess assess --snapshot fixtures\/seed-incident/);
    assert.match(result.stdout, /Exit codes: 0 GO, 1 internal error, 2 bad input, 3 NO-GO, 4 INCOMPLETE\./);
    for (const command of ['assess', 'check', 'path', 'backup', 'snapshot', 'report', 'diff']) {
      assert.match(result.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
    }
    const sub = await runBinary(['check', '--help'], { nodeArgs: ['--import', noKube] });
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /--fail-on <level>/);
    assert.match(sub.stdout, /--plugin <file>/);
  });

  it('a run on a snapshot loads nothing of the Kubernetes client', async () => {
    const noKube = await blockingImports('nokube', ['@kubernetes/client-node'], 'client-node was loaded');
    const report = join(dir, 'snapshot-report.md');
    const args = ['assess', '--snapshot', 'fixtures/healthy', '--target', 'v0.37.2', '--no-backup'];
    const result = await runBinary([...args, '--report', report], { nodeArgs: ['--import', noKube] });
    assert.equal(result.code, 0, result.stderr);
  });

  it("a live run loads only the kubeconfig part of the client (the build's bundle), not its main module", async () => {
    const noMain = await blockingImports('nomain', ['@kubernetes/client-node'], 'client-node was loaded');
    const server = await startFakeApiServer({ snapshotDir: 'fixtures/healthy', token: 't' });
    try {
      const args = ['--kubeconfig', server.kubeconfigPath, '--now', '2025-10-24T12:00:00Z', 'check'];
      const result = await runBinary(args, { nodeArgs: ['--import', noMain] });
      assert.equal(result.code, 0, result.stderr);
      assert.ok(
        server.requestLog.some((r) => r.path === '/api/v1/pods'),
        'it read the cluster',
      );
    } finally {
      await server.close();
    }
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runBinary(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout.trim(), pkg.version);
  });
});

describe('usage errors: exit 2, one line and a hint', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown option', ['--bogus'], /^error: unknown option '--bogus'$/],
    ['unknown option of a command', ['check', '--bogus'], /^error: unknown option '--bogus'$/],
    ['unknown command', ['bogus'], /^error: unknown command 'bogus'$/],
    [
      'bad --fail-on',
      ['check', '--fail-on', 'never'],
      /^error: option '--fail-on <level>' argument 'never' is invalid/,
    ],
    ['missing argument', ['backup', 'verify'], /^error: missing required argument 'dir'$/],
  ];
  for (const [name, args, first] of cases) {
    it(name, async () => {
      const result = await cli(...args);
      assert.equal(result.code, 2);
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, result.stderr);
      assert.match(lines[0]!, first);
      assert.match(lines[1]!, /--help/);
      assert.equal(result.stdout, '');
    });
  }

  const values: Array<[string, string[], RegExp, RegExp]> = [
    [
      '--request-timeout',
      ['--request-timeout', '5x', 'check'],
      /--request-timeout: '5x' is not a duration/,
      /500ms, 30s, 2m/,
    ],
    ['--timeout', ['--timeout', 'soon', 'check'], /--timeout: 'soon' is not a duration/, /500ms/],
    [
      '--now',
      ['--now', 'yesterday', 'check'],
      /--now: 'yesterday' is not an RFC 3339 time/,
      /2026-11-20T12:00:00Z/,
    ],
    ['--now without zone', ['--now', '2026-11-20T12:00:00', 'check'], /is not an RFC 3339 time/, /example/],
    ['-o', ['-o', 'xml', 'check'], /-o\/--output: unknown format 'xml'/, /table, json, junit/],
    ['--concurrency', ['--concurrency', '0', 'check'], /--concurrency: '0' is not a whole number/, /^$/],
  ];
  for (const [name, args, message, hint] of values) {
    it(`bad ${name} value`, async () => {
      const result = await cli(...args);
      assert.equal(result.code, 2);
      const lines = result.stderr.trimEnd().split('\n');
      assert.ok(lines.length <= 2, result.stderr);
      assert.match(lines[0]!, /^error: /);
      assert.match(lines[0]!, message);
      if (lines[1] !== undefined) assert.match(lines[1], /^hint: /);
      assert.match(lines[1]?.replace(/^hint: /, '') ?? '', hint);
    });
  }
});

describe('internal errors: exit 1, short, stack only with -v', () => {
  it('reports an unexpected exception as a bug with a short message', async () => {
    // A failing import of the command module is an unexpected exception inside the tool.
    const broken = await blockingImports(
      'broken',
      ['commands/report.js'],
      'simulated failure inside cozy-assess',
    );
    const result = await runBinary(['report', 'x.json'], { nodeArgs: ['--import', broken] });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^internal error: .*simulated failure inside cozy-assess/);
    assert.match(result.stderr, /This is a bug in cozy-assess .*report it at .*with -v\./);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    assert.ok(result.stderr.trim().split('\n').length <= 2, result.stderr);

    const verbose = await runBinary(['-v', 'report', 'x.json'], { nodeArgs: ['--import', broken] });
    assert.equal(verbose.code, 1);
    assert.match(verbose.stderr, /^\s+at /m);
  });

  it('maps error kinds to exit codes (unit)', () => {
    const lines: string[] = [];
    assert.equal(
      exitCodeForError(new Error('boom'), false, (l) => lines.push(l)),
      1,
    );
    assert.equal(
      lines.some((l) => /^\s+at /m.test(l)),
      false,
    );
    const bad = new BadInputError(
      'cozy.yaml: checks.x: unknown check',
      'cozy.yaml',
      'checks.x',
      'known checks: a',
    );
    const out: string[] = [];
    assert.equal(
      exitCodeForError(bad, false, (l) => out.push(l)),
      2,
    );
    assert.deepEqual(out, ['error: cozy.yaml: checks.x: unknown check', 'hint: known checks: a']);
  });
});
