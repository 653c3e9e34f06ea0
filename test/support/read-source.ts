// Everything a ClusterSource holds, by type key: to compare what was written with what reads back.
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { type ClusterSource, type KubeObject, type ResourceType, typeKey } from '../../src/cluster/types.js';

/** One type's listing: how many pages it came in, and its objects in order. */
export async function listType(
  source: ClusterSource,
  type: ResourceType,
): Promise<{ pages: number; objects: KubeObject[] }> {
  let pages = 0;
  const objects: KubeObject[] = [];
  for await (const page of source.listPages(type)) {
    pages++;
    objects.push(...page);
  }
  return { pages, objects };
}

export async function readAllObjects(
  source: ClusterSource,
  keep: (type: ResourceType) => boolean = () => true,
): Promise<Map<string, KubeObject[]>> {
  const all = new Map<string, KubeObject[]>();
  for (const type of (await source.discoverTypes()).filter(keep)) {
    const objects: KubeObject[] = [];
    for await (const page of source.listPages(type)) objects.push(...page);
    all.set(typeKey(type), objects);
  }
  return all;
}

/** readAllObjects of a snapshot (or backup) folder. */
export async function readSnapshotObjects(
  path: string,
  keep?: (type: ResourceType) => boolean,
): Promise<Map<string, KubeObject[]>> {
  return readAllObjects(await openSnapshotSource(path), keep);
}
