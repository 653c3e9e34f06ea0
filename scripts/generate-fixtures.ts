// Writes the cluster-state fixtures under fixtures/: one folder per cluster, one file per resource type as
// `kubectl get <type> -A -o json` prints it, plus multi-document YAML and `kubectl version -o json`, and
// `<name>.expected.json` next to each folder with what the tool must conclude. Deterministic: fixed clocks,
// identifiers derived from names. Run: npm run fixtures [-- <output-dir>].
// Each fixture checks its own claims before it is written (pod census by kubectl STATUS), so a change that
// breaks a documented count fails here rather than in a consumer's test.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { kubectlPodStatus } from '../test/support/kubectl-status.js';
import type { K8sObject } from '../test/support/objects.js';
import { healthy, tenantOnly } from './fixtures/healthy.js';
import { kubectlMixed } from './fixtures/kubectl-mixed.js';
import { emptyPodList, eventsNotCaptured } from './fixtures/capture-gaps.js';
import { noVersionJson, v1SharedOperatorTag } from './fixtures/v1.js';
import { imagePullAuth, stuckHelmRelease, webhookDown } from './fixtures/single-causes.js';
import { daemonSetPodsAbsent, nodeOutage, nodePressure, staleLeftovers } from './fixtures/node-states.js';
import { seedIncident, seedRepaired } from './fixtures/seed-incident.js';
import { tenants } from './fixtures/tenants.js';
import type { FixtureOutput } from './fixtures/types.js';
import { kubectlJsonList } from './fixtures/write.js';

export const FIXTURE_BUILDERS: ReadonlyArray<() => FixtureOutput> = [
  seedIncident,
  seedRepaired,
  healthy,
  tenantOnly,
  kubectlMixed,
  tenants,
  nodeOutage,
  nodePressure,
  staleLeftovers,
  daemonSetPodsAbsent,
  stuckHelmRelease,
  webhookDown,
  imagePullAuth,
  emptyPodList,
  eventsNotCaptured,
  v1SharedOperatorTag,
  noVersionJson,
];

/** Every generated file, keyed by its path relative to fixtures/ (forward slashes). */
export function renderFixtures(): Map<string, string> {
  const out = new Map<string, string>();
  for (const build of FIXTURE_BUILDERS) {
    const fixture = build();
    const objects = fixture.builder.build();
    verifyCensus(fixture, objects.get('pods.json') ?? []);
    for (const [file, items] of objects) out.set(`${fixture.name}/${file}`, kubectlJsonList(items));
    for (const [file, text] of fixture.extraFiles) out.set(`${fixture.name}/${file}`, text);
    out.set(
      `${fixture.name}.expected.json`,
      `${JSON.stringify({ fixture: fixture.name, ...fixture.expected }, null, 2)}\n`,
    );
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** kubectl STATUS counts of the pods that are not healthy (not Running+Ready, not Completed). */
export function failingPodCensus(pods: readonly K8sObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of pods) {
    const status = kubectlPodStatus(p as Parameters<typeof kubectlPodStatus>[0]);
    const conditions =
      (p.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? [];
    const ready = conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    if ((status === 'Running' && (ready || isStale(p))) || status === 'Completed') continue;
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Running pods on an unreachable node keep their last status; they are counted separately. */
function isStale(p: K8sObject): boolean {
  const conditions = (p.status as { conditions?: Array<{ type: string; status: string }> }).conditions ?? [];
  const containers =
    (p.status as { containerStatuses?: Array<{ state: { running?: unknown } }> }).containerStatuses ?? [];
  return (
    containers.every((c) => c.state.running) &&
    conditions.some((c) => c.type === 'Ready' && c.status === 'False')
  );
}

function verifyCensus(fixture: FixtureOutput, pods: readonly K8sObject[]): void {
  const expected = fixture.expected.podsByStatus as Record<string, number> | undefined;
  if (!expected) return;
  const actual = failingPodCensus(pods);
  const sortedExpected = Object.fromEntries(Object.entries(expected).sort(([a], [b]) => a.localeCompare(b)));
  const stale = pods.filter(
    (p) => kubectlPodStatus(p as Parameters<typeof kubectlPodStatus>[0]) === 'Running' && isStale(p),
  ).length;
  const expectedStale = (fixture.expected.staleRunningNotReady as number | undefined) ?? 0;
  if (stale !== expectedStale) {
    throw new Error(`${fixture.name}: ${stale} stale Running pods, documented ${expectedStale}`);
  }
  if (JSON.stringify(actual) !== JSON.stringify(sortedExpected)) {
    throw new Error(
      `${fixture.name}: pod census ${JSON.stringify(actual)} differs from the documented ${JSON.stringify(sortedExpected)}`,
    );
  }
}

/** Replaces each generated fixture folder and expected file under `root`; leaves other files (README.md) alone. */
export async function writeFixtures(root: string): Promise<string[]> {
  const files = renderFixtures();
  const folders = new Set([...files.keys()].filter((f) => f.includes('/')).map((f) => f.split('/')[0]!));
  for (const folder of folders) await rm(join(root, folder), { recursive: true, force: true });
  for (const [relative, text] of files) {
    const path = join(root, ...relative.split('/'));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  return [...files.keys()];
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const root = resolve(process.argv[2] ?? join(repoRoot, 'fixtures'));
  const written = await writeFixtures(root);
  process.stdout.write(`wrote ${written.length} files under ${root}\n`);
}
