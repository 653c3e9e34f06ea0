// `cozy-assess snapshot DIR`: save the cluster state the tool reads (built-in types and the stateful custom
// types; Secrets only with --include-secrets) as kubectl-style List files that `--snapshot DIR` reads back.
// Exit: 0 done; 2 bad input (DIR not empty); 4 a type could not be read; 130/143 interrupted (nothing kept).
import { z } from 'zod';
import { type SnapshotResult, startSnapshot } from '../../backup/snapshot-writer.js';
import { scanCluster } from '../../cluster/scan.js';
import { defineCommand } from '../command.js';
import { flag } from '../flag-schemas.js';
import { openSource } from '../source.js';

export default defineCommand({
  options: z.object({ dir: z.string(), includeSecrets: flag }),
  prints: 'snapshot',
  async run({ dir, includeSecrets }, context) {
    const { globals, run, terminal } = context;
    const source = await openSource(context);
    try {
      const session = await startSnapshot({
        dir,
        includeSecrets,
        serverVersion: await source.serverVersion(),
        signal: run.signal,
      });
      let result: SnapshotResult;
      try {
        const types = session.types(await source.discoverTypes());
        const phase = await terminal.phase(`Saving ${types.length} resource types into ${dir}`);
        try {
          const outcomes = await scanCluster(source, types, [session.sink], {
            concurrency: globals.concurrency,
            signal: run.signal,
          });
          run.signal.throwIfAborted();
          result = await session.commit(outcomes);
        } catch (error) {
          phase.fail('Snapshot stopped');
          throw error;
        }
        if (result.exitCode === 0) phase.succeed(`Saved ${result.objects} objects`);
        else phase.warn(`Snapshot ${result.exitCode === 4 ? 'incomplete' : 'failed'}`);
      } catch (error) {
        const where = await session.abort('was stopped');
        run.noteCleanup(`removed the partial folder ${where}; no snapshot was written`);
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
