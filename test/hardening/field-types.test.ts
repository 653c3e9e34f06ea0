// Wrong field types (issue 12): every field the inventory reads has the type Kubernetes gives it. In a
// snapshot, one that does not is bad input (exit 2) naming the file, the document (list item), the object and
// the field, never a silent default (`restartCount: "5000"` read as 0 restarts, `phase: 7` as a failing pod,
// `creationTimestamp: "not-a-date"` ignored). From an API server, the type it came with is unread: the checks
// needing it are unknown and the run INCOMPLETE (exit 4), naming the type, the object and the field.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/cluster/types.js';
import { startFakeApiServer } from '../support/fake-apiserver.js';
import { runBinary, runCli } from '../support/cli.js';
import { fixture, tempFolder } from './guard.js';

const root = await tempFolder('cozy-field-types-');
let counter = 0;

/** A fixture item, edited in place by the cases. */
// biome-ignore lint/suspicious/noExplicitAny: fixture documents are changed field by field
type Item = any;
type Doc = { items: Item[] };

/** A copy of fixtures/healthy with one item of `file` changed; returns the folder and that item's place. */
function snapshotWith(file: string, pick: (item: Item) => boolean, change: (item: Item) => void) {
  const dir = join(root, `case-${++counter}`);
  cpSync(fixture('healthy'), dir, { recursive: true });
  const path = join(dir, file);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Doc;
  const index = doc.items.findIndex(pick);
  assert.ok(index >= 0, `an item to change in ${file}`);
  const item = doc.items[index]!;
  change(item);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  const name = `${item.metadata.namespace ? `${item.metadata.namespace}/` : ''}${item.metadata.name}`;
  return { dir, where: `${path}: document 1, items[${index}]: invalid ${item.kind ?? 'Pod'} ${name}` };
}

const runningPod = (p: Item) => p.status?.phase === 'Running' && p.status?.containerStatuses?.length > 0;
const noStack = (stderr: string) => assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?\n|internal error/);
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const issueCases = [
  {
    name: 'restartCount: "5000"',
    make: () =>
      snapshotWith('pods.json', runningPod, (p) => {
        p.status.containerStatuses[0].restartCount = '5000';
      }),
    field:
      'status.containerStatuses[0].restartCount: Invalid input: expected a whole number ≥ 0, received string "5000"',
  },
  {
    name: 'status.phase: 7',
    make: () =>
      snapshotWith('pods.json', runningPod, (p) => {
        p.status.phase = 7;
      }),
    field: 'status.phase: Invalid input: expected a string, received number 7',
  },
  {
    name: 'creationTimestamp: "not-a-date"',
    make: () =>
      snapshotWith('pods.json', runningPod, (p) => {
        p.metadata.creationTimestamp = 'not-a-date';
      }),
    field: 'metadata.creationTimestamp: Invalid input: expected an RFC 3339 timestamp',
  },
];

describe('wrong field types in a snapshot, through the binary: exit 2 naming file, document, object, field', () => {
  for (const c of issueCases) {
    it(`check: ${c.name}`, async () => {
      const { dir, where } = c.make();
      const result = await runBinary(['check', '--snapshot', dir]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`${literal(where)}: ${literal(c.field)}`));
      noStack(result.stderr);
    });
  }
});

