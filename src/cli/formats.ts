// The -o/--output formats: one row per format, mapping each kind of result a command prints to the function
// that renders it. A command accepts exactly the formats whose row renders its kind, so a new format is its
// renderer plus one row here (and a new kind of result is one entry in `Printed`, `documentOf` and the rows).
import type { ChalkInstance } from 'chalk';
import { stringify } from 'yaml';
import type { BackupCommitResult } from '../backup/backup.js';
import type { Manifest } from '../backup/manifest.js';
import type { SnapshotResult } from '../backup/snapshot-writer.js';
import { renderPlanMarkdown as renderMigrationMarkdown, renderPlanSummary } from '../migration/render.js';
import type { MigrationPlan } from '../migration/schema.js';
import { formatSize, renderSummaryTable } from '../backup/summary.js';
import { describeVerification, type VerifyResult } from '../backup/verify.js';
import type { UpgradePlan } from '../catalog/types.js';
import { BadInputError } from '../errors.js';
import { type FORMATS_OF, formatsFor, type OutputFormat, type PrintedKind } from './format-names.js';
import type { Assessment } from '../model/assessment.js';
import type { AssessmentDiff } from '../model/diff.js';
import type { Coverage } from '../model/assessment.js';
import type { Finding, RootCause } from '../model/finding.js';
import type { FailOn } from '../model/policy.js';
import { type JunitInput, renderAssessmentJunit, renderJunit } from '../report/junit.js';
import { renderDiffMarkdown, renderDiffTable } from '../report/diff-render.js';
import { renderHtml } from '../report/html.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderPlanMarkdown, renderPlanTable } from '../report/plan.js';
import { renderAssessmentTable, renderCheckResults, renderCheckVerdict } from '../report/terminal.js';
import type { ServeSummary } from './serve-state.js';
import type { FleetAssessment } from '../model/fleet.js';
import { renderFleetMarkdown, renderFleetTable } from '../report/fleet.js';

/** What each kind of result holds: its JSON document and whatever its other renderers need. */
export interface Printed extends Record<PrintedKind, unknown> {
  /** `assess` and `report`: the assessment document itself. */
  assessment: Assessment;
  /** `check`. */
  checks: {
    document: Record<string, unknown>;
    findings: Finding[];
    rootCauses: RootCause[];
    coverage: Coverage;
    junit: JunitInput;
    exitCode: number;
    failOn: FailOn;
  };
  /** `path`. */
  plan: { document: Record<string, unknown>; plan: UpgradePlan };
  /** `backup`: the JSON document is the summary (the assessment's `backup` object). */
  backup: BackupCommitResult;
  /** `backup verify`. */
  verification: { document: Record<string, unknown>; result: VerifyResult; manifest?: Manifest };
  /** `snapshot`. */
  snapshot: SnapshotResult;
  /** `diff`: the comparison of two assessments. */
  diff: AssessmentDiff;
  /** `plan-migration`: the plan document and the folder it was written to. */
  migration: { plan: MigrationPlan; folder: string };
  /** `serve`, when it stops: how many runs, and the latest verdict. */
  serve: ServeSummary;
  /** `assess` or `check` on several clusters (`--context a,b,c`, `--all-contexts`). */
  fleet: FleetAssessment;
}

export interface RenderStyle {
  /** Colour for terminal text (level 0 when stdout is not a TTY or colour is off). */
  color: ChalkInstance;
}

type Renderer<K extends PrintedKind> = (value: Printed[K], style: RenderStyle) => string;
type FormatRow = { readonly [K in PrintedKind]?: Renderer<K> };
/** A format's row: a renderer for exactly the kinds FORMATS_OF lists for it. */
type RowOf<F extends OutputFormat> = {
  readonly [K in PrintedKind as F extends (typeof FORMATS_OF)[K][number] ? K : never]: Renderer<K>;
};

