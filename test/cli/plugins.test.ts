import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadPlugins, runPluginChecks } from '../../src/cli/plugins.js';
import { BadInputError } from '../../src/errors.js';
import type { Inventory } from '../../src/inventory/types.js';
import { tempDirs } from '../support/temp.js';

let dir: string;
const check = (id: string, extra = '') =>
  `{ id: '${id}', title: 'T ${id}', description: 'd', defaultSeverity: 'info', blocking: false, needs: [], run() { return []; }${extra} }`;

async function file(name: string, source: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, source);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<BadInputError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof BadInputError, String(error));
    assert.equal(error.exitCode, 2);
    return error;
  }
  assert.fail('expected a BadInputError');
}

const tempDir = tempDirs('cozy-plugins-');
before(async () => {
  dir = await tempDir();
});

describe('loadPlugins', () => {
  it('loads a single check and an array of checks, in order', async () => {
    const one = await file('one.mjs', `export default ${check('one')};\n`);
    const many = await file('many.mjs', `export default [${check('two')}, ${check('three')}];\n`);
    const checks = await loadPlugins([one, many], ['kube-ovn']);
    assert.deepEqual(
      checks.map((c) => [c.id, c.title]),
      [
        ['one', 'T one'],
        ['two', 'T two'],
        ['three', 'T three'],
      ],
    );
  });

  it('keeps run bound to the exported object, so plugins may use `this`', async () => {
    const path = await file(
      'this.mjs',
      `export default { ...${check('self')}, limit: 7, run() { return [{ limit: this.limit }]; } };\n`,
    );
    const [loaded] = await loadPlugins([path], []);
    const outcomes = await runPluginChecks(
      {} as Inventory,
      [{ check: loaded!, settings: { enabled: true, params: {} } }],
      {},
    );
    const outcome = outcomes.get('self');
    assert.deepEqual(outcome && 'produced' in outcome ? outcome.produced : outcome, [{ limit: 7 }]);
  });

  it('keeps the role a plugin declares for the decision, and names an unknown one', async () => {
    const path = await file('role.mjs', `export default { ...${check('roled')}, role: 'workload' };\n`);
    const [loaded] = await loadPlugins([path], []);
    assert.equal(loaded!.role, 'workload');
    const bad = await file('badrole.mjs', `export default { ...${check('roled')}, role: 'network' };\n`);
    assert.match(
      (await rejection(loadPlugins([bad], []))).message,
      /badrole\.mjs: invalid plugin check.*role/,
    );
  });

  it('names the field that is wrong, with the array index', async () => {
    const path = await file(
      'badsev.mjs',
      `export default [${check('ok')}, { ...${check('bad')}, defaultSeverity: 'huge' }];\n`,
    );
    const error = await rejection(loadPlugins([path], []));
    assert.match(error.message, /badsev\.mjs: invalid plugin check.*\[1\]\.defaultSeverity/);
    const badId = await file('badid.mjs', `export default { ...${check('x')}, id: 'Not An Id' };\n`);
    assert.match(
      (await rejection(loadPlugins([badId], []))).message,
      /badid\.mjs: .*id: expected a lower-case id/,
    );
  });

  it('rejects a module without a default export, and one whose default is not a check', async () => {
    const none = await file('none.mjs', 'export const check = 1;\n');
    assert.match((await rejection(loadPlugins([none], []))).message, /none\.mjs: no default export/);
    const str = await file('str.mjs', "export default 'hello';\n");
    assert.match((await rejection(loadPlugins([str], []))).message, /str\.mjs: invalid plugin check/);
    const empty = await file('empty.mjs', 'export default [];\n');
    assert.match((await rejection(loadPlugins([empty], []))).message, /empty\.mjs: invalid plugin check/);
  });

  it('rejects ids that clash with a built-in, the config pseudo-check, or another plugin', async () => {
    const builtin = await file('b.mjs', `export default ${check('kube-ovn')};\n`);
    assert.match(
      (await rejection(loadPlugins([builtin], ['kube-ovn']))).message,
      /b\.mjs: check id 'kube-ovn' is already used by a built-in check/,
    );
    const config = await file('c.mjs', `export default ${check('config')};\n`);
    assert.match(
      (await rejection(loadPlugins([config], []))).message,
      /already used by the config pseudo-check/,
    );
    const first = await file('first.mjs', `export default ${check('same')};\n`);
    const second = await file('second.mjs', `export default ${check('same')};\n`);
    assert.match(
      (await rejection(loadPlugins([first, second], []))).message,
      /second\.mjs: check id 'same' is already used by --plugin .*first\.mjs/,
    );
  });

  it('turns a module that throws while loading into bad input naming the file', async () => {
    const path = await file('throws.mjs', "throw new Error('plugin init failed');\n");
    assert.match(
      (await rejection(loadPlugins([path], []))).message,
      /throws\.mjs: cannot be loaded: plugin init failed/,
    );
  });
});
