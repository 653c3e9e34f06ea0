// The Kubernetes version of the cluster: what the API server said, or, when a snapshot was saved without
// `kubectl version`, what its control-plane kubelets say, marked as inferred wherever it is shown.
import semver from 'semver';
import type { Inventory, NodeFacts } from './types.js';

/**
 * Without the server's own answer, the API server version is taken from the kubelets of the control-plane
 * nodes (they run next to it and are upgraded with it). The lowest one counts: an API server is never older
 * than its kubelets, and a cluster half-way through an upgrade has not finished it.
 */
export function inferServerVersion(
  nodes: readonly NodeFacts[],
): { version: string; evidence: string } | undefined {
  const controlPlane = nodes.filter(
    (n) => n.kubeletVersion && n.roles.some((r) => r === 'control-plane' || r === 'master'),
  );
  if (controlPlane.length === 0) return undefined;
  const older = (a: string, b: string) => {
    const [x, y] = [semver.coerce(a), semver.coerce(b)];
    return x !== null && y !== null && semver.lt(x, y);
  };
  const versions = [...new Set(controlPlane.map((n) => n.kubeletVersion!))];
  const lowest = versions.reduce((low, v) => (older(v, low) ? v : low));
  const names = controlPlane.map((n) => n.name).sort();
  const spread =
    versions.length > 1 ? ` (they differ: ${versions.sort().join(', ')}; the lowest counts)` : '';
  return {
    version: lowest,
    evidence: `inferred from the kubelet version of ${names.length} control-plane node${names.length === 1 ? '' : 's'} (${names.join(', ')})${spread}; the API server version was not read`,
  };
}

/** The Kubernetes version to judge by: the server's own answer, else the inferred one, saying which it is. */
export function kubernetesVersionOf(
  inventory: Pick<Inventory, 'serverVersion' | 'serverVersionInferred'>,
): { version: string; inferred?: string } | undefined {
  if (inventory.serverVersion) return { version: inventory.serverVersion };
  const inferred = inventory.serverVersionInferred;
  return inferred ? { version: inferred.version, inferred: inferred.evidence } : undefined;
}
