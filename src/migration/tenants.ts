// The tenant tree: every `tenant-*` namespace and every Tenant app, each tenant under the one whose namespace
// holds its Tenant app. A Tenant app `X` in `tenant-root` creates `tenant-X`; in any other tenant namespace P
// it creates `P-X` (the tenant chart's "tenant.name"; cozystack/cozystack
// packages/apps/tenant/templates/_helpers.tpl@v0.37.2).
import type { HelmReleaseFacts, NamespaceFacts } from '../inventory/types.js';

export const ROOT_TENANT = 'tenant-root';

export interface TenantNode {
  namespace: string;
  parent: string | null;
  depth: number;
  /** The Tenant HelmRelease that creates this namespace (for tenant-root: its own `tenant-root`). */
  release?: HelmReleaseFacts;
  namespaceFacts?: NamespaceFacts;
}

/** The namespace a Tenant app creates. */
export function tenantNamespaceOf(release: Pick<HelmReleaseFacts, 'namespace' | 'name'>): string {
  const tenant = release.name.replace(/^tenant-/, '');
  if (release.namespace === ROOT_TENANT)
    return release.name === ROOT_TENANT ? ROOT_TENANT : `tenant-${tenant}`;
  return `${release.namespace}-${tenant}`;
}

export const isTenantRelease = (release: HelmReleaseFacts): boolean => release.chart === 'tenant';

/** Tenants parent first (depth-first, children by name), whatever order the objects came in. */
export function tenantTree(
  namespaces: readonly NamespaceFacts[],
  releases: readonly HelmReleaseFacts[],
): TenantNode[] {
  const nodes = new Map<string, TenantNode>();
  const node = (namespace: string) => {
    let found = nodes.get(namespace);
    if (!found) {
      found = { namespace, parent: null, depth: 0 };
      nodes.set(namespace, found);
    }
    return found;
  };
  for (const ns of namespaces) if (ns.name.startsWith('tenant-')) node(ns.name).namespaceFacts = ns;
  for (const release of releases.filter(isTenantRelease)) {
    const child = node(tenantNamespaceOf(release));
    child.release = release;
    if (child.namespace !== release.namespace) child.parent = release.namespace;
    node(release.namespace);
  }
  // A namespace no Tenant app accounts for hangs under the longest tenant namespace its name extends.
  for (const n of nodes.values()) {
    if (n.parent !== null || n.namespace === ROOT_TENANT) continue;
    const parents = [...nodes.keys()].filter((p) => p !== n.namespace && n.namespace.startsWith(`${p}-`));
    const closest = parents.sort((a, b) => b.length - a.length)[0];
    n.parent = closest ?? (nodes.has(ROOT_TENANT) ? ROOT_TENANT : null);
  }
  const children = (parent: string | null) =>
    [...nodes.values()]
      .filter((n) => n.parent === parent)
      .sort((a, b) => a.namespace.localeCompare(b.namespace));
  const ordered: TenantNode[] = [];
  const visit = (n: TenantNode, depth: number, seen: Set<string>) => {
    if (seen.has(n.namespace)) return;
    seen.add(n.namespace);
    n.depth = depth;
    ordered.push(n);
    for (const child of children(n.namespace)) visit(child, depth + 1, seen);
  };
  const seen = new Set<string>();
  for (const root of children(null)) visit(root, 0, seen);
  // A cycle (a namespace named like its own descendant) leaves nodes unvisited: keep them, at the top.
  for (const n of nodes.values()) if (!seen.has(n.namespace)) visit(n, 0, seen);
  return ordered;
}
