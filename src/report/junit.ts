// JUnit XML for CI dashboards: one testcase per check. A check fails when it has a `fail` finding that is not
// suppressed (and, with failOn 'warn', a `warn` one); it is skipped when it could only say `unknown`.
// Evidence goes to system-out. Pure.
import type { Evidence, Finding } from '../model/finding.js';
import type { Assessment } from '../model/assessment.js';
import type { FailOn } from '../model/policy.js';

type Coverage = Assessment['coverage'];

export interface JunitInput {
  findings: readonly Finding[];
  /** Every check that was configured to run, so a check with no findings still shows as a passing case. */
  checks?: ReadonlyArray<{ id: string; title: string }>;
  coverage?: Coverage;
  /** testsuite name (default `cozy-assess`). */
  name?: string;
  /** ISO time stamped on the suite (omitted when absent, to keep output reproducible). */
  timestamp?: string;
  failOn?: FailOn;
}

/** Escapes text for XML content and attributes, and drops characters XML 1.0 cannot carry at all. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  id: string;
  title: string;
  findings: Finding[];
}

function casesOf(input: JunitInput): Case[] {
  const cases = new Map<string, Case>();
  for (const check of input.checks ?? [])
    cases.set(check.id, { id: check.id, title: check.title, findings: [] });
  for (const finding of input.findings) {
    let c = cases.get(finding.check);
    if (!c) {
      c = { id: finding.check, title: finding.title, findings: [] };
      cases.set(finding.check, c);
    }
    c.findings.push(finding);
  }
  return [...cases.values()];
}

function failing(finding: Finding, failOn: FailOn): boolean {
  if (finding.suppressed) return false;
  return finding.status === 'fail' || (failOn === 'warn' && finding.status === 'warn');
}

function evidenceLine(e: Evidence): string {
  const where = [e.namespace, e.name].filter(Boolean).join('/');
  const parts = [
    `${e.kind}${where ? ` ${where}` : ''}`,
    e.node && `node=${e.node}`,
    e.reason && `reason=${e.reason}`,
    e.restarts !== undefined && `restarts=${e.restarts}`,
    e.count !== undefined && `count=${e.count}`,
    e.since && `since=${e.since}`,
    e.ageDays !== undefined && `ageDays=${e.ageDays}`,
    e.message && `message=${JSON.stringify(e.message)}`,
  ];
  return `    - ${parts.filter(Boolean).join(' ')}`;
}

function findingText(f: Finding): string {
  const flags = [f.status.toUpperCase(), f.severity, f.blocking ? 'blocking' : 'non-blocking', f.scope];
  if (f.suppressed) flags.push(`suppressed until ${f.suppressed.until ?? '?'}: ${f.suppressed.reason}`);
  const lines = [`[${flags.join(', ')}] ${f.id}: ${f.summary}`];
  if (f.nodes.length > 0) lines.push(`  nodes: ${f.nodes.join(', ')}`);
  if (f.counts)
    lines.push(
      `  counts: ${Object.entries(f.counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  if (f.ageDays) lines.push(`  age: ${f.ageDays.min}-${f.ageDays.max} days`);
  if (f.unknownReason) lines.push(`  unknown because: ${f.unknownReason}`);
  if (f.remediation) lines.push(`  remediation: ${f.remediation}`);
  if (f.evidence.length > 0) lines.push('  evidence:', ...f.evidence.map(evidenceLine));
  return lines.join('\n');
}

export function renderJunit(input: JunitInput): string {
  const failOn = input.failOn ?? 'fail';
  const cases = casesOf(input);
  let failures = 0;
  let skipped = 0;
  const body: string[] = [];
  for (const c of cases) {
    const failed = c.findings.filter((f) => failing(f, failOn));
    const unknown = c.findings.filter((f) => f.status === 'unknown' && !f.suppressed);
    const open = `    <testcase classname="cozy-assess.checks" name="${xmlEscape(`${c.id}: ${c.title}`)}">`;
    const inner: string[] = [];
    if (failed.length > 0) {
      failures++;
      const blocking = failed.some((f) => f.status === 'fail' && f.blocking);
      const message = failed.map((f) => f.summary).join(' | ');
      inner.push(
        `      <failure type="${blocking ? 'blocking' : 'non-blocking'}" message="${xmlEscape(message)}">` +
          `${xmlEscape(failed.map(findingText).join('\n'))}</failure>`,
      );
    } else if (unknown.length > 0) {
      skipped++;
      const reason = unknown.map((f) => f.unknownReason ?? f.summary).join(' | ');
      inner.push(`      <skipped message="${xmlEscape(reason)}"/>`);
    }
    if (c.findings.length > 0) {
      inner.push(`      <system-out>${xmlEscape(c.findings.map(findingText).join('\n'))}</system-out>`);
    }
    body.push(open, ...inner, '    </testcase>');
  }
  const name = xmlEscape(input.name ?? 'cozy-assess');
  const stamp = input.timestamp ? ` timestamp="${xmlEscape(input.timestamp)}"` : '';
  const coverage = input.coverage
    ? [
        '    <properties>',
        `      <property name="coverage" value="${input.coverage.checksRun}/${input.coverage.checksTotal}"/>`,
        ...input.coverage.unreadable.map(
          (t) =>
            `      <property name="unreadable" value="${xmlEscape(`${t.type} (${t.status}): ${t.reason}`)}"/>`,
        ),
        '    </properties>',
      ]
    : [];
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${name}" ${counts}>`,
    `  <testsuite name="${name}" ${counts}${stamp}>`,
    ...coverage,
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
