// The contract between where objects come from (live API or snapshot folder) and everything else.
import { z } from 'zod';

/** A Kubernetes resource type, as discovery describes it. */
export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural used in URLs, e.g. `pods`, `helmreleases`. */
  plural: string;
  namespaced: boolean;
}

/** `pods`, `deployments.apps`, `helmreleases.helm.toolkit.fluxcd.io`: the name kubectl accepts. */
export function typeKey(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** Minimal shape every object must have; the rest is passed through untouched. */
export const KubeObjectSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
  }),
});

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{
    apiVersion?: string;
    kind: string;
    name: string;
    uid?: string;
    controller?: boolean;
  }>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/**
 * The server's own bytes of a page's items: `bytes.subarray(start, end)` is the text between the `[` and `]`
 * of the answer's `items` array, each item exactly as sent (a raw API list leaves out the items' apiVersion
 * and kind). A backup writes these bytes instead of serialising the objects again.
 */
export interface PageBytes {
  bytes: Buffer;
  start: number;
  end: number;
}

/**
 * One page of objects. `raw` is set only when the source has the answer's bytes and the page holds exactly
 * the answer's items, in order (a list restarted after a 410 skips objects already read, so it has none).
 */
export type ObjectPage = KubeObject[] & { readonly raw?: PageBytes };

export type ListStatus = 'ok' | 'forbidden' | 'not-installed' | 'failed';

/** What happened when one resource type was listed. */
export interface ListOutcome {
  type: string;
  status: ListStatus;
  count: number;
  /** Why it is not ok, in words a person can act on. */
  reason?: string;
}

/** Raised by `listPages` when a type cannot be read; `status` says how. */
export class SourceListError extends Error {
  constructor(
    message: string,
    readonly status: Exclude<ListStatus, 'ok'>,
  ) {
    super(message);
    this.name = 'SourceListError';
  }
}

export interface SourceInfo {
  kind: 'live' | 'snapshot';
  /** API server URL (live). */
  server?: string;
  /** kubeconfig context (live). */
  context?: string;
  /** Snapshot folder (snapshot). */
  path?: string;
}

export interface ListOptions {
  signal?: AbortSignal;
  /** Only this namespace (a narrow read of a few objects, never the one-pass scan of a whole type). */
  namespace?: string;
  /** Only objects whose labels match every `key=value` of this selector. */
  labelSelector?: string;
}

/**
 * Where objects come from. Both implementations yield the same objects for the same cluster state,
 * page by page, so memory stays bounded by one page.
 */
/** Where an object came from in a snapshot: `state.yaml`, document 2 (from 1), `items[4]`. */
export interface ObjectOrigin {
  file: string;
  document: number;
  item?: number;
}

export interface ClusterSource {
  readonly info: SourceInfo;
  /** Kubernetes server version (`v1.31.4`), or undefined when not known (e.g. a snapshot without it). */
  serverVersion(): Promise<string | undefined>;
  /** Every resource type the cluster serves that the source can list (built-in and custom). */
  discoverTypes(): Promise<ResourceType[]>;
  /** Objects of one type, page by page. Throws SourceListError when the type cannot be read. */
  listPages(type: ResourceType, options?: ListOptions): AsyncIterable<ObjectPage>;
  /**
   * One object by name (a GET, for what only one object of a type is needed for): undefined when it does
   * not exist. Throws SourceListError when it cannot be read (forbidden, not captured, failed).
   */
  getObject(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options?: ListOptions,
  ): Promise<KubeObject | undefined>;
  /** Where an object of a snapshot was read, for messages about it; a live source has no files to name. */
  originOf?(object: KubeObject): ObjectOrigin | undefined;
  close(): Promise<void>;
}
