// Reading an app's values without ever copying a secret out of them: which paths look secret (they stay out of
// the clear manifests), what the app refers to (Secrets, other apps, buckets) and how it is exposed.

type Values = Record<string, unknown>;

const isObject = (value: unknown): value is Values =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Keys whose value is a credential by name (`password`, `s3SecretKey`, `token`, `privateKey`, …). */
const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|private.?key|credential|api.?key|access.?key/i;
/** Keys that name a Secret rather than hold one. */
const SECRET_REFERENCE_KEY = /secret(name|ref)$|^existingsecret$/i;

export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key) && !SECRET_REFERENCE_KEY.test(key);
/** Values that are credentials whatever their key (a PEM private key, a password in a cloud-init script). */
const SECRET_TEXT = /-----BEGIN [A-Z ]*PRIVATE KEY-----|passw(or)?d\s*[:=]|chpasswd/i;

/** Dotted paths (`users.app.password`, `nodeGroups.md0.sshKeys[0]`) of the leaves that look secret. */
export function secretPaths(values: unknown, path = ''): string[] {
  const out: string[] = [];
  const visit = (value: unknown, here: string, key: string) => {
    if (isObject(value) || Array.isArray(value)) {
      if (isSecretKey(key) && hasLeaf(value)) out.push(here);
      else out.push(...secretPaths(value, here));
      return;
    }
    const text = typeof value === 'string' && value !== '';
    if (
      (text && (isSecretKey(key) || SECRET_TEXT.test(value))) ||
      (typeof value === 'number' && isSecretKey(key))
    )
      out.push(here);
  };
  if (Array.isArray(values)) {
    for (const [index, item] of values.entries()) visit(item, `${path}[${index}]`, '');
  } else if (isObject(values))
    for (const [key, value] of Object.entries(values)) visit(value, path ? `${path}.${key}` : key, key);
  return out;
}

function hasLeaf(value: unknown): boolean {
  if (isObject(value)) return Object.values(value).some(hasLeaf);
  if (Array.isArray(value)) return value.some(hasLeaf);
  return value !== null && value !== undefined && value !== '';
}

/** A copy without the given dotted paths (as secretPaths writes them). */
export function withoutPaths(values: Values, paths: readonly string[]): Values {
  const copy = structuredClone(values);
  for (const path of paths) removePath(copy, parsePath(path));
  return copy;
}

function parsePath(path: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    parts.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  }
  return parts;
}

function removePath(root: unknown, parts: Array<string | number>): void {
  let node: unknown = root;
  for (const part of parts.slice(0, -1)) {
    node = (node as Record<string | number, unknown> | undefined)?.[part];
    if (node === null || typeof node !== 'object') return;
  }
  const last = parts[parts.length - 1];
  if (last === undefined) return;
  if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1, null);
  else delete (node as Record<string | number, unknown>)[last];
}

export interface ValueReferences {
  secrets: string[];
  buckets: string[];
  /** HelmRelease names in the same namespace. */
  releases: string[];
}

/** What the values name: Secrets (`*secretName`, `existingSecret`, `secretRef.name`), s3:// buckets, other apps. */
export function valueReferences(chart: string, values: Values): ValueReferences {
  const secrets = new Set<string>();
  const buckets = new Set<string>();
  const releases = new Set<string>();
  const visit = (value: unknown, key: string, parentKey: string) => {
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) visit(v, k, key);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key, parentKey);
      return;
    }
    if (typeof value !== 'string' || value === '') return;
    if (/secretname$|^existingsecret$/i.test(key) || (key === 'name' && /^secretref$/i.test(parentKey)))
      secrets.add(value);
    const bucket = /^s3:\/\/([^/]+)/.exec(value);
    if (bucket) buckets.add(bucket[1]!);
  };
  visit(values, '', '');
  if (chart === 'vm-instance' && Array.isArray(values.disks)) {
    for (const disk of values.disks)
      if (isObject(disk) && typeof disk.name === 'string') releases.add(`vm-disk-${disk.name}`);
  }
  if (chart === 'postgres' && isObject(values.bootstrap) && values.bootstrap.enabled === true) {
    const old = values.bootstrap.oldName;
    if (typeof old === 'string' && old !== '') releases.add(`postgres-${old}`);
  }
  return { secrets: [...secrets].sort(), buckets: [...buckets].sort(), releases: [...releases].sort() };
}

/** Values keys that say how an app is reached from outside. */
const EXPOSURE_KEY = /^(external|externalMethod|externalPorts|externalIPs|expose.*|host|hosts)$/;

/** The exposure settings among the top-level values, secret-looking ones excepted. */
export function exposureSettings(values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!EXPOSURE_KEY.test(key) || isSecretKey(key)) continue;
    if (value === '' || value === null || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}

/** Flux `spec.valuesFrom` entries: Secrets and ConfigMaps whose content is merged into the values. */
export function valuesFromRefs(spec: Values): Array<{ kind: string; name: string; key: string }> {
  const refs = Array.isArray(spec.valuesFrom) ? spec.valuesFrom : [];
  return refs.flatMap((ref) =>
    isObject(ref) && typeof ref.kind === 'string' && typeof ref.name === 'string'
      ? [
          {
            kind: ref.kind,
            name: ref.name,
            key: typeof ref.valuesKey === 'string' ? ref.valuesKey : 'values.yaml',
          },
        ]
      : [],
  );
}
