// What each finding and root cause means to the decision, learnt from the role its check declares beside
// itself (`role` in `defineCheck`), never from the check's name.
import type { CheckRole } from '../checks/types.js';
import type { Finding, RootCause } from '../model/finding.js';

/** The repair a blocking root cause asks for, each priced by its own rows of the model. */
export type RepairKind = 'networking' | 'node' | 'other';

/** A check as the decision sees it: its id and the role it declares (absent: `standalone`). */
export interface CheckDeclaration {
  id: string;
  role?: CheckRole;
}

export interface Roles {
  of(finding: Finding): CheckRole;
  /** About the upgrade path: the path rows price it (steps, breaking changes, migrations), not a repair. */
  isPath(finding: Finding): boolean;
  /** The pod network or a node is broken: on the same nodes, part of one networking repair. */
  isNetworkingOrNode(finding: Finding): boolean;
  /** A platform failure a broken pod network causes (pods cannot start, pull, or serve): its likely effect. */
  isDownstreamOfNetwork(finding: Finding): boolean;
  /** A root cause asks for the repair its cause finding's check stands for. */
  repairOf(rootCause: RootCause, findings: readonly Finding[]): RepairKind;
}

export function rolesOf(checks: readonly CheckDeclaration[]): Roles {
  const byCheck = new Map<string, CheckRole>();
  for (const check of checks) if (check.role) byCheck.set(check.id, check.role);
  const of = (finding: Finding): CheckRole => byCheck.get(finding.check) ?? 'standalone';
  return {
    of,
    isPath: (finding) => of(finding) === 'path',
    isNetworkingOrNode: (finding) => of(finding) === 'networking' || of(finding) === 'node',
    isDownstreamOfNetwork: (finding) => of(finding) === 'workload',
    repairOf(rootCause, findings) {
      const cause = findings.find((f) => f.id === rootCause.finding);
      const role = cause ? of(cause) : 'standalone';
      return role === 'networking' || role === 'node' ? role : 'other';
    },
  };
}
