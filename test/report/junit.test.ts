import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import { renderJunit, xmlEscape } from '../../src/report/junit.js';
import { finding } from '../support/findings.js';
import { junitSchemaErrors } from './junit-schema.js';

const TIMESTAMP = '2025-10-24T19:31:00.250Z';

/** Tags open and close in order, attributes are quoted, and no raw `<` or `&` sits in text. */
function assertWellFormed(xml: string): void {
  const body = xml.replace(/^<\?xml[^?]*\?>\n/, '');
  const stack: string[] = [];
  const token =
    /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>|([^<]+)/gy;
  let consumed = 0;
  for (let m = token.exec(body); m; m = token.exec(body)) {
    consumed = token.lastIndex;
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], /&(?!(amp|lt|gt|quot|apos);)/, `raw & in text: ${m[5]}`);
      continue;
    }
    if (m[4]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2], `closing </${m[2]}>`);
    else stack.push(m[2]!);
  }
  assert.equal(consumed, body.length, `unparsed XML from: ${body.slice(consumed, consumed + 80)}`);
  assert.deepEqual(stack, []);
}

describe('junit report', () => {
  const findings: Finding[] = [
    finding('kube-ovn', {
      summary: 'socket <missing> & "broken"',
      nodes: ['n1'],
      evidence: [
        {
          kind: 'event',
          namespace: 'tenant-a',
          name: 'pod-1',
          node: 'n1',
          reason: 'FailedCreatePodSandBox',
          message: 'dial unix /run/openvswitch/kube-ovn-daemon.sock: connect: no such file\u0001',
          count: 3034,
        },
      ],
    }),
    finding('tenant', { blocking: false }),
    finding('warned', { status: 'warn', blocking: false }),
    finding('hidden', { suppressed: { reason: 'accepted', until: '2027-01-01' } }),
    finding('unknowable', { status: 'unknown', unknownReason: 'pods forbidden' }),
  ];
  const checks = ['kube-ovn', 'tenant', 'warned', 'hidden', 'unknowable', 'quiet'].map((id) => ({
    id,
    title: `${id} title`,
  }));

  it('has one testcase per check, failures for fails, skipped for unknown', () => {
    const xml = renderJunit({ findings, checks, timestamp: TIMESTAMP });
    assertWellFormed(xml);
    assert.equal(xml.match(/<testcase /g)?.length, 6);
    assert.deepEqual(junitSchemaErrors(xml), []);
    assert.match(
      xml,
      /<testsuite name="cozy-assess" timestamp="2025-10-24T19:31:00" hostname="localhost" tests="6" failures="2" errors="0" skipped="1" time="0.000" package="cozy-assess" id="0">/,
    );
    assert.match(
      xml,
      /name="kube-ovn: kube-ovn title" classname="cozy-assess.checks" time="0.000">\n\s+<failure type="blocking" message="socket &lt;missing&gt; &amp; &quot;broken&quot;">/,
    );
    assert.match(xml, /name="tenant: tenant title"[^>]*>\n\s+<failure type="non-blocking"/);
    assert.match(
      xml,
      /name="unknowable: unknowable title"[^>]*>\n\s+<skipped message="pods forbidden">\[UNKNOWN/,
    );
    assert.match(xml, /<testcase name="quiet: quiet title" classname="cozy-assess.checks" time="0.000"\/>/);
    // a suppressed failure passes; the suppression is in the suite's output
    assert.match(xml, /<testcase name="hidden: hidden title"[^>]*\/>/);
    assert.match(
      xml,
      /== hidden: hidden title\n\[FAIL, critical, blocking, platform, suppressed until 2027-01-01: accepted\]/,
    );
  });

  it('puts evidence in system-out, escaped, without characters XML cannot hold', () => {
    const xml = renderJunit({ findings, checks, timestamp: TIMESTAMP });
    assert.match(
      xml,
      /event tenant-a\/pod-1 node=n1 reason=FailedCreatePodSandBox count=3034 message=&quot;dial unix/,
    );
    assert.doesNotMatch(xml, /\u0001/);
  });

  it('fails warnings too with failOn warn', () => {
    const xml = renderJunit({ findings, checks, failOn: 'warn', timestamp: TIMESTAMP });
    assert.match(xml, /failures="3"/);
    assert.match(xml, /name="warned: warned title"[^>]*>\n\s+<failure type="non-blocking"/);
    assert.deepEqual(junitSchemaErrors(xml), []);
  });

  it('records coverage and unreadable types as properties, and the run time in UTC without a zone', () => {
    const xml = renderJunit({
      findings: [],
      checks: [{ id: 'a', title: 'A' }],
      coverage: {
        checksRun: 1,
        checksTotal: 2,
        unknown: [],
        unreadable: [{ type: 'pods', status: 'forbidden', reason: 'no <rbac>' }],
      },
      timestamp: '2026-11-20T13:00:00+01:00',
      hostname: 'prod',
    });
    assertWellFormed(xml);
    assert.deepEqual(junitSchemaErrors(xml), []);
    assert.match(xml, /<property name="coverage" value="1\/2"\/>/);
    assert.match(xml, /<property name="unreadable" value="pods \(forbidden\): no &lt;rbac&gt;"\/>/);
    assert.match(xml, /timestamp="2026-11-20T12:00:00" hostname="prod"/);
    assert.deepEqual(junitSchemaErrors(renderJunit({ findings: [], timestamp: TIMESTAMP })), []);
  });

  it('gives each test case the time its check took, and the suite their sum', () => {
    const xml = renderJunit({
      findings,
      checks,
      timestamp: TIMESTAMP,
      coverage: {
        checksRun: 6,
        checksTotal: 6,
        unknown: [],
        unreadable: [],
        checkSeconds: { 'kube-ovn': 0.0123, quiet: 1.5, tenant: 0 },
      },
    });
    assert.deepEqual(junitSchemaErrors(xml), []);
    assert.match(xml, /name="kube-ovn: kube-ovn title" classname="cozy-assess.checks" time="0.012"/);
    assert.match(xml, /name="quiet: quiet title" classname="cozy-assess.checks" time="1.500"/);
    assert.match(xml, /<testsuite [^>]* time="1.512" /);
  });

  it('the schema check rejects what the common schemas reject', () => {
    const valid = renderJunit({ findings, checks, timestamp: TIMESTAMP });
    const broken = {
      'an attribute on testsuites': valid.replace('<testsuites>', '<testsuites tests="6">'),
      'system-out inside a test case': valid.replace(
        '<testcase name="quiet: quiet title" classname="cozy-assess.checks" time="0.000"/>',
        '<testcase name="quiet: quiet title" classname="cozy-assess.checks" time="0.000"><system-out>x</system-out></testcase>',
      ),
      'a test case without time': valid.replace(/ time="0.000"\/>/, '/>'),
      'a timestamp with a zone': valid.replace(
        'timestamp="2025-10-24T19:31:00"',
        'timestamp="2025-10-24T19:31:00Z"',
      ),
    };
    for (const [what, xml] of Object.entries(broken)) {
      assert.notEqual(xml, valid, what);
      assert.notDeepEqual(junitSchemaErrors(xml), [], what);
    }
  });

  it('escapes all five XML specials', () => {
    assert.equal(xmlEscape(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
