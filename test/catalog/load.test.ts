import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseDocument, visit } from 'yaml';
import { parseCatalogText } from '../../src/catalog/parse.js';
import { loadCatalog, SHIPPED_CATALOG_URL } from '../../src/cli/catalog-file.js';
import { BadInputError, ExitCode } from '../../src/errors.js';
import { repoPath } from '../support/repo.js';

const dir = mkdtempSync(join(tmpdir(), 'cozy-catalog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function target(version: string): number | undefined {
  return loadCatalog().releases.find((r) => r.version === version)?.migrationTarget;
}

describe('shipped catalog', () => {
  const catalog = loadCatalog();

  it('covers every stable release from v0.25.0 to v1.6.2 in semver order', () => {
    const versions = catalog.releases.map((r) => r.version);
    assert.equal(versions[0], '0.25.0');
    assert.equal(versions.at(-1), '1.6.2');
    assert.equal(versions.length, 137);
    assert.ok(versions.includes('0.37.10') && versions.includes('0.41.11') && versions.includes('1.5.4'));
    // ordered by semver even though v0.41.11 (2026-03-10) is newer by date than v1.0.0 (2026-02-26)
    assert.ok(versions.indexOf('0.41.11') < versions.indexOf('1.0.0'));
  });

  it('carries the migration counter targets of the reference tables', () => {
    const expected: Record<string, number> = {
      '0.25.3': 9,
      '0.28.0': 10,
      '0.30.6': 10,
      '0.31.1': 13,
      '0.31.2': 14,
      '0.32.1': 16,
      '0.34.2': 17,
      '0.34.3': 18,
      '0.35.5': 18,
      '0.36.3': 20,
      '0.37.2': 21,
      '0.39.5': 21,
      '0.41.11': 23,
      '1.0.8': 34,
      '1.1.7': 35,
      '1.2.1': 36,
      '1.2.2': 38,
      '1.4.0': 40,
      '1.4.1': 42,
      '1.5.3': 45,
      '1.5.4': 46,
      '1.6.2': 54,
    };
    for (const [version, value] of Object.entries(expected)) assert.equal(target(version), value, version);
  });

  it('marks releases to avoid, image quirks and the Kubernetes minimum, each with a source', () => {
    const byVersion = (v: string) => catalog.releases.find((r) => r.version === v)!;
    for (const v of ['0.34.0', '0.34.1', '0.34.2']) assert.equal(byVersion(v).avoid?.instead, '0.34.3');
    assert.ok(byVersion('0.33.0').avoid);
    for (const v of ['1.0.0', '1.0.1', '1.5.3']) assert.ok(byVersion(v).avoid, v);
    assert.equal(byVersion('0.34.3').avoid, undefined);
    assert.equal(byVersion('0.30.5').installerImage, '0.30.4');
    assert.equal(byVersion('1.0.8').operatorImage, '1.0.7');
    assert.equal(byVersion('1.4.0').operatorImage, '1.4.0-rc.2');
    assert.equal(byVersion('1.5.0').minKubernetes, '1.33');
    assert.equal(byVersion('1.4.6').minKubernetes, undefined);
    assert.equal(byVersion('0.28.0').date, '2025-03-13');
    assert.equal(byVersion('0.36.3').date, '2026-01-04');
    for (const release of catalog.releases) assert.match(release.source, /cozystack\/cozystack/);
  });

  it('has the required stop before v1.0 and the breaking changes of the reference', () => {
    assert.deepEqual(
      catalog.requiredStops.map((s) => [s.range, s.before]),
      [['>=0.41.10 <0.42.0', '1.0.0']],
    );
    const ids = catalog.breakingChanges.map((c) => c.id);
    for (const id of [
      'ferretdb-v2',
      'seaweedfs-0.36',
      'lineage-webhook-dashboard',
      'flux-aio',
      'ferretdb-removed',
      'management-kubernetes-1.33',
      'etcd-operator-v1alpha2',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    const ferret = catalog.breakingChanges.find((c) => c.id === 'ferretdb-v2')!;
    assert.equal(ferret.severity, 'blocker');
    assert.equal(ferret.version, '0.34.0');
    assert.ok(ferret.source.includes('docs/changelogs/v0.34.0.md'));
    assert.deepEqual(
      catalog.bundles.filter((b) => b.generation === 'v0').map((b) => b.name),
      ['paas-full', 'paas-hosted', 'distro-full', 'distro-hosted'],
    );
  });
});

describe('facts checked against upstream (cozystack/cozystack and cozystack/website)', () => {
  const catalog = loadCatalog();
  const byVersion = (v: string) => catalog.releases.find((r) => r.version === v)!;
  const change = (id: string) => catalog.breakingChanges.find((c) => c.id === id)!;

  it('v1.0.0 and v1.0.1 are avoided: the runner skips the first pending migration, no cozy-proxy guard; v1.0.2 instead', () => {
    for (const v of ['1.0.0', '1.0.1']) {
      const avoid = byVersion(v).avoid!;
      assert.equal(avoid.instead, '1.0.2', v);
      assert.match(
        avoid.reason,
        /skips the first pending migration \(migration 23 when coming from v0\.41\)/,
      );
      assert.match(avoid.reason, /cozy-proxy/);
      assert.match(avoid.source, /run-migrations\.sh@v1\.0\.1 vs @v1\.0\.2/);
    }
    assert.equal(byVersion('1.0.2').avoid, undefined);
  });

  it('v1.5.3 is avoided: never published (a draft release), v1.5.4 instead', () => {
    const avoid = byVersion('1.5.3').avoid!;
    assert.equal(avoid.instead, '1.5.4');
    assert.match(avoid.reason, /never published/);
    assert.match(avoid.source, /docs\/changelogs\/v1\.5\.4\.md/);
  });

  it('v0.33.0 is avoided in favour of 0.33.2, as its notes say', () => {
    assert.equal(byVersion('0.33.0').avoid?.instead, '0.33.2');
  });

  it('SeaweedFS: clusters that ran v1.5.0–v1.5.3 must run the naming audit (v1.5.4 or v1.6.1+ copy) and recover first', () => {
    const audit = change('seaweedfs-naming-audit');
    assert.equal(audit.severity, 'blocker');
    assert.equal(audit.installedRange, '>=1.5.0 <1.5.4');
    assert.match(audit.action, /seaweedfs-naming-audit\.sh from a v1\.5\.4 or v1\.6\.1\+ checkout/);
    assert.match(audit.action, /v1\.6\.0 copy can report a false\s+clean/);
    assert.match(audit.action, /seaweedfs-431-rename-recovery\.md/);
    assert.match(change('seaweedfs-chart-4.31').action, /v1\.5\.4 or later/);
  });

  it('Bucket (v1.1): users are defined after upgrading; clients lose access until then', () => {
    const bucket = change('bucket-access');
    assert.match(bucket.action, /no `users` field before v1\.1/);
    assert.match(bucket.action, /lose access from the upgrade until you add its users/);
    assert.doesNotMatch(bucket.action, /before the upgrade/);
  });

  it('citations and wording: #2127 for the releaseName, migrations 20 and 22 said right, paths as upstream has them', () => {
    const proxy = change('cozy-proxy-release-name');
    assert.match(proxy.source, /@v0\.41\.10 \(PR #2127\)/);
    assert.match(proxy.source, /migrate-to-version-1\.0\.sh@v1\.0\.1 vs @v1\.0\.2 \(PR #2128\)/);
    assert.match(catalog.requiredStops[0]!.reason, /#2127/);
    const lineage = change('lineage-webhook-dashboard');
    assert.doesNotMatch(lineage.title, /migration 20/);
    assert.match(lineage.affects, /migration 20 reinstalls[\s\S]*it bumps no charts/);
    assert.match(lineage.source, /installer\.sh@v0\.37\.0/);
    const flux = change('flux-aio');
    assert.match(flux.affects, /migration 22 is not about Flux/);
    assert.match(flux.action, /--wait=false since #1846/);
    assert.match(
      change('ferretdb-plural-rename').source,
      /cozystack-api\/templates\/cozystack-resource-definitions\.yaml@v0\.35\.0/,
    );
    const text = readFileSync(fileURLToPath(SHIPPED_CATALOG_URL), 'utf8');
    assert.doesNotMatch(text, /docs\/v1\/operations/, 'the upgrade guide moved to docs/v1.0/');
    assert.match(text, /content\/en\/docs\/v1\.0\/operations\/upgrades\/_index\.md/);
  });
});

describe('shipped catalog text', () => {
  it('has no value cut short by an unquoted ` #` (YAML reads the rest as a comment)', () => {
    const text = readFileSync(fileURLToPath(SHIPPED_CATALOG_URL), 'utf8');
    const cut: string[] = [];
    visit(parseDocument(text), {
      Scalar(_key, node) {
        if (node.comment) cut.push(`${String(node.value)} #${node.comment}`);
      },
    });
    assert.deepEqual(cut, []);
    const note = loadCatalog().releases.find((r) => r.version === '0.37.2')?.notes?.[0];
    assert.match(note?.source ?? '', /#1521/);
  });
});

describe('built catalog', () => {
  it('dist/catalog/releases.json (written by npm run build) is what releases.yaml parses to', (t) => {
    const built = repoPath('dist', 'catalog', 'releases.json');
    if (!existsSync(built)) return t.skip('not built: npm run build writes it');
    const source = readFileSync(fileURLToPath(SHIPPED_CATALOG_URL), 'utf8');
    assert.deepEqual(
      JSON.parse(readFileSync(built, 'utf8')),
      parseCatalogText(source, 'releases.yaml'),
      'stale: run npm run build',
    );
  });
});

describe('--catalog FILE', () => {
  it('replaces releases with the same version and adds new ones', () => {
    const file = write(
      'extra.yaml',
      `schemaVersion: 1
releases:
  - version: 1.7.0
    date: '2026-09-01'
    migrationTarget: 60
    source: docs/changelogs/v1.7.0.md
  - version: 0.37.2
    date: '2025-10-15'
    migrationTarget: 99
    source: local correction
`,
    );
    const catalog = loadCatalog(file);
    assert.equal(catalog.releases.at(-1)?.version, '1.7.0');
    assert.equal(catalog.releases.find((r) => r.version === '0.37.2')?.migrationTarget, 99);
    assert.equal(catalog.releases.length, 138);
    assert.deepEqual(catalog.files, ['releases.yaml', file]);
  });

  it('replaces a breaking change by id', () => {
    const file = write(
      'change.yaml',
      `schemaVersion: 1
breakingChanges:
  - id: ferretdb-v2
    title: FerretDB (local note)
    version: 0.34.0
    affects: FerretDB
    severity: warning
    action: none
    detect: [{ kind: helmRelease, chart: ferretdb }]
    source: local
`,
    );
    const changes = loadCatalog(file).breakingChanges.filter((c) => c.id === 'ferretdb-v2');
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.severity, 'warning');
  });

  it('a malformed file is exit 2 naming the file and the field path', () => {
    const file = write(
      'bad.yaml',
      `schemaVersion: 1
releases:
  - version: 1.7.0
    date: '2026-09-01'
    migrationTarget: sixty
    source: x
`,
    );
    assert.throws(
      () => loadCatalog(file),
      (error: unknown) =>
        error instanceof BadInputError &&
        error.exitCode === ExitCode.BAD_INPUT &&
        error.field === 'releases[0].migrationTarget' &&
        error.message.includes(file),
    );
  });

  it('names unknown detector kinds, duplicate versions, bad versions and YAML syntax errors', () => {
    const field = (text: string) => {
      try {
        parseCatalogText(text, 'x.yaml');
      } catch (error) {
        assert.ok(error instanceof BadInputError);
        return { field: error.field, message: error.message };
      }
      assert.fail('expected a BadInputError');
    };
    assert.equal(
      field(
        'schemaVersion: 1\nbreakingChanges:\n  - {id: a, title: t, version: 1.0.0, affects: a, severity: blocker, action: a, source: s, detect: [{kind: nope}]}\n',
      ).field,
      'breakingChanges[0].detect[0].kind',
    );
    const release = "{version: 1.7.0, date: '2026-01-01', migrationTarget: 1, source: s}";
    assert.equal(field(`schemaVersion: 1\nreleases: [${release}, ${release}]\n`).field, 'releases[1]');
    assert.equal(
      field(
        "schemaVersion: 1\nreleases: [{version: v1.7, date: '2026-01-01', migrationTarget: 1, source: s}]\n",
      ).field,
      'releases[0].version',
    );
    assert.equal(field('schemaVersion: 2\n').field, 'schemaVersion');
    assert.match(field('releases: [\n').message, /x\.yaml: not valid YAML at line \d+/);
  });

  it('a missing file is exit 2 naming it', () => {
    const missing = join(dir, 'nope.yaml');
    assert.throws(
      () => loadCatalog(missing),
      (e: unknown) => e instanceof BadInputError && e.message.includes('file not found'),
    );
  });
});