describe('wrong field types in a snapshot, in-process: every kind the inventory reads is checked', () => {
  const kindCases = [
    {
      name: 'assess: a node condition status that is a boolean',
      file: 'nodes.json',
      pick: () => true,
      change: (n: Item) => {
        n.status.conditions[0].status = true;
      },
      field: /status\.conditions\[0\]\.status: Invalid input: expected a string, received boolean/,
    },
    {
      name: 'a DaemonSet count written as a string',
      file: 'daemonsets.json',
      pick: () => true,
      change: (d: Item) => {
        d.status.numberReady = '3';
      },
      field: /status\.numberReady: Invalid input: expected a whole number ≥ 0/,
    },
    {
      name: 'a Deployment replica count that is negative',
      file: 'deployments.json',
      pick: () => true,
      change: (d: Item) => {
        d.spec.replicas = -1;
      },
      field: /spec\.replicas: Invalid input: expected a whole number ≥ 0, received number -1/,
    },
    {
      name: 'HelmRelease conditions that are a mapping',
      file: 'helmreleases.json',
      pick: () => true,
      change: (h: Item) => {
        h.status.conditions = { Ready: 'True' };
      },
      field: /status\.conditions: Invalid input: expected array, received object/,
    },
    {
      name: 'an event count that is a string and a last time that is no time',
      file: 'events.json',
      pick: () => true,
      change: (e: Item) => {
        e.count = 'many';
        e.lastTimestamp = 'yesterday';
      },
      field: /count: Invalid input: expected a whole number ≥ 0, received string "many"; lastTimestamp: /,
    },
  ];
  for (const c of kindCases) {
    it(c.name, async () => {
      const { dir, where } = snapshotWith(c.file, c.pick, c.change);
      const args = c.name.startsWith('assess')
        ? ['assess', '--snapshot', dir, '--no-backup', '--report', join(dir, 'r.md')]
        : ['check', '--snapshot', dir];
      const result = await runCli(args, { env: { GITHUB_STEP_SUMMARY: undefined } });
      assert.equal(result.code, 2, result.stderr);
      assert.ok(result.stderr.includes(where), `names file, document, object: ${result.stderr}`);
      assert.match(result.stderr, c.field);
      noStack(result.stderr);
    });
  }

  it('absent optional fields and nulls stay fine', async () => {
    const { dir } = snapshotWith('pods.json', runningPod, (p) => {
      delete p.status.containerStatuses[0].restartCount;
      delete p.status.startTime;
      p.status.conditions[0].lastProbeTime = null;
      p.status.reason = null;
    });
    const result = await runCli(['check', '--snapshot', dir], { env: { GITHUB_STEP_SUMMARY: undefined } });
    assert.equal(result.code, 0, result.stderr);
  });
});

describe('wrong field types from a live server: the type is unread, INCOMPLETE (exit 4), named', () => {
  it('check and assess name pods, the object and the field; the backup still holds every pod', async () => {
    const healthyPods = (JSON.parse(readFileSync(join(fixture('healthy'), 'pods.json'), 'utf8')) as Doc)
      .items;
    const base = healthyPods.find(runningPod)!;
    const bad = structuredClone(base) as KubeObject & Item;
    bad.metadata = { ...bad.metadata, name: 'restarts-as-text', uid: 'restarts-as-text' };
    bad.status.containerStatuses[0].restartCount = '5000';
    const server = await startFakeApiServer({ snapshotDir: fixture('healthy'), objects: [bad] });
    const dir = await tempFolder('cozy-field-types-live-');
    try {
      const check = await runCli(['check', '--kubeconfig', server.kubeconfigPath, '-v']);
      assert.equal(check.code, 4, check.stderr);
      const said = `${check.stdout}\n${check.stderr}`;
      assert.match(said, /pods/);
      assert.match(
        said,
        new RegExp(
          `Pod ${literal(base.metadata.namespace)}/restarts-as-text .*status\\.containerStatuses\\[0\\]\\.restartCount`,
        ),
      );
      noStack(check.stderr);
      const assess = await runCli([
        'assess',
        '--kubeconfig',
        server.kubeconfigPath,
        '--target',
        'v0.37.2',
        '--backup-dir',
        join(dir, 'backups'),
        '--json',
        join(dir, 'a.json'),
        '--report',
        join(dir, 'a.md'),
      ]);
      assert.equal(assess.code, 4, assess.stderr);
      const assessment = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
      assert.equal(assessment.verdict, 'INCOMPLETE');
      assert.match(JSON.stringify(assessment), /restarts-as-text/);
      assert.equal(assessment.backup?.status, 'complete', JSON.stringify(assessment.backup));
    } finally {
      await server.close();
    }
  });
});
