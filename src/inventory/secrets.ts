// The Secrets the inventory reads by name, one GET each, and only for their key names: the inventory never
// lists Secrets (the backup does) and never keeps a value. Each entry says which fact needs it. (The v1
// installer's Helm records are the one other narrow Secret read: src/inventory/helm-record.ts.)
import type { ReadOne } from '../cluster/scan.js';
import type { SecretKeysFact } from './types.js';

export interface WatchedSecret {
  namespace: string;
  name: string;
  /** What the key names tell, for the reader of this list. */
  why: string;
}

export const WATCHED_SECRETS: readonly WatchedSecret[] = [
  {
    namespace: 'cozy-velero',
    name: 'cozy-backups-creds',
    why: 'the backup target of the v1.6 etcd adoption (migration 50 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
  },
];

export function secretRef(secret: Pick<WatchedSecret, 'namespace' | 'name'>): string {
  return `${secret.namespace}/${secret.name}`;
}

/** The key names of a Secret just read (`data` and `stringData`); its values are not looked at. */
export function secretKeysFact(read: ReadOne): SecretKeysFact {
  if (read.status !== 'found') return read;
  const keys = new Set<string>();
  for (const field of ['data', 'stringData'] as const) {
    const map = read.object[field];
    if (map && typeof map === 'object' && !Array.isArray(map))
      for (const key of Object.keys(map)) keys.add(key);
  }
  return { status: 'found', keys: [...keys].sort() };
}
