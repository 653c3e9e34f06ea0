// How `cozy-assess path` shows an UpgradePlan: a terminal table, Markdown, or a JSON document. Pure: the
// caller passes the chalk instance (level 0 = plain text) and prints the result.
import type { ChalkInstance } from 'chalk';
import { breakingChangesOf, toVersionSection } from '../catalog/path.js';
import type { CrossedBreakingChange, UpgradePlan } from '../catalog/types.js';
import { withV } from '../catalog/version.js';
import { strategyText } from '../model/text.js';

const v = (version: string | null | undefined) => (version ? withV(version) : 'unknown');

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

function installedLine(plan: UpgradePlan): string {
  const { installed } = plan;
  if (!installed.version)
    return `unknown (${plan.unknownReason ?? installed.unknownReason ?? 'not detected'})`;
  const raw =
    installed.raw && installed.raw.replace(/^v/, '') !== installed.version ? `${installed.raw}, ` : '';
  const age = plan.installedAgeDays !== null ? `; ${plural(plan.installedAgeDays, 'day')} old` : '';
  return `${v(installed.version)} (${raw}${installed.detectedFrom}${age})`;
}

function counterLine(plan: UpgradePlan): string {
  return plan.migrationCounter.explanation;
}

function bundleLine(plan: UpgradePlan): string {
  const { bundle } = plan;
  if (!bundle.name) return 'not read';
  return bundle.known
    ? `${bundle.name} (upstream)`
    : `${bundle.name} (NOT an upstream bundle: the upstream path is not guaranteed)`;
}

function gapLine(plan: UpgradePlan): string {
  if (plan.minorGap === null) return 'unknown';
  return `${plural(plan.minorGap, 'minor version')}, ${plural(plan.steps.length, 'step')}`;
}

/** The strategy the steps follow and how many steps the other one would take. */
function strategyLine(plan: UpgradePlan): string {
  return strategyText(plan.strategy, plan.stepCounts ?? undefined);
}

function usageLabel(change: CrossedBreakingChange, chalk: ChalkInstance): string {
  const text = `${change.usage}`;
  if (change.usage === 'used')
    return change.severity === 'blocker' ? chalk.bold.red(text) : chalk.yellow(text);
  if (change.usage === 'unknown') return chalk.magenta(text);
  return chalk.green(text);
}

function pad(cells: string[][]): string[] {
  // Width from the visible text: strip ANSI codes before measuring.
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => visible(row[i] ?? ''))));
  return cells.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - visible(cell))))
      .join('  ')
      .trimEnd(),
  );
}

export function renderPlanTable(plan: UpgradePlan, chalk: ChalkInstance): string {
  const lines = pad([
    ['Installed', installedLine(plan)],
    ['Target', `${v(plan.target)}${plan.targetRequested === 'latest' ? ' (latest)' : ''}`],
    ['Gap', gapLine(plan)],
    ['Strategy', strategyLine(plan)],
    ['Bundle', bundleLine(plan)],
    ['Migrations', counterLine(plan)],
  ]);
  if (plan.steps.length > 0) {
    lines.push('', chalk.bold('Steps'));
    const rows = [['#', 'FROM', 'TO', 'MIGRATIONS', 'BREAKING CHANGES CROSSED']];
    plan.steps.forEach((step, index) => {
      const changes = plan.breakingChanges.filter((c) => c.step === step.to);
      const used = changes.filter((c) => c.usage !== 'not used').length;
      rows.push([
        String(index + 1),
        v(step.from),
        v(step.to),
        step.migrations ? `${step.migrations.from} → ${step.migrations.to}` : '-',
        changes.length === 0 ? '-' : `${changes.length} (${used} used or unknown)`,
      ]);
    });
    lines.push(...pad(rows));
  }
  if (plan.breakingChanges.length > 0) {
    lines.push('', chalk.bold('Breaking changes crossed'));
    for (const change of plan.breakingChanges) {
      lines.push(
        `  ${v(change.version)} ${change.id} [${change.severity}] ${usageLabel(change, chalk)}: ${change.title}`,
        `      ${change.evidence}`,
      );
      if (change.usage !== 'not used' && change.action) lines.push(`      action: ${change.action}`);
    }
  }
  const notes = [...plan.notes, ...plan.steps.flatMap((s) => s.notes.map((n) => `${v(s.to)}: ${n}`))];
  if (notes.length > 0) {
    lines.push('', chalk.bold('Notes'));
    for (const note of notes) lines.push(`  - ${note}`);
  }
  return lines.join('\n');
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderPlanMarkdown(plan: UpgradePlan): string {
  const out: string[] = [
    `# Upgrade path: ${v(plan.installed.version)} → ${v(plan.target)}`,
    '',
    `- Installed: ${installedLine(plan)}`,
    `- Target: ${v(plan.target)}`,
    `- Gap: ${gapLine(plan)}`,
    `- Strategy: ${strategyLine(plan)}`,
    `- Bundle: ${bundleLine(plan)}`,
    `- Migrations: ${counterLine(plan)}`,
  ];
  if (plan.steps.length > 0) {
    out.push(
      '',
      '## Steps',
      '',
      '| # | From | To | Migrations | Breaking changes crossed | Notes |',
      '|---|---|---|---|---|---|',
    );
    plan.steps.forEach((step, index) => {
      const changes = step.breakingChanges.map((c) => `${c.id} (${c.usage})`).join(', ') || '-';
      const migrations = step.migrations ? `${step.migrations.from} → ${step.migrations.to}` : '-';
      out.push(
        `| ${index + 1} | ${v(step.from)} | ${v(step.to)} | ${migrations} | ${cell(changes)} | ${cell(step.notes.join('; ') || '-')} |`,
      );
    });
  }
  if (plan.breakingChanges.length > 0) {
    out.push(
      '',
      '## Breaking changes',
      '',
      '| Version | Change | Severity | In this cluster | Evidence | Action |',
      '|---|---|---|---|---|---|',
    );
    for (const c of plan.breakingChanges) {
      out.push(
        `| ${v(c.version)} | ${cell(c.title)} | ${c.severity} | **${c.usage}** | ${cell(c.evidence)} | ${cell(c.action ?? '-')} |`,
      );
    }
  }
  if (plan.notes.length > 0) {
    out.push('', '## Notes', '');
    for (const note of plan.notes) out.push(`- ${note}`);
  }
  return `${out.join('\n')}\n`;
}

/** The JSON document of `path -o json`: the assessment's `version` and `breakingChanges` plus the checks behind them. */
export function planDocument(plan: UpgradePlan, tool: { name: string; version: string }, now: string) {
  return {
    tool,
    now,
    version: toVersionSection(plan),
    breakingChanges: breakingChangesOf(plan),
    migrationCounter: plan.migrationCounter,
    bundle: plan.bundle,
    alternatives: plan.installed.alternatives,
    notes: plan.notes,
    ...(plan.unknownReason ? { unknownReason: plan.unknownReason } : {}),
  };
}
