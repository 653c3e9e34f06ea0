import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import type { Finding, RootCause } from '../../src/model/finding.js';
import {
  renderCheckResults,
  renderCoverage,
  renderFindingsTable,
  renderTotals,
  sortFindings,
} from '../../src/report/terminal.js';
import { finding } from '../support/findings.js';

const plain = new Chalk({ level: 0 });
const coloured = new Chalk({ level: 1 });

const findings: Finding[] = [
  finding('passing', { status: 'pass', blocking: false }),
  finding('warned', { status: 'warn', blocking: false }),
  finding('kube-ovn', { nodes: ['cozy-node-1', 'cozy-node-3'], summary: 'daemon socket missing' }),
  finding('tenant', { blocking: false }),
  finding('hidden', { suppressed: { reason: 'accepted', until: '2027-01-01' } }),
  finding('unknowable', { status: 'unknown', unknownReason: 'pods forbidden' }),
];

describe('terminal report', () => {
  it('sorts worst first: blocking fail, fail, unknown, warn, suppressed, pass', () => {
    assert.deepEqual(
      sortFindings(findings).map((f) => f.check),
      ['kube-ovn', 'tenant', 'unknowable', 'warned', 'hidden', 'passing'],
    );
  });

  it('prints one aligned row per finding with status, check, title, nodes and summary', () => {
    const lines = renderFindingsTable(findings, plain).split('\n');
    assert.match(lines[0]!, /^STATUS\s+CHECK\s+TITLE\s+NODES\s+SUMMARY$/);
    assert.equal(lines.length, 1 + findings.length);
    assert.match(
      lines[1]!,
      /^✖ fail BLOCKING\s+kube-ovn\s+kube-ovn title\s+cozy-node-1,cozy-node-3\s+daemon socket missing$/,
    );
    assert.match(lines[2]!, /^✖ fail\s+tenant/);
    const hidden = lines.find((l) => l.includes('hidden'))!;
    assert.match(hidden, /\(suppressed\).*\[suppressed until 2027-01-01: accepted\]/);
    // columns line up: every row's CHECK column starts at the same offset as the header's
    const offset = lines[0]!.indexOf('CHECK');
    for (const line of lines.slice(1)) assert.notEqual(line[offset - 1], undefined);
    assert.equal(lines[1]!.indexOf('kube-ovn'), offset);
    assert.equal(lines[2]!.indexOf('tenant'), offset);
  });

  it('has no escape codes at colour level 0 and has them at level 1', () => {
    assert.equal(
      /\u001b\[/.test(renderCheckResults({ findings, rootCauses: [], coverage: cov() }, plain)),
      false,
    );
    assert.equal(/\u001b\[/.test(renderFindingsTable(findings, coloured)), true);
  });

  it('keeps columns aligned when coloured', () => {
    const strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
    assert.equal(strip(renderFindingsTable(findings, coloured)), renderFindingsTable(findings, plain));
  });

  it('cuts long summaries and collapses long node lists', () => {
    const long = finding('long', { summary: 'x'.repeat(500), nodes: ['a', 'b', 'c', 'd', 'e'] });
    const row = renderFindingsTable([long], plain, { maxSummary: 50 }).split('\n')[1]!;
    assert.match(row, /a,b \+3/);
    assert.match(row, /x{49}…$/);
  });

  it('counts totals without suppressed findings and reports coverage gaps', () => {
    assert.equal(
      renderTotals(findings, plain),
      '1 blocking · 2 failing · 1 warning · 1 unknown · 1 passed · 1 suppressed',
    );
    const text = renderCoverage(cov(), plain);
    assert.match(text, /Coverage: 9\/10 checks ran/);
    assert.match(text, /\? unknowable: pods forbidden/);
    assert.match(text, /not read \(forbidden\): pods$/m);
  });

  it('prints root causes as a chain with nodes and effect counts', () => {
    const cause: RootCause = {
      id: 'rc:kube-ovn',
      title: 'Kube-OVN daemon missing',
      finding: 'kube-ovn:x',
      nodes: ['cozy-node-1'],
      chain: ['Kube-OVN daemon missing', 'pod sandboxes fail', 'image pulls time out', 'components down'],
      effects: [{ title: 'pods failing sandbox creation', count: 12, findings: [], objects: [] }],
    };
    const text = renderCheckResults({ findings, rootCauses: [cause], coverage: cov() }, plain);
    assert.match(text, /Root causes\n {2}● Kube-OVN daemon missing on cozy-node-1\n/);
    assert.match(
      text,
      /Kube-OVN daemon missing → pod sandboxes fail → image pulls time out → components down/,
    );
    assert.match(text, /- pods failing sandbox creation: 12/);
  });
});

function cov() {
  return {
    checksRun: 9,
    checksTotal: 10,
    unknown: [{ check: 'unknowable', reason: 'pods forbidden' }],
    unreadable: [{ type: 'pods', status: 'forbidden', reason: 'RBAC denies list' }],
  };
}
