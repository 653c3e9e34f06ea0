// End to end through the built binary on the committed fixtures: the healthy cluster passes, the
// seed-incident cluster (the reference report's state) blocks with the Kube-OVN root cause.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { junitSchemaErrors } from '../report/junit-schema.js';
import { CLI_BIN, runCli } from '../support/cli.js';
import { checkJson, EXAMPLE_CONFIG, EXAMPLE_PLUGIN, onlyPlugin } from '../support/check-output.js';

before(() => {
  assert.ok(existsSync(CLI_BIN), 'build first: npx tsc -p tsconfig.json');
});

describe('check: fixtures', () => {
  it('finds nothing failing on the healthy fixture (exit 0), also with the example config and plugin', async () => {
    const plain = await runCli(['--snapshot', 'fixtures/healthy', 'check', '-o', 'json']);
    assert.equal(plain.code, 0, plain.stderr);
    const doc = checkJson(plain);
    assert.deepEqual(
      doc.findings.filter((f) => f.status !== 'pass').map((f) => f.id),
      [],
    );
    assert.equal(doc.coverage.checksRun, doc.coverage.checksTotal);

    const example = await runCli([
      '--snapshot',
      'fixtures/healthy',
      '--config',
      EXAMPLE_CONFIG,
      'check',
      '--plugin',
      EXAMPLE_PLUGIN,
      '-o',
      'json',
    ]);
    assert.equal(example.code, 0, example.stderr);
    const [maxPods] = onlyPlugin(checkJson(example).findings);
    assert.equal(maxPods?.status, 'pass');
    assert.match(maxPods?.summary ?? '', /at most 110 pods/);
  });

  it('checks the upgrade path only when --target is given', async () => {
    const without = checkJson(await runCli(['--snapshot', 'fixtures/healthy', 'check', '-o', 'json']));
    assert.equal(
      without.findings.some((f) => f.check === 'version-gap'),
      false,
    );
    const withTarget = await runCli([
      '--snapshot',
      'fixtures/healthy',
      'check',
      '--target',
      'v0.37.2',
      '-o',
      'json',
    ]);
    assert.equal(withTarget.code, 0, withTarget.stderr);
    assert.ok(checkJson(withTarget).findings.some((f) => f.check === 'version-gap'));
    const bad = await runCli(['--snapshot', 'fixtures/healthy', 'check', '--target', 'v9.9.9']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--target: v9\.9\.9 is not a release in the catalog/);
  });

  it('checks the path of the chosen --strategy: the reference case in 7 steps, or 1 with shortest', async () => {
    const gap = async (strategy: string[]) => {
      const result = await runCli([
        '--snapshot',
        'fixtures/seed-incident',
        'check',
        '--target',
        'v0.37.2',
        ...strategy,
        '-o',
        'json',
      ]);
      return checkJson(result).findings.find((f) => f.id === 'version-gap')!;
    };
    assert.match((await gap([])).summary, /9 minor versions, 7 steps/);
    const shortest = await gap(['--strategy', 'shortest']);
    assert.match(shortest.summary, /9 minor versions, 1 step \(v0\.37\.2\)/);
  });

  it('blocks on the seed-incident fixture (exit 3) with the Kube-OVN cascade on the two broken nodes', async () => {
    const result = await runCli(['--snapshot', 'fixtures/seed-incident', 'check', '-o', 'json']);
    assert.equal(result.code, 3, result.stderr);
    const doc = checkJson(result);
    const kubeOvn = doc.findings.find((f) => f.check === 'kube-ovn' && f.status === 'fail');
    assert.equal(kubeOvn?.blocking, true);
    assert.deepEqual([...(kubeOvn?.nodes ?? [])].sort(), ['mgr-cozy2', 'mgr.cp.if.ua']);
    assert.ok(doc.findings.some((f) => f.check === 'cni-agent' && f.status === 'fail'));
    const cascade = doc.rootCauses.find((c) => c.chain.some((stage) => /Kube-OVN/.test(stage)));
    assert.ok(cascade, JSON.stringify(doc.rootCauses));
    assert.deepEqual([...cascade.nodes].sort(), ['mgr-cozy2', 'mgr.cp.if.ua']);
    assert.match(cascade.chain.join(' → '), /sandbox.*image pull.*components down/i);

    const table = await runCli(['--snapshot', 'fixtures/seed-incident', 'check']);
    assert.equal(table.code, 3);
    assert.match(
      table.stdout,
      /✖ fail BLOCKING\s+kube-ovn\s+Kube-OVN daemon per node\s+mgr-cozy2,mgr\.cp\.if\.ua/,
    );
    assert.match(table.stdout, /Root causes\n/);
    assert.match(table.stdout, /Result: blocking findings, exit 3/);

    const junit = await runCli(['--snapshot', 'fixtures/seed-incident', 'check', '-o', 'junit']);
    assert.equal(junit.code, 3);
    assert.match(
      junit.stdout,
      /<testcase name="kube-ovn: Kube-OVN daemon per node" classname="cozy-assess.checks" time="\d+\.\d{3}">\n\s+<failure type="blocking"/,
    );
    assert.deepEqual(junitSchemaErrors(junit.stdout), []);
  });

  it("lets a suppression accept the seed incident's Kube-OVN finding until a date, and reports it once expired", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cozy-fixture-cfg-'));
    try {
      const active = join(dir, 'active.yaml');
      await writeFile(
        active,
        'suppressions:\n  - { check: kube-ovn, node: "mgr*", reason: "node rebuild booked", until: 2099-01-01 }\n',
      );
      const doc = checkJson(
        await runCli(['--snapshot', 'fixtures/seed-incident', '--config', active, 'check', '-o', 'json']),
      );
      const kubeOvn = doc.findings.filter((f) => f.check === 'kube-ovn' && f.status === 'fail');
      assert.ok(kubeOvn.length > 0);
      for (const f of kubeOvn) assert.equal(f.suppressed?.reason, 'node rebuild booked');

      const expired = join(dir, 'expired.yaml');
      await writeFile(
        expired,
        'suppressions:\n  - { check: kube-ovn, reason: "was booked", until: 2025-01-01 }\n',
      );
      const later = checkJson(
        await runCli(['--snapshot', 'fixtures/seed-incident', '--config', expired, 'check', '-o', 'json']),
      );
      assert.equal(later.findings.filter((f) => f.check === 'kube-ovn' && f.suppressed).length, 0);
      assert.match(later.findings.find((f) => f.check === 'config')?.summary ?? '', /expired on 2025-01-01/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
