// How much heap the inventory's facts take per pod and per event: the figure that bounds assess's memory on
// a large cluster (the objects themselves stream through and are dropped). Pods come as kubectl prints them
// (JSON text parsed, as from the API), with their own names and timestamps. Loose bounds on purpose: they
// catch a fact that grows by a few hundred bytes per pod, not noise.
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, it } from 'node:test';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import type { KubeObject, ResourceType } from '../../src/cluster/types.js';
import { createInventoryBuilder } from '../../src/inventory/build.js';
import type { Inventory } from '../../src/inventory/types.js';
import { controllerRef, event, pod, rfc3339, running, terminated, waiting } from '../support/objects.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PODS = 6_000;
const EVENTS = 10_000;
const START = Date.parse('2025-06-01T00:00:00Z');

/** The seconds after a pod's creation at which its timestamps fall (creation, start, container start, …). */
const OFFSETS = [0, 1, 8, 9, 90, 95] as const;

/**
 * A pod of Deployment `app` as JSON text, with placeholders for what every pod has of its own: its name, its
 * node and its timestamps (`@T<seconds>@`). One crash-looping variant per Deployment.
 */
function podTemplate(app: number, failing: boolean): string {
  const name = `app-${app}`;
  const namespace = `tenant-${app % 50}`;
  const image = `registry.example.org/${name}:1.${app % 5}.0`;
  const at = (seconds: (typeof OFFSETS)[number]) => `@T${seconds}@`;
  return JSON.stringify(
    pod({
      name: '@NAME@',
      namespace,
      created: at(0),
      node: '@NODE@',
      labels: { app: name, 'app.kubernetes.io/name': name, 'pod-template-hash': '7d9f8c6b5' },
      owner: controllerRef('apps/v1', 'ReplicaSet', `${name}-7d9f8c6b5`, namespace),
      phase: 'Running',
      startTime: at(1),
      readyTransition: at(9),
      containers: [
        {
          name: 'main',
          image,
          requests: { cpu: '100m', memory: '128Mi' },
          status: failing
            ? {
                state: waiting(
                  'CrashLoopBackOff',
                  `back-off 5m0s restarting failed container=main pod=${name}`,
                ),
                lastState: terminated('Error', 1, at(90), at(95)),
                restartCount: 12,
              }
            : { state: running(at(8)), ready: true },
        },
      ],
    }),
  );
}

/**
 * Pod `i` of a cluster of 400 Deployments in 50 namespaces on 200 nodes, one pod in 33 crash-looping, parsed
 * from text as the API sends it. `spread` seconds between creations: 1 gives every pod its own timestamps,
 * 0 starts them all in the same second (a cluster brought up at once, like the bench's generated one).
 */
function clusterPod(templates: Map<string, string[]>, i: number, spread: number): KubeObject {
  const key = `${i % 400}/${i % 33 === 0}`;
  let parts = templates.get(key);
  if (parts === undefined) {
    // Text and placeholder names alternate: ['{"apiVersion…', 'NAME', '…', 'T0', …].
    parts = podTemplate(i % 400, i % 33 === 0).split(/@(NAME|NODE|T\d+)@/);
    templates.set(key, parts);
  }
  const created = START + i * spread * 1000;
  const values: Record<string, string> = {
    NAME: `app-${i % 400}-7d9f8c6b5-${i.toString(36).padStart(5, '0')}`,
    NODE: `node-${i % 200}`,
  };
  for (const seconds of OFFSETS) values[`T${seconds}`] = rfc3339(created + seconds * 1000);
  return JSON.parse(parts.map((part, n) => (n % 2 === 1 ? values[part] : part)).join('')) as KubeObject;
}

function clusterEvent(i: number): KubeObject {
  const at = rfc3339(START + i * 7_000);
  return event({
    namespace: `tenant-${i % 50}`,
    involved: { kind: 'Pod', name: `app-${i % 400}-7d9f8c6b5-${i.toString(36).padStart(5, '0')}` },
    reason: i % 2 === 0 ? 'BackOff' : 'Unhealthy',
    message: `Back-off restarting failed container main in pod app-${i % 400}-${i}`,
    host: `node-${i % 200}`,
    count: 1 + (i % 9),
    firstTimestamp: at,
    lastTimestamp: at,
  }) as KubeObject;
}

/** The inventory of `count` objects, read in pages of 500; the builder (and its tables) is dropped. */
function build(type: ResourceType, count: number, make: (i: number) => KubeObject): Inventory {
  const builder = createInventoryBuilder({ source: { kind: 'snapshot' }, now: '2026-01-01T00:00:00Z' });
  for (let start = 0; start < count; start += 500) {
    const page = [];
    for (let i = start; i < Math.min(count, start + 500); i++) page.push(make(i));
    builder.sink.page(type, page);
  }
  return builder.finish([]);
}

/**
 * Heap held by the facts of `count` objects, per object: the heap with the inventory, less the heap once it
 * is dropped (so garbage of the pass that a collection has not returned yet is not counted).
 */
function factsBytesPerObject(
  type: ResourceType,
  count: number,
  make: (i: number) => KubeObject,
  runs = 5,
): number {
  // The median of several measures (five by default): a heap page the process takes or returns meanwhile (about 2 MB) skews one
  // either way, and made a single measure flaky (366 bytes per event, once 773, once -5).
  const measures = Array.from({ length: runs }, () => measureOnce(type, count, make)).sort((a, b) => a - b);
  return measures[Math.floor(runs / 2)]!;
}

function measureOnce(type: ResourceType, count: number, make: (i: number) => KubeObject): number {
  const withFacts = heapHolding(() => {
    const inventory = build(type, count, make);
    assert.equal(inventory.pods.length + inventory.events.length, count);
    return inventory;
  });
  gc();
  gc();
  return (withFacts - process.memoryUsage().heapUsed) / count;
}

/** The heap in use while what `make` returns is held (after full collections); it is dropped on return. */
function heapHolding(make: () => unknown): number {
  const held = [make()];
  gc();
  gc();
  const used = process.memoryUsage().heapUsed;
  held.length = 0;
  return used;
}

describe('the facts held per object', () => {
  it('a pod with its own timestamps: under 1000 bytes', (t) => {
    const templates = new Map<string, string[]>();
    const perPod = factsBytesPerObject(BUILTIN_TYPES.pods, PODS, (i) => clusterPod(templates, i, 1), 3);
    t.diagnostic(`${perPod.toFixed(0)} bytes of facts per pod (${PODS} pods)`);
    assert.ok(perPod < 1000, `${perPod.toFixed(0)} bytes per pod`);
  });

  it('pods started together share their condition entries and times: under 600 bytes', (t) => {
    const templates = new Map<string, string[]>();
    const perPod = factsBytesPerObject(BUILTIN_TYPES.pods, PODS, (i) => clusterPod(templates, i, 0), 3);
    t.diagnostic(`${perPod.toFixed(0)} bytes of facts per pod (${PODS} pods started together)`);
    assert.ok(perPod < 600, `${perPod.toFixed(0)} bytes per pod`);
  });

  it('an event: under 450 bytes', (t) => {
    const perEvent = factsBytesPerObject(BUILTIN_TYPES.events, EVENTS, (i) =>
      JSON.parse(JSON.stringify(clusterEvent(i))),
    );
    t.diagnostic(`${perEvent.toFixed(0)} bytes of facts per event (${EVENTS} events)`);
    assert.ok(perEvent < 450, `${perEvent.toFixed(0)} bytes per event`);
  });
});
