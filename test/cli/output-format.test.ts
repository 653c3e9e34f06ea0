import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveGlobals } from '../../src/cli/globals.js';
import { requireOutputFormat } from '../../src/cli/output-format.js';
import { BadInputError } from '../../src/errors.js';

describe('requireOutputFormat', () => {
  it('returns a format the command prints', () => {
    const globals = resolveGlobals({ output: 'md' }, {});
    assert.equal(requireOutputFormat(globals, 'path', ['table', 'json', 'markdown']), 'markdown');
  });

  it('rejects any other with exit 2, naming the command, what it prints, the field and the hint', () => {
    const globals = resolveGlobals({ output: 'yaml' }, {});
    assert.throws(
      () => requireOutputFormat(globals, 'check', ['table', 'json', 'junit'], 'run assess'),
      (error: unknown) =>
        error instanceof BadInputError &&
        error.exitCode === 2 &&
        error.field === 'output' &&
        error.hint === 'run assess' &&
        error.message === "-o/--output: 'check' prints table, json or junit, not yaml",
    );
  });
});
