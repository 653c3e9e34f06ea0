import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectInstalled } from '../../src/catalog/detect.js';
import { loadCatalog } from '../../src/cli/catalog-file.js';
import { deployment, helmRelease, installer, inventory } from './inline-inventory.js';

const catalog = loadCatalog();
const operator = (image: string, env: Record<string, string> = {}) =>
  deployment('cozy-system', 'cozystack-operator', [{ name: 'cozystack-operator', image, env }]);
const controller = (version: string) =>
  deployment('cozy-system', 'cozystack-controller', [
    {
      name: 'cozystack-controller',
      image: 'ghcr.io/cozystack/cozystack/cozystack-controller:x',
      args: ['--metrics-bind-address=:8080', `--cozystack-version=${version}`],
    },
  ]);
const systemRelease = (name: string, version: string) =>
  helmRelease(`cozy-${name}`, name, `cozy-${name}`, {
    deployedChartVersion: version,
    sourceRef: { kind: 'HelmRepository', name: 'cozystack-system', namespace: 'cozy-system' },
  });

describe('detectInstalled: v0', () => {
  it('reads the installer image tag, stripping the digest and the git-describe suffix', () => {
    const found = detectInstalled(
      inventory({
        workloads: [installer('v0.28.0-54-g22cf18ff')],
        cozystackConfigMaps: {
          'cozy-system/cozystack': { 'bundle-name': 'paas-proxmox' },
          'cozy-system/cozystack-version': { version: '10' },
        },
      }),
      catalog,
    );
    assert.equal(found.generation, 'v0');
    assert.equal(found.version, '0.28.0');
    assert.equal(found.commitsAfter, 54);
    assert.equal(found.detectedFrom, 'Deployment cozy-system/cozystack image tag');
    assert.equal(found.bundle, 'paas-proxmox');
    assert.equal(found.migrationCounter, 10);
    assert.ok(found.inCatalog);
    assert.ok(found.notes.some((n) => n.includes('54 commits after v0.28.0')));
  });

  it('falls back from `latest` to the cozystack-controller argument, then to system chart versions', () => {
    const viaController = detectInstalled(
      inventory({ workloads: [installer('latest'), controller('v0.37.2')] }),
      catalog,
    );
    assert.equal(viaController.version, '0.37.2');
    assert.equal(
      viaController.detectedFrom,
      'Deployment cozy-system/cozystack-controller argument --cozystack-version',
    );

    const viaCharts = detectInstalled(
      inventory({
        workloads: [installer('latest')],
        helmReleases: [
          systemRelease('cilium', '0.36.1'),
          systemRelease('kubeovn', '0.36.1'),
          systemRelease('velero', '0.36.0'),
          helmRelease('tenant-a', 'ferretdb-x', 'ferretdb', { deployedChartVersion: '0.8.0' }),
        ],
      }),
      catalog,
    );
    assert.equal(viaCharts.version, '0.36.1');
    assert.match(viaCharts.detectedFrom ?? '', /chart version of 2 system HelmRelease/);
  });

  it('notes that v0.30.4 images may be v0.30.5', () => {
    const found = detectInstalled(inventory({ workloads: [installer('v0.30.4')] }), catalog);
    assert.equal(found.version, '0.30.4');
    assert.deepEqual(found.alternatives, ['0.30.5']);
  });

  it('says a mismatching controller argument may mean a half-applied upgrade', () => {
    const found = detectInstalled(
      inventory({ workloads: [installer('v0.37.2'), controller('v0.36.2')] }),
      catalog,
    );
    assert.equal(found.version, '0.37.2');
    assert.ok(found.notes.some((n) => n.includes('half-applied')));
  });

  it('unknown, never guessed, when nothing gives a version', () => {
    const found = detectInstalled(inventory({ workloads: [installer('latest')] }), catalog);
    assert.equal(found.version, null);
    assert.ok(found.unknownReason);

    const none = detectInstalled(inventory(), catalog);
    assert.equal(none.version, null);
    assert.match(none.unknownReason ?? '', /not a CozyStack management cluster/);

    const forbidden = inventory();
    forbidden.outcomes['deployments.apps'] = {
      type: 'deployments.apps',
      status: 'forbidden',
      count: 0,
      reason: 'RBAC',
    };
    assert.match(
      detectInstalled(forbidden, catalog).unknownReason ?? '',
      /could not be read \(forbidden: RBAC\)/,
    );
  });
});

