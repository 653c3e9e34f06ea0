// Plugins cannot hang the run (issue 12): a plugin's code runs in a thread of its own, bounded by
// --plugin-timeout and by the run's abort. A check whose run() loops is `unknown` ("did not finish in …") and the
// run goes on, with the exit code the policy gives; a module that does not finish loading is bad input naming
// the file; --timeout and SIGTERM still end a run whose plugin is stuck. In-process on fixtures/healthy (GO
// without plugins), and through the binary for the signal.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkJson } from '../support/check-output.js';
import type { Finding } from '../../src/model/finding.js';
import {
  describeRun,
  fixture,
  type GuardedResult,
  runGuarded,
  runGuardedInProcess,
  tempFolder,
  waitFor,
} from './guard.js';

const dir = await tempFolder('cozy-hostile-plugins-');

/** A plugin check's source; `run` is the body of its run(inventory) method. */
const checkSource = (id: string, blocking: boolean, run: string) =>
  `{ id: '${id}', title: '${id}', description: '', defaultSeverity: 'warning', blocking: ${blocking}, needs: [],
     run(inventory) { ${run} } }`;

/** A run() that returns one passing finding. */
const passes = (id: string) =>
  `return [{ check: '${id}', id: '${id}', title: '${id}', status: 'pass', severity: 'info', blocking: false,
    scope: 'cluster', summary: 'ran on ' + inventory.nodes.length + ' nodes', nodes: [], objects: [], evidence: [] }];`;

async function plugin(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return path;
}

/** `check` on the healthy fixture with these plugins, as JSON; a net of 60 s marks a run that does not end. */
const check = (plugins: string[], ...extra: string[]): Promise<GuardedResult> =>
  runGuardedInProcess(
    [
      'check',
      '--snapshot',
      fixture('healthy'),
      ...plugins.flatMap((p) => ['--plugin', p]),
      '--plugin-timeout',
      '1s',
      '-o',
      'json',
      ...extra,
    ],
    { hungAfterMs: 60_000 },
  );

const byCheck = (result: GuardedResult, id: string): Finding | undefined =>
  checkJson({ code: result.code ?? -1, stdout: result.stdout, stderr: result.stderr }).findings.find(
    (f) => f.check === id,
  );

/** The built-in checks all ran: the plugin stopped only itself. */
function assertBuiltinsRan(result: GuardedResult): void {
  for (const id of ['kube-ovn', 'node-health', 'pod-failures', 'workload-availability']) {
    assert.equal(byCheck(result, id)?.status, 'pass', `${id} ran: ${describeRun(result)}`);
  }
}

