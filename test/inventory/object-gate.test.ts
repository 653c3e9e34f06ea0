// The inventory's gate on field types: a snapshot's object of the wrong type is bad input naming the file,
// the document, the object and the field; an API server's makes its type unread; absent fields pass. And the
// allocation-free check agrees with zod on every object of a realistic cluster, mutated.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { type KubeObject, type ListOutcome, type ResourceType, typeKey } from '../../src/cluster/types.js';
import { BadInputError } from '../../src/errors.js';
import { createInventoryBuilder } from '../../src/inventory/build.js';
import { NamedObject, reducedSchemaOf } from '../../src/inventory/object-schemas.js';
import { passes } from '../../src/inventory/schema-check.js';
import { REPO_ROOT } from '../support/cli.js';
import { mutated } from '../support/fuzz-inputs.js';

const at = '2025-10-20T08:00:00Z';

function pod(
  patch: { status?: Record<string, unknown>; metadata?: Record<string, unknown> } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'cni-x', namespace: 'cozy-kubeovn', creationTimestamp: at, ...patch.metadata },
    spec: { nodeName: 'node-a', containers: [{ name: 'cni', image: 'kube-ovn:v1' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at, lastProbeTime: null }],
      containerStatuses: [
        { name: 'cni', ready: true, restartCount: 0, state: { running: { startedAt: at } } },
      ],
      ...patch.status,
    },
  };
}

const wrongTypes: Array<{ name: string; object: KubeObject; field: string; fault: RegExp }> = [
  {
    name: 'a restart count written as a string',
    object: pod({
      status: { containerStatuses: [{ name: 'cni', ready: true, restartCount: '5000', state: {} }] },
    }),
    field: 'status.containerStatuses[0].restartCount',
    fault: /expected a whole number ≥ 0, received string "5000"/,
  },
  {
    name: 'a phase that is a number',
    object: pod({ status: { phase: 7 } }),
    field: 'status.phase',
    fault: /expected a string, received number 7/,
  },
  {
    name: 'a creation time that is no time',
    object: pod({ metadata: { creationTimestamp: 'not-a-date' } }),
    field: 'metadata.creationTimestamp',
    fault: /expected an RFC 3339 timestamp/,
  },
];

function build(kind: 'snapshot' | 'live', objects: KubeObject[], type: ResourceType = BUILTIN_TYPES.pods) {
  const builder = createInventoryBuilder({
    source: kind === 'snapshot' ? { kind, path: 'snap' } : { kind, server: 'https://x' },
    originOf: kind === 'snapshot' ? () => ({ file: 'snap/pods.json', document: 1, item: 3 }) : undefined,
  });
  builder.sink.page(type, objects);
  const outcome: ListOutcome = { type: typeKey(type), status: 'ok', count: objects.length };
  return builder.finish([outcome]);
}

