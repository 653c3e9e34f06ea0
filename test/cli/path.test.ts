// End to end through the built binary: `cozy-assess path` on small snapshot folders written here (kubectl
// -o json shapes), with every output format, --catalog, and the exit codes 0 / 2 / 4.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { VersionSchema } from '../../src/model/assessment.js';
import { runBinary, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const NOW = '2025-10-24T19:31:00Z';

const list = (items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2);

function installerDeployment(tag: string) {
  const image = `ghcr.io/cozystack/cozystack/installer:${tag}@sha256:1111111111111111111111111111111111111111111111111111111111111111`;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'cozystack',
      namespace: 'cozy-system',
      creationTimestamp: '2025-03-19T10:00:00Z',
      labels: { app: 'cozystack' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'cozystack' } },
      template: {
        metadata: { labels: { app: 'cozystack' } },
        spec: {
          containers: [
            { name: 'cozystack', image },
            { name: 'assets', image },
          ],
        },
      },
    },
    status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
  };
}

function configMap(name: string, data: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'cozy-system' }, data };
}

function helmRelease(namespace: string, name: string, chart: string, version: string) {
  return {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace, labels: { 'cozystack.io/ui': 'true' } },
    spec: {
      chart: {
        spec: {
          chart,
          version,
          sourceRef: { kind: 'HelmRepository', name: 'cozystack-apps', namespace: 'cozy-public' },
        },
      },
      values: {},
    },
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ReconciliationSucceeded',
          lastTransitionTime: '2025-10-01T00:00:00Z',
        },
      ],
      history: [{ chartName: chart, chartVersion: version }],
    },
  };
}

async function snapshot(
  dir: string,
  tag: string,
  options: { bundle?: string; counter?: string; ferretdb?: boolean } = {},
) {
  await writeFile(join(dir, 'deployments.json'), list([installerDeployment(tag)]));
  await writeFile(
    join(dir, 'configmaps.json'),
    list([
      configMap('cozystack', { 'bundle-name': options.bundle ?? 'paas-full', 'root-host': 'example.org' }),
      configMap('cozystack-version', { version: options.counter ?? '10' }),
    ]),
  );
  const releases = options.ferretdb ? [helmRelease('tenant-root', 'ferretdb-docs', 'ferretdb', '0.8.0')] : [];
  // Typed lists, so that an empty list still says "this type was captured, and it has no objects".
  const typed = (apiVersion: string, kind: string, items: unknown[]) =>
    JSON.stringify({ apiVersion, kind, items });
  await writeFile(
    join(dir, 'helmreleases.json'),
    typed('helm.toolkit.fluxcd.io/v2', 'HelmReleaseList', releases),
  );
  await writeFile(join(dir, 'daemonsets.json'), typed('apps/v1', 'DaemonSetList', []));
  await writeFile(
    join(dir, 'crds.json'),
    typed('apiextensions.k8s.io/v1', 'CustomResourceDefinitionList', []),
  );
  await writeFile(join(dir, 'version.json'), JSON.stringify({ serverVersion: { gitVersion: 'v1.32.3' } }));
}

let base: string;
const dirs: Record<string, string> = {};

const tempDir = tempDirs('cozy-path-');
before(async () => {
  base = await tempDir();
  const make = async (name: string, tag: string, options?: Parameters<typeof snapshot>[2]) => {
    dirs[name] = await mkdtemp(join(base, `${name}-`));
    await snapshot(dirs[name]!, tag, options);
  };
  await make('seed', 'v0.28.0-54-g22cf18ff');
  await make('ferret', 'v0.33.3', { counter: '17', ferretdb: true });
  await make('proxmox', 'v0.37.2', { bundle: 'paas-proxmox', counter: '20' });
  await make('latest', 'latest');
  await writeFile(
    join(base, 'bad-catalog.yaml'),
    'schemaVersion: 1\nreleases:\n  - version: 1.7.0\n    date: soon\n    migrationTarget: 60\n    source: x\n',
  );
  await writeFile(
    join(base, 'extra-catalog.yaml'),
    "schemaVersion: 1\nreleases:\n  - version: 1.7.0\n    date: '2026-09-01'\n    migrationTarget: 60\n    source: docs/changelogs/v1.7.0.md\n",
  );
});

