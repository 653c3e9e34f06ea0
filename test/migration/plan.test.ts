// The migration plan on fixtures/tenants (a v0.30.3 cluster with a tenant tree and the app kinds a plan has to
// carry), against what fixtures/tenants.expected.json documents, for the reference target and a v1 target.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { loadCatalog } from '../../src/cli/catalog-file.js';
import { breakingChangesOf, planUpgrade } from '../../src/catalog/path.js';
import { clusterSection } from '../../src/decide/build-assessment.js';
import { DEFAULT_MODEL, resolveModel } from '../../src/decide/decision-model.js';
import { rolesOf } from '../../src/decide/roles.js';
import { scoreOptionC } from '../../src/decide/score.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { BuiltPlan } from '../../src/migration/build.js';
import { renderPlanMarkdown } from '../../src/migration/render.js';
import { MigrationPlanSchema, migrationPlanJsonSchema, type PlanApp } from '../../src/migration/schema.js';
import { planFor } from './support.js';

const FIXTURE = 'fixtures/tenants';
const expected = JSON.parse(readFileSync(`${FIXTURE}.expected.json`, 'utf8'));

const appsOf = (built: BuiltPlan) => built.plan.tenants.flatMap((t) => t.apps);
const app = (built: BuiltPlan, ref: string): PlanApp => {
  const found = appsOf(built).find((a) => `${a.namespace}/${a.release}` === ref);
  assert.ok(found, `${ref} is in the plan`);
  return found;
};
const changesWith = (a: PlanApp, status: string) =>
  a.conversion.changes.filter((c) => c.status === status).map((c) => c.id);

/** Option C as the decision model prices this cluster: the plan's hours must be these. */
function optionC(inventory: Inventory, target: string, model = DEFAULT_MODEL) {
  const upgrade = planUpgrade(inventory, loadCatalog(), target);
  return scoreOptionC(
    {
      findings: [],
      rootCauses: [],
      roles: rolesOf([]),
      steps: upgrade.steps,
      breakingChanges: breakingChangesOf(upgrade),
      pendingMigrations: 0,
      tenantWorkloads: clusterSection(inventory).tenantWorkloads,
      installed: upgrade.installed.version,
      target: upgrade.target,
    },
    model,
  );
}

