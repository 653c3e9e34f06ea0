// Root causes of a run: each check's own rule (`rootCause` beside the check), run in the order of how much a
// cause explains, sharing one set of claimed pods so that each pod is counted under the first cause only.
import type { Inventory } from '../inventory/types.js';
import type { Finding, RootCause } from '../model/finding.js';
import type { Check, CheckRole } from './types.js';
import { PodClaims } from './util/cascade.js';

/** A broken node network explains sandbox, pull and component failures; a lost node its pods; the rest less. */
const ATTRIBUTION_ORDER: Partial<Record<CheckRole, number>> = { networking: 0, node: 1 };

function attributionRank(check: Check): number {
  return ATTRIBUTION_ORDER[check.role ?? 'standalone'] ?? 2;
}

export function findRootCauses(
  inventory: Inventory,
  findings: readonly Finding[],
  checks: readonly Check[],
): RootCause[] {
  const claims = new PodClaims();
  const ordered = checks
    .map((check, index) => ({ check, index }))
    .sort((a, b) => attributionRank(a.check) - attributionRank(b.check) || a.index - b.index);
  const found: Array<{ role: CheckRole; cause: RootCause }> = [];
  for (const { check } of ordered) {
    const result = check.rootCause?.({ inventory, findings, claims, earlier: found });
    const causes = result === undefined ? [] : Array.isArray(result) ? result : [result as RootCause];
    for (const cause of causes) found.push({ role: check.role ?? 'standalone', cause });
  }
  return found.map((f) => f.cause);
}
