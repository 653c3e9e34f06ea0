// JUnit XML for CI dashboards: one testcase per check. A check fails when it has a `fail` finding that is not
// suppressed (and, with failOn 'warn', a `warn` one); it is skipped when it could only say `unknown`. The
// failing (or unknown) findings with their evidence are the failure's (or skip's) text; every finding of every
// check is in the suite's system-out. The shape is the strictest both common JUnit schemas (Ant's and Jenkins')
// accept, so no consumer rejects it: no attribute on <testsuites>, no <system-out> inside a test case, and the
// suite's timestamp, hostname, time, package and id always present. Pure.
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
  /** When the checks ran (RFC 3339, the run's clock); written in UTC without a zone, as JUnit's schema wants. */
  timestamp: string;
  /** The suite's hostname: the cluster assessed (its context or server), else `localhost`. */
  hostname?: string;
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

/** `2025-10-24T19:31:00.123Z` → `2025-10-24T19:31:00` (UTC, seconds; JUnit's timestamp has no zone). */
function junitTimestamp(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? '1970-01-01T00:00:00' : new Date(ms).toISOString().slice(0, 19);
}

/** Seconds with millisecond precision, as JUnit's `time` (a decimal without exponent). */
function seconds(value: number | undefined): string {
  return (value ?? 0).toFixed(3);
}

function caseXml(
  c: Case,
  failOn: FailOn,
  time: number | undefined,
): { xml: string[]; failed: boolean; skipped: boolean } {
  const failed = c.findings.filter((f) => failing(f, failOn));
  const unknown = c.findings.filter((f) => f.status === 'unknown' && !f.suppressed);
  const name = xmlEscape(`${c.id}: ${c.title}`);
  const open = `    <testcase name="${name}" classname="cozy-assess.checks" time="${seconds(time)}"`;
  if (failed.length > 0) {
    const blocking = failed.some((f) => f.status === 'fail' && f.blocking);
    const message = failed.map((f) => f.summary).join(' | ');
    return {
      xml: [
        `${open}>`,
        `      <failure type="${blocking ? 'blocking' : 'non-blocking'}" message="${xmlEscape(message)}">` +
          `${xmlEscape(failed.map(findingText).join('\n'))}</failure>`,
        '    </testcase>',
      ],
      failed: true,
      skipped: false,
    };
  }
  if (unknown.length > 0) {
    const reason = unknown.map((f) => f.unknownReason ?? f.summary).join(' | ');
    return {
      xml: [
        `${open}>`,
        `      <skipped message="${xmlEscape(reason)}">${xmlEscape(unknown.map(findingText).join('\n'))}</skipped>`,
        '    </testcase>',
      ],
      failed: false,
      skipped: true,
    };
  }
  return { xml: [`${open}/>`], failed: false, skipped: false };
}

/** Every finding, check by check: what a reader of the suite's output needs, passing checks included. */
function suiteOutput(cases: readonly Case[]): string {
  return cases
    .filter((c) => c.findings.length > 0)
    .map((c) => [`== ${c.id}: ${c.title}`, ...c.findings.map(findingText)].join('\n'))
    .join('\n\n');
}

export function renderJunit(input: JunitInput): string {
  const failOn = input.failOn ?? 'fail';
  const cases = casesOf(input);
  const times = input.coverage?.checkSeconds ?? {};
  let failures = 0;
  let skipped = 0;
  let total = 0;
  const body: string[] = [];
  for (const c of cases) {
    const rendered = caseXml(c, failOn, times[c.id]);
    if (rendered.failed) failures++;
    if (rendered.skipped) skipped++;
    total += times[c.id] ?? 0;
    body.push(...rendered.xml);
  }
  const properties = input.coverage
    ? [
        `      <property name="coverage" value="${input.coverage.checksRun}/${input.coverage.checksTotal}"/>`,
        ...input.coverage.unreadable.map(
          (t) =>
            `      <property name="unreadable" value="${xmlEscape(`${t.type} (${t.status}): ${t.reason}`)}"/>`,
        ),
      ]
    : [];
  const suite = [
    `name="${xmlEscape(input.name ?? 'cozy-assess')}"`,
    `timestamp="${junitTimestamp(input.timestamp)}"`,
    `hostname="${xmlEscape(input.hostname?.trim() || 'localhost')}"`,
    `tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"`,
    `time="${seconds(total)}" package="cozy-assess" id="0"`,
  ].join(' ');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites>',
    `  <testsuite ${suite}>`,
    properties.length > 0
      ? ['    <properties>', ...properties, '    </properties>'].join('\n')
      : '    <properties/>',
    ...body,
    `    <system-out>${xmlEscape(suiteOutput(cases))}</system-out>`,
    '    <system-err/>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** JUnit XML of an assessment: one test case per check that was configured to run. */
export function renderAssessmentJunit(a: Assessment): string {
  return renderJunit({
    findings: a.findings,
    checks: a.checks,
    coverage: a.coverage,
    name: 'cozy-assess',
    timestamp: a.generatedAt,
    hostname: a.cluster.context ?? hostOf(a.cluster.server),
    failOn: a.failOn,
  });
}

function hostOf(server: string | null): string | undefined {
  if (!server) return undefined;
  try {
    return new URL(server).hostname || undefined;
  } catch {
    return undefined;
  }
}
