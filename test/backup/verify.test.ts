import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { verifyBackup } from '../../src/backup/verify.js';
import { BadInputError } from '../../src/errors.js';
import { tempDirs } from '../support/temp.js';
import { memorySource, runBackup, smallCluster } from './helpers.js';

const dir = tempDirs('cozy-verify-');

const HASH = 'a'.repeat(64);
const isBadInput = (pattern: RegExp) => (e: unknown) =>
  e instanceof BadInputError && e.exitCode === 2 && pattern.test(e.message);

describe('verifyBackup', () => {
  it('a folder without SHA256SUMS is not a backup (exit 2), and the hint names a backup inside it', async () => {
    const out = await dir();
    const { summary } = await runBackup(memorySource(smallCluster()), { outDir: out });
    await assert.rejects(verifyBackup(out), (e: unknown) => {
      assert.ok(e instanceof BadInputError);
      assert.match(e.message, /not a backup folder \(no SHA256SUMS\)/);
      assert.match(e.hint ?? '', new RegExp(summary.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      return true;
    });
    await assert.rejects(verifyBackup(join(out, 'absent')), isBadInput(/does not exist/));
  });

  it('a folder that still holds its INCOMPLETE marker is refused as unfinished', async () => {
    const d = await dir();
    await writeFile(join(d, 'INCOMPLETE'), 'x');
    await assert.rejects(verifyBackup(d), isBadInput(/INCOMPLETE marker/));
  });

  it('a damaged SHA256SUMS line, or one pointing outside the folder, is named by line', async () => {
    const d = await dir();
    await writeFile(join(d, 'SHA256SUMS'), `${HASH}  a.json\nnot a checksum\n`);
    await assert.rejects(verifyBackup(d), isBadInput(/SHA256SUMS:2: not a checksum line/));
    await writeFile(join(d, 'SHA256SUMS'), `${HASH}  ../outside.json\n`);
    await assert.rejects(verifyBackup(d), isBadInput(/SHA256SUMS:1:/));
  });

  it('accepts the binary-mode marker of sha256sum (`*path`) and reports each kind of difference', async () => {
    const d = await dir();
    await mkdir(join(d, 'states'));
    await writeFile(join(d, 'states', 'pods.json'), 'pods\n');
    await writeFile(join(d, 'extra.json'), '{}');
    await writeFile(join(d, 'changed.json'), 'now\n');
    const podsHash = createHash('sha256').update('pods\n').digest('hex');
    await writeFile(
      join(d, 'SHA256SUMS'),
      `${podsHash} *states/pods.json\n${HASH}  changed.json\n${HASH}  gone.json\n`,
    );
    const result = await verifyBackup(d);
    assert.equal(result.ok, false);
    assert.equal(result.files, 3);
    assert.deepEqual(result.missing, ['gone.json']);
    assert.deepEqual(result.altered, ['changed.json']);
    assert.deepEqual(result.extra, ['extra.json']);
  });
});
