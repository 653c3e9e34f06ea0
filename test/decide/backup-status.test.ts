// The verdict reads how the backup ended from its `status` (and each skipped type's `cause`), never from the
// wording of a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAssessment } from '../../src/decide/build-assessment.js';
import type { BackupSummary } from '../../src/model/assessment.js';
import { parts, verifiedBackup } from './inputs.js';

const backup = (over: Partial<BackupSummary>): BackupSummary => ({ ...verifiedBackup(), ...over });

describe('verdict from the backup status', () => {
  it('unfinished (a type could not be read): INCOMPLETE naming the failed types, whatever the reasons say', () => {
    const a = buildAssessment(
      parts({
        backup: backup({
          status: 'unfinished',
          complete: false,
          verified: false,
          skipped: [
            { type: 'secrets', cause: 'failed', reason: 'the server kept answering 503' },
            { type: 'leases.coordination.k8s.io', cause: 'forbidden', reason: 'failed: forbidden by RBAC' },
          ],
        }),
      }),
    );
    assert.equal(a.verdict, 'INCOMPLETE');
    assert.ok(
      a.reasons.some((r) => r.startsWith('Backup NOT finished: secrets could not be read')),
      a.reasons.join('\n'),
    );
    assert.ok(!a.reasons.some((r) => /failed verification/.test(r)), 'not called a failed verification');
  });

  it('failed-verification: NO-GO', () => {
    const a = buildAssessment(parts({ backup: backup({ status: 'failed-verification', verified: false }) }));
    assert.equal(a.verdict, 'NO-GO');
    assert.match(a.reasons[0]!, /failed verification/);
  });

  it('partial (forbidden types skipped): INCOMPLETE unless --allow-partial accepted it', () => {
    const partial = backup({
      status: 'partial',
      complete: false,
      skipped: [{ type: 'secrets', cause: 'forbidden', reason: 'forbidden: no list on secrets' }],
    });
    const strict = buildAssessment(parts({ backup: partial }));
    assert.equal(strict.verdict, 'INCOMPLETE');
    assert.ok(strict.reasons.some((r) => r.startsWith('Backup is partial (skipped secrets)')));
    assert.equal(buildAssessment(parts({ backup: partial, allowPartialBackup: true })).verdict, 'GO');
  });
});
