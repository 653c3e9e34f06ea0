// The migration plan (Option C, planned) from what the one pass read: every tenant application with its data,
// exposure and dependencies, how it moves, what the breaking changes crossed do to it, the hours the decision
// model gives it, and the kit of clean manifests in apply order. Pure: the CLI reads the cluster and writes files.
import semver from 'semver';
import { assessUsage } from '../catalog/breaking.js';
import { breakingChangesOf } from '../catalog/path.js';
import type { BreakingChange, Catalog, UpgradePlan } from '../catalog/types.js';
import { conversionFactors, tenantWorkloadFactor } from '../decide/score.js';
import type { DecisionModel } from '../decide/decision-model.js';
import type { Inventory } from '../inventory/types.js';
import type { BreakingChangeUse, Factor } from '../model/assessment.js';
import { fillTemplate } from './app-kinds.js';
import { type CarriedApp, carryApp, kitOf, PLATFORM_VALUES_SECRET } from './apps.js';
import { formatBytes, ownerRelease, planVolume } from './attribute.js';
import { isTenantNamespace, type MigrationObjects } from './collect.js';
import {
  type Hours,
  type MigrationPlan,
  MigrationPlanSchema,
  PLAN_SCHEMA_VERSION,
  type PlanApp,
  type PlanTenant,
  type PlanVolume,
} from './schema.js';
import { type TenantNode, tenantNamespaceOf, tenantTree } from './tenants.js';
import { assignManifests, type Entry, type KitFile, platformSettings, runbook, runOrder } from './runbook.js';
import { exposureSettings, valueReferences } from './values.js';
import { rec } from '../inventory/raw.js';

export interface PlanInputs {
  inventory: Inventory;
  objects: MigrationObjects;
  /** The upgrade path from the installed release to the target (planUpgrade). */
  upgrade: UpgradePlan;
  catalog: Catalog;
  model: DecisionModel;
  toolVersion: string;
  generatedAt: string;
}

export type { KitFile } from './runbook.js';

