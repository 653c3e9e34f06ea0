// `cozy-assess backup --out DIR`: one pass over the cluster into a timestamped, checksummed, verified
// backup folder. Exit: 0 done; 2 bad input; 3 written but failed verification; 4 incomplete (a type could
// not be read; forbidden types are accepted with --allow-partial); 130/143 interrupted (nothing kept).
import { stringify } from 'yaml';
import { type BackupCommitResult, startBackup } from '../../backup/backup.js';
import { exitCodeForSignal, watchInterrupts } from '../../backup/interrupt.js';
import { renderSummaryTable } from '../../backup/summary.js';
import { scanCluster } from '../../cluster/scan.js';
import { IncompleteError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';
import { createTerminal, type Terminal } from '../io.js';
import { secretFlags } from '../secret-flags.js';
import { toolVersion } from '../version.js';
import { stringOption } from '../options.js';
import { openSource } from '../source.js';

export async function run(
  options: Record<string, unknown>,
  globals: GlobalOptions,
  _args: string[],
): Promise<number> {
  const terminal = createTerminal(globals);
  const flags = await secretFlags(options);
  const outDir = stringOption(options, 'out') ?? 'cozy-backup';
  const interrupts = watchInterrupts(globals.timeoutMs);
  try {
    const source = await openSource(globals, interrupts.signal);
    try {
      const session = await startBackup({
        outDir,
        secrets: flags.secrets,
        recipients: flags.recipients,
        passphrase: flags.passphrase,
        source: source.info,
        serverVersion: await source.serverVersion(),
        toolVersion: toolVersion(),
        signal: interrupts.signal,
      });
      let result: BackupCommitResult;
      try {
        const types = session.types(await source.discoverTypes());
        const phase = await terminal.phase(`Backing up ${types.length} resource types into ${outDir}`);
        try {
          const outcomes = await scanCluster(source, types, [session.sink], {
            concurrency: globals.concurrency,
            signal: interrupts.signal,
          });
          interrupts.signal.throwIfAborted();
          result = await session.commit(outcomes, { allowPartial: options.allowPartial === true });
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
        const where = await session.abort(
          interrupts.received() ? `was interrupted by ${interrupts.received()}` : 'was stopped',
        );
        const signal = interrupts.received();
        if (signal) {
          terminal.error(
            `interrupted by ${signal}: removed the partial backup folder ${where}; no backup was written`,
          );
          return exitCodeForSignal(signal);
        }
        terminal.error(`backup stopped: removed the partial backup folder ${where}; no backup was written`);
        if (interrupts.timedOut()) {
          throw new IncompleteError(
            `the backup did not finish within --timeout (${globals.timeoutMs} ms)`,
            'raise --timeout, or lower the cluster load with --concurrency',
          );
        }
        throw error;
      }
      printResult(terminal, globals, result);
      return result.exitCode;
    } finally {
      await source.close();
    }
  } finally {
    interrupts.dispose();
  }
}

function printResult(terminal: Terminal, globals: GlobalOptions, result: BackupCommitResult): void {
  if (globals.output === 'json') terminal.out(JSON.stringify(result.summary, null, 2));
  else if (globals.output === 'yaml') terminal.out(stringify(result.summary).trimEnd());
  else {
    terminal.out(`Backup: ${result.summary.path}`);
    for (const line of renderSummaryTable(result.summary, { clean: result.clean })) terminal.out(line);
  }
  for (const problem of result.problems) terminal.error(problem);
}