describe('plugins cannot hang the run', () => {
  it('run() that loops: that check is unknown ("did not finish in 1s"), the next check of the module runs in a new thread, the built-ins run, exit 4 (a blocking check unknown)', async () => {
    const file = await plugin(
      'loops.mjs',
      `export default [${checkSource('loops-in-run', true, 'for (;;) {}')}, ${checkSource('after-the-loop', false, passes('after-the-loop'))}];\n`,
    );
    const result = await check([file]);
    assert.equal(result.hung, false, describeRun(result));
    assert.equal(result.code, 4, describeRun(result));
    const stuck = byCheck(result, 'loops-in-run');
    assert.equal(stuck?.status, 'unknown');
    assert.match(
      stuck?.unknownReason ?? '',
      /run\(\) did not finish in 1s \(--plugin-timeout\); its thread was stopped/,
    );
    assert.equal(byCheck(result, 'after-the-loop')?.status, 'pass');
    assert.match(
      byCheck(result, 'after-the-loop')?.summary ?? '',
      /ran on \d+ nodes/,
      'the inventory crossed to the thread',
    );
    assertBuiltinsRan(result);
  });

  it('run() returning a Promise that never resolves is unknown at once, not awaited', async () => {
    const file = await plugin(
      'never-resolves.mjs',
      `export default ${checkSource('never-resolves', true, 'return new Promise(() => {});')};\n`,
    );
    const result = await check([file]);
    assert.equal(result.code, 4, describeRun(result));
    assert.match(byCheck(result, 'never-resolves')?.unknownReason ?? '', /returned a Promise/);
  });

  it('a module that loops at import, or awaits forever at its top level: exit 2 naming the file, before the cluster is read', async () => {
    const loops = await plugin(
      'import-loops.mjs',
      `for (;;) {}\nexport default ${checkSource('x', true, 'return [];')};\n`,
    );
    const awaits = await plugin(
      'import-awaits.mjs',
      `await new Promise(() => {});\nexport default ${checkSource('y', true, 'return [];')};\n`,
    );
    for (const file of [loops, awaits]) {
      const result = await check([file]);
      assert.equal(result.hung, false, describeRun(result));
      assert.equal(result.code, 2, describeRun(result));
      assert.match(
        result.stderr,
        new RegExp(
          `--plugin .*${file.split('/').pop()}: did not finish loading in 1s \\(--plugin-timeout\\)`,
        ),
      );
      assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?\n/, 'no stack trace');
    }
  });

  it('a module that loads, then loops when it is imported again to run the rest: those checks are unknown, the run goes on (non-blocking: GO, exit 0)', async () => {
    // The first import (when loaded) leaves a mark; the thread that replaces the stopped one imports it again.
    const mark = join(dir, 'imported-once');
    const file = await plugin(
      'loops-on-reimport.mjs',
      `import { existsSync, writeFileSync } from 'node:fs';
       if (existsSync(${JSON.stringify(mark)})) for (;;) {}
       writeFileSync(${JSON.stringify(mark)}, '');
       export default [${checkSource('first-loops', false, 'for (;;) {}')}, ${checkSource('second', false, passes('second'))}];\n`,
    );
    const result = await check([file]);
    assert.equal(result.code, 0, describeRun(result));
    assert.match(byCheck(result, 'first-loops')?.unknownReason ?? '', /did not finish in 1s/);
    assert.match(
      byCheck(result, 'second')?.unknownReason ?? '',
      /the plugin could not be run: loading the plugin did not finish in 1s/,
    );
    assertBuiltinsRan(result);
  });

  it('--timeout still bounds a run whose plugin is stuck (--plugin-timeout longer): exit 4 naming the check', async () => {
    const file = await plugin('stuck.mjs', `export default ${checkSource('stuck', false, 'for (;;) {}')};\n`);
    const result = await runGuardedInProcess(
      [
        'check',
        '--snapshot',
        fixture('healthy'),
        '--plugin',
        file,
        '--plugin-timeout',
        '10m',
        '--timeout',
        '3s',
      ],
      { hungAfterMs: 60_000 },
    );
    assert.equal(result.hung, false, describeRun(result));
    assert.equal(result.code, 4, describeRun(result));
    assert.match(
      result.stderr,
      /did not finish within --timeout \(3000 ms\) \(it was at: running the check 'stuck' of --plugin/,
    );
  });

  it('refuses --plugin-timeout 0 and a value that is no duration (exit 2)', async () => {
    for (const value of ['0', 'soon']) {
      const result = await runGuardedInProcess([
        'check',
        '--snapshot',
        fixture('healthy'),
        '--plugin-timeout',
        value,
      ]);
      assert.equal(result.code, 2, describeRun(result));
      assert.match(result.stderr, /--plugin-timeout: '.*' (must be more than 0|is not a duration)/);
    }
  });

  it('SIGTERM while a plugin check loops ends the binary with 143 and the line', async () => {
    const started = join(dir, 'run-started');
    const file = await plugin(
      'loops-until-killed.mjs',
      `import { writeFileSync } from 'node:fs';
       export default ${checkSource('until-killed', true, `writeFileSync(${JSON.stringify(started)}, ''); for (;;) {}`)};\n`,
    );
    let sent = false;
    const result = await runGuarded(
      ['check', '--snapshot', fixture('healthy'), '--plugin', file, '--plugin-timeout', '10m'],
      {
        killAfterMs: 45_000,
        onSpawn: (child) => {
          void waitFor(() => existsSync(started), 600).then((ok) => {
            if (!ok) return;
            sent = true;
            child.kill('SIGTERM');
          });
        },
      },
    );
    assert.ok(sent, `the plugin's run() started: ${describeRun(result)}`);
    assert.equal(result.hung, false, describeRun(result));
    assert.equal(result.code, 143, describeRun(result));
    assert.match(result.stderr, /interrupted by SIGTERM/);
  });
});