export interface BuiltPlan {
  plan: MigrationPlan;
  kit: KitFile[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const hoursOf = (factor: Pick<Factor, 'hoursMin' | 'hoursMax'>): Hours => ({
  hoursMin: factor.hoursMin,
  hoursMax: factor.hoursMax,
});
const sumHours = (items: readonly Hours[]): Hours => ({
  hoursMin: round2(items.reduce((s, h) => s + h.hoursMin, 0)),
  hoursMax: round2(items.reduce((s, h) => s + h.hoursMax, 0)),
});
const key = (namespace: string, name: string) => `${namespace}/${name}`;

export function buildMigrationPlan(inputs: PlanInputs): BuiltPlan {
  const { inventory, objects, upgrade } = inputs;
  if (!upgrade.target) throw new Error('buildMigrationPlan needs a resolved target');
  const target = upgrade.target;
  const notes: string[] = [];
  const crossed = crossedChanges(inputs, notes);
  const releases = inventory.helmReleases.filter((hr) => isTenantNamespace(hr.namespace));
  const raw = new Map(objects.helmReleases.map((o) => [key(o.metadata.namespace ?? '', o.metadata.name), o]));
  const secrets = objects.secretsRead ? objects.secrets : undefined;
  const carried = releases.map((facts) =>
    carryApp(facts, raw.get(key(facts.namespace, facts.name)), {
      target,
      crossed: crossed.map((c) => c.change),
      secrets,
    }),
  );
  const tree = tenantTree(inventory.namespaces, releases);
  const perApp = hoursOf(tenantWorkloadFactor(1, inputs.model));
  const entries: Entry[] = carried.map((c) => ({ carried: c, app: describeApp(c, objects, perApp) }));
  attachDependencies(entries, inventory);
  const tenants = tree.map((node) => describeTenant(node, entries, objects, inputs.model));
  const ordered = runOrder(tenants, entries);
  const kit = assignManifests(tree, ordered, entries, objects);
  const uses = crossed.map((c) => c.use);
  const platform = platformSettings(inventory, carried);
  const steps = runbook(tree, tenants, ordered, kit, platform, target);
  const conversions = conversionFactors(uses, inputs.model);
  const total = tenantWorkloadFactor(releases.length, inputs.model);
  const apps = entries.map((e) => e.app);
  const plan: MigrationPlan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    tool: { name: 'cozy-assess', version: inputs.toolVersion },
    generatedAt: inputs.generatedAt,
    source: {
      kind: inventory.source.kind,
      server: inventory.source.server ?? null,
      context: inventory.source.context ?? null,
      snapshot: inventory.source.path ?? null,
    },
    installed: { version: upgrade.installed.version, raw: upgrade.installed.raw },
    target,
    hours: {
      perTenantWorkload: hoursOf(inputs.model.optionC.perTenantWorkload),
      workloads: releases.length,
      migration: hoursOf(total),
      conversions: sumHours(conversions.map(hoursOf)),
      install: hoursOf(inputs.model.optionC.install),
    },
    platform,
    breakingChanges: crossed
      .map(({ change, use }) => ({
        id: change.id,
        title: change.title,
        version: change.version,
        severity: use.severity,
        conversion: kitOf(change).conversion,
        action: change.action,
        apps: apps
          .filter((a) => a.conversion.changes.some((c) => c.id === change.id))
          .map((a) => key(a.namespace, a.release)),
        hours: ((f) => (f ? hoursOf(f) : null))(conversions.find((f) => f.basis.includes(change.id))),
      }))
      .filter((c) => c.apps.length > 0 || c.hours !== null),
    tenants,
    steps,
    secrets: {
      included: objects.secretsRead,
      files: kit.files.filter((f) => f.encrypt).map((f) => f.path),
      count: objects.secrets.length,
    },
    notes: [...notes, ...planNotes(inputs, apps)],
  };
  // The document is a contract: a plan that does not fit its schema is a bug (exit 1), never a file.
  return { plan: MigrationPlanSchema.parse(plan), kit: kit.files };
}

/** The breaking changes between the installed release and the target, with the catalog entry of each. */
function crossedChanges(
  inputs: PlanInputs,
  notes: string[],
): Array<{ change: BreakingChange; use: BreakingChangeUse }> {
  const byId = new Map(inputs.catalog.breakingChanges.map((c) => [c.id, c]));
  if (!inputs.upgrade.unknownReason) {
    return breakingChangesOf(inputs.upgrade).flatMap((use) => {
      const change = byId.get(use.id);
      return change ? [{ change, use }] : [];
    });
  }
  // Without the installed version, any change up to the target may lie between: every one is checked.
  notes.push(
    `The installed version is not known (${inputs.upgrade.unknownReason}): every breaking change up to v${inputs.upgrade.target} is treated as crossed.`,
  );
  return inputs.catalog.breakingChanges
    .filter((change) => semver.lte(change.version, inputs.upgrade.target!))
    .map((change) => {
      const usage = assessUsage(change, inputs.inventory);
      const use: BreakingChangeUse = {
        id: change.id,
        title: change.title,
        version: change.version,
        severity: usage.severity,
        usage: usage.usage,
        evidence: usage.evidence,
        action: change.action,
        source: change.source,
      };
      return { change, use };
    });
}

/** The namespace an app is planned under: a Tenant app under the tenant it creates. */
function tenantOf(app: CarriedApp): string {
  return app.role === 'tenant' ? tenantNamespaceOf(app.facts) : app.facts.namespace;
}

function describeApp(c: CarriedApp, objects: MigrationObjects, hours: Hours): PlanApp {
  const ns = c.facts.namespace;
  const releasesHere = objects.helmReleases
    .filter((o) => o.metadata.namespace === ns && rec(rec(rec(o.spec).chart).spec).chart !== 'tenant')
    .map((o) => o.metadata.name);
  const claims = c.cozystackApp ? c.kind?.claims : undefined;
  const owns = (o: { namespace: string; name: string; labels: Record<string, string> }) =>
    c.role !== 'tenant' &&
    o.namespace === ns &&
    (ownerRelease(o, releasesHere) === c.facts.name ||
      (claims?.test(o.name) === true && ownerRelease(o, releasesHere) === undefined));
  const pvs = new Map(objects.volumes.map((v) => [v.name, v]));
  const volumes = objects.volumeClaims
    .filter(owns)
    .map((claim) =>
      planVolume(claim, claim.volumeName ? pvs.get(claim.volumeName) : undefined, objects.volumesRead),
    );
  const bytes = volumes.reduce((sum, v) => sum + (v.bytes ?? 0), 0);
  const method = c.kind && c.cozystackApp ? c.kind.method : volumes.length > 0 ? 'volume-copy' : 'recreate';
  const hasData =
    method === 'dump-restore' || method === 'volume-copy' || method === 'object-copy' || volumes.length > 0;
  const fill = (text: string) => fillTemplate(text, { ns, name: c.name, hr: c.facts.name });
  // Checks run on the new cluster, where a renamed kind has a new HelmRelease name.
  const fillNew = (text: string) =>
    fillTemplate(text, { ns, name: c.name, hr: c.targetReleases[0] ?? c.facts.name });
  const move =
    c.kind && c.cozystackApp
      ? { method, how: fill(c.kind.how), check: fillNew(c.kind.check) }
      : {
          method,
          how:
            method === 'volume-copy'
              ? 'Copy each volume (a backup tool such as Velero with file-system backup, or rsync between two pods mounting the old and new claims).'
              : 'Nothing to copy: applying the manifest re-creates it.',
          check: fillNew('`kubectl -n {ns} wait helmrelease/{hr} --for=condition=Ready --timeout=15m`'),
        };
  const notes = [...c.notes];
  if (hasData && volumes.length === 0 && c.role !== 'tenant')
    notes.push(
      'no volume of this app was found in the namespace: check where its data lives before moving it',
    );
  return {
    namespace: ns,
    release: c.facts.name,
    name: c.name,
    chart: c.facts.chart,
    chartVersion: c.facts.deployedChartVersion ?? c.facts.chartVersionSpec ?? null,
    kind: c.cozystackApp ? (c.kind?.kind ?? null) : null,
    targetKinds: c.manifests.map((m) => m.kind),
    targetReleases: c.targetReleases,
    role: c.role,
    phase: c.role === 'tenant' ? 'tenant' : hasData ? 'data' : 'stateless',
    valuesKeys: c.valuesKeys,
    withheldValues: c.withheld,
    data: { volumes, bytes, size: formatBytes(bytes) },
    exposure: {
      ingressHosts: [...new Set(objects.ingresses.filter(owns).flatMap((i) => i.hosts))].sort(),
      loadBalancers: objects.services
        .filter(owns)
        .map((s) => ({ service: s.name, addresses: s.addresses, ports: s.ports })),
      settings: exposureSettings(c.values),
    },
    dependsOn: { secrets: [], configMaps: [], apps: [], buckets: [] },
    move,
    conversion: { status: c.status, changes: c.changes },
    manifests: [],
    hours,
    notes,
  };
}

/**
 * Secrets, ConfigMaps, buckets and other apps each app names (valuesFrom and its values). A tenant Kubernetes
 * cluster also depends on the etcd its namespace uses (`namespace.cozystack.io/etcd`): its state lives there.
 */
function attachDependencies(entries: readonly Entry[], inventory: Inventory): void {
  const apps = entries.map((e) => e.app);
  const byRelease = new Map(apps.map((a) => [key(a.namespace, a.release), a]));
  for (const { carried: c, app } of entries) {
    const refs = valueReferences(c.kind?.chart ?? c.facts.chart, c.values);
    const secrets = c.valuesFrom.filter((r) => r.kind === 'Secret' && r.name !== PLATFORM_VALUES_SECRET);
    app.dependsOn.secrets = [...new Set([...refs.secrets, ...secrets.map((r) => r.name)])].sort();
    app.dependsOn.configMaps = c.valuesFrom
      .filter((r) => r.kind === 'ConfigMap')
      .map((r) => r.name)
      .sort();
    app.dependsOn.buckets = refs.buckets;
    const named = refs.releases.map((r) => key(app.namespace, r));
    if (c.cozystackApp && c.kind?.chart === 'kubernetes') {
      const etcd = inventory.namespaces.find((n) => n.name === app.namespace)?.annotations[
        'namespace.cozystack.io/etcd'
      ];
      if (etcd) named.push(key(etcd, 'etcd'));
    }
    // A bucket named in the values that is a Bucket app of the same namespace must exist first.
    for (const bucket of refs.buckets) {
      const bucketApp = apps.find(
        (a) => a.namespace === app.namespace && a.chart === 'bucket' && a.name === bucket,
      );
      if (bucketApp) named.push(key(bucketApp.namespace, bucketApp.release));
    }
    app.dependsOn.apps = [...new Set(named)].filter((k) => k !== key(app.namespace, app.release)).sort();
    for (const dep of app.dependsOn.apps) {
      if (!byRelease.has(dep))
        app.notes.push(`depends on ${dep}, which is not among the tenant apps: create it first`);
    }
  }
}

function describeTenant(
  node: TenantNode,
  entries: readonly Entry[],
  objects: MigrationObjects,
  model: DecisionModel,
): PlanTenant {
  const apps = entries.map((e) => e.app);
  const ROLE_RANK = { tenant: 0, module: 1, app: 2 } as const;
  const mine = entries
    .filter((e) => tenantOf(e.carried) === node.namespace)
    .map((e) => e.app)
    .sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || a.release.localeCompare(b.release));
  const tenantValues = objects.helmReleases.find(
    (o) =>
      node.release &&
      o.metadata.namespace === node.release.namespace &&
      o.metadata.name === node.release.name,
  );
  const values = rec(rec(tenantValues?.spec).values);
  const host =
    (typeof values.host === 'string' && values.host !== '' ? values.host : undefined) ??
    node.namespaceFacts?.annotations['namespace.cozystack.io/host'] ??
    null;
  const claimed = new Set(apps.flatMap((a) => a.data.volumes.map((v) => key(a.namespace, v.claim))));
  const claimedIngressHosts = new Set(
    apps.filter((a) => a.namespace === node.namespace).flatMap((a) => a.exposure.ingressHosts),
  );
  const claimedServices = new Set(
    apps.flatMap((a) => a.exposure.loadBalancers.map((l) => key(a.namespace, l.service))),
  );
  const pvs = new Map(objects.volumes.map((v) => [v.name, v]));
  const unattributedVolumes: PlanVolume[] = objects.volumeClaims
    .filter((c) => c.namespace === node.namespace && !claimed.has(key(c.namespace, c.name)))
    .map((c) => planVolume(c, c.volumeName ? pvs.get(c.volumeName) : undefined, objects.volumesRead));
  return {
    namespace: node.namespace,
    parent: node.parent,
    depth: node.depth,
    host,
    modules: ['etcd', 'ingress', 'monitoring', 'seaweedfs'].filter((m) => values[m] === true),
    hours: hoursOf(tenantWorkloadFactor(mine.length, model)),
    apps: mine,
    unattributed: {
      volumes: unattributedVolumes,
      ingressHosts: [
        ...new Set(
          objects.ingresses
            .filter((i) => i.namespace === node.namespace)
            .flatMap((i) => i.hosts)
            .filter((h) => !claimedIngressHosts.has(h)),
        ),
      ].sort(),
      loadBalancers: objects.services
        .filter((s) => s.namespace === node.namespace && !claimedServices.has(key(s.namespace, s.name)))
        .map((s) => ({ service: s.name, addresses: s.addresses, ports: s.ports })),
    },
  };
}

