// `cozy-assess snapshot DIR`: save the cluster state the tool reads (built-in types and the stateful custom
// types; Secrets only with --include-secrets) as kubectl-style List files that `--snapshot DIR` reads back.
// Exit: 0 done; 2 bad input (DIR not empty); 4 a type could not be read; 130/143 interrupted (nothing kept).
import { exitCodeForSignal, watchInterrupts } from '../../backup/interrupt.js';
import { type SnapshotResult, startSnapshot } from '../../backup/snapshot-writer.js';
import { formatSize } from '../../backup/summary.js';
import { scanCluster } from '../../cluster/scan.js';
import { BadInputError, IncompleteError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import { createTerminal } from '../io.js';
import { openSource } from '../source.js';

export async function run(
  options: Record<string, unknown>,
  globals: GlobalOptions,
  args: string[],
): Promise<number> {
  const dir = args[0];
  if (!dir)
    throw new BadInputError(
      'snapshot: missing the folder to write',
      undefined,
      'DIR',
      'cozy-assess snapshot ./cluster-state',
    );
  const terminal = createTerminal(globals);
  const interrupts = watchInterrupts(globals.timeoutMs);
  try {
    const source = await openSource(globals, interrupts.signal);
    try {
      const session = await startSnapshot({
        dir,
        includeSecrets: options.includeSecrets === true,
        serverVersion: await source.serverVersion(),
        signal: interrupts.signal,
      });
      let result: SnapshotResult;
      try {
        const types = session.types(await source.discoverTypes());
        const phase = await terminal.phase(`Saving ${types.length} resource types into ${dir}`);
        try {
          const outcomes = await scanCluster(source, types, [session.sink], {
            concurrency: globals.concurrency,
            signal: interrupts.signal,
          });
          interrupts.signal.throwIfAborted();
          result = await session.commit(outcomes);
        } catch (error) {
          phase.fail('Snapshot stopped');
          throw error;
        }
        if (result.exitCode === 0) phase.succeed(`Saved ${result.objects} objects`);
        else phase.warn(`Snapshot ${result.exitCode === 4 ? 'incomplete' : 'failed'}`);
      } catch (error) {
        const where = await session.abort('was stopped');
        const signal = interrupts.received();
        terminal.error(
          `${signal ? `interrupted by ${signal}` : 'snapshot stopped'}: removed the partial folder ${where}; no snapshot was written`,
        );
        if (signal) return exitCodeForSignal(signal);
        if (interrupts.timedOut())
          throw new IncompleteError(`the snapshot did not finish within --timeout (${globals.timeoutMs} ms)`);
        throw error;
      }
      if (globals.output === 'json') terminal.out(JSON.stringify(result, null, 2));
      else
        terminal.out(
          `Snapshot: ${result.path} (${result.objects} objects, ${result.files} files, ${formatSize(result.bytes)})`,
        );
      for (const problem of result.problems) terminal.error(problem);
      return result.exitCode;
    } finally {
      await source.close();
    }
  } finally {
    interrupts.dispose();
  }
}