describe('inventory gate on field types', () => {
  for (const c of wrongTypes) {
    it(`snapshot: ${c.name} is bad input naming the file, document, object and field`, () => {
      assert.throws(
        () => build('snapshot', [pod(), c.object]),
        (error: unknown) => {
          assert.ok(error instanceof BadInputError);
          assert.equal(error.exitCode, 2);
          assert.equal(error.file, 'snap/pods.json');
          assert.equal(error.field, c.field);
          assert.ok(
            error.message.startsWith(
              `snap/pods.json: document 1, items[3]: invalid Pod cozy-kubeovn/cni-x: ${c.field}: `,
            ),
            error.message,
          );
          assert.match(error.message, c.fault);
          return true;
        },
      );
    });

    it(`live: ${c.name} makes pods unread, naming the object and the field`, () => {
      const inventory = build('live', [pod(), c.object]);
      const outcome = inventory.outcomes.pods!;
      assert.equal(outcome.status, 'failed');
      assert.match(
        outcome.reason ?? '',
        new RegExp(`Pod cozy-kubeovn/cni-x .*${c.field.replace(/[[\].]/g, '\\$&')}`),
      );
    });
  }

  it('a type refused once stays refused: later pages are not reduced', () => {
    const builder = createInventoryBuilder({ source: { kind: 'live' } });
    builder.sink.page(BUILTIN_TYPES.pods, [pod({ status: { phase: 7 } })]);
    builder.sink.page(BUILTIN_TYPES.pods, [pod()]);
    builder.sink.page(BUILTIN_TYPES.nodes, [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' }, status: { conditions: [] } },
    ]);
    const inventory = builder.finish([
      { type: 'pods', status: 'ok', count: 2 },
      { type: 'nodes', status: 'ok', count: 1 },
    ]);
    assert.equal(inventory.pods.length, 0);
    assert.equal(inventory.outcomes.pods?.status, 'failed');
    assert.equal(inventory.outcomes.nodes?.status, 'ok');
    assert.equal(inventory.nodes.length, 1);
  });

  it('absent and null optional fields pass (real clusters omit many)', () => {
    const bare: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } };
    const nulls = pod({ metadata: { creationTimestamp: null }, status: { startTime: null, reason: null } });
    const inventory = build('snapshot', [bare, nulls]);
    assert.equal(inventory.pods.length, 2);
    assert.equal(inventory.outcomes.pods?.status, 'ok');
  });

  it('a type the inventory only counts is not validated; a tallied custom type needs its names', () => {
    const odd = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: 'x' } };
    assert.equal(build('snapshot', [odd], BUILTIN_TYPES.services).counts.services, 1);
    const machine: ResourceType = {
      group: 'cluster.x-k8s.io',
      version: 'v1beta1',
      kind: 'Machine',
      plural: 'machines',
      namespaced: true,
    };
    const nameless = { apiVersion: 'cluster.x-k8s.io/v1beta1', kind: 'Machine', metadata: { name: 5 } };
    assert.throws(() => build('snapshot', [nameless as unknown as KubeObject], machine), /metadata\.name/);
  });

  it('timestamps: RFC 3339 with a zone or Z and any fraction; nothing else', () => {
    const good = ['2025-10-20T08:00:00Z', '2025-10-20T08:00:00.123456Z', '2025-10-20T10:00:00+02:00'];
    const bad = ['not-a-date', '2025-10-20', '2025-13-01T00:00:00Z', '2025-10-20 08:00:00Z', 1760947200];
    for (const time of good)
      assert.equal(
        build('live', [pod({ metadata: { creationTimestamp: time } })]).outcomes.pods?.status,
        'ok',
        String(time),
      );
    for (const time of bad)
      assert.equal(
        build('live', [pod({ metadata: { creationTimestamp: time } })]).outcomes.pods?.status,
        'failed',
        String(time),
      );
  });
});

describe('the allocation-free check agrees with zod', () => {
  it('on every object of a realistic cluster, unchanged and mutated', async () => {
    const source = await openSnapshotSource(join(REPO_ROOT, 'fixtures', 'seed-incident'));
    const samples: Array<{ key: string; object: KubeObject }> = [];
    for (const type of await source.discoverTypes()) {
      const key = typeKey(type);
      if (!reducedSchemaOf(key)) continue;
      for await (const page of source.listPages(type)) {
        for (const object of page.slice(0, 5)) samples.push({ key, object });
      }
    }
    assert.ok(samples.length > 40, `objects of many kinds: ${samples.length}`);
    for (const { key, object } of samples) {
      assert.equal(passes(reducedSchemaOf(key)!, object), true, `${key} ${object.metadata.name}`);
    }
    const schemas = [...new Set(samples.map((s) => s.key))];
    const verdicts = { passed: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...samples).chain(({ key, object }) => mutated(object).map((m) => ({ key, m }))),
        ({ key, m }) => {
          const schema = reducedSchemaOf(key)!;
          const ok = schema.safeParse(m).success;
          assert.equal(passes(schema, m), ok);
          verdicts[ok ? 'passed' : 'refused']++;
          assert.equal(passes(NamedObject, m), NamedObject.safeParse(m).success);
        },
      ),
      { numRuns: 1500 },
    );
    assert.ok(schemas.length >= 8, schemas.join(', '));
    assert.ok(verdicts.passed > 100 && verdicts.refused > 100, JSON.stringify(verdicts));
  });
});
