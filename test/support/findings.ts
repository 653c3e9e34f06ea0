// A Finding for tests of what consumes findings (runner, renderers): a blocking critical failure of a platform
// check unless the test says otherwise.
import type { Finding } from '../../src/model/finding.js';

export function finding(check: string, over: Partial<Finding> = {}): Finding {
  return {
    check,
    id: `${check}:x`,
    title: `${check} title`,
    status: 'fail',
    severity: 'critical',
    blocking: true,
    scope: 'platform',
    summary: `${check} summary`,
    nodes: [],
    objects: [],
    evidence: [],
    ...over,
  };
}
