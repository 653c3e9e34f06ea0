import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import type { ChecksConfig } from '../../src/checks/config.js';
import { runChecks, suppressionMatches } from '../../src/checks/run.js';
import { findingsExitCode as checkExitCode } from '../../src/model/policy.js';
import type { Finding } from '../../src/model/finding.js';
import type { Check, CheckContext } from '../../src/checks/types.js';
import { emptyFacts } from '../../src/inventory/empty.js';
import type { Inventory } from '../../src/inventory/types.js';
import { finding } from '../support/findings.js';

const NOW = '2026-11-20T12:00:00Z';

function inventory(
  outcomes: Record<string, 'ok' | 'forbidden' | 'failed' | 'not-installed'> = { pods: 'ok', nodes: 'ok' },
): Inventory {
  return {
    now: NOW,
    source: { kind: 'snapshot', path: 'inline' },
    outcomes: Object.fromEntries(
      Object.entries(outcomes).map(([type, status]) => [
        type,
        { type, status, count: 1, ...(status === 'ok' ? {} : { reason: `${type} is ${status}` }) },
      ]),
    ),
    ...emptyFacts(),
  };
}

function check(
  id: string,
  produce: (inv: Inventory, ctx: CheckContext) => Finding[],
  over: Partial<Check> = {},
): Check {
  return {
    id,
    title: `${id} title`,
    description: '',
    defaultSeverity: 'critical',
    blocking: true,
    needs: ['pods'],
    run: produce,
    ...over,
  };
}

const failing = (id: string, over: Partial<Finding> = {}) => check(id, () => [finding(id, over)]);
const passing = (id: string) =>
  check(id, () => [finding(id, { status: 'pass', blocking: false, summary: 'ok' })]);

