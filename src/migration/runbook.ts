// The order of the work and the kit's files: tenants first (parents before children), then the stateless apps,
// then the data apps smallest first (a small move proves the procedure before a big one), every app after the
// apps it depends on. Each tenant folder numbers its files in that order: namespace/Tenant, Secrets, apps.
import { cleanObject, keepInCleanView } from '../backup/clean.js';
import type { KubeObject } from '../cluster/types.js';
import type { Inventory } from '../inventory/types.js';
import { type CarriedApp, clearManifest } from './apps.js';
import type { MigrationObjects } from './collect.js';
import type { MigrationPlan, PlanApp, PlanStep, PlanTenant } from './schema.js';
import { ROOT_TENANT, type TenantNode } from './tenants.js';

/** A tenant app with the plan's description of it. */
export interface Entry {
  carried: CarriedApp;
  app: PlanApp;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const PHASE_RANK = { tenant: 0, stateless: 1, data: 2 } as const;

/** Modules and apps in the order they are moved (Tenant apps are placed by the tenant steps). */
export function runOrder(tenants: readonly PlanTenant[], entries: readonly Entry[]): Entry[] {
  const tenantIndex = new Map(tenants.map((t, i) => [t.namespace, i]));
  const sortKey = (e: Entry): Array<number | string> => [
    PHASE_RANK[e.app.phase],
    e.app.phase === 'data' ? e.app.data.bytes : 0,
    tenantIndex.get(e.app.namespace) ?? tenants.length,
    e.app.release,
  ];
  const compare = (a: Entry, b: Entry) => {
    const ka = sortKey(a);
    const kb = sortKey(b);
    for (let i = 0; i < ka.length; i++) {
      if (ka[i]! < kb[i]!) return -1;
      if (ka[i]! > kb[i]!) return 1;
    }
    return 0;
  };
  const remaining = entries.filter((e) => e.app.role !== 'tenant');
  const inPlan = new Set(remaining.map((e) => key(e.app.namespace, e.app.release)));
  const done = new Set<string>();
  const ordered: Entry[] = [];
  while (remaining.length > 0) {
    const ready = remaining.filter((e) => e.app.dependsOn.apps.every((d) => done.has(d) || !inPlan.has(d)));
    // A dependency cycle: take the first by the usual order and say so.
    const pool = ready.length > 0 ? ready : remaining;
    const next = [...pool].sort(compare)[0]!;
    if (ready.length === 0)
      next.app.notes.push('its dependencies form a cycle: it was placed by size, check the order');
    ordered.push(next);
    done.add(key(next.app.namespace, next.app.release));
    remaining.splice(remaining.indexOf(next), 1);
  }
  return ordered;
}

/** One file of the kit: its path in the plan folder, the object(s) in it, and whether it is written encrypted. */
export interface KitFile {
  path: string;
  objects: KubeObject[];
  encrypt: boolean;
}

export interface Kit {
  files: KitFile[];
  /** Per tenant namespace, the files its tenant step applies (namespace/Tenant, Secrets, module settings). */
  tenantFiles: Map<string, string[]>;
}

/**
 * Numbers the kit's files tenant by tenant and fills each app's `manifests`. Secret-bearing files (the tenant
 * Secrets, an app whose values hold a secret) are encrypted when Secrets were asked for; without them, the app's
 * clear manifest leaves the secret-looking values out.
 */
export function assignManifests(
  tree: readonly TenantNode[],
  ordered: readonly Entry[],
  entries: readonly Entry[],
  objects: MigrationObjects,
): Kit {
  const files: KitFile[] = [];
  const tenantFiles = new Map<string, string[]>();
  const counters = new Map<string, number>();
  const width = Math.max(2, String(entries.length + 3).length);
  const add = (tenant: string, label: string, content: KubeObject[], encrypt: boolean) => {
    const n = counters.get(tenant) ?? 0;
    counters.set(tenant, n + 1);
    const path = `tenants/${tenant}/${String(n).padStart(width, '0')}-${label}.json${encrypt ? '.age' : ''}`;
    files.push({ path, objects: content, encrypt });
    return path;
  };
  const addApp = (tenant: string, e: Entry) => {
    const encrypt = objects.secretsRead && (e.carried.withheld.length > 0 || e.carried.valuesFromSecret);
    for (const manifest of e.carried.manifests) {
      const object = encrypt ? manifest : clearManifest(manifest, e.carried.withheld);
      e.app.manifests.push(
        add(tenant, `${manifest.kind.toLowerCase()}-${manifest.metadata.name}`, [object], encrypt),
      );
    }
    return e.app.manifests;
  };
  const hasSettings = (e: Entry) => Object.keys(e.carried.values).length > 0;
  for (const node of tree) {
    const applied: string[] = [];
    const tenantEntry = entries.find((e) => e.app.role === 'tenant' && node.release === e.carried.facts);
    // tenant-root is created by the platform, and a namespace no Tenant app creates has nothing else to create it.
    const needsNamespace = node.namespace === ROOT_TENANT || !tenantEntry;
    const namespace = objects.namespaces.find((n) => n.metadata.name === node.namespace);
    if (needsNamespace && namespace && keepInCleanView(namespace)) {
      applied.push(add(node.namespace, `namespace-${node.namespace}`, [cleanObject(namespace)], false));
    }
    if (tenantEntry) applied.push(...addApp(node.namespace, tenantEntry));
    const secrets = objects.secrets.filter(
      (s) => s.metadata.namespace === node.namespace && keepInCleanView(s),
    );
    if (objects.secretsRead && secrets.length > 0) {
      applied.push(add(node.namespace, 'secrets', secrets.map(cleanObject), true));
    }
    // A module is created by the Tenant; a file only carries the settings it was given.
    for (const e of entries.filter((x) => x.app.role === 'module' && x.app.namespace === node.namespace)) {
      if (hasSettings(e)) applied.push(...addApp(node.namespace, e));
    }
    tenantFiles.set(node.namespace, applied);
  }
  for (const e of ordered) if (e.app.role !== 'module') addApp(e.app.namespace, e);
  return { files, tenantFiles };
}

/** What the new platform must be configured with: the old platform ConfigMap, plus settings moved out of apps. */
export function platformSettings(
  inventory: Inventory,
  carried: readonly CarriedApp[],
): MigrationPlan['platform'] {
  const configMap = inventory.cozystackConfigMaps['cozy-system/cozystack'] ?? {};
  const settings: MigrationPlan['platform'] = Object.entries(configMap)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, value]) => ({ key: k, value, from: 'ConfigMap cozy-system/cozystack' }));
  const moved = new Map<string, { items: string[]; from: Set<string> }>();
  for (const c of carried) {
    for (const contribution of c.platform) {
      const entry = moved.get(contribution.setting) ?? { items: [], from: new Set<string>() };
      for (const item of contribution.items) if (!entry.items.includes(item)) entry.items.push(item);
      entry.from.add(`${c.facts.namespace}/${c.facts.name} values`);
      moved.set(contribution.setting, entry);
    }
  }
  for (const [setting, entry] of moved) {
    // The release's migration fills a setting only when the platform does not have it yet; so does the kit.
    if (settings.some((s) => s.key === setting)) continue;
    settings.push({ key: setting, value: entry.items.join(','), from: [...entry.from].join(', ') });
  }
  return settings;
}

