// The format table: which formats exist, which kinds of result each renders, and the exit-2 message when a
// command is asked for a format it does not print.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { parse } from 'yaml';
import { FORMAT_NAMES, formatsFor, parseOutputFormat, render, requireFormat } from '../../src/cli/formats.js';
import { BadInputError } from '../../src/errors.js';

describe('the output format table', () => {
  it('names the formats, and reads the aliases md and text', () => {
    assert.deepEqual(FORMAT_NAMES, ['table', 'json', 'junit', 'markdown', 'html', 'yaml']);
    assert.equal(parseOutputFormat('md'), 'markdown');
    assert.equal(parseOutputFormat('text'), 'table');
    assert.throws(
      () => parseOutputFormat('xml'),
      (error: unknown) =>
        error instanceof BadInputError &&
        error.message === "-o/--output: unknown format 'xml'" &&
        error.hint === 'use one of: table, json, junit, markdown, html, yaml',
    );
  });

  it('a kind of result is printed in the formats whose row renders it; json and yaml render every kind', () => {
    assert.deepEqual(formatsFor('assessment'), ['table', 'json', 'junit', 'markdown', 'html', 'yaml']);
    assert.deepEqual(formatsFor('diff'), ['table', 'json', 'markdown', 'yaml']);
    assert.deepEqual(formatsFor('checks'), ['table', 'json', 'junit', 'yaml']);
    assert.deepEqual(formatsFor('plan'), ['table', 'json', 'markdown', 'yaml']);
    for (const kind of ['backup', 'verification', 'snapshot'] as const) {
      assert.deepEqual(formatsFor(kind), ['table', 'json', 'yaml']);
    }
  });

  it('yaml is the JSON document as YAML', () => {
    const snapshot = { path: 'x', objects: 3, files: 2, bytes: 10, skipped: [], exitCode: 0, problems: [] };
    const style = { color: new Chalk({ level: 0 }) };
    const json = render('json', 'snapshot', snapshot, style);
    const yaml = render('yaml', 'snapshot', snapshot, style);
    assert.deepEqual(parse(yaml), JSON.parse(json));
    assert.ok(json.endsWith('}\n') && yaml.endsWith('\n'));
  });

  it('rejects a format the command does not print with exit 2, naming the command, what it prints and the hint', () => {
    assert.doesNotThrow(() => requireFormat('markdown', 'plan', 'path'));
    assert.throws(
      () => requireFormat('markdown', 'checks', 'check', 'run assess'),
      (error: unknown) =>
        error instanceof BadInputError &&
        error.exitCode === 2 &&
        error.field === 'output' &&
        error.hint === 'run assess' &&
        error.message === "-o/--output: 'check' prints table, json, junit or yaml, not markdown",
    );
  });
});
