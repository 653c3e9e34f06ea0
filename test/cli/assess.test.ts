// `cozy-assess assess` through the built binary, on the bundled fixtures: the reference incident ends NO-GO
// with Option C and the reference's ranges; a healthy cluster and one with only tenant failures end GO.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { AssessmentSchema } from '../../src/model/assessment.js';
import { untracedNumbers } from '../report/numbers.js';
import { parseXml } from '../report/xml.js';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { writeSampleCluster } from '../support/sample-cluster.js';
import { type AssessRun, assessInto } from '../support/assess.js';
import { fixture, runBinary, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

let dir: string;
const tempDir = tempDirs('cozy-assess-');
before(async () => {
  dir = await tempDir();
});

type Run = AssessRun;
const assess = (name: string, snapshot: string, extra?: string[]) => assessInto(dir, name, snapshot, extra);

function assertTraced(run: Run): void {
  assert.deepEqual(
    untracedNumbers(run.markdown, run.json),
    [],
    'every number in the Markdown is in the JSON',
  );
  const cases = parseXml(run.junit).filter((e) => e.name === 'testcase');
  assert.equal(cases.length, run.json.checks.length, 'one JUnit test case per check');
}

describe('assess on the reference incident (fixtures/seed-incident)', () => {
  let run: Run;
  before(async () => {
    run = await assess('seed', fixture('seed-incident'));
  });

  it('is NO-GO, exit 3, and recommends a fresh install (Option C)', () => {
    assert.equal(run.code, 3, run.stderr);
    assert.equal(run.json.verdict, 'NO-GO');
    assert.equal(run.json.recommendation, 'C');
  });

  it("reaches the reference's estimates: A about 30–44 h at 30–40 %, very high risk; C about 8–16 h at 90 %+, low risk", () => {
    const { A, C } = run.json.options;
    assert.ok(A.hoursMin >= 28 && A.hoursMin <= 32, `A hours ${A.hoursMin}–${A.hoursMax}`);
    assert.ok(A.hoursMax >= 42 && A.hoursMax <= 46, `A hours ${A.hoursMin}–${A.hoursMax}`);
    assert.ok(A.successMin >= 28 && A.successMax <= 42, `A success ${A.successMin}–${A.successMax}`);
    assert.equal(A.risk, 'very high');
    assert.ok(
      C.hoursMin >= 7 && C.hoursMin <= 9 && C.hoursMax >= 15 && C.hoursMax <= 17,
      `C hours ${C.hoursMin}–${C.hoursMax}`,
    );
    assert.ok(C.successMin >= 90, `C success ${C.successMin}`);
    assert.equal(C.risk, 'low');
  });

  it('reasons from the findings: networking repair on the broken nodes, long-term degradation, the path', () => {
    const ids = run.json.options.A.factors.map((f) => f.id);
    for (const id of [
      'optionA.repairNetworking',
      'optionA.repairNetworkingPerNode',
      'optionA.longTermDegradation',
      'optionA.perStep',
    ]) {
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    }
    const perNode = run.json.options.A.factors.find((f) => f.id === 'optionA.repairNetworkingPerNode');
    assert.match(perNode?.description ?? '', /mgr\.cp\.if\.ua/);
    assert.match(perNode?.description ?? '', /mgr-cozy2/);
    assert.equal(run.json.version.minorGap, 9);
  });

  it('writes the report with the status, the cascade and only numbers from the JSON; the JUnit parses', () => {
    assert.match(run.markdown, /^# CozyStack upgrade assessment: NO-GO\n/);
    assert.match(run.markdown, /```mermaid\nflowchart LR\n/);
    assert.match(run.markdown, /FerretDB/);
    assertTraced(run);
  });

  it('prints a short summary with the verdict and the files written', () => {
    assert.match(run.stdout, /Verdict: NO-GO \(exit 3\)/);
    assert.match(run.stdout, /→ Option C \(Fresh install, then migrate\)/);
    assert.match(run.stdout, /Wrote .*seed\.md/);
  });
});

describe('assess with --strategy: the reference incident under both strategies', () => {
  let conservative: Run;
  let shortest: Run;
  before(async () => {
    conservative = await assess('strategy-conservative', fixture('seed-incident'));
    shortest = await assess('strategy-shortest', fixture('seed-incident'), ['--strategy', 'shortest']);
  });

  it('conservative is the default: 9 minor versions in 7 steps, the shortest count beside it', () => {
    const { version } = conservative.json;
    assert.equal(version.strategy, 'conservative');
    assert.equal(version.steps.length, 7);
    assert.deepEqual(version.stepCounts, { conservative: 7, shortest: 1 });
    assert.match(
      conservative.markdown,
      /- Path: 7 incremental steps required \(strategy conservative \(the newest patch of every minor line\); shortest: 1 step\)/,
    );
  });

  it('shortest: one step, the conservative count beside it, the same verdict and breaking changes', () => {
    const { version } = shortest.json;
    assert.equal(version.strategy, 'shortest');
    assert.deepEqual(
      version.steps.map((s) => [s.from, s.to]),
      [['0.28.0', '0.37.2']],
    );
    assert.deepEqual(version.stepCounts, { conservative: 7, shortest: 1 });
    assert.match(
      shortest.markdown,
      /- Path: 1 incremental step required \(strategy shortest \(only the stops upstream requires\); conservative: 7 steps\)/,
    );
    assert.equal(shortest.code, conservative.code);
    assert.equal(shortest.json.verdict, conservative.json.verdict);
    assert.deepEqual(
      shortest.json.breakingChanges.map((c) => [c.id, c.usage]),
      conservative.json.breakingChanges.map((c) => [c.id, c.usage]),
    );
    assert.ok(shortest.json.reasons.some((r) => /9 minor versions, 1 step \(shortest\)/.test(r)));
    assertTraced(shortest);
  });

  it('Option A is priced on the chosen strategy: one step instead of seven', () => {
    const perStep = (run: Run) => run.json.options.A.factors.find((f) => f.id === 'optionA.perStep')!;
    const [seven, one] = [perStep(conservative), perStep(shortest)];
    assert.match(seven.description, /^7 upgrade steps/);
    assert.match(one.description, /^1 upgrade step: 0\.28\.0 → 0\.37\.2/);
    assert.ok(one.hoursMax < seven.hoursMax, `${one.hoursMax} < ${seven.hoursMax}`);
    const [a7, a1] = [conservative.json.options.A, shortest.json.options.A];
    assert.equal(a7.hoursMin - a1.hoursMin, seven.hoursMin - one.hoursMin);
    assert.equal(a7.hoursMax - a1.hoursMax, seven.hoursMax - one.hoursMax);
    assert.deepEqual(shortest.json.options.C, conservative.json.options.C);
  });
});

describe('assess on a healthy cluster (fixtures/healthy)', () => {
  it('is GO, exit 0, Option A at low risk', async () => {
    const run = await assess('healthy', fixture('healthy'));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json.verdict, 'GO');
    assert.equal(run.json.recommendation, 'A');
    assert.equal(run.json.options.A.risk, 'low');
    assert.match(run.markdown, /## Why the upgrade can proceed/);
    assertTraced(run);
  });
});

describe('assess with failures confined to tenant workloads (fixtures/tenant-only)', () => {
  it('is still GO', async () => {
    const run = await assess('tenant', fixture('tenant-only'));
    assert.ok(
      run.json.findings.some((f) => f.scope === 'tenant' && (f.status === 'fail' || f.status === 'warn')),
      'the fixture has tenant failures',
    );
    assert.equal(run.json.verdict, 'GO', run.json.reasons.join('\n'));
    assert.equal(run.code, 0);
    assertTraced(run);
  });
});

describe('assess verdict rules through the CLI', () => {
  it('--fail-on warn turns the platform warnings of the healthy cluster into NO-GO, repair first (A)', async () => {
    const run = await assess('healthy-strict', fixture('healthy'), ['--fail-on', 'warn']);
    assert.equal(run.code, 3, run.stderr);
    assert.equal(run.json.verdict, 'NO-GO');
    assert.equal(run.json.failOn, 'warn');
    assert.equal(run.json.recommendation, 'A');
    assert.ok(run.json.reasons.some((r) => r.startsWith('--fail-on warn:')));
  });

  it('a snapshot without pods is INCOMPLETE (exit 4), never GO', async () => {
    const partial = join(dir, 'healthy-without-pods');
    await cp(fixture('healthy'), partial, { recursive: true });
    await rm(join(partial, 'pods.json'));
    const run = await assess('no-pods', partial);
    assert.equal(run.code, 4, run.stderr);
    assert.equal(run.json.verdict, 'INCOMPLETE');
    assert.ok(run.json.reasons.some((r) => /could not run/.test(r)));
    assert.match(run.markdown, /## Why no decision can be made yet/);
    assertTraced(run);
  });
});

describe('assess outputs and inputs', () => {
  let snapshot: string;
  before(async () => {
    snapshot = await writeSampleCluster(join(dir, 'sample'));
  });

  it('-o json prints only the JSON on stdout, the summary on stderr, and appends the CI step summary', async () => {
    const stepSummary = join(dir, 'step-summary.md');
    await writeFile(stepSummary, 'previous step\n');
    const result = await runCli(
      ['assess', '--snapshot', snapshot, '--target', 'v0.37.2', '--no-backup', '-o', 'json'],
      {
        cwd: dir,
        env: { GITHUB_STEP_SUMMARY: stepSummary },
      },
    );
    const document = AssessmentSchema.parse(JSON.parse(result.stdout));
    assert.match(result.stderr, new RegExp(`Verdict: ${document.verdict}`));
    const summary = await readFile(stepSummary, 'utf8');
    assert.ok(summary.startsWith(`previous step\n# CozyStack upgrade assessment: ${document.verdict}`));
    assert.match(summary, /## Options comparison/);
    // The default report file is named after the date.
    const reports = (await readdir(dir)).filter((f) => /^cozy-assess-report-\d{4}-\d{2}-\d{2}\.md$/.test(f));
    assert.equal(reports.length, 1);
  });

  it('takes a verified backup in the same pass and reports it', async () => {
    const backupDir = join(dir, 'backups');
    const json = join(dir, 'with-backup.json');
    const report = join(dir, 'with-backup.md');
    const result = await runCli([
      'assess',
      '--snapshot',
      snapshot,
      '--target',
      'v0.37.2',
      '--backup-dir',
      backupDir,
      '--json',
      json,
      '--report',
      report,
    ]);
    assert.ok([0, 3, 4].includes(result.code), result.stderr);
    const document = AssessmentSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    assert.ok(document.backup, 'backup summary present');
    assert.equal(document.backup.verified, true);
    assert.ok(document.backup.path.startsWith(backupDir));
    assert.ok(existsSync(join(document.backup.path, 'SHA256SUMS')));
    const markdown = await readFile(report, 'utf8');
    assert.match(markdown, /Checksums verified: ✅ yes/);
    for (const category of document.backup.categories)
      assert.ok(
        markdown.includes(
          `| ${category.category} | ${category.objects} | ${category.size} | ${category.bytes} |`,
        ),
      );
  });

  it('the config file tunes the decision table; a bad value is exit 2 naming decision.<row>.<field>', async () => {
    const good = join(dir, 'tuned.yaml');
    await writeFile(good, 'decision:\n  optionC:\n    install: { hoursMin: 20, hoursMax: 30 }\n');
    const json = join(dir, 'tuned.json');
    const tuned = await runCli([
      'assess',
      '--snapshot',
      snapshot,
      '--no-backup',
      '--config',
      good,
      '--json',
      json,
      '--report',
      join(dir, 'tuned.md'),
    ]);
    assert.ok([0, 3, 4].includes(tuned.code), tuned.stderr);
    const install = AssessmentSchema.parse(JSON.parse(await readFile(json, 'utf8'))).options.C.factors.find(
      (f) => f.id === 'optionC.install',
    );
    assert.deepEqual([install?.hoursMin, install?.hoursMax], [20, 30]);
    const notes = AssessmentSchema.parse(JSON.parse(await readFile(json, 'utf8'))).notes;
    assert.ok(
      notes.some((n) =>
        /Decision model tuned by .*tuned\.yaml: optionC\.install\.hoursMin = 20, optionC\.install\.hoursMax = 30/.test(
          n,
        ),
      ),
      notes.join('\n'),
    );

    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'decision:\n  optionA:\n    perStep: { hoursMax: many }\n');
    const rejected = await runCli(['assess', '--snapshot', snapshot, '--no-backup', '--config', bad]);
    assert.equal(rejected.code, 2);
    assert.match(rejected.stderr, /bad\.yaml: invalid config: decision\.optionA\.perStep\.hoursMax/);

    const inverted = join(dir, 'inverted.yaml');
    await writeFile(inverted, 'decision:\n  optionC:\n    install: { hoursMin: 40 }\n');
    const merged = await runCli(['assess', '--snapshot', snapshot, '--no-backup', '--config', inverted]);
    assert.equal(merged.code, 2);
    assert.match(
      merged.stderr,
      /inverted\.yaml: invalid config: decision\.optionC\.install\.hoursMin: hoursMin must not exceed hoursMax/,
    );
  });

  it('a report file that cannot be written is exit 2 naming the flag and the file', async () => {
    const result = await runCli([
      'assess',
      '--snapshot',
      snapshot,
      '--no-backup',
      '--report',
      join(dir, 'no-such-dir', 'r.md'),
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--report: cannot write .*no-such-dir.*r\.md \(ENOENT\)/);
  });

  it('a target that is not a version is exit 2 before the cluster is read', async () => {
    const result = await runCli([
      'assess',
      '--snapshot',
      join(dir, 'does-not-exist'),
      '--no-backup',
      '--target',
      'v0.x',
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--target: 'v0\.x' is not a version/);
  });
});

describe('assess against a live API server (the fake one, serving fixtures/healthy)', () => {
  it('lists each type once for inventory and backup together, sends only GETs, and ends GO with a verified backup', async () => {
    const server = await startFakeApiServer({ snapshotDir: fixture('healthy') });
    try {
      const json = join(dir, 'live.json');
      // The end-to-end run of the built binary for assess.
      const result = await runBinary([
        'assess',
        '--kubeconfig',
        server.kubeconfigPath,
        '--target',
        'v0.37.2',
        '--backup-dir',
        join(dir, 'live-backups'),
        '--json',
        json,
        '--report',
        join(dir, 'live.md'),
      ]);
      assert.equal(result.code, 0, result.stderr);
      const document = AssessmentSchema.parse(JSON.parse(await readFile(json, 'utf8')));
      assert.equal(document.verdict, 'GO');
      assert.equal(document.cluster.source, 'live');
      assert.equal(document.backup?.verified, true);
      assert.ok(
        document.backup?.categories.some((c) => c.category.includes('Secret')),
        'secrets were backed up',
      );
      assert.ok(server.requestLog.every((r) => r.method === 'GET'));
      const firstPages = server.requestLog.filter(
        (r) => !r.query.continue && /\/(api|apis)\/.+\/[a-z]+$/.test(r.path) && r.query.limit,
      );
      const perPath = new Map<string, number>();
      for (const r of firstPages) perPath.set(r.path, (perPath.get(r.path) ?? 0) + 1);
      assert.ok(perPath.get('/api/v1/pods') === 1, 'pods listed once');
      assert.ok(perPath.get('/api/v1/secrets') === 1, 'secrets listed once (backup only)');
      assert.deepEqual(
        [...perPath].filter(([, n]) => n > 1),
        [],
        'no type listed twice',
      );
    } finally {
      await server.close();
    }
  });

  it('a forbidden type leaves a partial backup: INCOMPLETE (exit 4) unless --allow-partial', async () => {
    const server = await startFakeApiServer({ snapshotDir: fixture('healthy'), forbidden: ['secrets'] });
    try {
      const args = (name: string) => [
        'assess',
        '--kubeconfig',
        server.kubeconfigPath,
        '--target',
        'v0.37.2',
        '--backup-dir',
        join(dir, `${name}-backups`),
        '--json',
        join(dir, `${name}.json`),
        '--report',
        join(dir, `${name}.md`),
      ];
      const strict = await runCli(args('forbidden'));
      assert.equal(strict.code, 4, strict.stderr);
      assert.equal(JSON.parse(await readFile(join(dir, 'forbidden.json'), 'utf8')).verdict, 'INCOMPLETE');
      const accepted = await runCli([...args('accepted'), '--allow-partial']);
      assert.equal(accepted.code, 0, accepted.stderr);
      const document = AssessmentSchema.parse(JSON.parse(await readFile(join(dir, 'accepted.json'), 'utf8')));
      assert.equal(document.backup?.complete, false);
      assert.match(document.reasons[0]!, /partial, skipped: secrets/);
    } finally {
      await server.close();
    }
  });
});
