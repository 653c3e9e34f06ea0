// The go/no-go report as Markdown, section by section like the hand-written reference report, filled from the
// assessment document and nothing else: every number printed here is a value of the assessment JSON (or the
// length of one of its lists). Pure.
import type { Evidence, Finding, RootCause } from '../model/finding.js';
import { blockingFindings, blockingRootCauses, explainedFindingIds, tenantFailures, unknownBlockingFindings, warningFindings } from '../model/policy.js';
import { formatRange, titleWithNodes } from '../model/text.js';
import type { Assessment, BreakingChangeUse, Factor, OptionScore } from '../model/assessment.js';

const STATUS: Record<Assessment['verdict'], string> = {
  GO: '✅ **GO: UPGRADE IN PLACE**',
  'NO-GO': '⛔ **NO-GO: CRITICAL ISSUES PREVENT UPGRADE**',
  INCOMPLETE: '⚠️ **INCOMPLETE: DATA MISSING, NO DECISION**',
};

const v = (version: string | null) => (version === null ? 'unknown' : `v${version.replace(/^v/, '')}`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const hours = (o: Pick<Factor, 'hoursMin' | 'hoursMax'>) => `${formatRange(o.hoursMin, o.hoursMax)} h`;
const success = (o: OptionScore) => `${formatRange(o.successMin, o.successMax)} %`;
const pp = (delta: number) => (delta === 0 ? '0' : delta > 0 ? `+${delta} pp` : `−${-delta} pp`);
const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Text safe inside a table cell. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function optionLabel(a: Assessment, key: 'A' | 'C'): string {
  return `Option ${key} (${a.options[key].name})`;
}

function recommendationLine(a: Assessment): string {
  if (a.verdict === 'INCOMPLETE') return 'NO DECISION YET: GET THE MISSING DATA, THEN RE-RUN';
  if (a.verdict === 'GO') return 'PROCEED WITH OPTION A (INCREMENTAL IN-PLACE UPGRADE)';
  if (a.recommendation === 'C')
    return 'STOP THE IN-PLACE UPGRADE; PROCEED WITH OPTION C (FRESH INSTALL, THEN MIGRATE)';
  return 'REPAIR FIRST, THEN UPGRADE IN PLACE (OPTION A)';
}

function header(a: Assessment): string[] {
  const where = a.cluster.context ?? a.cluster.server ?? a.cluster.snapshot ?? 'cluster';
  return [
    `# CozyStack upgrade assessment: ${a.verdict}`,
    '',
    `**Date**: ${a.generatedAt.slice(0, 10)}  `,
    `**Cluster state at**: ${a.now}  `,
    `**Cluster**: \`${where}\` (${a.cluster.source}, ${plural(a.cluster.nodes, 'node')}, ${plural(a.cluster.pods, 'pod')})  `,
    `**Decision**: ${optionLabel(a, a.recommendation)}  `,
    `**Status**: ${STATUS[a.verdict]}`,
  ];
}

function executiveSummary(a: Assessment): string[] {
  const route = `${v(a.version.installed)} → ${v(a.version.target)}`;
  const verb =
    a.verdict === 'GO'
      ? 'is ADVISABLE'
      : a.verdict === 'NO-GO'
        ? 'is **NOT ADVISABLE**'
        : 'cannot be judged yet';
  return [
    '## Executive summary',
    '',
    `**RECOMMENDATION: ${recommendationLine(a)}**`,
    '',
    `Upgrading the cluster in place (${route}) ${verb} because:`,
    '',
    ...a.reasons.map((reason, i) => `${i + 1}. ${reason}`),
  ];
}

function versionSection(a: Assessment): string[] {
  const ver = a.version;
  const age = ver.installedAgeDays != null ? ` (${ver.installedAgeDays} days old)` : '';
  const lines = [
    '## Version gap and path',
    '',
    `- Current: ${ver.installedRaw ?? v(ver.installed)}${age}${ver.detectedFrom ? `, read from ${ver.detectedFrom}` : ''}`,
    `- Target: ${v(ver.target)}`,
    `- Gap: ${ver.minorGap === null ? 'unknown' : plural(ver.minorGap, 'minor version')}`,
    `- Path: ${plural(ver.steps.length, 'incremental step')}${ver.steps.length > 0 ? ' required' : ''}`,
  ];
  if (ver.bundle) lines.push(`- Bundle: ${ver.bundle}`);
  if (ver.migrationCounter !== null) {
    const expected =
      ver.migrationCounterExpected != null
        ? ` (the installed release expects ${ver.migrationCounterExpected})`
        : '';
    lines.push(`- Migration counter (\`cozystack-version\`): ${ver.migrationCounter}${expected}`);
  }
  if (ver.unknownReason) lines.push(`- No path: ${ver.unknownReason}`);
  if (ver.steps.length > 0) {
    lines.push(
      '',
      ...table(
        ['Step', 'Migrations', 'Breaking changes crossed', 'Notes'],
        ver.steps.map((step) => [
          `${v(step.from)} → ${v(step.to)}`,
          step.migrations ? `${step.migrations.from} → ${step.migrations.to}` : '-',
          step.breakingChanges.map((c) => `${c.title} (${c.usage})`).join('; ') || '-',
          step.notes.join('; ') || '-',
        ]),
      ),
    );
  }
  return lines;
}

const USAGE_MARK: Record<BreakingChangeUse['usage'], string> = {
  used: '⚠️ USED',
  'not used': '✅ not used',
  unknown: '❓ unknown',
};

function breakingSection(a: Assessment): string[] {
  const lines = ['## Breaking changes', ''];
  if (a.breakingChanges.length === 0) {
    lines.push(
      a.version.steps.length > 0
        ? 'The path crosses no known breaking change.'
        : 'No path, so no breaking change to judge.',
    );
    return lines;
  }
  for (const usage of ['used', 'unknown', 'not used'] as const) {
    const changes = a.breakingChanges.filter((c) => c.usage === usage);
    if (changes.length === 0) continue;
    lines.push(`### ${capital(usage)} in this cluster`, '');
    for (const c of changes) {
      const action = usage === 'not used' ? 'no impact' : (c.action ?? 'see the release notes');
      lines.push(
        `- ${USAGE_MARK[usage]}: **${c.title}** (${v(c.version)}, ${c.severity}): ${c.evidence}. Action: ${action}`,
      );
    }
    lines.push('');
  }
  lines.pop();
  return lines;
}

function backupSection(a: Assessment): string[] {
  const lines = ['## Backup', ''];
  const b = a.backup;
  if (b === null) {
    lines.push(
      'No backup was taken by this run (`--no-backup`). Take one (`cozy-assess backup`) before changing anything.',
    );
    return lines;
  }
  lines.push(
    `Location: \`${b.path}\``,
    '',
    ...table(
      ['Category', 'Objects', 'Size', 'Bytes'],
      [
        ...b.categories.map((c) => [c.category, `${c.objects}`, c.size, `${c.bytes}`]),
        ['**Total**', `**${b.totals.objects}**`, `**${b.totals.size}**`, `**${b.totals.bytes}**`],
      ],
    ),
    '',
    `- Files: ${b.totals.files}`,
    `- Checksums verified: ${b.verified ? '✅ yes (every file re-read and matched its checksum)' : '❌ NO: do not rely on this backup'}`,
    `- Complete: ${b.complete ? 'yes' : 'no (partial backup accepted with --allow-partial)'}`,
    `- Secrets: ${b.secrets}`,
  );
  for (const s of b.skipped) lines.push(`- Skipped ${s.type}: ${s.reason}`);
  return lines;
}

function evidenceText(e: Evidence): string {
  const name = [e.namespace, e.name].filter(Boolean).join('/') || e.kind;
  const facts: string[] = [];
  if (e.restarts !== undefined) facts.push(`${e.restarts} restarts`);
  if (e.ageDays !== undefined) facts.push(`${e.ageDays} days`);
  if (e.count !== undefined) facts.push(`count ${e.count}`);
  return `${name}: ${e.reason ?? 'failing'}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`;
}

/**
 * Pods on one node quoted by the root cause's own finding and by the findings that name this node (the
 * node-level components: CNI, OVS, agents), each pod once. Pods failing downstream are in "Failed components".
 */
function nodeEvidence(node: string, cause: Finding | undefined, findings: readonly Finding[]): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  const others = findings.filter((f) => f !== cause && f.nodes.includes(node));
  for (const finding of cause ? [cause, ...others] : others) {
    if (finding.status !== 'fail' && finding.status !== 'warn') continue;
    for (const e of finding.evidence) {
      if (e.node !== node || e.kind !== 'pod') continue;
      const key = `${e.namespace ?? ''}/${e.name ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(e);
    }
  }
  return out;
}

/** The message the cluster repeated most (an event's count), else the first one quoted. */
function quotedMessage(finding: Finding | undefined): string | undefined {
  const quoted = finding?.evidence.filter((e) => e.message) ?? [];
  const repeated = [...quoted].sort((x, y) => (y.count ?? 0) - (x.count ?? 0))[0];
  return repeated?.message;
}

function rootCauseSection(a: Assessment, rc: RootCause, shownNodes: Set<string>): string[] {
  const cause = a.findings.find((f) => f.id === rc.finding);
  const lines = [`### Root cause: ${rc.title}`, ''];
  if (cause) lines.push(cause.summary, '');
  const message = quotedMessage(cause);
  if (message) lines.push('```', message, '```', '');
  lines.push(`**Chain**: ${rc.chain.join(' → ')}`, '');
  if (rc.effects.length > 0) {
    lines.push('**Impact**:');
    for (const effect of rc.effects) lines.push(`- ${effect.title}: ${effect.count}`);
    lines.push('');
  }
  // The findings it explains, by title: how the cause shows up (e.g. "image pulls time out: network path
  // broken, not the registry").
  const explains = [...new Set(rc.effects.flatMap((e) => e.findings))]
    .map((id) => a.findings.find((f) => f.id === id)?.title)
    .filter((t): t is string => t !== undefined);
  if (explains.length > 0) lines.push(`**Explains**: ${explains.join('; ')}`, '');
  if (rc.nodes.length > 0) {
    lines.push('#### Affected nodes', '');
    for (const node of rc.nodes) {
      if (shownNodes.has(node)) {
        lines.push(`Node \`${node}\`: see above.`, '');
        continue;
      }
      shownNodes.add(node);
      lines.push(`Node \`${node}\`:`);
      const evidence = nodeEvidence(node, cause, a.findings);
      if (evidence.length === 0) lines.push('- (no pod evidence on this node)');
      for (const e of evidence) lines.push(`- ${evidenceText(e)}`);
      lines.push('');
    }
    lines.pop();
  }
  return lines;
}

/** Counts of a finding that are reasons (some evidence carries that reason), not tallies such as `total`. */
function reasonCounts(finding: Finding): Array<[string, number]> {
  return Object.entries(finding.counts ?? {}).filter(([key]) =>
    finding.evidence.some((e) => e.reason === key),
  );
}

/**
 * Failed components grouped by reason, with the counts the checks computed, where they are, how long they have
 * failed (the age range of their evidence), and the root cause that explains them.
 */
function failedComponents(a: Assessment): string[] {
  const counted = a.findings.filter(
    (f) => (f.status === 'fail' || f.status === 'warn') && reasonCounts(f).length > 0,
  );
  if (counted.length === 0) return [];
  // Effects name objects as `namespace/Kind/name`; evidence as kind + namespace + name: compare case-insensitively.
  const objectKey = (namespace: string | undefined, kind: string, name: string | undefined) =>
    `${namespace ?? ''}/${kind}/${name ?? ''}`.toLowerCase();
  const explained = new Map<string, string>();
  for (const rc of a.rootCauses) {
    for (const effect of rc.effects)
      for (const object of effect.objects) explained.set(object.toLowerCase(), rc.title);
  }
  const lines = ['#### Failed components', ''];
  for (const finding of counted) {
    lines.push(`${finding.title}:`, '');
    for (const [reason, count] of reasonCounts(finding)) {
      const evidence = finding.evidence.filter((e) => e.reason === reason);
      const ages = evidence.flatMap((e) => (e.ageDays === undefined ? [] : [e.ageDays]));
      const duration =
        ages.length > 0 ? `, for ${formatRange(Math.min(...ages), Math.max(...ages))} days` : '';
      const owners = [...new Set(evidence.map((e) => e.namespace).filter(Boolean))];
      const where = owners.length > 0 ? ` in ${owners.join(', ')}` : '';
      const causes = [
        ...new Set(
          evidence
            .map((e) => explained.get(objectKey(e.namespace, e.kind, e.name)))
            .filter((t): t is string => t !== undefined),
        ),
      ];
      const cause = causes.length > 0 ? `; root: ${causes.join(', ')}` : '';
      lines.push(`- **${reason}** (${count})${where}${duration}${cause}`);
    }
    lines.push('');
  }
  lines.pop();
  return lines;
}

const STATUS_MARK: Record<Finding['status'], string> = {
  fail: '❌ fail',
  warn: '⚠️ warn',
  unknown: '❓ unknown',
  pass: '✅ pass',
};

function healthSection(a: Assessment): string[] {
  const blocking = blockingFindings(a.findings);
  const lines = ['## Health check results', ''];
  lines.push(
    blocking.length > 0
      ? `**CRITICAL FAILURES FOUND**: ${plural(blocking.length, 'blocking finding')}.`
      : 'No blocking failure found on the platform.',
    '',
  );
  const shownNodes = new Set<string>();
  for (const rc of a.rootCauses) lines.push(...rootCauseSection(a, rc, shownNodes), '');
  lines.push(...failedComponents(a));
  if (lines.at(-1) !== '') lines.push('');
  lines.push(
    '#### All findings',
    '',
    ...table(
      ['Status', 'Check', 'Blocking', 'Scope', 'Finding', 'Nodes'],
      a.findings.map((f) => [
        f.suppressed
          ? `${STATUS_MARK[f.status]} (suppressed: ${f.suppressed.reason})`
          : STATUS_MARK[f.status],
        f.check,
        f.blocking ? 'yes' : 'no',
        f.scope,
        `${f.title}: ${f.summary}`,
        f.nodes.join(', ') || '-',
      ]),
    ),
    '',
    `Checks run: ${a.coverage.checksRun} of ${a.coverage.checksTotal}.`,
  );
  for (const u of a.coverage.unknown) lines.push(`- Could not check ${u.check}: ${u.reason}`);
  for (const u of a.coverage.unreadable) lines.push(`- Could not read ${u.type} (${u.status}): ${u.reason}`);
  return lines;
}

function whySection(a: Assessment): string[] {
  const title =
    a.verdict === 'GO'
      ? '## Why the upgrade can proceed'
      : a.verdict === 'NO-GO'
        ? '## Why the upgrade cannot proceed'
        : '## Why no decision can be made yet';
  const lines = [title, ''];
  const factorsA = a.options.A.factors;
  if (a.verdict === 'NO-GO') {
    lines.push('### Technical blockers', '');
    const causes = blockingRootCauses(a.rootCauses, a.findings);
    const explained = explainedFindingIds(a.rootCauses);
    let n = 0;
    for (const rc of causes) {
      n++;
      lines.push(`${n}. **${titleWithNodes(rc.title, rc.nodes)}**`);
      for (const effect of rc.effects) lines.push(`   - ${effect.title} (${effect.count})`);
    }
    const cascades = factorsA.filter((f) => f.id === 'optionA.cascadePerObject');
    for (const f of blockingFindings(a.findings).filter((f) => !explained.has(f.id))) {
      n++;
      const presumed = cascades.some((c) => c.basis.includes(f.id))
        ? ' (presumed downstream: priced in the cascade)'
        : '';
      lines.push(`${n}. **${f.title}**${presumed}: ${f.summary}`);
    }
    if (a.backup && !a.backup.verified)
      lines.push(`${n + 1}. **Backup failed verification** at \`${a.backup.path}\``);
    if (a.failOn === 'warn') {
      for (const f of warningFindings(a.findings))
        lines.push(`- Warning counted as blocking (--fail-on warn): ${f.title}`);
    }
    lines.push('');
    for (const rc of causes) {
      if (rc.chain.length > 1)
        lines.push(
          `### Cascade: ${rc.title}`,
          '',
          rc.chain.map((stage, i) => (i === 0 ? stage : `→ ${stage}`)).join(' '),
          '',
        );
    }
    const longTerm = factorsA.filter(
      (f) => f.id === 'optionA.longTermDegradation' || f.id === 'optionA.restartHistory',
    );
    if (longTerm.length > 0) {
      lines.push('### Long-term degradation', '', ...longTerm.map((f) => `- ${f.description}`), '');
    }
    lines.push(
      '### Upgrade risk',
      '',
      `- ${optionLabel(a, 'A')}: ${success(a.options.A)} success, ${a.options.A.risk} risk, ${hours(a.options.A)}.`,
      '- New images cannot be pulled and new pods cannot start while the blockers remain: an upgrade step would fail and may worsen the cluster.',
    );
  } else if (a.verdict === 'GO') {
    lines.push('- No blocking finding on the platform.');
    for (const f of warningFindings(a.findings))
      lines.push(`- Warning (does not block): ${f.title}: ${f.summary}`);
    for (const f of tenantFailures(a.findings))
      lines.push(`- Tenant workload (does not block): ${f.title}: ${f.summary}`);
  } else {
    for (const f of unknownBlockingFindings(a.findings))
      lines.push(`- ${f.check}: ${f.unknownReason ?? f.summary}`);
    for (const u of a.coverage.unreadable) lines.push(`- ${u.type} (${u.status}): ${u.reason}`);
    if (a.version.installed === null) lines.push('- The installed CozyStack version could not be detected.');
    else if (a.version.unknownReason) lines.push(`- No upgrade path: ${a.version.unknownReason}.`);
    if (a.backup && !a.backup.complete)
      lines.push(`- The backup is partial: ${a.backup.skipped.map((s) => s.type).join(', ')}.`);
    if (a.version.target === null) lines.push('- The target version is not known.');
  }
  return lines;
}

function factorTable(option: OptionScore): string[] {
  return table(
    ['Factor (model row)', 'Hours', 'Success'],
    [
      ['Base success of this option', '-', `${formatRange(option.baseSuccessMin, option.baseSuccessMax)} %`],
      ...option.factors.map((f) => [`${f.description} (\`${f.id}\`)`, hours(f), pp(f.successDelta)]),
      ['**Total**', `**${hours(option)}**`, `**${success(option)}**`],
    ],
  );
}

function timelineSection(a: Assessment): string[] {
  return [
    '## Timeline per option',
    '',
    `### ${optionLabel(a, 'A')}`,
    '',
    ...factorTable(a.options.A),
    '',
    `Risk: **${a.options.A.risk}**.`,
    '',
    `### ${optionLabel(a, 'C')}`,
    '',
    ...factorTable(a.options.C),
    '',
    `Risk: **${a.options.C.risk}**.`,
  ];
}

function comparisonSection(a: Assessment): string[] {
  const { A, C } = a.options;
  const blocked = a.verdict === 'NO-GO';
  const verdictA =
    a.verdict === 'INCOMPLETE'
      ? 'WAIT'
      : a.recommendation === 'A'
        ? blocked
          ? 'REPAIR FIRST'
          : 'PROCEED'
        : 'ABORT';
  const verdictC = a.verdict === 'INCOMPLETE' ? 'WAIT' : a.recommendation === 'C' ? 'PROCEED' : 'NOT NEEDED';
  const target = v(a.version.target);
  return [
    '## Options comparison',
    '',
    ...table(
      ['Aspect', 'Option A (in-place)', 'Option C (fresh install)'],
      [
        [
          '**Current status**',
          blocked ? 'Blocked by failures' : a.verdict === 'GO' ? 'Ready to start' : 'Unknown: data missing',
          'Ready to start',
        ],
        ['**Time required**', hours(A), hours(C)],
        ['**Success probability**', success(A), success(C)],
        ['**Risk level**', capital(A.risk), capital(C.risk)],
        ['**Final result**', blocked ? 'Uncertain' : `${target} in place`, `Clean ${target}`],
        ['**Recommendation**', verdictA, verdictC],
      ],
    ),
  ];
}

function planSection(a: Assessment): string[] {
  const lines = ['## Recommended action plan', ''];
  const steps = a.version.steps.map((s) => `${v(s.from)} → ${v(s.to)}`);
  const backupLine = a.backup
    ? `Keep the verified backup at \`${a.backup.path}\``
    : 'Take a verified backup first: `cozy-assess backup --out <dir>`';
  const install = a.options.C.factors.find((f) => f.id === 'optionC.install');
  if (a.verdict === 'INCOMPLETE') {
    lines.push(
      '1. **Get the missing data**: grant read access to what could not be read, or fix what made a check unknown (see above).',
      '2. **Re-run** `cozy-assess assess`: the verdict is never GO while data is missing.',
    );
  } else if (a.verdict === 'GO') {
    lines.push(
      `1. **Prepare**: ${backupLine}; plan a maintenance window of ${hours(a.options.A)}.`,
      `2. **Upgrade one release line at a time**:`,
      ...steps.map(
        (s) => `   - ${s}: apply, wait for every HelmRelease to be Ready, run \`cozy-assess check\``,
      ),
      ...a.breakingChanges
        .filter((c) => c.usage !== 'not used')
        .map((c) => `   - At ${v(c.version)}: ${c.title}: ${c.action ?? 'see the release notes'}`),
      '3. **Validate**: run `cozy-assess check` on the upgraded cluster and keep the backup until it passes.',
    );
  } else if (a.recommendation === 'A') {
    const repairs = a.options.A.factors.filter(
      (f) =>
        f.id.startsWith('optionA.repair') ||
        f.id === 'optionA.blockingUnexplained' ||
        f.id === 'optionA.cascade',
    );
    const backupFailed = a.backup !== null && !a.backup.verified;
    const warnings = a.failOn === 'warn' ? warningFindings(a.findings) : [];
    lines.push(
      `1. **Repair first** (${backupFailed ? 'no usable backup yet' : backupLine}):`,
      ...repairs.map((f) => `   - ${f.description} (${hours(f)})`),
      ...(backupFailed
        ? [
            '   - Take a new backup and check it with `cozy-assess backup verify <dir>`: this one failed verification',
          ]
        : []),
      ...warnings.map((f) => `   - Fix or suppress (with a reason and a date) the warning: ${f.title}`),
      '2. **Re-assess**: run `cozy-assess assess` again until the verdict is GO.',
      '3. **Upgrade one release line at a time**:',
      ...steps.map((s) => `   - ${s}`),
      '4. **Validate** after each step with `cozy-assess check`.',
    );
  } else {
    lines.push(
      `1. **Immediate: stop the in-place upgrade attempt.** ${backupLine}; do not try to repair the old cluster under time pressure.`,
      `2. **Fresh install** of ${v(a.version.target)} on new machines${install ? ` (${hours(install)})` : ''}: clean networking, the same bundle${a.version.bundle ? ` (${a.version.bundle})` : ''}.`,
      '3. **Validate the new cluster**: run `cozy-assess check` against it; test storage, networking and tenant creation.',
      `4. **Plan the migration**: document the ${plural(a.cluster.tenantWorkloads, 'tenant application')} in ${plural(a.cluster.tenantNamespaces, 'tenant namespace')} of the old cluster and how each moves.`,
      '5. **Migrate gradually**: non-critical workloads first; keep the old cluster (and its backup) as a fallback until the new one is validated, then decommission it.',
    );
  }
  return lines;
}

function nextSteps(a: Assessment): string[] {
  const lines = ['## Next steps', ''];
  const items: string[] = [];
  if (a.verdict === 'GO') {
    items.push(
      'Schedule the upgrade window',
      `Upgrade to ${v(a.version.target)} step by step`,
      'Re-run `cozy-assess check` after each step',
    );
  } else if (a.verdict === 'INCOMPLETE') {
    items.push('Fix access to the data listed above', 'Re-run `cozy-assess assess`');
  } else if (a.recommendation === 'C') {
    items.push(
      'Archive this report and the assessment JSON',
      `Plan a fresh ${v(a.version.target)} installation`,
      'Prepare new machines',
      `Install ${v(a.version.target)}${a.version.bundle ? ` with the ${a.version.bundle} bundle` : ''}`,
      'Validate the new cluster with `cozy-assess check`',
      'Migrate workloads when ready',
    );
  } else {
    items.push(
      'Repair the blocking findings listed above',
      'Re-run `cozy-assess assess` until GO',
      `Upgrade to ${v(a.version.target)} step by step`,
    );
  }
  for (const [i, item] of items.entries()) lines.push(`${i + 1}. ${item}`);
  return lines;
}

/** Mermaid node ids made of letters only, so the diagram adds no numbers of its own. */
function letterId(prefix: string, index: number): string {
  let id = '';
  let n = index;
  do {
    id = String.fromCharCode(97 + (n % 26)) + id;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `${prefix}${id}`;
}

const mermaidText = (text: string) => text.replace(/"/g, '#quot;').replace(/[\r\n]+/g, ' ');

function cascadeDiagram(a: Assessment): string[] {
  if (a.rootCauses.length === 0) return [];
  const lines = ['## Cascade', '', '```mermaid', 'flowchart LR'];
  a.rootCauses.forEach((rc, r) => {
    const prefix = letterId('r', r);
    const stages = rc.chain.length > 0 ? rc.chain : [rc.title];
    const stageId = (s: number) => `${prefix}${letterId('s', s)}`;
    // An effect named like a stage of the chain is that stage, with its count; the others hang off the cause.
    const stageIndex = (title: string) =>
      stages.findIndex((stage) => stage.toLowerCase() === title.toLowerCase());
    stages.forEach((stage, s) => {
      const counts = rc.effects.filter((e) => stageIndex(e.title) === s).map((e) => e.count);
      const where = s === 0 && rc.nodes.length > 0 ? ` on ${rc.nodes.join(', ')}` : '';
      const count = counts.length > 0 ? `: ${counts.join(', ')}` : '';
      lines.push(`  ${stageId(s)}["${mermaidText(`${stage}${where}${count}`)}"]`);
      if (s > 0) lines.push(`  ${stageId(s - 1)} --> ${stageId(s)}`);
    });
    rc.effects.forEach((effect, e) => {
      if (stageIndex(effect.title) >= 0) return;
      const id = `${prefix}${letterId('e', e)}`;
      lines.push(
        `  ${id}["${mermaidText(`${effect.title}: ${effect.count}`)}"]`,
        `  ${stageId(0)} -.-> ${id}`,
      );
    });
  });
  lines.push('```');
  return lines;
}

function footer(a: Assessment): string[] {
  const lines = [
    '---',
    '',
    `Generated by ${a.tool.name} ${a.tool.version} at ${a.generatedAt}; ages computed against ${a.now}. ` +
      `Verdict rule: ${a.failOn === 'warn' ? 'warnings and blocking failures' : 'blocking failures'} make a NO-GO (\`--fail-on ${a.failOn}\`).`,
  ];
  for (const note of a.notes) lines.push(`- ${note}`);
  return lines;
}

export function renderMarkdown(a: Assessment): string {
  const sections = [
    header(a),
    executiveSummary(a),
    versionSection(a),
    breakingSection(a),
    backupSection(a),
    healthSection(a),
    whySection(a),
    timelineSection(a),
    comparisonSection(a),
    planSection(a),
    nextSteps(a),
    cascadeDiagram(a),
    footer(a),
  ].filter((s) => s.length > 0);
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}

/** The short Markdown for a CI job summary ($GITHUB_STEP_SUMMARY): status, reasons, options. */
export function renderSummaryMarkdown(a: Assessment): string {
  return `${[header(a), executiveSummary(a), comparisonSection(a)].map((s) => s.join('\n')).join('\n\n')}\n`;
}
