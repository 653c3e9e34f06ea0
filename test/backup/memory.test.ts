// Memory stays flat while a generated cluster of 20 000 objects is backed up: objects are generated page
// by page and must not be kept. Loose bound on purpose (no timing, no exact figures).
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { it } from 'node:test';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import type { KubeObject } from '../../src/cluster/types.js';
import { tempDirs } from '../support/temp.js';
import { memorySource, runBackup } from './helpers.js';

const PODS = 15_000;
const CONFIGMAPS = 5_000;
const PAYLOAD = 'x'.repeat(7_000);

function* pods(): Iterable<KubeObject> {
  for (let i = 0; i < PODS; i++) {
    yield {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `pod-${i}`,
        namespace: `tenant-${i % 50}`,
        uid: `uid-${i}`,
        annotations: { note: `${PAYLOAD}${i}` },
      },
      spec: { nodeName: `node-${i % 20}`, containers: [{ name: 'main', image: 'registry.example/app:1.0' }] },
      status: { phase: i % 7 === 0 ? 'Pending' : 'Running' },
    };
  }
}

function* configMaps(): Iterable<KubeObject> {
  for (let i = 0; i < CONFIGMAPS; i++) {
    yield {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${i}`, namespace: `tenant-${i % 50}` },
      data: { value: `${PAYLOAD}${i}` },
    };
  }
}

// A full collection before each sample, so the figure is what is still referenced, not garbage V8 has not
// collected yet (which would make the bound depend on GC timing).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const tempDir = tempDirs('cozy-backup-memory-');

it('memory stays flat while backing up 20k objects (peak heap growth well below the data written)', async () => {
  const dir = await tempDir();
  let peak = 0;
  const sample = async () => {
    gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  const source = memorySource(
    [
      { type: BUILTIN_TYPES.pods, objects: pods },
      { type: BUILTIN_TYPES.configmaps, objects: configMaps },
    ],
    { pageSize: 500, beforePage: sample },
  );
  gc();
  const before = process.memoryUsage().heapUsed;
  const result = await runBackup(source, { outDir: dir });
  await sample();
  assert.equal(result.exitCode, 0);
  assert.equal(result.summary.totals.objects, PODS + CONFIGMAPS);
  const written = result.summary.totals.bytes;
  const growth = peak - before;
  assert.ok(written > 150 * 1024 * 1024, `the test writes enough to matter (${written} bytes)`);
  assert.ok(
    growth < 64 * 1024 * 1024,
    `peak heap growth ${Math.round(growth / 1048576)} MB stays under 64 MB while ${Math.round(written / 1048576)} MB were written`,
  );
});
