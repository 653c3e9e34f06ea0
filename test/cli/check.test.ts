// End to end through the built binary: `cozy-assess check` on snapshot folders, with config, suppressions
// and plugins. The framework tests switch the built-in checks off in their config so that their verdicts
// depend only on the plugin under test and the small snapshot written here.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { BUILTIN_CHECKS } from '../../src/checks/registry.js';
import { CLI_BIN, REPO_ROOT as ROOT, runCli } from '../support/cli.js';
import { checkJson, EXAMPLE_CONFIG, EXAMPLE_PLUGIN, onlyPlugin } from '../support/check-output.js';
import { tempDirs } from '../support/temp.js';

const NOW = '2026-11-20T12:00:00Z';

const t0 = '2026-06-01T00:00:00Z';
const node = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, creationTimestamp: t0, labels: { 'kubernetes.io/hostname': name } },
  spec: {},
  status: {
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: t0 }],
    nodeInfo: { kubeletVersion: 'v1.30.1' },
    allocatable: { cpu: '8', memory: '32Gi', pods: '110' },
    capacity: { cpu: '8', memory: '32Gi', pods: '110' },
  },
});
const pod = (namespace: string, name: string, nodeName: string, phase = 'Running') => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, creationTimestamp: t0 },
  spec: { nodeName, containers: [{ name: 'app', image: 'registry.example/app:1.0' }] },
  status: {
    phase,
    conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False', lastTransitionTime: t0 }],
    containerStatuses: [
      {
        name: 'app',
        image: 'registry.example/app:1.0',
        ready: phase === 'Running',
        restartCount: 0,
        state:
          phase === 'Running'
            ? { running: { startedAt: t0 } }
            : { terminated: { reason: 'Completed', exitCode: 0 } },
      },
    ],
  },
});
const list = (items: unknown[]) => ({ apiVersion: 'v1', kind: 'List', metadata: {}, items });

let dir: string;
let snapshot: string;

/** Writes a config that switches every built-in check off and adds `extra` YAML. */
async function config(name: string, extra: string): Promise<string> {
  const off = BUILTIN_CHECKS.map((c) => `  ${c.id}: { enabled: false }`).join('\n');
  const file = join(dir, name);
  await writeFile(file, `checks:\n${off}\n${extra}`);
  return file;
}

async function plugin(name: string, source: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, source);
  return file;
}

const tempDir = tempDirs('cozy-check-');
before(async () => {
  assert.ok(existsSync(CLI_BIN), 'build first: npx tsc -p tsconfig.json');
  dir = await tempDir();
  snapshot = join(dir, 'snapshot');
  await mkdir(snapshot);
  // n1 runs 3 pods (one finished, which holds no slot), n2 runs 1.
  await writeFile(join(snapshot, 'nodes.json'), JSON.stringify(list([node('n1'), node('n2')])));
  await writeFile(
    join(snapshot, 'pods.json'),
    JSON.stringify(
      list([
        pod('tenant-a', 'web-1', 'n1'),
        pod('tenant-a', 'web-2', 'n1'),
        pod('tenant-b', 'api-1', 'n1'),
        pod('tenant-b', 'job-1', 'n1', 'Succeeded'),
        pod('tenant-b', 'api-2', 'n2'),
      ]),
    ),
  );
});

const base = () => ['--snapshot', snapshot, '--now', NOW, 'check'];

