// `cozy-assess backup verify DIR`: re-hash a backup against its SHA256SUMS and name missing, extra and
// altered files. Exit: 0 every file matches; 3 it does not (not safe to rely on); 2 DIR is not a backup.
import { stringify } from 'yaml';
import { type Manifest, readManifest } from '../../backup/manifest.js';
import { verifyBackup, type VerifyResult } from '../../backup/verify.js';
import { BadInputError, ExitCode } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import { createTerminal } from '../io.js';

export async function run(
  _options: Record<string, unknown>,
  globals: GlobalOptions,
  args: string[],
): Promise<number> {
  const dir = args[0];
  if (!dir)
    throw new BadInputError(
      'backup verify: missing the backup folder',
      undefined,
      'DIR',
      'cozy-assess backup verify cozy-backup/20251024-1931',
    );
  const terminal = createTerminal(globals);
  const result = await verifyBackup(dir);
  // The manifest is read only once its bytes are known to be the ones written.
  const manifest = result.ok ? await readManifest(dir) : undefined;
  const exitCode = result.ok ? ExitCode.GO : ExitCode.NO_GO;
  const document = { ...result, complete: manifest?.complete ?? null, skipped: manifest?.skipped ?? [] };
  if (globals.output === 'json') terminal.out(JSON.stringify(document, null, 2));
  else if (globals.output === 'yaml') terminal.out(stringify(document).trimEnd());
  else for (const line of describe(result, manifest)) terminal.out(line);
  return exitCode;
}

function describe(result: VerifyResult, manifest: Manifest | undefined): string[] {
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