describe('detectInstalled: v1', () => {
  it('prefers COZYSTACK_VERSION over the image tag', () => {
    const found = detectInstalled(
      inventory({
        workloads: [
          operator('ghcr.io/cozystack/cozystack/cozystack-operator:v1.6.1@sha256:ab', {
            COZYSTACK_VERSION: 'v1.6.2',
          }),
        ],
      }),
      catalog,
    );
    assert.equal(found.generation, 'v1');
    assert.equal(found.version, '1.6.2');
    assert.equal(found.detectedFrom, 'Deployment cozy-system/cozystack-operator env COZYSTACK_VERSION');
  });

  it('maps a lagging operator image to its release and names the alternatives', () => {
    const rc = detectInstalled(
      inventory({ workloads: [operator('ghcr.io/cozystack/cozystack/cozystack-operator:v1.4.0-rc.2')] }),
      catalog,
    );
    assert.equal(rc.version, '1.4.0');
    assert.ok(rc.inCatalog);
    const lag = detectInstalled(
      inventory({ workloads: [operator('ghcr.io/cozystack/cozystack/cozystack-operator:v1.0.7@sha256:ff')] }),
      catalog,
    );
    assert.equal(lag.version, '1.0.7');
    assert.deepEqual(lag.alternatives, ['1.0.8']);
    assert.ok(lag.notes.some((n) => n.includes('can lag')));
  });

  const record = (chartVersion: string, revision: number, status = 'deployed', chart = 'cozy-installer') => ({
    namespace: 'cozy-system',
    release: 'cozystack',
    revision,
    status,
    chart,
    chartVersion,
    deployedAt: '2026-07-10T08:00:00Z',
  });
  const sharedTag = (extra: Partial<Parameters<typeof inventory>[0]> = {}) =>
    inventory({
      workloads: [operator('ghcr.io/cozystack/cozystack/cozystack-operator:v1.4.5@sha256:ee')],
      cozystackConfigMaps: { 'cozy-system/cozystack-version': { version: '42' } },
      ...extra,
    });

  it("settles a tag two releases ship with Helm's record of the installer chart, and says it decided", () => {
    const found = detectInstalled(
      sharedTag({
        installerRecords: {
          namespace: 'cozy-system',
          release: 'cozystack',
          status: 'ok',
          records: [record('1.4.5', 2, 'superseded'), record('1.4.6', 3)],
        },
      }),
      catalog,
    );
    assert.equal(found.version, '1.4.6');
    assert.deepEqual(found.alternatives, []);
    assert.equal(
      found.detectedFrom,
      'Helm release cozy-system/cozystack revision 3 (chart cozy-installer 1.4.6)',
    );
    assert.ok(
      found.notes.some((n) =>
        /shipped by v1\.4\.5 and v1\.4\.6; Helm's record of the installer release decided/.test(n),
      ),
    );
  });

  it('ignores records of another chart under the same release name (the pre-v0.41.10 cozy-proxy collision)', () => {
    const found = detectInstalled(
      sharedTag({
        installerRecords: {
          namespace: 'cozy-system',
          release: 'cozystack',
          status: 'ok',
          records: [record('1.4.6', 3, 'deployed', 'cozy-proxy')],
        },
      }),
      catalog,
    );
    assert.equal(found.version, '1.4.5');
    assert.deepEqual(found.alternatives, ['1.4.6']);
    assert.ok(
      found.notes.some((n) =>
        /no deployed record of chart cozy-installer.*the migration counter 42 fits both/.test(n),
      ),
      found.notes.join('\n'),
    );
  });

  it('falls back to the migration counter when the record cannot be read and the candidates migrate differently', () => {
    // v1.5.3 ships the v1.5.2 image; both migrate to 45, so take a tag whose candidates differ: none in the
    // shipped catalog today, so the catalog is extended the way --catalog FILE would.
    const extended = {
      ...catalog,
      releases: catalog.releases.map((r) => (r.version === '1.2.2' ? { ...r, operatorImage: '1.2.1' } : r)),
    };
    const found = detectInstalled(
      inventory({
        workloads: [operator('ghcr.io/cozystack/cozystack/cozystack-operator:v1.2.1')],
        cozystackConfigMaps: { 'cozy-system/cozystack-version': { version: '38' } },
        installerRecords: {
          namespace: 'cozy-system',
          release: 'cozystack',
          status: 'forbidden',
          reason: 'forbidden: secrets',
          records: [],
        },
      }),
      extended,
    );
    assert.equal(found.version, '1.2.2');
    assert.match(
      found.detectedFrom ?? '',
      /image tag and ConfigMap cozy-system\/cozystack-version version=38/,
    );
    assert.ok(
      found.notes.some((n) =>
        /could not be read \(forbidden.*the migration counter 38 decided: only v1\.2\.2/.test(n),
      ),
      found.notes.join('\n'),
    );
  });

  it('says it cannot tell when neither the record nor the counter decides', () => {
    const found = detectInstalled(sharedTag(), catalog);
    assert.equal(found.version, '1.4.5');
    assert.deepEqual(found.alternatives, ['1.4.6']);
    assert.ok(
      found.notes.some((n) =>
        /was not looked for; the migration counter 42 fits both: the installed release may be either/.test(n),
      ),
    );
  });

  it('reads the variant from Package cozystack.cozystack-platform, and says when it cannot', () => {
    const withPackage = detectInstalled(
      sharedTag({ packages: [{ name: 'cozystack.cozystack-platform', variant: 'isp-full' }] }),
      catalog,
    );
    assert.equal(withPackage.bundle, 'isp-full');
    assert.equal(withPackage.bundleFrom, 'Package cozystack.cozystack-platform spec.variant');
    const without = detectInstalled(sharedTag(), catalog);
    assert.equal(without.bundle, null);
    assert.ok(
      without.notes.some((n) =>
        n.startsWith(
          'the v1 variant could not be read (Package cozystack.cozystack-platform: packages.cozystack.io was not listed)',
        ),
      ),
      without.notes.join('\n'),
    );
  });

  it('a v1 cluster wins over a leftover installer Deployment', () => {
    const found = detectInstalled(
      inventory({
        workloads: [installer('v0.41.11'), operator('ghcr.io/cozystack/cozystack/cozystack-operator:v1.0.3')],
      }),
      catalog,
    );
    assert.equal(found.version, '1.0.3');
  });
});
