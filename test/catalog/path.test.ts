import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCatalog } from '../../src/cli/catalog-file.js';
import {
  computeStops,
  minorGap,
  planUpgrade,
  resolveTarget,
  toVersionSection,
} from '../../src/catalog/path.js';
import { BadInputError } from '../../src/errors.js';
import { VersionSchema } from '../../src/model/assessment.js';
import { deployment, helmRelease, installer, inventory } from './inline-inventory.js';

const catalog = loadCatalog();
const stops = (from: string, to: string) => computeStops(catalog, from, to).map((s) => s.release.version);
const avoided = new Set(catalog.releases.filter((r) => r.avoid).map((r) => r.version));

describe('computeStops', () => {
  it('reference case: v0.28.0 → v0.37.2 is 9 minor versions in 7 steps', () => {
    assert.equal(minorGap(catalog, '0.28.0', '0.37.2'), 9);
    assert.deepEqual(stops('0.28.0', '0.37.2'), [
      '0.30.6',
      '0.31.2',
      '0.32.1',
      '0.33.3',
      '0.35.5',
      '0.36.3',
      '0.37.2',
    ]);
  });

  it('stops at the newest v0.41 patch before v1.0, from anywhere below it', () => {
    for (const from of ['0.28.0', '0.37.2', '0.40.7', '0.41.0', '0.41.10']) {
      const path = stops(from, '1.0.2');
      assert.equal(path.at(-2), '0.41.11', from);
      assert.equal(path.at(-1), '1.0.2', from);
      assert.ok(computeStops(catalog, from, '1.0.2').at(-2)?.requiredStop, from);
    }
    assert.deepEqual(stops('0.41.11', '1.0.2'), ['1.0.2']);
    assert.equal(minorGap(catalog, '0.41.11', '1.0.0'), 1);
    assert.equal(minorGap(catalog, '0.28.0', '1.6.2'), 20);
  });

  it('goes to v1.6.2 line by line through v1.x', () => {
    assert.deepEqual(stops('0.37.2', '1.6.2'), [
      '0.39.5',
      '0.41.11',
      '1.0.8',
      '1.1.7',
      '1.2.4',
      '1.3.6',
      '1.4.6',
      '1.5.4',
      '1.6.2',
    ]);
    assert.deepEqual(stops('1.0.0', '1.2.0'), ['1.1.7', '1.2.0']);
    assert.deepEqual(stops('1.4.2', '1.4.6'), ['1.4.6']);
    assert.deepEqual(stops('1.6.2', '1.6.2'), []);
  });

  it('newer patches of the installed line are no step of their own (0.36.2 → 0.37.2 directly, as upstream supports)', () => {
    assert.deepEqual(stops('0.36.2', '0.37.2'), ['0.37.2']);
    assert.deepEqual(stops('0.36.2', '0.36.3'), ['0.36.3']);
    assert.deepEqual(stops('0.41.5', '0.41.11'), ['0.41.11']);
  });

  it('merges lines that run the same migrations and never picks an avoided release', () => {
    // 0.34.3–0.35.x share counter target 18: one step at the end
    assert.deepEqual(stops('0.33.3', '0.35.5'), ['0.35.5']);
    assert.deepEqual(stops('0.33.3', '0.34.8'), ['0.34.8']);
    assert.deepEqual(stops('0.32.1', '0.34.3'), ['0.33.3', '0.34.3']);
    const pairs: Array<[string, string]> = [];
    const versions = catalog.releases.map((r) => r.version).filter((v) => !avoided.has(v));
    for (let i = 0; i < versions.length; i += 7)
      for (let j = i; j < versions.length; j += 11) pairs.push([versions[i]!, versions[j]!]);
    assert.ok(pairs.length > 100);
    for (const [from, to] of pairs) {
      const path = stops(from, to);
      for (const v of path) assert.ok(!avoided.has(v), `${from}→${to} picks avoided ${v}`);
      if (from !== to) assert.equal(path.at(-1), to, `${from}→${to} ends at the target`);
      const sorted = [...path].sort(
        (a, b) =>
          catalog.releases.findIndex((r) => r.version === a) -
          catalog.releases.findIndex((r) => r.version === b),
      );
      assert.deepEqual(path, sorted, `${from}→${to} is in order`);
      if (from < '1.0.0' && to.startsWith('1.') && !from.startsWith('1.'))
        assert.ok(path.includes('0.41.11'), `${from}→${to}`);
    }
  });
});

