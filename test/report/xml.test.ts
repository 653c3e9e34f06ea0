import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { renderAssessmentJunit } from '../../src/report/junit.js';
import { finding, seedLikeParts } from '../decide/inputs.js';
import { junitSchemaErrors } from './junit-schema.js';
import { parseXml } from './xml.js';

describe('JUnit of an assessment', () => {
  it('is well-formed XML, valid under the strict JUnit schema, with one test case per check', () => {
    const input = seedLikeParts();
    const tricky = finding({
      check: 'pod-failures',
      id: 'pod-failures:x',
      title: 'a <b> & "c"',
      summary: "it's <broken> & \u0001 worse",
    });
    const assessment = buildAssessment({ ...input, findings: [...input.findings, tricky] });
    const xml = renderAssessmentJunit(assessment);
    assert.deepEqual(junitSchemaErrors(xml), []);
    const elements = parseXml(xml);
    const cases = elements.filter((e) => e.name === 'testcase');
    assert.equal(cases.length, assessment.checks.length);
    assert.equal(elements.filter((e) => e.name === 'failure').length, 4);
  });

  it('the checker rejects what is not well-formed', () => {
    assert.throws(() => parseXml('<a><b></a></b>'), /closes/);
    assert.throws(() => parseXml('<a x="1" x="2"/>'), /duplicate/);
    assert.throws(() => parseXml('<a>1 < 2</a>'), /bad markup/);
    assert.throws(() => parseXml('<a>&nbsp;</a>'), /entity/);
    assert.throws(() => parseXml('<a/><b/>'), /root/);
    assert.equal(parseXml('<?xml version="1.0"?>\n<a k=\'v\'><b/>x &amp; y</a>\n').length, 2);
  });
});
