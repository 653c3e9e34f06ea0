// Opens the cluster source the global options ask for: a snapshot folder, or a live API server.
import type { ClusterSource } from '../cluster/types.js';
import type { GlobalOptions } from './globals.js';

export async function openSource(globals: GlobalOptions, signal?: AbortSignal): Promise<ClusterSource> {
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
    signal,
  });
}