describe('computeStops: the two strategies', () => {
  const shortest = (from: string, to: string) =>
    computeStops(catalog, from, to, 'shortest').map((s) => s.release.version);

  it('conservative is the default: the reference case keeps its 7 steps', () => {
    const explicit = computeStops(catalog, '0.28.0', '0.37.2', 'conservative').map((s) => s.release.version);
    assert.deepEqual(stops('0.28.0', '0.37.2'), explicit);
    assert.equal(explicit.length, 7);
  });

  it('shortest: the reference case is one apply crossing the 9 lines', () => {
    const [step, ...rest] = computeStops(catalog, '0.28.0', '0.37.2', 'shortest');
    assert.deepEqual(rest, []);
    assert.equal(step!.release.version, '0.37.2');
    assert.deepEqual(step!.lines, ['0.29', '0.30', '0.31', '0.32', '0.33', '0.34', '0.35', '0.36', '0.37']);
  });

  it('v0.41 → v1.6: conservative goes line by line (7 steps), shortest in one step; both from older v0 stop at v0.41.11', () => {
    assert.deepEqual(stops('0.41.11', '1.6.2'), [
      '1.0.8',
      '1.1.7',
      '1.2.4',
      '1.3.6',
      '1.4.6',
      '1.5.4',
      '1.6.2',
    ]);
    assert.deepEqual(shortest('0.41.11', '1.6.2'), ['1.6.2']);
    assert.deepEqual(shortest('0.41.5', '1.6.2'), ['0.41.11', '1.6.2']);
    assert.deepEqual(shortest('0.28.0', '1.6.2'), ['0.41.11', '1.6.2']);
    assert.equal(
      computeStops(catalog, '0.28.0', '1.6.2', 'shortest')[0]!.requiredStop,
      'latest-v0.41-before-v1',
    );
  });

  it('both skip the avoided releases and make every required stop, for any pair', () => {
    const versions = catalog.releases.map((r) => r.version).filter((v) => !avoided.has(v));
    for (let i = 0; i < versions.length; i += 5) {
      for (let j = i + 1; j < versions.length; j += 9) {
        const [from, to] = [versions[i]!, versions[j]!];
        const short = shortest(from, to);
        const conservative = stops(from, to);
        assert.equal(short.at(-1), to, `${from}→${to}`);
        assert.ok(short.length <= conservative.length, `${from}→${to}: shortest is never longer`);
        for (const v of short) assert.ok(!avoided.has(v), `${from}→${to} picks avoided ${v}`);
        const crossesV1 = from.startsWith('0.') && to.startsWith('1.');
        if (crossesV1 && from !== '0.41.11') assert.ok(short.includes('0.41.11'), `${from}→${to}`);
        if (!crossesV1 || from === '0.41.11') assert.deepEqual(short, [to], `${from}→${to}`);
      }
    }
  });
});

describe('resolveTarget', () => {
  it('latest is the newest stable release', () => {
    assert.equal(resolveTarget(catalog, 'latest').version, '1.6.2');
    assert.equal(resolveTarget(catalog, 'v0.37.2').version, '0.37.2');
    assert.equal(resolveTarget(catalog, '0.37.2').version, '0.37.2');
  });

  it('refuses versions that are not releases, unknown ones and avoided ones (exit 2)', () => {
    const refused = (spec: string, pattern: RegExp) =>
      assert.throws(
        () => resolveTarget(catalog, spec),
        (e: unknown) => e instanceof BadInputError && e.exitCode === 2 && pattern.test(e.message),
      );
    refused('banana', /not a version/);
    refused('v1.4.0-rc.2', /not a stable release/);
    refused('v0.28.0-54-g22cf18ff', /not a stable release/);
    refused('v0.42.0', /not a release in the catalog/);
    refused('v1.7.0', /not a release in the catalog/);
    refused('v0.34.1', /release to avoid/);
  });

  it('v1.0.0, v1.0.1 and v1.5.3 as targets: refused with the reason, the source and the release to take instead', () => {
    const refusal = (spec: string) => {
      try {
        resolveTarget(catalog, spec);
      } catch (error) {
        assert.ok(error instanceof BadInputError);
        assert.equal(error.exitCode, 2);
        return error;
      }
      assert.fail(`${spec} was accepted`);
    };
    for (const spec of ['v1.0.0', 'v1.0.1']) {
      const error = refusal(spec);
      assert.match(
        error.message,
        /release to avoid: its v1 migration runner skips the first pending migration/,
      );
      assert.match(error.message, /run-migrations\.sh@v1\.0\.1 vs @v1\.0\.2/);
      assert.match(error.hint ?? '', /target v1\.0\.2 or a later patch instead/);
    }
    const draft = refusal('v1.5.3');
    assert.match(draft.message, /never published/);
    assert.match(draft.hint ?? '', /target v1\.5\.4/);
  });
});