describe('check: plugins', () => {
  it('loads the README example plugin and reports a crowded node (warning: exit 0, --fail-on warn: exit 3)', async () => {
    const cfg = await config('default-limit.yaml', '');
    const tuned = await config('tuned.yaml', '  max-pods-per-node: { params: { maxPods: 2 } }\n');
    const result = await runCli(['--config', tuned, ...base(), '--plugin', EXAMPLE_PLUGIN, '-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const findings = onlyPlugin(checkJson(result).findings);
    assert.deepEqual(
      findings.map((f) => [f.id, f.status, f.nodes, f.counts]),
      [['max-pods-per-node:n1', 'warn', ['n1'], { pods: 3, maxPods: 2 }]],
    );
    const strict = await runCli([
      '--config',
      tuned,
      ...base(),
      '--plugin',
      EXAMPLE_PLUGIN,
      '--fail-on',
      'warn',
      '-o',
      'json',
    ]);
    assert.equal(strict.code, 3);
    // default limit (110): passes
    const relaxed = await runCli(['--config', cfg, ...base(), '--plugin', EXAMPLE_PLUGIN, '-o', 'json']);
    assert.equal(relaxed.code, 0);
    assert.deepEqual(
      onlyPlugin(checkJson(relaxed).findings).map((f) => f.status),
      ['pass'],
    );
  });

  it('reports a throwing check as unknown and still runs the others (exit 4 when it was blocking)', async () => {
    const file = await plugin(
      'two.mjs',
      `export default [
        { id: 'explodes', title: 'Explodes', description: '', defaultSeverity: 'critical', blocking: true, needs: ['pods'],
          run() { throw new Error('kaboom in plugin'); } },
        { id: 'fine', title: 'Fine', description: '', defaultSeverity: 'info', blocking: false, needs: ['nodes'],
          run(inv) { return [{ check: 'fine', id: 'fine', title: 'Fine', status: 'pass', severity: 'info', blocking: false,
            scope: 'cluster', summary: inv.nodes.length + ' nodes', nodes: [], objects: [], evidence: [] }]; } },
      ];\n`,
    );
    const cfg = await config('none.yaml', '');
    const result = await runCli(['--config', cfg, ...base(), '--plugin', file, '-o', 'json']);
    assert.equal(result.code, 4, result.stderr);
    const doc = checkJson(result);
    const explodes = doc.findings.find((f) => f.check === 'explodes');
    assert.equal(explodes?.status, 'unknown');
    assert.match(explodes?.unknownReason ?? '', /kaboom in plugin/);
    assert.equal(doc.findings.find((f) => f.check === 'fine')?.summary, '2 nodes');
    assert.deepEqual(
      { run: doc.coverage.checksRun, total: doc.coverage.checksTotal },
      // every built-in but the path check (no --target), plus the two plugins
      { run: 1, total: BUILTIN_CHECKS.length - 1 + 2 },
    );
    assert.deepEqual(
      doc.coverage.unknown.map((u) => u.check),
      ['explodes'],
    );
  });

  it('says unknown, and exits 4, when a blocking check needs a type that was not read', async () => {
    const file = await plugin(
      'needs-hr.mjs',
      `export default { id: 'needs-hr', title: 'Needs HelmReleases', description: '', defaultSeverity: 'critical',
        blocking: true, needs: ['helmreleases.helm.toolkit.fluxcd.io'], run() { return []; } };\n`,
    );
    const result = await runCli([
      '--config',
      await config('none2.yaml', ''),
      ...base(),
      '--plugin',
      file,
      '-o',
      'json',
    ]);
    assert.equal(result.code, 4, result.stderr);
    const doc = checkJson(result);
    assert.match(
      doc.findings.find((f) => f.check === 'needs-hr')?.unknownReason ?? '',
      /helmreleases\.helm\.toolkit\.fluxcd\.io/,
    );
    assert.ok(doc.coverage.unreadable.some((u) => u.type === 'helmreleases.helm.toolkit.fluxcd.io'));
  });

  it('rejects a malformed plugin with exit 2 naming the file and the field', async () => {
    const file = await plugin(
      'bad.mjs',
      `export default { id: 'bad', title: 'Bad', defaultSeverity: 'critical', blocking: true, needs: [] };\n`,
    );
    const result = await runCli([...base(), '--plugin', file]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bad\.mjs: invalid plugin check.*run: expected a function/);
    assert.equal(result.stdout, '');
  });

  it('rejects a plugin whose id is a built-in check id, a missing file, and a module that does not load', async () => {
    const builtin = BUILTIN_CHECKS[0]!.id;
    const clash = await plugin(
      'clash.mjs',
      `export default { id: '${builtin}', title: 'X', description: '', defaultSeverity: 'info', blocking: false, needs: [], run() { return []; } };\n`,
    );
    const clashed = await runCli([...base(), '--plugin', clash]);
    assert.equal(clashed.code, 2);
    assert.match(
      clashed.stderr,
      new RegExp(`clash\\.mjs: check id '${builtin}' is already used by a built-in check`),
    );
    const missing = await runCli([...base(), '--plugin', join(dir, 'nope.js')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.js: file does not exist/);
    const broken = await plugin('broken.mjs', 'export default {;\n');
    const syntax = await runCli([...base(), '--plugin', broken]);
    assert.equal(syntax.code, 2);
    assert.match(syntax.stderr, /broken\.mjs: cannot be loaded: /);
  });
});

describe('check: config and suppressions', () => {
  it('names file and field for a bad threshold, and lists the known ids for an unknown check', async () => {
    const bad = join(dir, 'bad-param.yaml');
    await writeFile(bad, 'checks:\n  restarts:\n    params:\n      longTermDays: soon\n');
    const result = await runCli(['--config', bad, ...base()]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /bad-param\.yaml: .*checks\.restarts\.params\.longTermDays: .*expected number/,
    );
    assert.equal(result.stderr.trim().split('\n').length <= 2, true, result.stderr);

    const unknown = join(dir, 'unknown-id.yaml');
    await writeFile(unknown, 'checks:\n  restart: { enabled: false }\n');
    const named = await runCli(['--config', unknown, ...base()]);
    assert.equal(named.code, 2);
    assert.match(named.stderr, /unknown-id\.yaml: checks\.restart: unknown check 'restart'/);
    assert.match(named.stderr, /known checks: .*restarts/);

    const missing = await runCli(['--config', join(dir, 'absent.yaml'), ...base()]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /absent\.yaml: config file does not exist/);
  });

  it('applies an active suppression: the finding stays, marked, and no longer fails the run', async () => {
    const cfg = await config(
      'suppressed.yaml',
      '  max-pods-per-node: { params: { maxPods: 2 } }\n' +
        'suppressions:\n  - { check: max-pods-per-node, node: "n*", reason: "big nodes", until: 2026-12-31 }\n',
    );
    const result = await runCli([
      '--config',
      cfg,
      ...base(),
      '--plugin',
      EXAMPLE_PLUGIN,
      '--fail-on',
      'warn',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [warned] = onlyPlugin(checkJson(result).findings);
    assert.equal(warned?.status, 'warn');
    assert.deepEqual(warned?.suppressed, { reason: 'big nodes', until: '2026-12-31' });
  });

  it('does not apply an expired suppression and reports it', async () => {
    const cfg = await config(
      'expired.yaml',
      '  max-pods-per-node: { params: { maxPods: 2 } }\n' +
        'suppressions:\n  - { check: max-pods-per-node, reason: "was fine", until: 2026-11-01 }\n',
    );
    const result = await runCli(['--config', cfg, ...base(), '--plugin', EXAMPLE_PLUGIN, '-o', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const doc = checkJson(result);
    assert.equal(onlyPlugin(doc.findings)[0]?.suppressed, undefined);
    const expired = doc.findings.find((f) => f.check === 'config');
    assert.equal(expired?.status, 'warn');
    assert.match(expired?.summary ?? '', /expired on 2026-11-01/);
    const strict = await runCli([
      '--config',
      cfg,
      ...base(),
      '--plugin',
      EXAMPLE_PLUGIN,
      '--fail-on',
      'warn',
    ]);
    assert.equal(strict.code, 3);
    assert.match(strict.stdout, /Expired suppression/);
  });
});

describe('check: the example config', () => {
  it('is accepted with the example plugin and tunes it (maxPods 110: the small snapshot passes)', async () => {
    const result = await runCli([
      '--config',
      EXAMPLE_CONFIG,
      ...base(),
      '--plugin',
      EXAMPLE_PLUGIN,
      '-o',
      'json',
    ]);
    assert.notEqual(result.code, 2, result.stderr);
    assert.deepEqual(
      onlyPlugin(checkJson(result).findings).map((f) => [f.status, f.summary]),
      [['pass', 'Every node runs at most 110 pods (2 nodes).']],
    );
    // without the plugin, the config names a check that does not exist: bad input
    const withoutPlugin = await runCli(['--config', EXAMPLE_CONFIG, ...base()]);
    assert.equal(withoutPlugin.code, 2);
    assert.match(withoutPlugin.stderr, /cozy-assess\.yaml: checks\.max-pods-per-node: unknown check/);
  });
});

describe('check: output formats', () => {
  it('prints a plain table without colour under NO_COLOR, and JUnit XML with -o junit', async () => {
    const cfg = await config('tbl.yaml', '  max-pods-per-node: { params: { maxPods: 2 } }\n');
    const table = await runCli(['--config', cfg, ...base(), '--plugin', EXAMPLE_PLUGIN]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^STATUS\s+CHECK\s+TITLE\s+NODES\s+SUMMARY/m);
    assert.match(
      table.stdout,
      /⚠ warn\s+max-pods-per-node\s+Pods per node below the kubelet limit\s+n1\s+Node n1 runs 3 pods/,
    );
    assert.match(table.stdout, /Coverage: 1\/\d+ checks ran/);
    assert.doesNotMatch(table.stdout, /\u001b\[/);

    const junit = await runCli([
      '--config',
      cfg,
      ...base(),
      '--plugin',
      EXAMPLE_PLUGIN,
      '-o',
      'junit',
      '--fail-on',
      'warn',
    ]);
    assert.equal(junit.code, 3);
    assert.match(
      junit.stdout,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites>\n {2}<testsuite name="cozy-assess check" timestamp="2026-11-20T12:00:00" hostname="localhost" tests="1" failures="1"/,
    );
    assert.match(
      junit.stdout,
      /<testcase name="max-pods-per-node: Pods per node below the kubelet limit" classname="cozy-assess.checks" time="\d+\.\d{3}">/,
    );
  });

  it('refuses an output format check cannot print', async () => {
    const result = await runCli([...base(), '-o', 'markdown']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /'check' prints table, json, junit or yaml, not markdown/);
  });
});

describe('check: README', () => {
  it('documents every built-in check with its blocking default and params, and the plugin example', async () => {
    const readme = (await import('node:fs')).readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Checks, configuration and plugins'));
    assert.ok(section.length > 100, 'README section missing');
    for (const check of BUILTIN_CHECKS) {
      const row = section.split('\n').find((line) => line.startsWith(`| \`${check.id}\` |`));
      assert.ok(row, `README has no row for ${check.id}`);
      assert.match(row, check.blocking ? /\| yes/ : /\| no \|/, `${check.id} blocking`);
      const shape =
        (check.paramsSchema as unknown as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
      for (const param of Object.keys(shape))
        assert.match(row, new RegExp(`\\b${param}\\b`), `${check.id} param ${param}`);
    }
    assert.match(section, /examples\/plugins\/max-pods-per-node\.js/);
    assert.match(section, /examples\/cozy-assess\.yaml/);
  });
});

describe('check: --strategy', () => {
  const healthy = join(ROOT, 'fixtures', 'healthy');
  it('warns that --strategy without --target does nothing, and still runs the checks (exit 0)', async () => {
    const alone = await runCli(['check', '--snapshot', healthy, '--strategy', 'shortest']);
    assert.equal(alone.code, 0, alone.stderr);
    assert.match(alone.stderr, /warning: --strategy has no effect without --target/);
  });

  it('takes it silently with --target, and follows it in the path check', async () => {
    const steps = async (strategy: string) => {
      const result = await runCli([
        'check',
        '--snapshot',
        join(ROOT, 'fixtures', 'seed-incident'),
        '--target',
        'v0.37.2',
        '--strategy',
        strategy,
        '-o',
        'json',
      ]);
      assert.doesNotMatch(result.stderr, /--strategy has no effect/);
      const findings: Array<{ check: string; counts?: { steps?: number } }> = JSON.parse(
        result.stdout,
      ).findings;
      return findings.find((f) => f.check === 'version-gap')?.counts?.steps;
    };
    const [conservative, shortest] = [await steps('conservative'), await steps('shortest')];
    assert.ok(conservative && shortest && shortest < conservative, `${conservative} vs ${shortest} steps`);
  });
});
