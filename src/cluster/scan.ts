// One pass over the cluster: each type is listed once and every page is handed to every sink
// (the inventory reducer, the backup writer), then dropped. Memory is bounded by in-flight pages.
import {
  type ClusterSource,
  type KubeObject,
  type ListOutcome,
  type ObjectPage,
  type ResourceType,
  SourceListError,
  typeKey,
} from './types.js';

export interface PageSink {
  /**
   * Called for every page, in order per type. May be async (a writer applying back-pressure), but takes what
   * it needs of the objects before it returns: the scan empties the page then, so that its objects die young
   * instead of living through the backup's writes (objects a sink keeps stay; the array is emptied). The page
   * may carry the server's bytes of its items (`objects.raw`), which a writer can use as they are.
   */
  page(type: ResourceType, objects: ObjectPage): void | Promise<void>;
  /** Called once per type when its list has ended, whatever the outcome. */
  done?(type: ResourceType, outcome: ListOutcome): void | Promise<void>;
}

export interface ScanOptions {
  /** Lists in flight at once (the `--concurrency` cap). */
  concurrency: number;
  signal?: AbortSignal;
  /** Called when a type finishes (for progress lines). */
  onOutcome?: (outcome: ListOutcome) => void;
}

/** Lists every type once, feeding each page to all sinks. Never throws for a type that cannot be read: that is an outcome. */
export async function scanCluster(
  source: ClusterSource,
  types: readonly ResourceType[],
  sinks: readonly PageSink[],
  options: ScanOptions,
): Promise<ListOutcome[]> {
  const outcomes: ListOutcome[] = new Array(types.length);
  let next = 0;
  const worker = async () => {
    while (next < types.length) {
      const index = next++;
      const type = types[index]!;
      const outcome = await listOne(source, type, sinks, options.signal);
      outcomes[index] = outcome;
      for (const sink of sinks) await sink.done?.(type, outcome);
      options.onOutcome?.(outcome);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, types.length)) }, worker);
  await Promise.all(workers);
  return outcomes;
}

async function listOne(
  source: ClusterSource,
  type: ResourceType,
  sinks: readonly PageSink[],
  signal: AbortSignal | undefined,
): Promise<ListOutcome> {
  const key = typeKey(type);
  let count = 0;
  try {
    for await (const page of source.listPages(type, { signal })) {
      count += page.length;
      const pending = sinks.map((sink) => sink.page(type, page));
      page.length = 0;
      for (const written of pending) await written;
    }
    return { type: key, status: 'ok', count };
  } catch (error) {
    if (signal?.aborted) throw error;
    if (error instanceof SourceListError)
      return { type: key, status: error.status, count, reason: error.message };
    // Anything else from a source is a bug in the source, not a cluster state: let it surface as exit 1.
    throw error;
  }
}

/** One object read by name: found, absent, or unreadable with the reason (never thrown, like a list's outcome). */
export type ReadOne =
  | { status: 'found'; object: KubeObject }
  | { status: 'absent' }
  | { status: 'unreadable'; reason: string };

export async function readOne(
  source: ClusterSource,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  signal?: AbortSignal,
): Promise<ReadOne> {
  try {
    const object = await source.getObject(type, namespace, name, { signal });
    return object ? { status: 'found', object } : { status: 'absent' };
  } catch (error) {
    if (signal?.aborted) throw error;
    if (error instanceof SourceListError) return { status: 'unreadable', reason: error.message };
    throw error;
  }
}