describe('cozy-assess path', () => {
  it('prints the reference case as a table: 9 minor versions, 7 steps, exit 0', async () => {
    // The end-to-end run of the built binary for path.
    const result = await runBinary(['path', '--snapshot', dirs.seed!, '--now', NOW, '--target', 'v0.37.2']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /Installed\s+v0\.28\.0 \(v0\.28\.0-54-g22cf18ff, Deployment cozy-system\/cozystack image tag; 219 days old\)/,
    );
    assert.match(result.stdout, /Gap\s+9 minor versions, 7 steps/);
    for (const to of ['v0.30.6', 'v0.31.2', 'v0.32.1', 'v0.33.3', 'v0.35.5', 'v0.36.3', 'v0.37.2'])
      assert.ok(result.stdout.includes(to), to);
    assert.match(result.stdout, /ferretdb-v2 \[blocker\] not used/);
    assert.match(result.stdout, /no HelmRelease with chart ferretdb/);
  });

  it('names the strategy and what the other would take: conservative by default, --strategy shortest on request', async () => {
    const conservative = await runCli([
      'path',
      '--snapshot',
      dirs.seed!,
      '--now',
      NOW,
      '--target',
      'v0.37.2',
    ]);
    assert.equal(conservative.code, 0, conservative.stderr);
    assert.match(conservative.stdout, /Gap\s+9 minor versions, 7 steps/);
    assert.match(
      conservative.stdout,
      /Strategy\s+strategy conservative \(the newest patch of every minor line\); shortest: 1 step/,
    );
    const shortest = await runCli([
      'path',
      '--snapshot',
      dirs.seed!,
      '--now',
      NOW,
      '--target',
      'v0.37.2',
      '--strategy',
      'shortest',
    ]);
    assert.equal(shortest.code, 0, shortest.stderr);
    assert.match(shortest.stdout, /Gap\s+9 minor versions, 1 step\n/);
    assert.match(
      shortest.stdout,
      /Strategy\s+strategy shortest \(only the stops upstream requires\); conservative: 7 steps/,
    );
    assert.match(shortest.stdout, /1\s+v0\.28\.0\s+v0\.37\.2\s+10 → 21/);
    assert.match(shortest.stdout, /one apply crosses lines 0\.29, 0\.30/);
    const markdown = await runCli([
      'path',
      '--snapshot',
      dirs.seed!,
      '--target',
      'v0.37.2',
      '--strategy',
      'shortest',
      '-o',
      'markdown',
    ]);
    assert.match(
      markdown.stdout,
      /- Strategy: strategy shortest \(only the stops upstream requires\); conservative: 7 steps/,
    );
    const json = await runCli([
      'path',
      '--snapshot',
      dirs.seed!,
      '--target',
      'v0.37.2',
      '--strategy',
      'shortest',
      '-o',
      'json',
    ]);
    const version = VersionSchema.parse((JSON.parse(json.stdout) as { version: unknown }).version);
    assert.equal(version.strategy, 'shortest');
    assert.deepEqual(version.stepCounts, { conservative: 7, shortest: 1 });
    assert.deepEqual(
      version.steps.map((s) => s.to),
      ['0.37.2'],
    );
  });

  it('--strategy with another value is exit 2 naming the choices', async () => {
    const result = await runCli(['path', '--snapshot', dirs.seed!, '--strategy', 'fastest']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /fastest/);
    assert.match(result.stderr, /conservative, shortest/);
  });

  it('-o json carries the assessment version section and breaking changes', async () => {
    const result = await runCli([
      'path',
      '--snapshot',
      dirs.seed!,
      '--now',
      NOW,
      '--target',
      'v0.37.2',
      '-o',
      'json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout) as {
      version: unknown;
      breakingChanges: Array<{ id: string; usage: string }>;
    };
    const version = VersionSchema.parse(document.version);
    assert.equal(version.installed, '0.28.0');
    assert.equal(version.installedRaw, 'v0.28.0-54-g22cf18ff');
    assert.equal(version.minorGap, 9);
    assert.equal(version.steps.length, 7);
    assert.equal(version.bundle, 'paas-full');
    assert.equal(version.migrationCounter, 10);
    assert.equal(document.breakingChanges.find((c) => c.id === 'ferretdb-v2')?.usage, 'not used');
    assert.equal(document.breakingChanges.find((c) => c.id === 'seaweedfs-0.36')?.usage, 'not used');
  });

  it('-o markdown marks a used FerretDB v1 as used, with its evidence', async () => {
    const result = await runCli([
      'path',
      '--snapshot',
      dirs.ferret!,
      '--target',
      'v0.35.5',
      '-o',
      'markdown',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^# Upgrade path: v0\.33\.3 → v0\.35\.5/);
    assert.match(
      result.stdout,
      /FerretDB v1 → v2\.4\.0.*\| blocker \| \*\*used\*\* \| HelmRelease tenant-root\/ferretdb-docs \(chart ferretdb 0\.8\.0 < 1\.0\.0\)/,
    );
    assert.match(result.stdout, /skips v0\.34\.0, v0\.34\.1, v0\.34\.2/);
  });

  it('names a fork bundle and pending migrations', async () => {
    const result = await runCli(['path', '--snapshot', dirs.proxmox!, '--target', 'latest']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /paas-proxmox \(NOT an upstream bundle/);
    assert.match(result.stdout, /counter 20 is below 21/);
    assert.match(result.stdout, /v0\.41\.11/);
  });

  it('exit 2 for a target that is older, unknown, not a version or to avoid', async () => {
    for (const [target, pattern] of [
      ['v0.27.0', /older than the installed v0\.28\.0/],
      ['v0.42.0', /not a release in the catalog/],
      ['next', /not a version/],
      ['v0.34.0', /release to avoid/],
      ['v1.0.1', /release to avoid: its v1 migration runner skips the first pending migration/],
      ['v1.5.3', /release to avoid: never published/],
    ] as const) {
      const result = await runCli(['path', '--snapshot', dirs.seed!, '--target', target]);
      assert.equal(result.code, 2, `${target}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
    }
  });

  it('--catalog extends the catalog; a malformed one is exit 2 naming the field', async () => {
    const extended = await runCli([
      'path',
      '--snapshot',
      dirs.seed!,
      '--catalog',
      join(base, 'extra-catalog.yaml'),
      '--target',
      'latest',
      '-o',
      'json',
    ]);
    assert.equal(extended.code, 0, extended.stderr);
    assert.equal((JSON.parse(extended.stdout) as { version: { target: string } }).version.target, '1.7.0');
    const bad = await runCli(['path', '--snapshot', dirs.seed!, '--catalog', join(base, 'bad-catalog.yaml')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad-catalog\.yaml: invalid release catalog: releases\[0\]\.date/);
  });

  it('exit 4 when the installed version cannot be detected', async () => {
    const result = await runCli(['path', '--snapshot', dirs.latest!, '--target', 'v0.37.2']);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /no upgrade path/);
    assert.match(result.stdout, /Installed\s+unknown/);
  });
});
