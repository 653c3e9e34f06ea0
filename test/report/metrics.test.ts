// The readiness samples of one assessment: one verdict series per verdict, findings counted by their four
// labels (suppressed ones left out, as they never gate), both bounds of both options, the gap when known.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import { readinessSamples } from '../../src/report/metrics.js';
import { seedLikeParts } from '../decide/inputs.js';
import { finding } from '../support/findings.js';

describe('readiness samples', () => {
  const assessment = buildAssessment(seedLikeParts());

  it('the verdict is 1 on its own series and 0 on the two others', () => {
    const samples = readinessSamples(assessment).verdict;
    assert.deepEqual(
      samples.map((s) => [s.labels.verdict, s.value]),
      [
        ['GO', assessment.verdict === 'GO' ? 1 : 0],
        ['NO-GO', assessment.verdict === 'NO-GO' ? 1 : 0],
        ['INCOMPLETE', assessment.verdict === 'INCOMPLETE' ? 1 : 0],
      ],
    );
  });

  it('findings are counted per check, status, scope and blocking; suppressed ones are not counted', () => {
    const findings = [
      finding('pods', { id: 'pods:a' }),
      finding('pods', { id: 'pods:b' }),
      finding('pods', { id: 'pods:c', scope: 'tenant', blocking: false, status: 'warn' }),
      finding('pods', { id: 'pods:d', suppressed: { reason: 'known' } }),
      finding('nodes', { id: 'nodes', status: 'unknown' }),
    ];
    const samples = readinessSamples({ ...assessment, findings }).findings;
    assert.deepEqual(
      samples.map((s) => [s.labels, s.value]),
      [
        [{ check: 'nodes', status: 'unknown', scope: 'platform', blocking: 'true' }, 1],
        [{ check: 'pods', status: 'fail', scope: 'platform', blocking: 'true' }, 2],
        [{ check: 'pods', status: 'warn', scope: 'tenant', blocking: 'false' }, 1],
      ],
    );
  });

  it('both options with both bounds: hours as they are, success as a ratio', () => {
    const samples = readinessSamples(assessment);
    const a = assessment.options.A;
    assert.deepEqual(
      samples.optionHours.filter((s) => s.labels.option === 'A').map((s) => [s.labels.bound, s.value]),
      [
        ['min', a.hoursMin],
        ['max', a.hoursMax],
      ],
    );
    assert.deepEqual(
      samples.optionSuccessRatio.filter((s) => s.labels.option === 'A').map((s) => s.value),
      [a.successMin / 100, a.successMax / 100],
    );
    assert.equal(samples.rootCauses, assessment.rootCauses.length);
  });

  it('the minor gap is null (no series) when the installed release is unknown', () => {
    assert.equal(readinessSamples(assessment).versionMinorGap, assessment.version.minorGap);
    const unknown = { ...assessment, version: { ...assessment.version, minorGap: null } };
    assert.equal(readinessSamples(unknown).versionMinorGap, null);
  });
});
