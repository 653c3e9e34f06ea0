// Kubernetes RBAC for the fake API server: the rules a service account holds through its bindings, and whether
// they allow one request, matched as the API server's RBAC authorizer does (verbs, API groups, resources and
// subresources, `*`, resourceNames; a RoleBinding limits its rules to its namespace).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/cluster/types.js';

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}

/** What one account may do: rules that hold everywhere, and rules that hold in one namespace. */
export interface RbacPolicy {
  clusterRules: PolicyRule[];
  namespaceRules: Record<string, PolicyRule[]>;
}

/** One request as the authorizer sees it. */
export interface RequestAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  const has = (list: string[] | undefined, value: string) =>
    (list ?? []).some((v) => v === '*' || v === value);
  if (!has(rule.verbs, request.verb) || !has(rule.apiGroups, request.group)) return false;
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  if (!has(rule.resources, resource)) return false;
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return request.name !== undefined && rule.resourceNames.includes(request.name);
}

export function rbacAllows(policy: RbacPolicy, request: RequestAttributes): boolean {
  if (policy.clusterRules.some((rule) => ruleAllows(rule, request))) return true;
  if (request.namespace === undefined) return false;
  return (policy.namespaceRules[request.namespace] ?? []).some((rule) => ruleAllows(rule, request));
}

interface Subject {
  kind: string;
  name: string;
  namespace?: string;
}
interface Binding extends KubeObject {
  roleRef: { kind: string; name: string };
  subjects?: Subject[];
}
interface Role extends KubeObject {
  rules?: PolicyRule[];
}

/** The rules the service account `namespace/name` holds through the bindings among `objects`. */
export function policyForServiceAccount(
  objects: readonly KubeObject[],
  namespace: string,
  name: string,
): RbacPolicy {
  const policy: RbacPolicy = { clusterRules: [], namespaceRules: {} };
  const find = (kind: string, roleName: string, roleNamespace?: string) =>
    objects.find(
      (o) =>
        o.kind === kind &&
        o.metadata?.name === roleName &&
        (kind === 'ClusterRole' || o.metadata?.namespace === roleNamespace),
    ) as Role | undefined;
  for (const object of objects) {
    if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') continue;
    const binding = object as Binding;
    const bindingNamespace = binding.metadata?.namespace;
    const bound = (binding.subjects ?? []).some(
      (s) =>
        s.kind === 'ServiceAccount' &&
        s.name === name &&
        (s.namespace ?? (binding.kind === 'RoleBinding' ? bindingNamespace : undefined)) === namespace,
    );
    if (!bound) continue;
    const role = find(binding.roleRef.kind, binding.roleRef.name, bindingNamespace);
    if (!role)
      throw new Error(
        `${binding.kind} ${binding.metadata?.name} refers to a missing ${binding.roleRef.kind}`,
      );
    if (binding.kind === 'ClusterRoleBinding') policy.clusterRules.push(...(role.rules ?? []));
    else {
      const ns = bindingNamespace ?? '';
      policy.namespaceRules[ns] = [...(policy.namespaceRules[ns] ?? []), ...(role.rules ?? [])];
    }
  }
  return policy;
}

/**
 * The objects a kustomization folder lists under `resources` and `components`, read recursively: enough of
 * kustomize for RBAC when kubectl is absent (no generators, patches or transformers; deploy/ sets every
 * namespace itself).
 */
export function readKustomization(dir: string): KubeObject[] {
  const config = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
    resources?: string[];
    components?: string[];
  };
  const objects: KubeObject[] = [];
  for (const entry of [...(config.resources ?? []), ...(config.components ?? [])]) {
    const path = join(dir, entry);
    if (!entry.endsWith('.yaml')) {
      objects.push(...readKustomization(path));
      continue;
    }
    for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
      const object = doc.toJS() as KubeObject | null;
      if (object) objects.push(object);
    }
  }
  return objects;
}