const apply = (path: string) =>
  path.endsWith('.age') ? `\`age -d -i KEY ${path} | kubectl apply -f -\`` : `\`kubectl apply -f ${path}\``;
const waitReady = (namespace: string, release: string) =>
  `\`kubectl -n ${namespace} wait helmrelease/${release} --for=condition=Ready --timeout=15m\``;

function conversionLines(app: PlanApp): string[] {
  return app.conversion.changes.flatMap((c) => {
    if (c.status === 'manual') return [`MANUAL CONVERSION (${c.id}): ${c.detail}`];
    if (c.status === 'review') return [`REVIEW (${c.id}): ${c.detail}`];
    if (c.status === 'converted') return [`Converted by the kit (${c.id}): ${c.detail}`];
    return [];
  });
}

function exposureChecks(app: PlanApp): string[] {
  const checks: string[] = [];
  if (app.exposure.ingressHosts.length > 0) {
    checks.push(
      `\`kubectl -n ${app.namespace} get ingress -o jsonpath='{.items[*].spec.rules[*].host}'\` lists ${app.exposure.ingressHosts.join(', ')}`,
    );
  }
  for (const lb of app.exposure.loadBalancers) {
    checks.push(
      `\`kubectl -n ${app.namespace} get service ${lb.service}\` has an EXTERNAL-IP (it was ${lb.addresses.join(', ') || 'none'}; pin it in the values or the pool if clients use it)`,
    );
  }
  return checks;
}

