// `check` and `assess` take their verdict from one policy (src/model/policy.ts): on the same cluster, with the
// same checks and the same --fail-on, they exit with the same code. In-process, through main().
import assert from 'node:assert/strict';
import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type CliResult, fixture, runCli } from '../support/cli.js';
import { tempDirs } from '../support/temp.js';

const NOW = '2025-10-24T19:31:00Z';
const tempDir = tempDirs('cozy-exit-codes-');
let dir: string;
let withoutGap: string;

before(async () => {
  dir = await tempDir();
  withoutGap = join(dir, 'without-version-gap.yaml');
  await writeFile(withoutGap, 'checks:\n  version-gap: { enabled: false }\n');
});

/** Both commands on one snapshot with the same flags; assess writes its report into the test's folder. */
async function both(
  name: string,
  snapshot: string,
  flags: string[],
): Promise<{ check: CliResult; assess: CliResult }> {
  const common = ['--snapshot', snapshot, '--now', NOW, '--target', 'v0.37.2', ...flags];
  const [check, assess] = await Promise.all([
    runCli(['check', ...common]),
    runCli(['assess', ...common, '--no-backup', '--report', join(dir, `${name}.md`)]),
  ]);
  return { check, assess };
}

describe('check and assess agree on the exit code', () => {
  it('tenant-only failures with --fail-on warn: 0 from both (tenant findings never gate)', async () => {
    const { check, assess } = await both('tenant', fixture('tenant-only'), [
      '--fail-on',
      'warn',
      '--config',
      withoutGap,
    ]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(assess.code, 0, assess.stdout + assess.stderr);
    assert.match(check.stdout, /warn +pod-failures +Tenant pods failing/, 'the tenant findings are reported');
    assert.match(assess.stdout, /confined to tenant workloads/);
  });

  it('a blocking platform failure: 3 from both', async () => {
    const { check, assess } = await both('seed', fixture('seed-incident'), []);
    assert.equal(check.code, 3, check.stderr);
    assert.equal(assess.code, 3, assess.stderr);
  });

  it('a blocking check that could only say unknown: 4 from both', async () => {
    const podless = join(dir, 'healthy-without-pods');
    await cp(fixture('healthy'), podless, { recursive: true });
    await rm(join(podless, 'pods.json'));
    const { check, assess } = await both('podless', podless, []);
    assert.equal(check.code, 4, check.stdout + check.stderr);
    assert.equal(assess.code, 4, assess.stdout + assess.stderr);
    assert.match(assess.stdout, /could not run/);
  });
});
