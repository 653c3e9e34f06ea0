// The synthetic cluster generator behind `npm run bench`: deterministic for a seed, kubectl's exact output
// format, and read back by the snapshot source and the inventory with the counts it was asked for.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateCluster, type GenerateSummary, GENERATED_VERSION } from '../../scripts/generate-cluster.js';
import { kubectlJsonList } from '../../scripts/fixtures/write.js';
import { detectInstalled } from '../../src/catalog/detect.js';
import { loadCatalog } from '../../src/cli/catalog-file.js';
import { scanCluster } from '../../src/cluster/scan.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { typeKey } from '../../src/cluster/types.js';
import { createInventoryBuilder } from '../../src/inventory/build.js';

const SIZE = { pods: 400, configmaps: 60, secrets: 30, crds: 70 };

async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) out.set(name, await readFile(join(dir, name), 'utf8'));
  return out;
}

describe('generate-cluster', () => {
  let root: string;
  let first: string;
  let summary: GenerateSummary;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'cozy-generate-cluster-'));
    first = join(root, 'a');
    summary = await generateCluster({ ...SIZE, seed: '7', out: first });
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('writes byte-identical files for the same seed, and different pods for another seed', async () => {
    const again = join(root, 'b');
    await generateCluster({ ...SIZE, seed: '7', out: again });
    const [a, b] = [await files(first), await files(again)];
    assert.deepEqual([...b.keys()], [...a.keys()]);
    for (const [name, text] of a) assert.equal(b.get(name), text, `${name} differs between two runs`);

    const other = join(root, 'c');
    await generateCluster({ ...SIZE, seed: '8', out: other });
    assert.notEqual((await files(other)).get('pods.json'), a.get('pods.json'));
  });

  it('writes each type as `kubectl get -A -o json` prints it', async () => {
    for (const [name, text] of await files(first)) {
      if (name === 'version.json') continue;
      const items = (JSON.parse(text) as { items: unknown[] }).items;
      assert.equal(text, kubectlJsonList(items), `${name} is not kubectl's format`);
      assert.equal(items.length, summary[name], `${name}: count in the summary`);
    }
  });

  it('is read by the snapshot source with the asked counts, a failing mix, large CRDs and a detectable version', async () => {
    const source = await openSnapshotSource(first);
    const types = await source.discoverTypes();
    const builder = createInventoryBuilder({ source: source.info });
    const outcomes = await scanCluster(source, types, [builder.sink], { concurrency: 4 });
    const count = (key: string) => outcomes.find((o) => o.type === key)?.count;
    assert.equal(count('pods'), SIZE.pods);
    assert.equal(count('configmaps'), SIZE.configmaps);
    assert.equal(count('secrets'), SIZE.secrets);
    assert.equal(count('customresourcedefinitions.apiextensions.k8s.io'), SIZE.crds);
    assert.ok((count('events') ?? 0) > 0, 'events');
    assert.ok((count('helmreleases.helm.toolkit.fluxcd.io') ?? 0) > 16, 'platform and tenant HelmReleases');
    for (const key of [
      'clusters.cluster.x-k8s.io',
      'machines.cluster.x-k8s.io',
      'proxmoxmachines.infrastructure.cluster.x-k8s.io',
    ])
      assert.ok((count(key) ?? 0) > 0, `${key}: cluster-API objects`);
    assert.ok(types.some((t) => typeKey(t) === 'proxmoxmachines.infrastructure.cluster.x-k8s.io'));

    const inventory = builder.finish(outcomes, await source.serverVersion());
    const statuses = new Set(inventory.pods.map((p) => p.displayStatus));
    const failing = inventory.pods.filter((p) => p.displayStatus !== 'Running');
    assert.ok(
      failing.length > 0 && failing.length < SIZE.pods * 0.1,
      `a few per cent fail: ${failing.length}`,
    );
    assert.ok(
      ['CrashLoopBackOff', 'ImagePullBackOff', 'Pending', 'OutOfcpu'].some((s) => statuses.has(s)),
      [...statuses].join(', '),
    );
    assert.equal(detectInstalled(inventory, loadCatalog()).version, GENERATED_VERSION.slice(1));

    const crds = JSON.parse(await readFile(join(first, 'customresourcedefinitions.json'), 'utf8')) as {
      items: Array<{ spec: { versions: Array<{ storage: boolean; schema: unknown }> } }>;
    };
    const schemaBytes = crds.items.map(
      (c) => JSON.stringify(c.spec.versions.find((v) => v.storage)!.schema).length,
    );
    const average = schemaBytes.reduce((sum, n) => sum + n, 0) / schemaBytes.length;
    assert.ok(average > 60_000 && average < 100_000, `openAPIV3Schema averages ${average} bytes`);
  });
});
