// plan.md: the migration plan as a runbook a person follows, rendered from plan.json and nothing else.
import { formatRange } from '../model/text.js';
import type { MigrationPlan, PlanApp, PlanStep, PlanTenant, PlanVolume } from './schema.js';

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const hours = (h: { hoursMin: number; hoursMax: number }) => `${formatRange(h.hoursMin, h.hoursMax)} h`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const STATUS_TEXT: Record<PlanApp['conversion']['status'], string> = {
  carried: 'carried as it is',
  converted: 'converted by the kit',
  review: 'review',
  manual: '**MANUAL CONVERSION**',
};

export function renderPlanMarkdown(plan: MigrationPlan): string {
  const lines: string[] = [];
  const apps = plan.tenants.flatMap((t) => t.apps);
  lines.push(`# Migration plan: Option C to CozyStack v${plan.target}`, '');
  lines.push(...header(plan), '');
  lines.push('## Summary', '', ...summary(plan, apps), '');
  if (plan.breakingChanges.length > 0)
    lines.push('## Breaking changes crossed', '', ...changesTable(plan), '');
  if (plan.platform.length > 0)
    lines.push('## Platform settings for the new install', '', ...platformTable(plan), '');
  lines.push('## Tenants', '', ...tenantTable(plan), '');
  for (const tenant of plan.tenants) lines.push(...tenantSection(tenant), '');
  lines.push('## Runbook', '');
  for (const step of plan.steps) lines.push(...stepSection(step), '');
  if (plan.notes.length > 0) lines.push('## Notes', '', ...plan.notes.map((n) => `- ${n}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

function header(plan: MigrationPlan): string[] {
  const source =
    plan.source.kind === 'snapshot'
      ? `snapshot ${plan.source.snapshot ?? ''}`.trim()
      : `${plan.source.context ? `context ${plan.source.context}, ` : ''}${plan.source.server ?? 'live cluster'}`;
  const installed = plan.installed.raw ?? plan.installed.version ?? 'unknown';
  return [
    `- Generated: ${plan.generatedAt} by cozy-assess ${plan.tool.version}`,
    `- Read from: ${source}`,
    `- Installed: ${installed}; target: v${plan.target} (fresh install, then migrate)`,
    '- Files: `plan.json` (this plan, schema `schema/migration-plan.schema.json`), `tenants/<tenant>/NN-<kind>-<name>.json` (the kit, in apply order)',
  ];
}

function summary(plan: MigrationPlan, apps: readonly PlanApp[]): string[] {
  const data = apps.filter((a) => a.phase === 'data');
  const stateless = apps.filter((a) => a.phase === 'stateless');
  const bytes = data.reduce((s, a) => s + a.data.bytes, 0);
  const count = (status: PlanApp['conversion']['status']) =>
    apps.filter((a) => a.conversion.status === status).length;
  const h = plan.hours;
  const lines = [
    `- ${plural(plan.tenants.length, 'tenant')}, ${plural(h.workloads, 'application')} (HelmReleases in tenant namespaces): ${plural(apps.filter((a) => a.role === 'tenant').length, 'Tenant app')}, ${stateless.length} stateless, ${data.length} with data (${plural(
      data.reduce((s, a) => s + a.data.volumes.length, 0),
      'volume',
    )}, ${formatSize(bytes)}).`,
    `- Migration work: **${hours(h.migration)}** = ${h.workloads} × ${hours(h.perTenantWorkload)} (Option C's \`optionC.perTenantWorkload\`); per tenant below.`,
  ];
  if (h.conversions.hoursMax > 0)
    lines.push(
      `- Data conversions by hand: ${hours(h.conversions)} (Option C's \`optionC.breakingChangeUsed\`).`,
    );
  lines.push(`- Before all this, the fresh install: ${hours(h.install)} (Option C's \`optionC.install\`).`);
  lines.push(
    `- Breaking changes: ${count('converted')} app(s) converted by the kit, ${count('review')} to review, ${count('manual')} needing a manual conversion.`,
  );
  lines.push(
    plan.secrets.included
      ? `- Secrets: ${plural(plan.secrets.count, 'Secret')} carried, encrypted with age (${plural(plan.secrets.files.length, 'file')} \`*.json.age\`; decrypt with \`age -d -i KEY\`).`
      : '- Secrets: not read; no Secret value is in this plan. Secret-looking values are left out of the clear manifests.',
  );
  return lines;
}

function formatSize(bytes: number): string {
  const gi = bytes / 2 ** 30;
  return gi >= 1 ? `${Number.isInteger(gi) ? gi : gi.toFixed(1)} GiB` : `${Math.round(bytes / 2 ** 20)} MiB`;
}

function changesTable(plan: MigrationPlan): string[] {
  const statusOf = new Map<string, string>(
    plan.tenants.flatMap((t) =>
      t.apps.flatMap((a) =>
        a.conversion.changes.map((c): [string, string] => [`${c.id} ${a.namespace}/${a.release}`, c.status]),
      ),
    ),
  );
  const rows = plan.breakingChanges.map((c) => {
    const acted = c.apps.filter((app) => {
      const status = statusOf.get(`${c.id} ${app}`);
      return status === 'converted' || status === 'manual' || status === 'review';
    });
    const rest = c.apps.length - acted.length;
    const apps = [
      ...acted,
      ...(rest > 0 ? [`${acted.length > 0 ? 'and ' : ''}${plural(rest, 'app')} with nothing to change`] : []),
    ];
    return `| ${c.id} (v${c.version}, ${c.severity}) | ${cell(c.title)} | ${c.conversion} | ${cell(apps.join(', ') || '—')} | ${cell(c.action)} |`;
  });
  return [
    'Every change between the installed release and the target that touches an app in use. `mechanical`: the kit rewrites the manifests; `manual`: the data changes form and must be converted by hand; `review`: read the action; `none`: nothing in the manifests changes.',
    '',
    '| Change | What | Kit | Apps | Action |',
    '|---|---|---|---|---|',
    ...rows,
  ];
}

function platformTable(plan: MigrationPlan): string[] {
  return [
    '| Setting | Value | From |',
    '|---|---|---|',
    ...plan.platform.map((s) => `| ${cell(s.key)} | ${cell(s.value)} | ${cell(s.from)} |`),
  ];
}

function tenantTable(plan: MigrationPlan): string[] {
  return [
    '| Tenant | Parent | Host | Apps | Data | Hours |',
    '|---|---|---|---|---|---|',
    ...plan.tenants.map((t) => {
      const bytes = t.apps.reduce((s, a) => s + a.data.bytes, 0);
      const indent = '&nbsp;&nbsp;'.repeat(t.depth);
      return `| ${indent}${t.namespace} | ${t.parent ?? '—'} | ${t.host ?? '—'} | ${t.apps.length} | ${bytes > 0 ? formatSize(bytes) : '—'} | ${hours(t.hours)} |`;
    }),
  ];
}

function tenantSection(tenant: PlanTenant): string[] {
  const lines = [`### ${tenant.namespace}`, ''];
  if (tenant.modules.length > 0) lines.push(`Modules it runs itself: ${tenant.modules.join(', ')}.`, '');
  lines.push(
    '| App | Kind on the target | Chart | Phase | Data | Exposure | Depends on | Breaking changes | Hours |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const app of tenant.apps) lines.push(appRow(app));
  lines.push('');
  for (const app of tenant.apps) lines.push(...appDetails(app));
  const u = tenant.unattributed;
  if (u.volumes.length > 0 || u.ingressHosts.length > 0 || u.loadBalancers.length > 0) {
    lines.push('', '**Not claimed by any app** (move by hand or confirm they can go):');
    for (const v of u.volumes) lines.push(`- volume ${volumeText(v)}`);
    for (const host of u.ingressHosts) lines.push(`- ingress host ${host}`);
    for (const lb of u.loadBalancers)
      lines.push(`- load balancer ${lb.service} (${lb.addresses.join(', ') || 'no address'})`);
  }
  return lines;
}

function appRow(app: PlanApp): string {
  const kind = app.kind ?? `HelmRelease (${app.chart})`;
  const target = app.targetKinds.length === 0 ? '**none**' : app.targetKinds.join(' + ');
  const kinds = target === app.kind ? kind : `${kind} → ${target}`;
  const data =
    app.data.volumes.length > 0 ? `${app.data.size} in ${plural(app.data.volumes.length, 'volume')}` : '—';
  const exposure = [
    ...app.exposure.ingressHosts,
    ...app.exposure.loadBalancers.map((l) => `LB ${l.addresses.join(', ') || l.service}`),
    ...Object.entries(app.exposure.settings).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
  ];
  const deps = [
    ...app.dependsOn.apps,
    ...app.dependsOn.buckets.map((b) => `s3://${b}`),
    ...app.dependsOn.secrets.map((s) => `secret ${s}`),
    ...app.dependsOn.configMaps.map((c) => `configmap ${c}`),
  ];
  const changes = app.conversion.changes
    .filter((c) => c.status !== 'not-needed' && c.status !== 'unchanged')
    .map((c) => c.id);
  const status = STATUS_TEXT[app.conversion.status];
  return `| ${app.name} | ${cell(kinds)} | ${app.chart} ${app.chartVersion ?? ''} | ${app.phase} | ${data} | ${cell(exposure.join(', ') || '—')} | ${cell(deps.join(', ') || '—')} | ${status}${changes.length > 0 ? ` (${changes.join(', ')})` : ''} | ${hours(app.hours)} |`;
}

function volumeText(v: PlanVolume): string {
  return `${v.claim}: ${v.size ?? 'size unknown'}, class ${v.storageClass ?? '—'}, ${v.accessModes.join('/') || 'access mode unknown'}, backed by ${v.backing}${v.volume ? ` (${v.volume})` : ''}`;
}

function appDetails(app: PlanApp): string[] {
  const lines = [`**${app.namespace}/${app.release}** (${app.move.method})`, ''];
  lines.push(
    `- Values set: ${app.valuesKeys.length > 0 ? app.valuesKeys.join(', ') : 'none (chart defaults)'}`,
  );
  for (const v of app.data.volumes) lines.push(`- Volume ${volumeText(v)}`);
  if (app.withheldValues.length > 0)
    lines.push(`- Secret-looking values, never written in clear: ${app.withheldValues.join(', ')}`);
  for (const c of app.conversion.changes.filter(
    (x) => x.status !== 'unchanged' && x.status !== 'not-needed',
  )) {
    lines.push(`- ${c.id}: ${c.status} — ${c.detail}`);
  }
  if (app.manifests.length > 0) lines.push(`- Kit: ${app.manifests.map((m) => `\`${m}\``).join(', ')}`);
  for (const note of app.notes) lines.push(`- Note: ${note}`);
  lines.push('');
  return lines;
}

function stepSection(step: PlanStep): string[] {
  const lines = [`### ${step.number}. ${step.title}`, ''];
  step.do.forEach((line, index) => {
    lines.push(`${index + 1}. ${line}`);
  });
  if (step.check.length > 0) {
    lines.push('', '**Check that it worked:**', '');
    for (const check of step.check) lines.push(`- [ ] ${check}`);
  }
  return lines;
}

/** The few lines a terminal shows once the plan folder is written. */
export function renderPlanSummary(plan: MigrationPlan, folder: string): string {
  const apps = plan.tenants.flatMap((t) => t.apps);
  const data = apps.filter((a) => a.phase === 'data');
  const manual = apps.filter((a) => a.conversion.status === 'manual');
  const count = (status: PlanApp['conversion']['status']) =>
    apps.filter((a) => a.conversion.status === status).length;
  const h = plan.hours;
  return [
    `Migration plan (Option C, fresh install of v${plan.target}): ${folder}`,
    `  ${plural(plan.tenants.length, 'tenant')}, ${plural(h.workloads, 'application')}: ${data.length} with data (${formatSize(data.reduce((s, a) => s + a.data.bytes, 0))}), ${apps.filter((a) => a.phase === 'stateless').length} stateless, ${plural(apps.filter((a) => a.role === 'tenant').length, 'Tenant app')}`,
    `  Hours: migration ${hours(h.migration)}, data conversions ${hours(h.conversions)}, fresh install ${hours(h.install)} (Option C's rows)`,
    `  Breaking changes: ${count('converted')} converted by the kit, ${count('review')} to review, ${manual.length} MANUAL CONVERSION${manual.length > 0 ? ` (${manual.map((a) => `${a.namespace}/${a.release}`).join(', ')})` : ''}`,
    plan.secrets.included
      ? `  Secrets: ${plural(plan.secrets.count, 'Secret')} carried, age-encrypted in ${plural(plan.secrets.files.length, 'file')}`
      : '  Secrets: not read (--include-secrets with a key carries them, encrypted)',
    `  Runbook: plan.md (${plural(plan.steps.length, 'step')}); kit: tenants/<tenant>/NN-<kind>-<name>.json`,
  ].join('\n');
}
