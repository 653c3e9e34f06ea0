// Which resource types a backup (and a snapshot) takes. A rule on the type, not a list, so a sink fed by
// the shared pass (`assess`) can tell on each page whether the type is one it keeps.
import {
  BUILTIN_TYPE_LIST,
  BUILTIN_TYPES,
  isBuiltinGroup,
  isStatefulCustomGroup,
} from '../cluster/resource-types.js';
import { type ResourceType, typeKey } from '../cluster/types.js';

export type SecretsMode = 'include' | 'exclude' | 'encrypt';

/**
 * API groups served by aggregated API servers from other objects (cozystack-facts §7: "do not back up
 * their objects; back up the backing objects"). They match the stateful group rule by name only.
 */
export const AGGREGATED_GROUPS: readonly string[] = [
  'apps.cozystack.io',
  'core.cozystack.io',
  'sdn.cozystack.io',
  'subresources.kubevirt.io',
  'upload.cdi.kubevirt.io',
];

/** events.k8s.io/v1 Events are the core/v1 Events served a second time; the backup keeps one copy. */
const DUPLICATE_BUILTINS = new Set([typeKey(BUILTIN_TYPES.eventsV1)]);
const SECRETS_KEY = typeKey(BUILTIN_TYPES.secrets);
const BUILTIN_KEYS = new Set(BUILTIN_TYPE_LIST.map(typeKey));

/** A custom type whose objects hold state: cluster-API/Proxmox, CozyStack CRDs, the operators CozyStack runs. */
export function isStatefulCustomType(type: Pick<ResourceType, 'group'>): boolean {
  return (
    !isBuiltinGroup(type.group) &&
    isStatefulCustomGroup(type.group) &&
    !AGGREGATED_GROUPS.includes(type.group)
  );
}

/** Whether a backup with these settings writes objects of this type. */
export function backupWants(type: ResourceType, secrets: SecretsMode): boolean {
  const key = typeKey(type);
  if (key === SECRETS_KEY) return secrets !== 'exclude';
  if (BUILTIN_KEYS.has(key)) return !DUPLICATE_BUILTINS.has(key);
  return isStatefulCustomType(type);
}

/**
 * Whether a snapshot writes this type: every type the tool reads (the inventory's rule), Secrets only when
 * asked. Unlike a backup it keeps the aggregated CozyStack APIs: a snapshot is for reading, not restoring.
 */
export function snapshotWants(type: ResourceType, includeSecrets: boolean): boolean {
  const key = typeKey(type);
  if (key === SECRETS_KEY) return includeSecrets;
  if (BUILTIN_KEYS.has(key)) return true;
  return !isBuiltinGroup(type.group) && isStatefulCustomGroup(type.group);
}

/**
 * The types to list: the built-in ones (in the version the cluster serves, when discovery says), then the
 * discovered custom ones the rule keeps (one version each).
 */
export function selectTypes(
  discovered: readonly ResourceType[],
  wants: (type: ResourceType) => boolean,
): ResourceType[] {
  const chosen = new Map<string, ResourceType>();
  for (const type of BUILTIN_TYPE_LIST) {
    if (!wants(type)) continue;
    const served = discovered.find((d) => typeKey(d) === typeKey(type) && d.kind === type.kind);
    chosen.set(typeKey(type), served ?? type);
  }
  const custom = discovered
    .filter((type) => !BUILTIN_KEYS.has(typeKey(type)) && wants(type))
    .sort((a, b) => (typeKey(a) < typeKey(b) ? -1 : typeKey(a) > typeKey(b) ? 1 : 0));
  for (const type of custom) if (!chosen.has(typeKey(type))) chosen.set(typeKey(type), type);
  return [...chosen.values()];
}
