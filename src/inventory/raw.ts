// Narrow, forgiving readers for raw Kubernetes JSON. Objects come from clusters and hand-written
// snapshots, so every field may be missing or of the wrong type: readers return undefined, never throw.

export type Raw = Record<string, unknown>;

export function rec(value: unknown): Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
}

export function maybeRec(value: unknown): Raw | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined;
}

export function list(value: unknown): Raw[] {
  return Array.isArray(value) ? value.map(rec) : [];
}

export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  // client-node deserialises timestamps of typed lists into Date objects.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec(value))) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Keeps only the listed keys of a label map. */
export function pick(map: Record<string, string>, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) if (map[key] !== undefined) out[key] = map[key];
  return out;
}

/**
 * Messages can be huge (stack traces in termination messages); keep what a report can quote. A long one keeps
 * its head and its tail: containerd and the API server put the telling part last ("…: 401 Unauthorized",
 * "…: not found", "…: i/o timeout"), after a long reference or URL.
 */
export function clip(message: string | undefined, max = 500): string | undefined {
  if (message === undefined) return undefined;
  const trimmed = message.trim();
  if (trimmed.length <= max) return trimmed;
  const tail = Math.floor((max - 1) * 0.6);
  return `${trimmed.slice(0, max - 1 - tail)}…${trimmed.slice(trimmed.length - tail)}`;
}

/** A Kubernetes condition list entry of the given type. */
export function condition(conditions: unknown, type: string): Raw | undefined {
  return list(conditions).find((c) => c.type === type);
}