describe('planUpgrade', () => {
  const seedLike = () =>
    inventory({
      workloads: [installer('v0.28.0-54-g22cf18ff', '2025-03-19T10:00:00Z')],
      cozystackConfigMaps: {
        'cozy-system/cozystack': { 'bundle-name': 'paas-full' },
        'cozy-system/cozystack-version': { version: '10' },
      },
      helmReleases: [helmRelease('tenant-root', 'ingress', 'ingress')],
    });

  it('plans the reference case with migrations, breaking changes and notes per step', () => {
    const plan = planUpgrade(seedLike(), catalog, 'v0.37.2');
    assert.equal(plan.installed.version, '0.28.0');
    assert.equal(plan.installed.commitsAfter, 54);
    assert.equal(plan.minorGap, 9);
    assert.equal(plan.steps.length, 7);
    assert.deepEqual(plan.steps[0]!.migrations, { from: 10, to: 10 });
    assert.deepEqual(plan.steps[1]!.migrations, { from: 10, to: 14 });
    assert.deepEqual(plan.steps.at(-1)!.migrations, { from: 20, to: 21 });
    const ferret = plan.breakingChanges.find((c) => c.id === 'ferretdb-v2')!;
    assert.equal(ferret.step, '0.35.5');
    assert.equal(ferret.usage, 'not used');
    assert.match(ferret.evidence, /no HelmRelease with chart ferretdb/);
    assert.equal(plan.breakingChanges.find((c) => c.id === 'seaweedfs-0.36')?.usage, 'not used');
    assert.ok(plan.steps[4]!.notes.some((n) => n.includes('skips v0.34.0, v0.34.1, v0.34.2')));
    assert.ok(plan.steps[3]!.notes.some((n) => n.startsWith('skips v0.33.0:')));
    assert.equal(plan.migrationCounter.state, 'ok');
    assert.deepEqual(plan.bundle, {
      name: 'paas-full',
      known: true,
      from: 'ConfigMap cozy-system/cozystack bundle-name',
    });
    // 219 days: the 54-commit build's installer was created 2025-03-19, six days after the v0.28.0 tag
    assert.equal(plan.installedAgeDays, 219);
  });

  it('maps exactly onto the assessment VersionSchema', () => {
    const section = toVersionSection(planUpgrade(seedLike(), catalog, 'v0.37.2'));
    const parsed = VersionSchema.strict().parse(section);
    assert.equal(parsed.installedRaw, 'v0.28.0-54-g22cf18ff');
    assert.equal(parsed.detectedFrom, 'Deployment cozy-system/cozystack image tag');
    assert.equal(parsed.migrationCounter, 10);
    assert.equal(parsed.migrationCounterExpected, 10);
    assert.equal(parsed.unknownReason, undefined);
    const unknown = toVersionSection(
      planUpgrade(inventory({ workloads: [installer('latest')] }), catalog, 'v0.37.2'),
    );
    assert.match(
      VersionSchema.strict().parse(unknown).unknownReason ?? '',
      /installer image tag is not a version/,
    );
    assert.equal(parsed.steps.length, 7);
    for (const step of parsed.steps)
      for (const change of step.breakingChanges) assert.equal(Object.keys(change).includes('step'), false);
  });

  it('refuses a target older than the installed release', () => {
    const inv = inventory({ workloads: [installer('v0.37.2')] });
    assert.throws(
      () => planUpgrade(inv, catalog, 'v0.36.3'),
      (e: unknown) => e instanceof BadInputError && /older than the installed v0\.37\.2/.test(e.message),
    );
  });

  it('reports pending migrations and an unknown version without guessing', () => {
    const pending = planUpgrade(
      inventory({
        workloads: [installer('v0.37.2')],
        cozystackConfigMaps: { 'cozy-system/cozystack-version': { version: '19' } },
      }),
      catalog,
      'latest',
    );
    assert.equal(pending.migrationCounter.state, 'pending');
    assert.match(pending.migrationCounter.explanation, /19–20 are pending/);
    assert.deepEqual(pending.steps[0]!.migrations, { from: 19, to: 21 });

    const unknown = planUpgrade(inventory({ workloads: [installer('latest')] }), catalog, 'v0.37.2');
    assert.equal(unknown.installed.version, null);
    assert.equal(unknown.steps.length, 0);
    assert.ok(unknown.unknownReason);

    const notInCatalog = planUpgrade(inventory({ workloads: [installer('v0.24.1')] }), catalog, 'v0.37.2');
    assert.equal(notInCatalog.installed.version, '0.24.1');
    assert.match(notInCatalog.unknownReason ?? '', /not a release in the catalog/);
    assert.equal(notInCatalog.minorGap, null);
  });

  it('an installed release to avoid is named, and the path leaves it for the fixed patch', () => {
    const plan = planUpgrade(inventory({ workloads: [installer('v0.34.1')] }), catalog, 'v0.35.5');
    assert.deepEqual(
      plan.steps.map((s) => s.to),
      ['0.35.5'],
    );
    assert.ok(plan.notes.some((n) => n.startsWith('the installed v0.34.1 is a release to avoid')));
  });

  it('the strategy is recorded with both step counts; the reference case is 7 conservative steps, 1 shortest', () => {
    const conservative = planUpgrade(seedLike(), catalog, 'v0.37.2');
    assert.equal(conservative.strategy, 'conservative');
    assert.deepEqual(conservative.stepCounts, { conservative: 7, shortest: 1 });
    const short = planUpgrade(seedLike(), catalog, 'v0.37.2', { strategy: 'shortest' });
    assert.equal(short.strategy, 'shortest');
    assert.deepEqual(short.stepCounts, { conservative: 7, shortest: 1 });
    assert.equal(short.minorGap, 9);
    assert.deepEqual(
      short.steps.map((s) => s.to),
      ['0.37.2'],
    );
    assert.deepEqual(short.steps[0]!.migrations, { from: 10, to: 21 });
    assert.match(
      short.steps[0]!.notes.join('\n'),
      /one apply crosses lines 0\.29, .*0\.37: the migration runner applies every pending migration in order/,
    );
    // Same breaking changes crossed, whatever the strategy: only the steps they are crossed in differ.
    assert.deepEqual(
      short.breakingChanges.map((c) => c.id),
      conservative.breakingChanges.map((c) => c.id),
    );
    assert.ok(short.breakingChanges.every((c) => c.step === '0.37.2'));
    const section = VersionSchema.strict().parse(toVersionSection(short));
    assert.equal(section.strategy, 'shortest');
    assert.deepEqual(section.stepCounts, { conservative: 7, shortest: 1 });
    assert.equal(section.steps.length, 1);
  });

  it('v0.41 → v1.6 under both strategies: the same changes crossed, 7 steps or 1', () => {
    const v041 = () =>
      inventory({
        workloads: [installer('v0.41.11')],
        cozystackConfigMaps: { 'cozy-system/cozystack-version': { version: '23' } },
        helmReleases: [helmRelease('tenant-a', 'mysql-db', 'mysql')],
        customResources: {
          'etcdclusters.etcd.aenix.io': {
            group: 'etcd.aenix.io',
            kind: 'EtcdCluster',
            count: 1,
            names: ['tenant-a/etcd'],
          },
        },
        secretKeys: { 'cozy-velero/cozy-backups-creds': { status: 'absent' } },
      });
    const conservative = planUpgrade(v041(), catalog, 'v1.6.2');
    const short = planUpgrade(v041(), catalog, 'v1.6.2', { strategy: 'shortest' });
    assert.deepEqual(
      conservative.steps.map((s) => s.to),
      ['1.0.8', '1.1.7', '1.2.4', '1.3.6', '1.4.6', '1.5.4', '1.6.2'],
    );
    assert.deepEqual(
      short.steps.map((s) => s.to),
      ['1.6.2'],
    );
    assert.deepEqual(short.steps[0]!.migrations, { from: 23, to: 54 });
    for (const plan of [conservative, short]) {
      assert.deepEqual(plan.stepCounts, { conservative: 7, shortest: 1 });
      const etcd = plan.breakingChanges.find((c) => c.id === 'etcd-operator-v1alpha2')!;
      assert.equal(etcd.usage, 'used');
      assert.equal(etcd.severity, 'blocker');
      assert.match(etcd.evidence, /not prepared: no Secret cozy-velero\/cozy-backups-creds/);
      assert.equal(plan.breakingChanges.find((c) => c.id === 'mysql-to-mariadb')?.usage, 'used');
    }
    // The avoided releases are skipped and the step says so, with the reason.
    const notes = (plan: typeof short, to: string) => plan.steps.find((s) => s.to === to)!.notes.join('\n');
    assert.match(notes(conservative, '1.0.8'), /skips v1\.0\.0, v1\.0\.1: its v1 migration runner skips/);
    assert.match(notes(conservative, '1.5.4'), /skips v1\.5\.3: never published/);
    assert.match(notes(short, '1.6.2'), /skips v1\.0\.0, v1\.0\.1: its v1 migration runner skips/);
    assert.match(notes(short, '1.6.2'), /skips v1\.5\.3: never published/);
    // Never lands on v1.0.0/v1.0.1 (runner bug) nor v1.5.3 (unpublished).
    for (const plan of [conservative, short])
      for (const step of plan.steps) assert.ok(!['1.0.0', '1.0.1', '1.5.3'].includes(step.to));
  });

  it('an installed v1.0.0 or v1.0.1 is named as a release to avoid, with what it may have skipped', () => {
    const operator = deployment('cozy-system', 'cozystack-operator', [
      {
        name: 'cozystack-operator',
        image: 'ghcr.io/cozystack/cozystack/cozystack-operator:v1.0.1@sha256:aa',
      },
    ]);
    const plan = planUpgrade(inventory({ workloads: [operator] }), catalog, 'v1.0.8');
    assert.deepEqual(
      plan.steps.map((s) => s.to),
      ['1.0.8'],
    );
    assert.ok(plan.notes.some((n) => /the installed v1\.0\.1 is a release to avoid: .*migration 23/.test(n)));
  });

  it('a cluster that ran v1.5.0–v1.5.3 with SeaweedFS must clear the naming audit first; one below v1.5 need not', () => {
    const operatorAt = (tag: string) =>
      deployment('cozy-system', 'cozystack-operator', [
        {
          name: 'cozystack-operator',
          image: `ghcr.io/cozystack/cozystack/cozystack-operator:${tag}@sha256:aa`,
        },
      ]);
    const seaweed = helmRelease(
      'tenant-root',
      'seaweedfs',
      'cozystack-seaweedfs-application-default-seaweedfs',
      {
        labels: { 'apps.cozystack.io/application.kind': 'SeaweedFS' },
      },
    );
    for (const strategy of ['conservative', 'shortest'] as const) {
      const ran = planUpgrade(
        inventory({ workloads: [operatorAt('v1.5.2')], helmReleases: [seaweed] }),
        catalog,
        'v1.6.2',
        {
          strategy,
        },
      );
      const audit = ran.breakingChanges.find((c) => c.id === 'seaweedfs-naming-audit')!;
      assert.equal(audit.usage, 'used', strategy);
      assert.equal(audit.severity, 'blocker', strategy);
      const below = planUpgrade(
        inventory({ workloads: [operatorAt('v1.4.6')], helmReleases: [seaweed] }),
        catalog,
        'v1.6.2',
        {
          strategy,
        },
      );
      const skipped = below.breakingChanges.find((c) => c.id === 'seaweedfs-naming-audit')!;
      assert.equal(skipped.usage, 'not used', strategy);
      assert.match(skipped.evidence, /installed v1\.4\.6 is outside >=1\.5\.0 <1\.5\.4/);
      assert.equal(below.breakingChanges.find((c) => c.id === 'seaweedfs-chart-4.31')?.usage, 'used');
    }
  });

  it('crosses v0.41 → v1.0 with the v1 breaking changes and the required-stop note', () => {
    const plan = planUpgrade(
      inventory({
        workloads: [installer('v0.41.5')],
        helmReleases: [
          helmRelease('tenant-a', 'mysql-db', 'mysql'),
          helmRelease('cozy-system', 'cozy-proxy', 'cozy-proxy', { releaseName: 'cozystack' }),
        ],
      }),
      catalog,
      'v1.0.8',
    );
    assert.deepEqual(
      plan.steps.map((s) => s.to),
      ['0.41.11', '1.0.8'],
    );
    assert.match(plan.steps[0]!.notes.join('\n'), /required stop/);
    assert.equal(plan.breakingChanges.find((c) => c.id === 'cozy-proxy-release-name')?.usage, 'used');
    assert.equal(plan.breakingChanges.find((c) => c.id === 'mysql-to-mariadb')?.usage, 'used');
    assert.equal(plan.breakingChanges.find((c) => c.id === 'ferretdb-removed')?.usage, 'not used');
    assert.deepEqual(plan.steps[1]!.migrations, { from: 23, to: 34 });
  });
});
