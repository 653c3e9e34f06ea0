// `cozy-assess backup verify DIR`: re-hash a backup against its SHA256SUMS and name missing, extra and
// altered files. Exit: 0 every file matches; 3 it does not (not safe to rely on); 2 DIR is not a backup.
import { z } from 'zod';
import { readManifest } from '../../backup/manifest.js';
import { verifyBackup } from '../../backup/verify.js';
import { ExitCode } from '../../errors.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  options: z.object({ dir: z.string() }),
  prints: 'verification',
  async run({ dir }, { print }) {
    const result = await verifyBackup(dir);
    // The manifest is read only once its bytes are known to be the ones written.
    const manifest = result.ok ? await readManifest(dir) : undefined;
    const document = { ...result, complete: manifest?.complete ?? null, skipped: manifest?.skipped ?? [] };
    print({ document, result, manifest });
    return result.ok ? ExitCode.GO : ExitCode.NO_GO;
  },
});
