// Verifies a backup folder against its SHA256SUMS, as `sha256sum -c` would, and also names files that
// are on disk but not listed. Used right after writing, by `backup verify DIR`, and by `assess`.
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { BadInputError } from '../errors.js';
import { INCOMPLETE_MARKER, SUMS_FILE } from './layout.js';
import type { Manifest } from './manifest.js';

export interface VerifyResult {
  ok: boolean;
  dir: string;
  /** Files listed in SHA256SUMS. */
  files: number;
  /** Listed but absent. */
  missing: string[];
  /** On disk but not listed (an `INCOMPLETE` marker is one). */
  extra: string[];
  /** Present, but the bytes differ from the listed hash. */
  altered: string[];
}

export interface ChecksumEntry {
  sha256: string;
  path: string;
}

/** Re-hashes every file. Throws BadInputError (exit 2) when the folder is not a backup at all. */
export async function verifyBackup(dir: string): Promise<VerifyResult> {
  const entries = await readChecksums(dir);
  const onDisk = new Set(await listFiles(dir));
  onDisk.delete(SUMS_FILE);
  const missing: string[] = [];
  const altered: string[] = [];
  const buffer = Buffer.allocUnsafe(READ_SIZE);
  for (const entry of entries) {
    if (!onDisk.has(entry.path)) {
      missing.push(entry.path);
      continue;
    }
    onDisk.delete(entry.path);
    if ((await hashFile(join(dir, entry.path), buffer)) !== entry.sha256) altered.push(entry.path);
  }
  const extra = [...onDisk].sort();
  return {
    ok: missing.length + extra.length + altered.length === 0,
    dir,
    files: entries.length,
    missing,
    extra,
    altered,
  };
}

/** Parses SHA256SUMS. A line that is not `<64 hex>  <relative path>` makes the folder unreadable (exit 2). */
export async function readChecksums(dir: string): Promise<ChecksumEntry[]> {
  const file = join(dir, SUMS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw await notABackup(dir, (error as NodeJS.ErrnoException).code);
  }
  const entries: ChecksumEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line === '' && index === lines.length - 1) return;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    const path = match?.[2];
    if (!match || !path || !isSafeRelativePath(path)) {
      throw new BadInputError(
        `${file}:${index + 1}: not a checksum line (expected '<sha256>  <relative path>')`,
        file,
        `line ${index + 1}`,
        'SHA256SUMS was damaged; the backup cannot be trusted: take a new one',
      );
    }
    entries.push({ sha256: match[1]!, path });
  });
  return entries;
}

/** Bytes read at a time when re-hashing: one buffer for every file of a verification. */
const READ_SIZE = 1 << 20;

/**
 * SHA-256 of a file, read through `buffer` (reused across files: a stream would allocate a buffer per
 * 64 KB read, hundreds of megabytes of garbage for a large backup, and full collections that free nothing).
 */
export async function hashFile(
  path: string,
  buffer: Buffer = Buffer.allocUnsafe(READ_SIZE),
): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** A listed path must stay inside the folder. */
function isSafeRelativePath(path: string): boolean {
  return (
    !path.startsWith('/') &&
    !path.includes('\\') &&
    !path.split('/').some((part) => part === '..' || part === '')
  );
}

/** Every regular file below `dir`, relative, `/`-separated, dotfiles included. */
async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries: Dirent[] = await readdir(join(dir, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : posix.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(dir, relative)));
    else files.push(relative);
  }
  return files;
}

async function notABackup(dir: string, code: string | undefined): Promise<BadInputError> {
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat)
    return new BadInputError(
      `${dir}: backup folder does not exist`,
      dir,
      undefined,
      'pass the timestamped folder a backup created',
    );
  if (!dirStat.isDirectory()) return new BadInputError(`${dir}: not a folder`, dir);
  const incomplete = await stat(join(dir, INCOMPLETE_MARKER)).catch(() => undefined);
  if (incomplete) {
    return new BadInputError(
      `${dir}: not a complete backup (it holds an ${INCOMPLETE_MARKER} marker: its run did not finish)`,
      dir,
      undefined,
      'delete it and take a new backup',
    );
  }
  const backups = await backupsInside(dir);
  const hint =
    backups.length > 0
      ? `it holds backups; verify one of them, e.g. ${join(dir, backups[backups.length - 1]!)}`
      : 'pass the timestamped folder that `cozy-assess backup` created';
  return new BadInputError(
    `${dir}: not a backup folder (no ${SUMS_FILE}${code && code !== 'ENOENT' ? `: ${code}` : ''})`,
    dir,
    SUMS_FILE,
    hint,
  );
}

/** Sub-folders holding a SHA256SUMS, sorted by name (so by time, for timestamped names). */
export async function backupsInside(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => [] as Dirent[]);
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    if (await stat(join(dir, entry.name, SUMS_FILE)).catch(() => undefined)) found.push(entry.name);
  }
  return found.sort();
}

/** `backup verify` as lines a person reads: each missing, altered and extra file, then the verdict and what the manifest says. */
export function describeVerification(result: VerifyResult, manifest: Manifest | undefined): string[] {
  const lines: string[] = [];
  for (const file of result.missing) lines.push(`MISSING  ${file}`);
  for (const file of result.altered) lines.push(`ALTERED  ${file}`);
  for (const file of result.extra) lines.push(`EXTRA    ${file}`);
  if (!result.ok) {
    const counts = `${result.missing.length} missing, ${result.altered.length} altered, ${result.extra.length} extra`;
    lines.push(`${result.dir}: verification FAILED (${counts}): do not restore from this backup`);
    return lines;
  }
  lines.push(`${result.dir}: checksums verified (${result.files} files match SHA256SUMS)`);
  if (manifest) {
    lines.push(
      `Taken ${manifest.startedAt} from ${manifest.cluster.server ?? manifest.cluster.snapshot ?? manifest.cluster.source} by cozy-assess ${manifest.tool.version}; secrets ${manifest.secrets}`,
    );
    for (const skip of manifest.skipped)
      lines.push(`Not in this backup: ${skip.type} (${skip.cause}: ${skip.reason})`);
    if (!manifest.complete)
      lines.push('This backup is PARTIAL: some types could not be read when it was taken');
  }
  return lines;
}
