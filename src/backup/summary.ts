// The backup's figures, in the assessment's BackupSummary shape, and the table people read
// (like the reference report: "All ConfigMaps (3.7M) … Checksums verified … Total: 6.1M").
import type { BackupStatus, BackupSummary } from '../model/assessment.js';
import type { TypeRecord } from './capture.js';
import { CATEGORIES, categoryOf } from './layout.js';
import type { SecretsMode } from './select.js';

export interface SummaryInput {
  path: string;
  records: Iterable<TypeRecord>;
  /** Every file in the folder (raw, clean view, manifest, version), for the totals. */
  files: ReadonlyArray<{ bytes: number }>;
  verified: boolean;
  secrets: SecretsMode;
}

/** Per category: the objects and the bytes of their raw files. Totals: unique objects, every file's bytes. */
export function summarizeBackup(input: SummaryInput): BackupSummary {
  const perCategory = new Map<string, { objects: number; bytes: number }>();
  const skipped: BackupSummary['skipped'] = [];
  for (const record of input.records) {
    if (record.status === 'forbidden' || record.status === 'failed') {
      skipped.push({
        type: record.key,
        cause: record.status,
        reason: `${record.status}: ${record.reason ?? 'no reason given'}`,
      });
    }
    if (record.status !== 'ok') continue;
    const category = categoryOf(record.type);
    const totals = perCategory.get(category) ?? { objects: 0, bytes: 0 };
    totals.objects += record.objects;
    totals.bytes += record.raw?.bytes ?? 0;
    perCategory.set(category, totals);
  }
  const categories = CATEGORIES.filter((c) => perCategory.has(c.id)).map((c) => {
    const totals = perCategory.get(c.id)!;
    return { category: c.label, ...totals, size: formatSize(totals.bytes) };
  });
  const totalBytes = input.files.reduce((sum, f) => sum + f.bytes, 0);
  return {
    path: input.path,
    status: backupStatus(skipped, input.verified),
    complete: skipped.length === 0,
    verified: input.verified,
    totals: {
      objects: categories.reduce((sum, c) => sum + c.objects, 0),
      bytes: totalBytes,
      size: formatSize(totalBytes),
      files: input.files.length,
    },
    categories,
    skipped: skipped.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)),
    secrets:
      input.secrets === 'include' ? 'included' : input.secrets === 'encrypt' ? 'encrypted' : 'excluded',
  };
}

/** A failed read leaves the backup unfinished whatever else happened; then verification; then what was skipped. */
function backupStatus(skipped: BackupSummary['skipped'], verified: boolean): BackupStatus {
  if (skipped.some((s) => s.cause === 'failed')) return 'unfinished';
  if (!verified) return 'failed-verification';
  return skipped.length > 0 ? 'partial' : 'complete';
}

/** Sizes as `ls -h` prints them: 512, 1.6K, 144K, 3.7M, 24M (powers of 1024, rounded up). */
export function formatSize(bytes: number): string {
  const units = ['K', 'M', 'G', 'T'];
  if (bytes < 1024) return String(bytes);
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // One decimal below 10, as ls does; rounding up never under-reports a size.
  const shown = value < 10 ? Math.ceil(value * 10) / 10 : Math.ceil(value);
  if (shown >= 1024 && unit < units.length - 1) return `1.0${units[unit + 1]}`;
  return `${shown < 10 ? shown.toFixed(1) : String(shown)}${units[unit]}`;
}

export interface TableExtras {
  /** Clean view objects and bytes, shown as its own row. */
  clean?: { objects: number; bytes: number; path: string };
  encryptedNote?: string;
}

/** Plain-text table (no colour): one row per category, the clean view, the total, and the check line. */
export function renderSummaryTable(summary: BackupSummary, extras: TableExtras = {}): string[] {
  const rows: Array<[string, string, string]> = summary.categories.map((c) => [
    c.category,
    String(c.objects),
    formatSize(c.bytes),
  ]);
  if (extras.clean)
    rows.push([
      `Clean view (${extras.clean.path}/)`,
      String(extras.clean.objects),
      formatSize(extras.clean.bytes),
    ]);
  const total: [string, string, string] = [
    'Total',
    String(summary.totals.objects),
    formatSize(summary.totals.bytes),
  ];
  const header: [string, string, string] = ['CATEGORY', 'OBJECTS', 'SIZE'];
  const all = [header, ...rows, total];
  const widths = [0, 1, 2].map((i) => Math.max(...all.map((row) => row[i as 0 | 1 | 2].length)));
  const line = (row: [string, string, string]) =>
    `${row[0].padEnd(widths[0]!)}  ${row[1].padStart(widths[1]!)}  ${row[2].padStart(widths[2]!)}`.trimEnd();
  const lines = [line(header), ...rows.map(line), line(total)];
  lines.push(
    summary.verified
      ? `Checksums verified (${summary.totals.files} files, SHA256SUMS)`
      : 'Checksums NOT verified: do not rely on this backup',
  );
  lines.push(`Secrets: ${summary.secrets}${extras.encryptedNote ? ` (${extras.encryptedNote})` : ''}`);
  for (const skip of summary.skipped) lines.push(`Skipped ${skip.type}: ${skip.reason}`);
  return lines;
}
