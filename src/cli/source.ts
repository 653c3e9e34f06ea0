// Opens the cluster source the global options ask for: a snapshot folder, or a live API server read under the
// run's abort signal, with the run's environment (KUBECONFIG, HOME) and retry tuning.
import type { ClusterSource } from '../cluster/types.js';
import type { CommandContext } from './command.js';

export type SourceContext = Pick<CommandContext, 'globals' | 'run' | 'io' | 'live'>;

export async function openSource({ globals, run, io, live }: SourceContext): Promise<ClusterSource> {
  if (globals.snapshot) {
    const { openSnapshotSource } = await import('../cluster/snapshot.js');
    return openSnapshotSource(globals.snapshot);
  }
  const { openLiveSource } = await import('../cluster/live.js');
  return openLiveSource({
    kubeconfig: globals.kubeconfig,
    context: globals.context,
    requestTimeoutMs: globals.requestTimeoutMs,
    concurrency: globals.concurrency,
    pageSize: globals.chunkSize,
    signal: run.signal,
    env: io.env,
    retry: live.retry,
    maxAnswerBytes: live.maxAnswerBytes,
  });
}
