// A narrow read after the scan: Helm's records of one release, from its namespace with Helm's labels, so that
// `check`, `path` and `assess` all see them without listing every Secret of the cluster. A record is reduced
// to its chart and version as it arrives (src/inventory/helm-record.ts); the rest never leaves this function.
import { BUILTIN_TYPES } from '../cluster/resource-types.js';
import { type ClusterSource, SourceListError } from '../cluster/types.js';
import { helmRecordSelector, reduceHelmReleaseRecord } from '../inventory/helm-record.js';
import type { HelmRecordsRead, HelmReleaseRecordFacts } from '../inventory/types.js';

export async function readHelmRecords(
  source: ClusterSource,
  target: { namespace: string; release: string },
  signal?: AbortSignal,
): Promise<HelmRecordsRead> {
  const records: HelmReleaseRecordFacts[] = [];
  try {
    const pages = source.listPages(BUILTIN_TYPES.secrets, {
      signal,
      namespace: target.namespace,
      labelSelector: helmRecordSelector(target.release),
    });
    for await (const page of pages) {
      for (const secret of page) {
        const record = reduceHelmReleaseRecord(secret);
        if (record) records.push(record);
      }
    }
    return { ...target, status: 'ok', records };
  } catch (error) {
    if (signal?.aborted || !(error instanceof SourceListError)) throw error;
    return { ...target, status: error.status, reason: error.message, records: [] };
  }
}