describe('plan for fixtures/tenants → v0.37.2', async () => {
  const built = await planFor(FIXTURE, 'v0.37.2');
  const e = expected.plans['v0.37.2'];

  it('lists every tenant under its parent, parents first, with its apps', () => {
    assert.deepEqual(
      built.plan.tenants.map((t) => t.namespace),
      ['tenant-root', 'tenant-lab', 'tenant-lab-ci', 'tenant-shop'],
    );
    for (const [namespace, want] of Object.entries(expected.tenants) as Array<
      [string, { parent: string | null; apps: number }]
    >) {
      const tenant = built.plan.tenants.find((t) => t.namespace === namespace)!;
      assert.equal(tenant.parent, want.parent, namespace);
      assert.equal(tenant.apps.length, want.apps, namespace);
    }
    assert.equal(built.plan.hours.workloads, expected.tenantWorkloads);
  });

  it('converts the apps a mechanical change touches, and says what it rewrote', () => {
    for (const [ref, ids] of Object.entries(e.converted) as Array<[string, string[]]>) {
      assert.deepEqual(changesWith(app(built, ref), 'converted'), ids, ref);
      assert.equal(app(built, ref).conversion.status, 'converted', ref);
    }
    const pg = kitObject(built, 'tenant-shop/postgres-orders');
    assert.deepEqual(
      pg.spec.resources,
      { cpu: '2', memory: '4Gi' },
      'resources flattened, limits over requests',
    );
    const sw = kitObject(built, 'tenant-root/seaweedfs');
    assert.deepEqual(sw.spec, { volume: { replicas: 2, size: '50Gi', storageClass: 'replicated' } });
    const ingress = kitObject(built, 'tenant-root/ingress');
    assert.deepEqual(ingress.spec, { replicas: 2, whitelist: [] }, 'the expose keys left the ingress values');
    for (const [key, value] of Object.entries(e.platform)) {
      assert.equal(built.plan.platform.find((s) => s.key === key)?.value, value, key);
    }
  });

  it('flags the data that changes form as a manual conversion, with the catalog action', () => {
    for (const [ref, ids] of Object.entries(e.manual) as Array<[string, string[]]>) {
      const a = app(built, ref);
      assert.equal(a.conversion.status, 'manual', ref);
      assert.deepEqual(changesWith(a, 'manual'), ids, ref);
      assert.match(a.conversion.changes.find((c) => c.id === 'ferretdb-v2')!.detail, /Dump the data/);
    }
    for (const [ref, ids] of Object.entries(e.review) as Array<[string, string[]]>) {
      assert.deepEqual(changesWith(app(built, ref), 'review'), ids, ref);
    }
    const md = renderPlanMarkdown(built.plan);
    assert.match(md, /FerretDB tenant-shop\/docs — 10Gi — MANUAL CONVERSION/);
    assert.match(md, /MANUAL CONVERSION \(ferretdb-v2\): Dump the data of every FerretDB instance/);
  });

  it('never carries an app silently across a breaking change it touches', () => {
    const crossed = new Set(built.plan.breakingChanges.map((c) => c.id));
    for (const a of appsOf(built)) {
      for (const change of a.conversion.changes) {
        if (change.id === 'target-kind') continue;
        assert.ok(crossed.has(change.id), `${change.id} on ${a.release} is listed among the changes crossed`);
      }
      const touched = a.conversion.changes.some((c) => c.status !== 'not-needed' && c.status !== 'unchanged');
      assert.equal(
        a.conversion.status === 'carried',
        !touched,
        `${a.release}: status ${a.conversion.status}`,
      );
    }
  });

  it('reads data, exposure and dependencies from the cluster objects', () => {
    const pg = app(built, 'tenant-shop/postgres-orders');
    assert.deepEqual(
      pg.data.volumes.map((v) => [v.claim, v.size, v.storageClass, v.accessModes.join(), v.backing]),
      [
        ['postgres-orders-1', '20Gi', 'replicated', 'ReadWriteOnce', 'replicated'],
        ['postgres-orders-2', '20Gi', 'replicated', 'ReadWriteOnce', 'replicated'],
      ],
    );
    assert.equal(pg.move.method, 'dump-restore');
    assert.equal(app(built, 'tenant-lab-ci/vm-disk-runner').data.volumes[0]!.backing, 'local');
    for (const [ref, want] of Object.entries(expected.exposure) as Array<
      [string, { ingressHosts?: string[]; loadBalancers?: string[] }]
    >) {
      const a = app(built, ref);
      if (want.ingressHosts) assert.deepEqual(a.exposure.ingressHosts, want.ingressHosts, ref);
      if (want.loadBalancers)
        assert.deepEqual(
          a.exposure.loadBalancers.flatMap((l) => l.addresses),
          want.loadBalancers,
          ref,
        );
    }
    for (const [ref, deps] of Object.entries(expected.dependencies) as Array<[string, string[]]>) {
      for (const dep of deps) assert.ok(app(built, ref).dependsOn.apps.includes(dep), `${ref} → ${dep}`);
    }
    assert.deepEqual(app(built, 'tenant-shop/postgres-orders').dependsOn.buckets, ['shop-backups']);
    assert.deepEqual(app(built, 'tenant-shop/kubernetes-web').move.method, 'cluster');
    for (const t of built.plan.tenants)
      assert.deepEqual(t.unattributed.volumes, [], `${t.namespace}: every volume has an app`);
  });

  it('runs tenants first, then stateless apps, then data apps smallest first, each after what it depends on', () => {
    const steps = built.plan.steps;
    const phases = steps.map((s) => s.phase);
    assert.equal(phases[0], 'platform');
    assert.equal(phases.at(-1), 'finish');
    const rank = { platform: 0, tenant: 1, stateless: 2, data: 3, finish: 4 } as const;
    const position = new Map(steps.map((s, i) => [s.app, i]));
    for (const s of steps) assert.ok(s.check.length > 0, `step ${s.number} says how to check it`);
    // Out of phase order only to follow a dependency.
    for (let i = 1; i < steps.length; i++) {
      if (rank[steps[i]!.phase] >= rank[steps[i - 1]!.phase]) continue;
      const a = app(built, steps[i]!.app!);
      assert.ok(
        a.dependsOn.apps.length > 0,
        `step ${steps[i]!.number} is out of phase order without a dependency`,
      );
    }
    for (const a of appsOf(built)) {
      for (const dep of a.dependsOn.apps) {
        if (!position.has(`${a.namespace}/${a.release}`) || !position.has(dep)) continue;
        assert.ok(
          position.get(dep)! < position.get(`${a.namespace}/${a.release}`)!,
          `${dep} before ${a.release}`,
        );
      }
    }
    const data = steps.filter((s) => s.phase === 'data').map((s) => app(built, s.app!));
    const independent = data.filter((a) => a.dependsOn.apps.length === 0).map((a) => a.data.bytes);
    assert.deepEqual(
      independent,
      [...independent].sort((a, b) => a - b),
      'data apps by size, smallest first',
    );
    assert.equal(data.at(-1)!.release, 'seaweedfs');
  });

  it("prices each tenant with Option C's perTenantWorkload row, so the plan adds up to Option C", async () => {
    const { inventory } = built;
    for (const model of [
      DEFAULT_MODEL,
      resolveModel({ optionC: { perTenantWorkload: { hoursMin: 0.1, hoursMax: 0.35 } } }),
    ]) {
      const plan = model === DEFAULT_MODEL ? built.plan : (await planFor(FIXTURE, 'v0.37.2', { model })).plan;
      const c = optionC(inventory, 'v0.37.2', model);
      const workload = c.factors.find((f) => f.id === 'optionC.perTenantWorkload')!;
      assert.deepEqual(plan.hours.migration, { hoursMin: workload.hoursMin, hoursMax: workload.hoursMax });
      const sum = (k: 'hoursMin' | 'hoursMax') =>
        Math.round(plan.tenants.reduce((s, t) => s + t.hours[k], 0) * 100) / 100;
      assert.equal(sum('hoursMin'), workload.hoursMin);
      assert.equal(sum('hoursMax'), workload.hoursMax);
      const conversions = c.factors.filter((f) => f.id === 'optionC.breakingChangeUsed');
      assert.equal(
        plan.hours.conversions.hoursMax,
        conversions.reduce((s, f) => s + f.hoursMax, 0),
      );
      assert.ok(conversions.length > 0, 'FerretDB v1 is priced as a conversion');
      const total =
        plan.hours.install.hoursMin + plan.hours.migration.hoursMin + plan.hours.conversions.hoursMin;
      assert.equal(Math.round(total), c.hoursMin, 'install + migration + conversions = Option C');
    }
  });

  it('writes clean manifests in apply order: namespace/Tenant first, without server-owned fields', () => {
    for (const file of built.kit) {
      for (const object of file.objects) {
        const text = JSON.stringify(object);
        for (const field of [
          '"status"',
          '"uid"',
          '"resourceVersion"',
          '"managedFields"',
          '"ownerReferences"',
          '"creationTimestamp"',
        ]) {
          assert.ok(!text.includes(field), `${file.path} has no ${field}`);
        }
      }
    }
    const root = built.kit.filter((f) => f.path.startsWith('tenants/tenant-root/')).map((f) => f.path);
    assert.deepEqual(root.slice(0, 2), [
      'tenants/tenant-root/00-namespace-tenant-root.json',
      'tenants/tenant-root/01-tenant-root.json',
    ]);
    const shop = built.kit.filter((f) => f.path.startsWith('tenants/tenant-shop/'));
    assert.equal(shop[0]!.objects[0]!.kind, 'Tenant');
    assert.equal(
      shop[0]!.objects[0]!.metadata.namespace,
      'tenant-root',
      'a Tenant lives in its parent namespace',
    );
    const sorted = [...built.kit.map((f) => f.path)].sort();
    assert.deepEqual(
      built.kit.map((f) => f.path).filter((p) => p.startsWith('tenants/tenant-shop/')),
      sorted.filter((p) => p.startsWith('tenants/tenant-shop/')),
      'file names sort in apply order',
    );
  });

  it('is a valid plan document, and the published JSON Schema is what the zod schema produces', () => {
    assert.deepEqual(MigrationPlanSchema.parse(JSON.parse(JSON.stringify(built.plan))), built.plan);
    assert.equal(
      readFileSync('schema/migration-plan.schema.json', 'utf8'),
      migrationPlanJsonSchema(),
      'run `npm run schema`',
    );
  });
});