/** The numbered runbook: platform, tenants, stateless apps, data apps, switch-over; each with its checks. */
export function runbook(
  tree: readonly TenantNode[],
  tenants: readonly PlanTenant[],
  ordered: readonly Entry[],
  kit: Kit,
  platform: MigrationPlan['platform'],
  target: string,
): PlanStep[] {
  const steps: Omit<PlanStep, 'number'>[] = [];
  steps.push({
    phase: 'platform',
    title: `Install CozyStack v${target} on the new machines and configure the platform`,
    tenant: null,
    app: null,
    do: [
      `Install CozyStack v${target} fresh; keep the old cluster running and untouched until the last step.`,
      ...platform.map((s) => `Set ${s.key} = ${s.value} (from ${s.from})`),
    ],
    check: [
      '`kubectl get helmreleases -A` shows every platform release Ready',
      '`kubectl get apiservice v1alpha1.apps.cozystack.io` is Available',
    ],
    manifests: [],
  });
  for (const node of tree) {
    const tenant = tenants.find((t) => t.namespace === node.namespace)!;
    const tenantApp = tenant.apps.find((a) => a.role === 'tenant');
    const tenantFiles = kit.tenantFiles.get(node.namespace) ?? [];
    const check = tenantApp
      ? [
          ...tenantApp.targetReleases.map((r) => waitReady(tenantApp.namespace, r)),
          `\`kubectl get namespace ${node.namespace}\` exists`,
        ]
      : [`\`kubectl get namespace ${node.namespace}\` exists`];
    const modules =
      tenant.modules.length > 0 ? [`The Tenant creates its modules: ${tenant.modules.join(', ')}.`] : [];
    steps.push({
      phase: 'tenant',
      title: `Tenant ${node.namespace}${node.parent ? ` (under ${node.parent})` : ''}`,
      tenant: node.namespace,
      app: tenantApp ? key(tenantApp.namespace, tenantApp.release) : null,
      do: [...(tenantApp ? conversionLines(tenantApp) : []), ...tenantFiles.map(apply), ...modules],
      check,
      manifests: tenantFiles,
    });
  }
  for (const { app } of ordered) {
    if (app.role === 'module' && app.phase !== 'data') continue;
    const data = app.phase === 'data';
    const marks =
      app.conversion.status === 'manual'
        ? ' — MANUAL CONVERSION'
        : app.conversion.status === 'review'
          ? ' — review'
          : '';
    const withheld =
      app.withheldValues.length > 0 && app.manifests.every((m) => !m.endsWith('.age'))
        ? [
            `Values left out of the clear manifest because they look secret: ${app.withheldValues.join(', ')}; set them before the app is used (or re-run with --include-secrets for an encrypted manifest).`,
          ]
        : [];
    const module = app.role === 'module';
    const applyAndWait = (index: number) => [
      apply(app.manifests[index]!),
      ...(app.targetReleases[index] ? [waitReady(app.namespace, app.targetReleases[index]!)] : []),
    ];
    const moving = app.move.method === 'recreate' || app.move.method === 'tenant' ? [] : [app.move.how];
    let work: string[];
    if (module) {
      work = ['Created by the Tenant (its settings, if any, were applied in the tenant step).', ...moving];
    } else if (app.manifests.length === 0) {
      work = [
        'No manifest: this app cannot be created on the target as it is (see the conversion above).',
        ...moving,
      ];
    } else if (app.move.method === 'volume-copy' && app.manifests.length > 1) {
      // A split VM: the disk exists and holds the copied image before the instance that boots from it.
      work = [
        ...applyAndWait(0),
        ...moving,
        ...app.manifests.slice(1).flatMap((_, i) => applyAndWait(i + 1)),
      ];
    } else {
      work = [...app.manifests.flatMap((_, i) => applyAndWait(i)), ...moving];
    }
    steps.push({
      phase: data ? 'data' : 'stateless',
      title: `${app.kind ?? `HelmRelease (${app.chart})`} ${app.namespace}/${app.name}${data && app.data.bytes > 0 ? ` — ${app.data.size}` : ''}${marks}`,
      tenant: app.namespace,
      app: key(app.namespace, app.release),
      do: [
        ...conversionLines(app),
        ...withheld,
        ...(data ? [`On the old cluster, stop the writers of ${app.namespace}/${app.release}.`] : []),
        ...work,
      ],
      check: [app.move.check, ...exposureChecks(app)],
      manifests: module ? [] : app.manifests,
    });
  }
  const hosts = [...new Set(tenants.flatMap((t) => t.apps.flatMap((a) => a.exposure.ingressHosts)))].sort();
  const addresses = tenants.flatMap((t) =>
    t.apps.flatMap((a) => a.exposure.loadBalancers.flatMap((l) => l.addresses)),
  );
  steps.push({
    phase: 'finish',
    title: 'Switch the clients over and retire the old cluster',
    tenant: null,
    app: null,
    do: [
      ...(hosts.length > 0
        ? [`Point DNS for ${hosts.join(', ')} at the new cluster's ingress address.`]
        : []),
      ...(addresses.length > 0
        ? [
            `Move or re-announce the load-balancer addresses ${[...new Set(addresses)].join(', ')} (MetalLB pool of the new cluster).`,
          ]
        : []),
      'Keep the old cluster read-only as a fallback until every check above has passed; decommission it after that.',
    ],
    check: [
      ...(hosts.length > 0
        ? [`\`curl -sI https://HOST\` answers from the new cluster for ${hosts.join(', ')}`]
        : []),
      '`kubectl get helmreleases -A` on the new cluster shows every release Ready',
    ],
    manifests: [],
  });
  return steps.map((step, index) => ({ number: index + 1, ...step }));
}
