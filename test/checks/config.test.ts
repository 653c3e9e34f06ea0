import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  globMatch,
  isSuppressionActive,
  SuppressionRuleSchema,
  suppressionExpiry,
} from '../../src/checks/config.js';
import type { Check } from '../../src/checks/types.js';
import { parseConfigText } from '../../src/cli/config-file.js';
import { BadInputError } from '../../src/errors.js';

const restarts: Check = {
  id: 'restarts',
  title: 'Restart history',
  description: '',
  defaultSeverity: 'warning',
  blocking: false,
  needs: ['pods'],
  paramsSchema: z.strictObject({ longTermDays: z.number().default(30) }),
  run: () => [],
};
const nodes: Check = { ...restarts, id: 'node-health', paramsSchema: undefined };
const known = [restarts, nodes];

function badInput(text: string): BadInputError {
  try {
    parseConfigText(text, 'cozy.yaml', known);
  } catch (error) {
    assert.ok(error instanceof BadInputError, `expected BadInputError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    return error;
  }
  assert.fail('expected the config to be rejected');
}

describe('config file', () => {
  it('reads checks, suppressions and a raw decision section', () => {
    const config = parseConfigText(
      [
        'checks:',
        '  restarts: { enabled: true, severity: critical, blocking: true, params: { longTermDays: 60 } }',
        '  node-health: { enabled: false }',
        'suppressions:',
        '  - { check: restarts, id: "restarts:tenant-*", reason: "tenant owns it", until: 2027-01-31 }',
        'decision:',
        '  hoursPerStep: 4',
      ].join('\n'),
      'cozy.yaml',
      known,
    );
    assert.equal(config.checks.restarts?.params?.longTermDays, 60);
    assert.equal(config.checks['node-health']?.enabled, false);
    assert.deepEqual(config.suppressions, [
      { check: 'restarts', id: 'restarts:tenant-*', reason: 'tenant owns it', until: '2027-01-31' },
    ]);
    assert.deepEqual(config.decision, { hoursPerStep: 4 });
  });

  it('accepts an empty file as all defaults', () => {
    assert.deepEqual(parseConfigText('', 'cozy.yaml', known).checks, {});
  });

  it('names the file and the field path of a bad param (checked by the check schema)', () => {
    const error = badInput('checks:\n  restarts:\n    params:\n      longTermDays: soon\n');
    assert.match(error.message, /^cozy\.yaml: .*checks\.restarts\.params\.longTermDays: .*expected number/);
    assert.equal(error.field, 'checks.restarts.params.longTermDays');
  });

  it('names an unknown check id and lists the known ones', () => {
    const error = badInput('checks:\n  restart: { enabled: false }\n');
    assert.match(error.message, /cozy\.yaml: checks\.restart: unknown check 'restart'/);
    assert.match(error.hint ?? '', /node-health, restarts/);
    const inSuppression = badInput('suppressions:\n  - { check: nope, reason: r, until: 2027-01-01 }\n');
    assert.match(inSuppression.message, /suppressions\[0\]\.check: unknown check 'nope'/);
  });

  it('requires a reason and a valid until on suppressions', () => {
    assert.match(
      badInput('suppressions:\n  - { check: restarts, until: 2027-01-01 }\n').message,
      /suppressions\[0\]\.reason/,
    );
    assert.match(
      badInput('suppressions:\n  - { check: restarts, reason: "  ", until: 2027-01-01 }\n').message,
      /suppressions\[0\]\.reason: a reason is required/,
    );
    assert.match(
      badInput('suppressions:\n  - { check: restarts, reason: r }\n').message,
      /suppressions\[0\]\.until/,
    );
    assert.match(
      badInput('suppressions:\n  - { check: restarts, reason: r, until: next week }\n').message,
      /suppressions\[0\]\.until: expected a date/,
    );
  });

  it('rejects unknown keys, wrong types and bad YAML with the position', () => {
    assert.match(badInput('chekcs: {}\n').message, /cozy\.yaml: invalid config: .*chekcs/);
    assert.match(badInput('checks:\n  restarts: { enabled: "yes" }\n').message, /checks\.restarts\.enabled/);
    assert.match(badInput('checks:\n  restarts: { severity: huge }\n').message, /checks\.restarts\.severity/);
    assert.match(badInput('checks: [\n').message, /^cozy\.yaml: not valid YAML at line \d+, column \d+/);
  });
});

describe('suppression rules', () => {
  it('keeps a day-only until valid through that whole day (UTC)', () => {
    assert.equal(suppressionExpiry('2026-11-20'), Date.parse('2026-11-21T00:00:00Z'));
    assert.equal(isSuppressionActive({ until: '2026-11-20' }, '2026-11-20T23:59:59Z'), true);
    assert.equal(isSuppressionActive({ until: '2026-11-20' }, '2026-11-21T00:00:00Z'), false);
    assert.equal(isSuppressionActive({ until: '2026-11-20T12:00:00Z' }, '2026-11-20T12:00:00Z'), false);
  });

  it('accepts a Date from YAML loaders that resolve timestamps', () => {
    const rule = SuppressionRuleSchema.parse({
      check: 'a',
      reason: 'r',
      until: new Date('2027-01-01T00:00:00Z'),
    });
    assert.equal(rule.until, '2027-01-01T00:00:00.000Z');
  });

  it('globs with * and ? and treats regex characters literally', () => {
    assert.equal(globMatch('pods:tenant-*', 'pods:tenant-a/api'), true);
    assert.equal(globMatch('n?', 'n1'), true);
    assert.equal(globMatch('n?', 'n10'), false);
    assert.equal(globMatch('a.b', 'axb'), false);
    assert.equal(globMatch('(x)', '(x)'), true);
  });
});
