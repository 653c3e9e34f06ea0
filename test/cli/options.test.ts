import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failOnOption, stringListOption, stringOption } from '../../src/cli/options.js';

describe('command option readers', () => {
  it('stringOption: a string value, else undefined', () => {
    assert.equal(stringOption({ target: 'v0.37.2' }, 'target'), 'v0.37.2');
    assert.equal(stringOption({ target: true }, 'target'), undefined);
    assert.equal(stringOption({}, 'target'), undefined);
  });

  it('stringListOption: the strings of a repeated option, one value as a list of one, nothing as []', () => {
    assert.deepEqual(stringListOption({ plugin: ['a.js', 7, 'b.js'] }, 'plugin'), ['a.js', 'b.js']);
    assert.deepEqual(stringListOption({ plugin: 'a.js' }, 'plugin'), ['a.js']);
    assert.deepEqual(stringListOption({}, 'plugin'), []);
  });

  it('failOnOption: warn only when asked, fail otherwise', () => {
    assert.equal(failOnOption({ failOn: 'warn' }), 'warn');
    assert.equal(failOnOption({ failOn: 'fail' }), 'fail');
    assert.equal(failOnOption({}), 'fail');
  });
});
