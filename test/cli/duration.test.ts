import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, resolveGlobals } from '../../src/cli/globals.js';
import { BadInputError } from '../../src/errors.js';

describe('durations, as kubectl writes them', () => {
  it('Go units, and a bare number as seconds (kubectl --request-timeout 5 is 5 s)', () => {
    assert.equal(parseDuration('500ms', '--request-timeout'), 500);
    assert.equal(parseDuration('30s', '--request-timeout'), 30_000);
    assert.equal(parseDuration('1h30m', '--timeout'), 5_400_000);
    assert.equal(parseDuration('5', '--request-timeout'), 5000);
    assert.equal(parseDuration('0', '--request-timeout'), 0);
    assert.throws(() => parseDuration('5x', '--request-timeout'), BadInputError);
    assert.throws(() => parseDuration('-5', '--request-timeout'), BadInputError);
  });

  it('--request-timeout 5 gives 5000 ms per request', () => {
    assert.equal(resolveGlobals({ requestTimeout: '5' }, {}).requestTimeoutMs, 5000);
  });
});