/** What the reader must know about what was (not) read. */
function planNotes(inputs: PlanInputs, apps: readonly PlanApp[]): string[] {
  const notes: string[] = [];
  for (const [type, what] of [
    ['ingresses.networking.k8s.io', 'ingress hosts'],
    ['persistentvolumeclaims', 'volumes'],
    ['persistentvolumes', 'volume backings'],
    ['services', 'load-balancer addresses'],
  ] as const) {
    const outcome = inputs.inventory.outcomes[type];
    if (
      outcome &&
      outcome.status !== 'ok' &&
      !(outcome.status === 'not-installed' && inputs.inventory.source.kind === 'live')
    ) {
      notes.push(
        `${type} could not be read (${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ''}): ${what} are missing from this plan.`,
      );
    } else if (!outcome) {
      notes.push(`${type} was not listed: ${what} are missing from this plan.`);
    }
  }
  if (!inputs.objects.secretsRead) {
    const withheld = apps.filter((a) => a.withheldValues.length > 0).length;
    notes.push(
      `Secrets were not read (run with --include-secrets and a key to carry them encrypted)${withheld > 0 ? `; ${withheld} app(s) have secret-looking values left out of their clear manifests` : ''}.`,
    );
  }
  if (inputs.upgrade.target && semver.gte(inputs.upgrade.target, '1.0.0')) {
    notes.push(
      'From v1.0 the platform is configured through the Platform package values instead of the cozystack ConfigMap: give the settings above in that form.',
    );
  }
  return notes;
}
