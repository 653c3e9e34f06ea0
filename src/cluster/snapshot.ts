// Placeholder: replaced by the snapshot source in this session.
import type { ClusterSource } from './types.js';
export async function openSnapshotSource(_dir: string): Promise<ClusterSource> {
  throw new Error('snapshot source placeholder');
}