describe('plan for fixtures/tenants → v1.6.2', async () => {
  const built = await planFor(FIXTURE, 'v1.6.2');
  const e = expected.plans['v1.6.2'];

  it('renames, splits and rewrites what v1 changed, and writes no manifest for a kind that is gone', () => {
    for (const [ref, ids] of Object.entries(e.converted) as Array<[string, string[]]>) {
      for (const id of ids) assert.ok(changesWith(app(built, ref), 'converted').includes(id), `${ref} ${id}`);
    }
    assert.deepEqual(app(built, 'tenant-lab/mysql-wiki').targetKinds, ['MariaDB']);
    assert.deepEqual(app(built, 'tenant-lab/mysql-wiki').targetReleases, ['mariadb-wiki']);
    assert.deepEqual(app(built, 'tenant-lab/virtual-machine-builder').targetKinds, ['VMDisk', 'VMInstance']);
    const web = kitObject(built, 'tenant-shop/kubernetes-web');
    const md0 = (web.spec.nodeGroups as { md0: Record<string, unknown> }).md0;
    assert.equal(md0.diskSize, '20Gi');
    assert.equal(md0.ephemeralStorage, undefined);
    for (const [ref, ids] of Object.entries(e.manual) as Array<[string, string[]]>) {
      for (const id of ids) assert.ok(changesWith(app(built, ref), 'manual').includes(id), `${ref} ${id}`);
    }
    for (const ref of e.noManifest) {
      assert.deepEqual(app(built, ref).manifests, [], ref);
      assert.deepEqual(app(built, ref).targetKinds, [], ref);
    }
  });

  it('boots a split VM only after its disk holds the copied image', () => {
    const step = built.plan.steps.find((s) => s.app === 'tenant-lab/virtual-machine-builder')!;
    const index = (pattern: RegExp) => step.do.findIndex((line) => pattern.test(line));
    assert.ok(index(/vmdisk-builder/) < index(/virtctl vmexport/), step.do.join('\n'));
    assert.ok(index(/virtctl vmexport/) < index(/vminstance-builder/), step.do.join('\n'));
  });
});

function kitObject(built: BuiltPlan, ref: string) {
  const a = app(built, ref);
  const file = built.kit.find((f) => f.path === a.manifests[0]);
  assert.ok(file, `${ref} has a kit file`);
  return file.objects[0] as unknown as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
}