describe('runChecks', () => {
  it('runs every check and counts coverage', () => {
    const result = runChecks(inventory(), { checks: [failing('a'), passing('b')] });
    assert.deepEqual(
      result.findings.map((f) => [f.check, f.status]),
      [
        ['a', 'fail'],
        ['b', 'pass'],
      ],
    );
    assert.deepEqual(result.coverage, { checksRun: 2, checksTotal: 2, unknown: [], unreadable: [] });
  });

  it('turns a throwing check into one unknown finding and still runs the others', () => {
    const boom = check('boom', () => {
      throw new Error('cannot read property x');
    });
    const result = runChecks(inventory(), { checks: [boom, passing('b')] });
    const unknown = result.findings.find((f) => f.check === 'boom');
    assert.equal(unknown?.status, 'unknown');
    assert.match(unknown?.unknownReason ?? '', /cannot read property x/);
    assert.equal(result.findings.find((f) => f.check === 'b')?.status, 'pass');
    assert.equal(result.coverage.checksRun, 1);
    assert.equal(result.coverage.checksTotal, 2);
    assert.deepEqual(
      result.coverage.unknown.map((u) => u.check),
      ['boom'],
    );
  });

  it('does not run a check whose needed type was not readable, and says which and why', () => {
    let called = false;
    const needsEvents = check(
      'ev',
      () => {
        called = true;
        return [];
      },
      { needs: ['pods', 'events'] },
    );
    const inv = inventory({ pods: 'ok', events: 'forbidden' });
    const result = runChecks(inv, { checks: [needsEvents] });
    assert.equal(called, false);
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.status, 'unknown');
    assert.equal(result.findings[0]!.blocking, true);
    assert.match(result.findings[0]!.unknownReason!, /could not read events \(forbidden\)/);
    assert.deepEqual(result.coverage.unreadable, [
      { type: 'events', status: 'forbidden', reason: 'events is forbidden' },
    ]);
  });

  it('does not list an absent type whose twin was read (events.k8s.io beside core events), but lists a lone absent one', () => {
    const inv = inventory({
      pods: 'ok',
      events: 'ok',
      'events.events.k8s.io': 'not-installed',
      endpoints: 'not-installed',
      'endpointslices.discovery.k8s.io': 'not-installed',
    });
    const result = runChecks(inv, { checks: [] });
    assert.deepEqual(
      result.coverage.unreadable.map((u) => u.type),
      ['endpoints', 'endpointslices.discovery.k8s.io'],
    );
  });

  it('treats a needed type that was never listed as unreadable', () => {
    const result = runChecks(inventory({ pods: 'ok' }), {
      checks: [failing('hr', {})].map((c) => ({ ...c, needs: ['helmreleases.helm.toolkit.fluxcd.io'] })),
    });
    assert.equal(result.findings[0]!.status, 'unknown');
    assert.match(result.findings[0]!.unknownReason!, /helmreleases\.helm\.toolkit\.fluxcd\.io \(not listed/);
  });

  it('turns a malformed finding (e.g. from a plugin) into unknown', () => {
    const bad = check('bad', () => [{ check: 'bad', id: 'bad' } as unknown as Finding]);
    const result = runChecks(inventory(), { checks: [bad] });
    assert.equal(result.findings[0]!.status, 'unknown');
    assert.match(result.findings[0]!.unknownReason!, /invalid finding/);
  });

  it('says so when a check returns a Promise instead of findings', () => {
    const asyncCheck = check('later', (() => Promise.resolve([])) as unknown as Check['run']);
    const result = runChecks(inventory(), { checks: [asyncCheck] });
    assert.equal(result.findings[0]!.status, 'unknown');
    assert.match(result.findings[0]!.unknownReason!, /returned a Promise/);
  });

  it('disables, re-severs and un-blocks checks from config', () => {
    const config: ChecksConfig = {
      checks: { a: { enabled: false }, b: { severity: 'info', blocking: false } },
    };
    const result = runChecks(inventory(), { checks: [failing('a'), failing('b')], config });
    assert.deepEqual(
      result.findings.map((f) => [f.check, f.severity, f.blocking]),
      [['b', 'info', false]],
    );
    assert.equal(result.coverage.checksRun, 1);
    assert.equal(result.coverage.checksTotal, 2);
    assert.equal(checkExitCode(result.findings, 'fail'), 0);
    assert.equal(checkExitCode(result.findings, 'warn'), 3);
  });

  it('makes a fail blocking when config says blocking: true', () => {
    const result = runChecks(inventory(), {
      checks: [failing('t', { blocking: false })],
      config: { checks: { t: { blocking: true } } },
    });
    assert.equal(result.findings[0]!.blocking, true);
  });

  it('hands the check its params parsed by its schema, defaults filled', () => {
    const seen: unknown[] = [];
    const tuned = check(
      'tuned',
      (_inv, ctx) => {
        seen.push(ctx.settings.params);
        return [];
      },
      {
        paramsSchema: z.object({ longTermDays: z.number().default(30), minRestarts: z.number().default(5) }),
      },
    );
    runChecks(inventory(), {
      checks: [tuned],
      config: { checks: { tuned: { params: { longTermDays: 7 } } } },
    });
    assert.deepEqual(seen, [{ longTermDays: 7, minRestarts: 5 }]);
  });

  it('passes the exec-probe result and the plan through the context', () => {
    const seen: CheckContext[] = [];
    const spy = check('spy', (_inv, ctx) => {
      seen.push(ctx);
      return [];
    });
    runChecks(inventory(), { checks: [spy], execProbe: { 'node-1': false } });
    assert.deepEqual(seen[0]!.execProbe, { 'node-1': false });
  });

  it('gives repeated finding ids a suffix so ids stay unique', () => {
    const twice = check('dup', () => [finding('dup'), finding('dup')]);
    const ids = runChecks(inventory(), { checks: [twice] }).findings.map((f) => f.id);
    assert.deepEqual(ids, ['dup:x', 'dup:x#2']);
  });
});

