// `cozy-assess backup verify DIR`: re-hash a backup against its SHA256SUMS and name missing, extra and
// altered files. Exit: 0 every file matches; 3 it does not (not safe to rely on); 4 it matches but is partial
// (a type was skipped when it was taken) unless --allow-partial accepts that, as `backup` does; 2 DIR is not a backup.
import { z } from 'zod';
import { readManifest } from '../../backup/manifest.js';
import { verifyBackup } from '../../backup/verify.js';
import { ExitCode } from '../../errors.js';
import { defineCommand } from '../command.js';
import { flag } from '../flag-schemas.js';

export default defineCommand({
  options: z.object({ dir: z.string(), allowPartial: flag }),
  prints: 'verification',
  async run({ dir, allowPartial }, { print }) {
    const result = await verifyBackup(dir);
    // The manifest is read only once its bytes are known to be the ones written.
    const manifest = result.ok ? await readManifest(dir) : undefined;
    const document = { ...result, complete: manifest?.complete ?? null, skipped: manifest?.skipped ?? [] };
    print({ document, result, manifest });
    if (!result.ok) return ExitCode.NO_GO;
    return manifest && !manifest.complete && !allowPartial ? ExitCode.INCOMPLETE : ExitCode.GO;
  },
});
