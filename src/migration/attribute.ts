// Which app an object of a tenant namespace belongs to: a volume claim, an Ingress or a LoadBalancer Service.
// The labels Helm and the operators put on what they create say it first (`app.kubernetes.io/instance`, Flux's
// `helm.toolkit.fluxcd.io/name`, CloudNativePG's `cnpg.io/cluster`); else the object's name, which the charts
// derive from the release name (`postgres-db-1`, `data-rabbitmq-queue-server-0`, `kubernetes-web-ingress-nginx`).
import { parseQuantity } from '../inventory/quantity.js';
import type { VolumeClaimFacts, VolumeFacts } from './collect.js';
import type { PlanVolume } from './schema.js';

const OWNER_LABELS = ['helm.toolkit.fluxcd.io/name', 'app.kubernetes.io/instance', 'cnpg.io/cluster'];

/** The release (of `releases`, all in the object's namespace) the object belongs to, or undefined. */
export function ownerRelease(
  object: { name: string; labels: Record<string, string> },
  releases: readonly string[],
): string | undefined {
  for (const label of OWNER_LABELS) {
    const value = object.labels[label];
    if (value && releases.includes(value)) return value;
  }
  const named = releases.filter(
    (r) =>
      object.name === r ||
      object.name.startsWith(`${r}-`) ||
      object.name.endsWith(`-${r}`) ||
      object.name.includes(`-${r}-`),
  );
  return named.sort((a, b) => b.length - a.length)[0];
}

/** The CozyStack storage classes are LINSTOR ones: `replicated` (DRBD replicas) and `local` (one node). */
export function backingOf(
  claim: VolumeClaimFacts,
  volume: VolumeFacts | undefined,
  volumesRead: boolean,
): string {
  if (!claim.volumeName) return 'unbound';
  if (!volume) return volumesRead ? 'unbound' : 'unknown';
  const driver = volume.driver ?? 'unknown';
  const storageClass = volume.storageClass ?? claim.storageClass;
  if (driver === 'linstor.csi.linbit.com') {
    return storageClass === 'replicated' || storageClass === 'local' ? storageClass : 'linstor';
  }
  if (driver === 'local' || driver === 'hostPath') return 'local';
  return driver;
}

export function planVolume(
  claim: VolumeClaimFacts,
  volume: VolumeFacts | undefined,
  volumesRead: boolean,
): PlanVolume {
  const bytes = claim.size === undefined ? undefined : parseQuantity(claim.size);
  return {
    claim: claim.name,
    size: claim.size ?? null,
    bytes: bytes === undefined ? null : Math.round(bytes),
    storageClass: claim.storageClass ?? null,
    accessModes: claim.accessModes,
    volume: claim.volumeName ?? null,
    backing: backingOf(claim, volume, volumesRead),
    driver: volume?.driver ?? null,
  };
}

const UNITS = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];

/** Bytes as a Kubernetes quantity people read: `20Gi`, `1.5Ti`, `0`. */
export function formatBytes(bytes: number): string {
  if (bytes <= 0) return '0';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) ? `${value}` : value.toFixed(1).replace(/\.0$/, '');
  return `${text}${UNITS[unit]}`;
}
