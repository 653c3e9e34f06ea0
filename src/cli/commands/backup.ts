// `cozy-assess backup --out DIR`: one pass over the cluster into a timestamped, checksummed, verified
// backup folder. Exit: 0 done; 2 bad input; 3 written but failed verification; 4 incomplete (a type could
// not be read; forbidden types are accepted with --allow-partial); 130/143 interrupted (nothing kept).
import { z } from 'zod';
import { type BackupCommitResult, startBackup } from '../../backup/backup.js';
import { scanCluster } from '../../cluster/scan.js';
import { defineCommand } from '../command.js';
import { secretFlags, secretFlagsShape } from '../secret-flags.js';
import { openSource } from '../source.js';
import { toolVersion } from '../version.js';

export default defineCommand({
  options: z.object({ out: z.string().default('cozy-backup'), ...secretFlagsShape }),
  prints: 'backup',
  async run(options, context) {
    const { globals, run, terminal } = context;
    const flags = await secretFlags(options);
    const source = await openSource(context);
    try {
      const session = await startBackup({
        outDir: options.out,
        secrets: flags.secrets,
        recipients: flags.recipients,
        passphrase: flags.passphrase,
        toolVersion: toolVersion(),
        signal: run.signal,
      });
      let result: BackupCommitResult;
      try {
        const types = session.types(await source.discoverTypes());
        const phase = await terminal.phase(`Backing up ${types.length} resource types into ${options.out}`);
        try {
          const outcomes = await scanCluster(source, types, [session.sink], {
            concurrency: globals.concurrency,
            signal: run.signal,
          });
          run.signal.throwIfAborted();
          result = await session.commit(outcomes, {
            allowPartial: options.allowPartial,
            source: source.info,
            serverVersion: await source.serverVersion(),
          });
        } catch (error) {
          phase.fail('Backup stopped');
          throw error;
        }
        if (result.exitCode === 0) phase.succeed(`Backup written to ${result.summary.path}`);
        else
          phase.warn(
            `Backup ${result.finalized ? 'written to' : 'NOT finished; left in'} ${result.summary.path}`,
          );
      } catch (error) {
        const received = run.received();
        const where = await session.abort(received ? `was interrupted by ${received}` : 'was stopped');
        run.noteCleanup(`removed the partial backup folder ${where}; no backup was written`);
        throw error;
      }
      context.print(result);
      for (const problem of result.problems) terminal.error(problem);
      return result.exitCode;
    } finally {
      await source.close();
    }
  },
});
