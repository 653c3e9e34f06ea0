// The shared pipeline on a small snapshot folder: one pass, extra sinks and types, the clock rules, --timeout.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { PageSink } from '../../src/cluster/scan.js';
import { IncompleteError } from '../../src/errors.js';
import { typeKey } from '../../src/cluster/types.js';
import type { GlobalOptions } from '../../src/cli/globals.js';
import { gatherInventory, runAllChecks } from '../../src/cli/pipeline.js';
import type { RunControl } from '../../src/cli/run-context.js';
import { loadPlugins } from '../../src/cli/plugins.js';
import { BUILTIN_CHECKS } from '../../src/checks/registry.js';
import { testContext, testRun } from '../support/command-context.js';
import { tempDirs } from '../support/temp.js';

let dir: string;
const context = (over: Partial<GlobalOptions> = {}, run?: RunControl) =>
  testContext({ snapshot: dir, ...over }, run);

const tempDir = tempDirs('cozy-pipeline-');
before(async () => {
  dir = await tempDir();
  const node = (name: string, at: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, creationTimestamp: at },
    status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }] },
  });
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'a' },
    data: { k: 'dg==' },
  };
  await writeFile(
    join(dir, 'state.json'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [node('n1', '2026-10-01T00:00:00Z'), node('n2', '2026-11-02T03:04:05Z'), secret],
    }),
  );
});

describe('gatherInventory', () => {
  it('lists each type once, feeding the inventory and the extra sinks, and takes the newest snapshot time as the clock', async () => {
    const pages: string[] = [];
    const done: string[] = [];
    const sink: PageSink = {
      page: (type, objects) => {
        pages.push(`${typeKey(type)}:${objects.length}`);
      },
      done: (type) => {
        done.push(typeKey(type));
      },
    };
    const gathered = await gatherInventory(context(), {
      extraSinks: [sink],
      extraTypes: (discovered) => discovered.filter((t) => t.plural === 'secrets'),
    });
    assert.equal(gathered.source.kind, 'snapshot');
    assert.equal(gathered.inventory.now, '2026-11-02T03:04:05Z');
    assert.deepEqual(
      gathered.inventory.nodes.map((n) => n.name),
      ['n1', 'n2'],
    );
    // the extra type was listed and given to the extra sink, and every type was listed exactly once
    assert.ok(pages.includes('secrets:1'), pages.join(' '));
    assert.ok(pages.includes('nodes:2'));
    assert.equal(new Set(done).size, done.length);
    assert.equal(gathered.outcomes.length, done.length);
    assert.equal(gathered.outcomes.find((o) => o.type === 'secrets')?.status, 'ok');
    assert.equal(gathered.outcomes.find((o) => o.type === 'pods')?.status, 'not-installed');
    // The watched Secret is read by name (Secrets were captured, that one is not there), key names only.
    assert.deepEqual(gathered.inventory.secretKeys, {
      'cozy-velero/cozy-backups-creds': { status: 'absent' },
    });
    // what the verdict needs is what the inventory reads, not what was listed for the extra sink only
    assert.ok(gathered.neededTypes.includes('nodes'));
    assert.ok(!gathered.neededTypes.includes('secrets'), gathered.neededTypes.join(' '));
  });

  it('uses --now as the clock when given', async () => {
    const gathered = await gatherInventory(context({ now: '2026-12-01T00:00:00.000Z' }));
    assert.equal(Date.parse(gathered.inventory.now), Date.parse('2026-12-01T00:00:00Z'));
  });

  it("stops reading when the run's --timeout deadline passes, and the run names the phase it was in", async () => {
    const slow: PageSink = { page: () => new Promise((resolve) => setTimeout(resolve, 200)) };
    const run = testRun();
    run.limit(1);
    await assert.rejects(gatherInventory(context({ concurrency: 1 }, run), { extraSinks: [slow] }));
    assert.equal(run.context.timedOut(), true);
    const failure = run.failure(new Error('aborted'), () => {});
    assert.ok(failure instanceof IncompleteError && failure.exitCode === 4, String(failure));
    assert.match(
      failure.message,
      /did not finish within --timeout \(1 ms\) \(it was at: Reading \d+ resource types/,
    );
    run.dispose();
  });
});

describe('runAllChecks', () => {
  it('runs the built-ins and the plugins, and returns root causes and coverage', async () => {
    const { inventory } = await gatherInventory(context());
    // A plugin as a user writes one: a module file, loaded and run in its own thread.
    const file = join(dir, '..', 'count-nodes.mjs');
    await writeFile(
      file,
      `export default {
        id: 'count-nodes', title: 'Count nodes', description: '', defaultSeverity: 'info', blocking: false,
        needs: ['nodes'],
        run: (inv) => [{ check: 'count-nodes', id: 'count-nodes', title: 'Count nodes', status: 'pass',
          severity: 'info', blocking: false, scope: 'cluster', summary: inv.nodes.length + ' nodes',
          nodes: [], objects: [], evidence: [] }],
      };\n`,
    );
    const plugins = await loadPlugins([file], []);
    const result = await runAllChecks(inventory, { plugins });
    assert.equal(result.coverage.checksTotal, BUILTIN_CHECKS.length + 1);
    assert.equal(result.findings.find((f) => f.check === 'count-nodes')?.summary, '2 nodes');
    assert.deepEqual(
      result.checks.map((c) => c.id),
      [...BUILTIN_CHECKS.map((c) => c.id), 'count-nodes'],
    );
    assert.ok(Array.isArray(result.rootCauses));
    // pods were not in this snapshot: the checks that need them are unknown, and say so
    assert.ok(result.coverage.unknown.some((u) => /pods \(not-installed\)/.test(u.reason)));
  });
});
