import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderGithubAnnotations } from '../../src/report/annotations.js';
import { finding } from '../support/findings.js';

describe('GitHub annotations', () => {
  const findings = [
    finding('kube-ovn', {
      summary: 'daemon down on 2 nodes\nsecond line',
      remediation: 'restart, 100% sure',
    }),
    finding('restarts', { status: 'warn', blocking: false, summary: 'many restarts' }),
    finding('pods', { scope: 'tenant', blocking: false, summary: 'tenant app down' }),
    finding('hidden', { suppressed: { reason: 'accepted', until: '2027-01-01' } }),
    finding('helmreleases', { status: 'unknown', unknownReason: 'helmreleases forbidden' }),
    finding('quiet', { status: 'pass' }),
  ];

  it('errors for blocking and unknown blocking findings, warnings for warnings and tenant failures, nothing else', () => {
    const lines = renderGithubAnnotations(findings, 'fail');
    assert.equal(lines.length, 4);
    assert.match(
      lines[0]!,
      /^::error title=cozy-assess blocking%3A kube-ovn\S*::daemon down on 2 nodes%0Asecond line \(restart, 100%25 sure\)$/,
    );
    assert.match(lines[1]!, /^::warning title=cozy-assess warning%3A restarts/);
    assert.match(lines[2]!, /^::warning title=cozy-assess tenant warning%3A pods/);
    assert.match(
      lines[3]!,
      /^::error title=cozy-assess unknown \(INCOMPLETE\)%3A helmreleases\S*::.*helmreleases forbidden$/,
    );
    assert.ok(lines.every((l) => !l.includes('hidden') && !l.includes('quiet')));
  });

  it('with --fail-on warn a platform warning is an error; a tenant one still only warns', () => {
    const lines = renderGithubAnnotations(findings, 'warn');
    assert.match(lines[1]!, /^::error title=cozy-assess warning \(--fail-on warn\)%3A restarts/);
    assert.match(lines[2]!, /^::warning title=cozy-assess tenant warning%3A pods/);
  });
});
