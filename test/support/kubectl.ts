// Tests that run kubectl (a client nobody here wrote) skip cleanly where it is not installed.
import { spawnSync } from 'node:child_process';

let available: boolean | undefined;

/** kubectl answers `version --client` (asked once per test process). */
export function kubectlAvailable(): boolean {
  available ??=
    spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 20_000 }).status === 0;
  return available;
}
