// The mechanical conversions of the release catalog (`kit.ops`), applied to an app on its way to the target
// release: the same rewrites the release's own migration scripts make in place. Pure; the input is not changed.
import type { KitOp } from '../catalog/schema.js';

/** An app as the kit will create it: kind, name and values. */
export interface AppDraft {
  chart: string;
  kind: string;
  /** HelmRelease name prefix of the kind. */
  prefix: string;
  name: string;
  namespace: string;
  values: Record<string, unknown>;
}

/** A platform setting a conversion moved out of an app's values. */
export interface PlatformContribution {
  setting: string;
  /** Added to the setting's comma-separated list. */
  items: string[];
}

export interface OpResult {
  drafts: AppDraft[];
  /** What changed, in words; empty when the op found nothing to rewrite. */
  changed: string[];
  platform: PlatformContribution[];
}

type Values = Record<string, unknown>;

const isObject = (value: unknown): value is Values =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A deep copy of plain JSON data. */
export function cloneValues<T>(value: T): T {
  return structuredClone(value);
}

/** Applies one op to every draft (a split turns one draft into two). */
export function applyOp(op: KitOp, drafts: readonly AppDraft[]): OpResult {
  const result: OpResult = { drafts: [], changed: [], platform: [] };
  for (const draft of drafts) {
    const one = applyToDraft(op, { ...draft, values: cloneValues(draft.values) });
    result.drafts.push(...one.drafts);
    result.changed.push(...one.changed);
    result.platform.push(...one.platform);
  }
  return result;
}

function applyToDraft(op: KitOp, draft: AppDraft): OpResult {
  switch (op.op) {
    case 'flattenResources':
      return single(draft, flattenResources(draft.values, []));
    case 'moveValues':
      return single(draft, moveValues(draft.values, op.keys, op.under));
    case 'renameInEach':
      return single(draft, renameInEach(draft.values, op.under, op.from, op.to));
    case 'valueToPlatform':
      return valueToPlatform(draft, op);
    case 'renameApp':
      return renameApp(draft, op);
    case 'splitVirtualMachine':
      return splitVirtualMachine(draft);
  }
}

const single = (draft: AppDraft, changed: string[]): OpResult => ({ drafts: [draft], changed, platform: [] });

/**
 * Every `resources` map holding `requests`/`limits` becomes {cpu, memory}, limits winning over requests (jq's
 * `$req + $lim` in migration 16). A map with neither cpu nor memory is left as it is.
 */
export function flattenResources(values: Values, path: string[]): string[] {
  const changed: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (!isObject(value)) continue;
    const here = [...path, key];
    if (key === 'resources' && (isObject(value.requests) || isObject(value.limits))) {
      const merged = {
        ...(isObject(value.requests) ? value.requests : {}),
        ...(isObject(value.limits) ? value.limits : {}),
      };
      const flat = Object.fromEntries(Object.entries(merged).filter(([k]) => k === 'cpu' || k === 'memory'));
      if (Object.keys(flat).length > 0) {
        values[key] = flat;
        changed.push(`${here.join('.')} flattened to {${Object.keys(flat).sort().join(', ')}}`);
      }
      continue;
    }
    changed.push(...flattenResources(value, here));
  }
  return changed;
}

function moveValues(values: Values, keys: readonly string[], under: string): string[] {
  const present = keys.filter((key) => key in values);
  if (present.length === 0) return [];
  const target = isObject(values[under]) ? (values[under] as Values) : {};
  for (const key of present) {
    target[key] = values[key];
    delete values[key];
  }
  values[under] = target;
  return [`${present.join(', ')} moved under ${under}`];
}

function renameInEach(values: Values, under: string, from: string, to: string): string[] {
  const container = values[under];
  const entries: Array<[string, unknown]> = Array.isArray(container)
    ? container.map((item, index) => [String(index), item])
    : isObject(container)
      ? Object.entries(container)
      : [];
  const changed: string[] = [];
  for (const [name, entry] of entries) {
    if (!isObject(entry) || !(from in entry)) continue;
    if (!(to in entry)) entry[to] = entry[from];
    delete entry[from];
    changed.push(`${under}.${name}.${from} renamed ${to}`);
  }
  return changed;
}

function valueToPlatform(draft: AppDraft, op: Extract<KitOp, { op: 'valueToPlatform' }>): OpResult {
  if (!(op.key in draft.values)) return single(draft, []);
  const value = draft.values[op.key];
  delete draft.values[op.key];
  let items: string[];
  if (op.item) items = value ? [op.item] : [];
  else if (Array.isArray(value)) items = value.map(String);
  else items = value === undefined || value === null || value === '' ? [] : [String(value)];
  const moved = items.length > 0 ? ` (${op.setting}: ${items.join(',')})` : ' (it was off)';
  return {
    drafts: [draft],
    changed: [`${op.key} moved to the platform setting ${op.setting}${moved}`],
    platform: items.length > 0 ? [{ setting: op.setting, items }] : [],
  };
}

function renameApp(draft: AppDraft, op: Extract<KitOp, { op: 'renameApp' }>): OpResult {
  if (draft.chart === op.chart) return single(draft, []);
  const from = draft.kind;
  return {
    drafts: [{ ...draft, chart: op.chart, kind: op.kind, prefix: op.prefix }],
    changed: [`${from} ${draft.name} becomes ${op.kind} ${draft.name}`],
    platform: [],
  };
}

/** VirtualMachine values that carry over to the VMInstance unchanged (migration 29 of v1.0.0). */
const INSTANCE_KEYS = [
  'external',
  'externalMethod',
  'externalPorts',
  'instanceType',
  'instanceProfile',
  'subnets',
  'gpus',
  'cpuModel',
  'resources',
  'sshKeys',
  'cloudInit',
  'cloudInitSeed',
] as const;

/** A VirtualMachine becomes a VMDisk holding its system disk and a VMInstance booting from it. */
function splitVirtualMachine(draft: AppDraft): OpResult {
  if (draft.chart !== 'virtual-machine') return single(draft, []);
  const v = draft.values;
  const systemDisk = isObject(v.systemDisk) ? v.systemDisk : {};
  const disk: Values = {
    source: { image: { name: systemDisk.image ?? 'ubuntu' } },
    optical: false,
    storage: systemDisk.storage ?? '5Gi',
    storageClass: systemDisk.storageClass ?? 'replicated',
  };
  const instance: Values = {};
  for (const key of INSTANCE_KEYS) if (key in v) instance[key] = v[key];
  instance.runStrategy = v.runStrategy ?? (v.running === false ? 'Halted' : 'Always');
  instance.disks = [{ name: draft.name }];
  return {
    drafts: [
      { ...draft, chart: 'vm-disk', kind: 'VMDisk', prefix: 'vm-disk-', values: disk },
      { ...draft, chart: 'vm-instance', kind: 'VMInstance', prefix: 'vm-instance-', values: instance },
    ],
    changed: [
      `VirtualMachine ${draft.name} becomes VMDisk ${draft.name} (its system disk) and VMInstance ${draft.name}`,
    ],
    platform: [],
  };
}