describe('suppressions', () => {
  const tenantCrash = finding('pods', {
    id: 'pods:tenant-a/api',
    blocking: true,
    evidence: [{ kind: 'pod', namespace: 'tenant-a', name: 'api-1', node: 'n1' }],
    objects: ['tenant-a/pod/api-1'],
    nodes: ['n1'],
  });

  it('keeps an actively suppressed finding, marks it, and it no longer blocks', () => {
    const config: ChecksConfig = {
      suppressions: [{ check: 'pods', id: 'pods:tenant-*', reason: 'known tenant bug', until: '2026-12-31' }],
    };
    const result = runChecks(inventory(), { checks: [check('pods', () => [tenantCrash])], config });
    assert.equal(result.findings.length, 1);
    assert.deepEqual(result.findings[0]!.suppressed, { reason: 'known tenant bug', until: '2026-12-31' });
    assert.equal(result.findings[0]!.status, 'fail');
    assert.equal(checkExitCode(result.findings, 'fail'), 0);
    assert.equal(checkExitCode(result.findings, 'warn'), 0);
  });

  it('does not apply an expired suppression and reports it as a config warning', () => {
    const config: ChecksConfig = {
      suppressions: [{ check: 'pods', reason: 'was fine in October', until: '2026-11-19' }],
    };
    const result = runChecks(inventory(), { checks: [check('pods', () => [tenantCrash])], config });
    const pods = result.findings.find((f) => f.check === 'pods')!;
    assert.equal(pods.suppressed, undefined);
    const expired = result.findings.find((f) => f.check === 'config')!;
    assert.equal(expired.status, 'warn');
    assert.equal(expired.blocking, false);
    assert.match(
      expired.summary,
      /suppressions\[0\].*expired on 2026-11-19.*1 finding it would cover.*was fine in October/,
    );
    assert.deepEqual(expired.objects, ['pods:tenant-a/api']);
    assert.equal(checkExitCode(result.findings, 'fail'), 3);
  });

  it('counts a day-only until as valid through the end of that day', () => {
    const config: ChecksConfig = {
      suppressions: [{ check: 'pods', reason: 'today only', until: '2026-11-20' }],
    };
    const result = runChecks(inventory(), { checks: [check('pods', () => [tenantCrash])], config });
    assert.ok(result.findings[0]!.suppressed);
    assert.equal(result.findings.length, 1);
  });

  it('matches namespace and node only when everything the finding names is inside', () => {
    const rule = { check: 'pods', namespace: 'tenant-*', reason: 'r', until: '2027-01-01' };
    assert.equal(suppressionMatches(rule, tenantCrash), true);
    const mixed = {
      ...tenantCrash,
      evidence: [...tenantCrash.evidence, { kind: 'pod', namespace: 'cozy-system', name: 'x' }],
    };
    assert.equal(suppressionMatches(rule, mixed), false);
    assert.equal(suppressionMatches({ ...rule, namespace: undefined, node: 'n2' }, tenantCrash), false);
    assert.equal(suppressionMatches({ ...rule, namespace: undefined, node: 'n?' }, tenantCrash), true);
    assert.equal(suppressionMatches({ ...rule, check: 'other' }, tenantCrash), false);
    assert.equal(
      suppressionMatches({ ...rule, namespace: undefined, id: 'pods:tenant-a/api' }, tenantCrash),
      true,
    );
    assert.equal(
      suppressionMatches({ ...rule, namespace: undefined, id: 'pods:tenant-b*' }, tenantCrash),
      false,
    );
  });
});

describe('checkExitCode', () => {
  it('is 4 for an unknown blocking check with no blocking failure, 3 when one fails', () => {
    const unknown = finding('u', { status: 'unknown', unknownReason: 'forbidden' });
    assert.equal(checkExitCode([unknown], 'fail'), 4);
    assert.equal(checkExitCode([unknown, finding('f')], 'fail'), 3);
    assert.equal(checkExitCode([{ ...unknown, blocking: false }], 'fail'), 0);
    assert.equal(checkExitCode([finding('w', { status: 'warn', blocking: false })], 'fail'), 0);
    assert.equal(checkExitCode([finding('w', { status: 'warn', blocking: false })], 'warn'), 3);
    assert.equal(checkExitCode([finding('p', { status: 'pass' })], 'warn'), 0);
  });
});