/** The JSON document of each kind: what -o json prints, and -o yaml prints as YAML. */
const documentOf: { [K in PrintedKind]: (value: Printed[K]) => unknown } = {
  assessment: (a) => a,
  checks: (c) => c.document,
  plan: (p) => p.document,
  backup: (b) => b.summary,
  verification: (v) => v.document,
  snapshot: (s) => s,
  diff: (d) => d,
  migration: (m) => m.plan,
  serve: (s) => s,
  fleet: (f) => f,
};

/** A row that renders every kind from its JSON document. */
function everyDocument(render: (document: unknown) => string): Required<FormatRow> {
  const row: { [K in PrintedKind]?: Renderer<K> } = {};
  for (const kind of Object.keys(documentOf) as PrintedKind[]) {
    (row as Record<PrintedKind, Renderer<PrintedKind>>)[kind] = (value) =>
      render((documentOf[kind] as (v: Printed[PrintedKind]) => unknown)(value));
  }
  return row as Required<FormatRow>;
}

export const OUTPUT_FORMATS = {
  table: {
    assessment: (a, { color }) => renderAssessmentTable(a, color),
    checks: (c, { color }) =>
      `${renderCheckResults(c, color)}\n\n${renderCheckVerdict(c.exitCode, c.failOn, color)}`,
    plan: (p, { color }) => renderPlanTable(p.plan, color),
    backup: (b) =>
      [`Backup: ${b.summary.path}`, ...renderSummaryTable(b.summary, { clean: b.clean })].join('\n'),
    verification: (v) => describeVerification(v.result, v.manifest).join('\n'),
    snapshot: (s) => `Snapshot: ${s.path} (${s.objects} objects, ${s.files} files, ${formatSize(s.bytes)})`,
    diff: (d, { color }) => renderDiffTable(d, color),
    migration: (m) => renderPlanSummary(m.plan, m.folder),
    serve: (s) =>
      `Served ${s.runs} run${s.runs === 1 ? '' : 's'} (${s.failedRuns} failed); ${
        s.latest
          ? `the latest assessment: ${s.latest.verdict} at ${s.latest.finishedAt}`
          : 'no assessment was made'
      }`,
    fleet: (f, { color }) => renderFleetTable(f, color),
  },
  json: everyDocument((document) => JSON.stringify(document, null, 2)),
  junit: {
    assessment: (a) => renderAssessmentJunit(a),
    checks: (c) => renderJunit(c.junit),
  },
  markdown: {
    assessment: (a) => renderMarkdown(a),
    fleet: (f) => renderFleetMarkdown(f),
    plan: (p) => renderPlanMarkdown(p.plan),
    diff: (d) => renderDiffMarkdown(d),
    migration: (m) => renderMigrationMarkdown(m.plan),
  },
  html: {
    assessment: (a) => renderHtml(a),
  },
  yaml: everyDocument((document) => stringify(document)),
} as const satisfies { [F in OutputFormat]: RowOf<F> };

export {
  FORMAT_NAMES,
  formatsFor,
  type OutputFormat,
  type PrintedKind,
  parseOutputFormat,
} from './format-names.js';

/** "a", "a or b", "a, b or c". */
function either(words: readonly string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** Exit 2 (bad input) when `command` cannot print `format`: checked before any work is done. */
export function requireFormat(format: OutputFormat, kind: PrintedKind, command: string, hint?: string): void {
  const allowed = formatsFor(kind);
  if (allowed.includes(format)) return;
  throw new BadInputError(
    `-o/--output: '${command}' prints ${either(allowed)}, not ${format}`,
    undefined,
    'output',
    hint,
  );
}

/** The text to print on stdout, ending in exactly one newline unless the renderer chose more. */
export function render<K extends PrintedKind>(
  format: OutputFormat,
  kind: K,
  value: Printed[K],
  style: RenderStyle,
): string {
  const renderer = (OUTPUT_FORMATS[format] as FormatRow)[kind] as Renderer<K> | undefined;
  if (!renderer) throw new Error(`no ${format} renderer for ${kind}`);
  const text = renderer(value, style);
  return text.endsWith('\n') ? text : `${text}\n`;
}
