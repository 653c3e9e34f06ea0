import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { openSnapshotSource, SNAPSHOT_PAGE_SIZE, SNAPSHOT_SKIP_MARKER } from '../../src/cluster/snapshot.js';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import { SourceListError, typeKey } from '../../src/cluster/types.js';
import { BadInputError, ExitCode } from '../../src/errors.js';
import { listType } from '../support/read-source.js';
import { writeSampleCluster } from '../support/sample-cluster.js';
import { tempDirs } from '../support/temp.js';

async function expectBadInput(path: string, pattern: RegExp): Promise<BadInputError> {
  const error = await openSnapshotSource(path).then(
    () => assert.fail('expected a BadInputError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof BadInputError, `expected BadInputError, got ${String(error)}`);
  assert.equal(error.exitCode, ExitCode.BAD_INPUT);
  assert.match(error.message, pattern);
  return error;
}

let root: string;
const tempDir = tempDirs('cozy-snapshot-');
before(async () => {
  root = await tempDir();
});

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(root, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(dir, file, '..'), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('snapshot source: reading', () => {
  test('sorts objects of a JSON List, a typed list, a single object and multi-document YAML into types', async () => {
    const dir = await writeSampleCluster(join(root, 'sample'));
    const source = await openSnapshotSource(dir);
    const keys = (await source.discoverTypes()).map(typeKey);
    assert.deepEqual(keys, [
      'nodes',
      'namespaces',
      'pods',
      'events',
      'configmaps',
      'customresourcedefinitions.apiextensions.k8s.io',
      'helmreleases.helm.toolkit.fluxcd.io',
      'widgets.example.com',
    ]);
    const pods = await listType(source, BUILTIN_TYPES.pods);
    assert.equal(pods.objects.length, 7);
    // Stable order: namespace, then name.
    assert.deepEqual(
      pods.objects.map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
      [...pods.objects.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)].sort(),
    );
    const nodes = await listType(source, BUILTIN_TYPES.nodes);
    assert.deepEqual(
      nodes.objects.map((n) => n.metadata.name),
      ['node-a', 'node-b', 'node-c'],
    );
    // Items of a raw NodeList inherit apiVersion and kind, placed first as kubectl prints them.
    assert.deepEqual(Object.keys(nodes.objects[0]!).slice(0, 2), ['apiVersion', 'kind']);
    assert.equal(nodes.objects[0]!.kind, 'Node');
    const widgets = (await source.discoverTypes()).find((t) => t.kind === 'Widget')!;
    assert.deepEqual(widgets, {
      group: 'example.com',
      version: 'v1',
      kind: 'Widget',
      plural: 'widgets',
      namespaced: true,
    });
    assert.equal((await listType(source, widgets)).objects.length, 2);
    assert.equal(await source.serverVersion(), 'v1.31.4');
    assert.deepEqual(source.info, { kind: 'snapshot', path: dir });
  });

  test('yields pages of at most SNAPSHOT_PAGE_SIZE objects', async () => {
    const count = SNAPSHOT_PAGE_SIZE * 2 + 7;
    const items = Array.from({ length: count }, (_, i) => ({
      metadata: { name: `cm-${String(i).padStart(5, '0')}`, namespace: 'big' },
      data: { i: String(i) },
    }));
    const dir = await folder('paged', {
      'cms.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMapList', items }),
    });
    const result = await listType(await openSnapshotSource(dir), BUILTIN_TYPES.configmaps);
    assert.equal(result.pages, 3);
    assert.equal(result.objects.length, count);
    assert.equal(result.objects[count - 1]!.metadata.name, `cm-${String(count - 1).padStart(5, '0')}`);
  });

  test('a single file path works like a folder holding it', async () => {
    const dir = await folder('single', {
      'state.json': JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' } }],
      }),
    });
    const source = await openSnapshotSource(join(dir, 'state.json'));
    assert.equal((await listType(source, BUILTIN_TYPES.pods)).objects.length, 1);
    assert.equal(await source.serverVersion(), undefined);
  });

  test('skips dotfiles, manifest.json, SHA256SUMS, .age and other extensions; keeps the last duplicate', async () => {
    const pod = (image: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'd' },
      spec: { image },
    });
    const dir = await folder('skips', {
      'a.json': JSON.stringify(pod('first')),
      'b/c.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: d}\nspec: {image: second}\n`,
      '.hidden.json': '{broken',
      '.git/x.json': '{broken',
      'manifest.json': '{"not": "an object file"}',
      SHA256SUMS: 'abc  a.json\n',
      'secrets.json.age': 'binary',
      'notes.txt': 'hello',
    });
    const pods = await listType(await openSnapshotSource(dir), BUILTIN_TYPES.pods);
    assert.deepEqual(
      pods.objects.map((p) => (p.spec as { image: string }).image),
      ['second'],
    );
  });

  test("skips a folder holding the apply-view marker (a backup's clean view), whatever it contains", async () => {
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'd' } });
    const dir = await folder('backup-like', {
      'states/pods.json': JSON.stringify({ apiVersion: 'v1', kind: 'PodList', items: [pod('raw')] }),
      // Sorted before states/: without the marker rule its object would be read (and counted) too.
      'apply/00-pods.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('only-in-apply')] }),
      [`apply/${SNAPSHOT_SKIP_MARKER}`]: '',
    });
    const pods = await listType(await openSnapshotSource(dir), BUILTIN_TYPES.pods);
    assert.deepEqual(
      pods.objects.map((p) => p.metadata.name),
      ['raw'],
    );
  });

  test('an empty typed list records the type with no objects; an absent type is not-installed', async () => {
    const dir = await folder('empty-list', {
      'jobs.json': JSON.stringify({ apiVersion: 'batch/v1', kind: 'JobList', items: [] }),
      'pods.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' } }),
    });
    const source = await openSnapshotSource(dir);
    assert.deepEqual((await source.discoverTypes()).map(typeKey), ['pods', 'jobs.batch']);
    assert.equal((await listType(source, BUILTIN_TYPES.jobs)).objects.length, 0);
    await assert.rejects(listType(source, BUILTIN_TYPES.deployments), (e: unknown) => {
      assert.ok(e instanceof SourceListError);
      assert.equal(e.status, 'not-installed');
      assert.match(e.message, /deployments\.apps: not in the snapshot/);
      return true;
    });
  });

  test('an empty untyped List (kubectl get pods -o json that found nothing) counts as captured when the file names a built-in type', async () => {
    const empty = JSON.stringify({
      apiVersion: 'v1',
      items: [],
      kind: 'List',
      metadata: { resourceVersion: '' },
    });
    const dir = await folder('empty-untyped', {
      'pods.json': empty,
      'events.events.k8s.io.json': empty,
      'state.json': empty,
      'namespaces.json': JSON.stringify({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'default' },
      }),
    });
    const source = await openSnapshotSource(dir);
    assert.deepEqual((await source.discoverTypes()).map(typeKey), [
      'namespaces',
      'pods',
      'events.events.k8s.io',
    ]);
    assert.equal((await listType(source, BUILTIN_TYPES.pods)).objects.length, 0);
  });

  test('a narrow read returns one namespace, with labels matching every key=value of the selector', async () => {
    const secret = (namespace: string, name: string, labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, labels },
    });
    const dir = await folder('narrow', {
      'secrets.json': JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          secret('cozy-system', 'sh.helm.release.v1.cozystack.v3', { owner: 'helm', name: 'cozystack' }),
          secret('cozy-system', 'sh.helm.release.v1.cozy-proxy.v1', { owner: 'helm', name: 'cozy-proxy' }),
          secret('tenant-root', 'sh.helm.release.v1.cozystack.v1', { owner: 'helm', name: 'cozystack' }),
        ],
      }),
    });
    const source = await openSnapshotSource(dir);
    const names: string[] = [];
    for await (const page of source.listPages(BUILTIN_TYPES.secrets, {
      namespace: 'cozy-system',
      labelSelector: 'owner=helm,name=cozystack',
    }))
      names.push(...page.map((o) => o.metadata.name));
    assert.deepEqual(names, ['sh.helm.release.v1.cozystack.v3']);
  });

  test('a custom type without a CRD in the snapshot gets kubectl’s guessed plural and its scope from the objects', async () => {
    const dir = await folder('guess', {
      'x.yaml': `apiVersion: x.io/v1\nkind: Policy\nmetadata: {name: a}\n---\napiVersion: x.io/v1\nkind: Class\nmetadata: {name: b, namespace: n}\n`,
    });
    const types = await (await openSnapshotSource(dir)).discoverTypes();
    assert.deepEqual(
      types.map((t) => [typeKey(t), t.namespaced]),
      [
        ['classes.x.io', true],
        ['policies.x.io', false],
      ],
    );
  });

  test('reads UTF-16 files with a BOM (PowerShell redirection) and UTF-8 with a BOM', async () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
    const dir = join(root, 'bom');
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'a.json'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]),
    );
    await writeFile(join(dir, 'b.json'), `\ufeff${json.replace('ns1', 'ns2')}`);
    const namespaces = await listType(await openSnapshotSource(dir), BUILTIN_TYPES.namespaces);
    assert.deepEqual(
      namespaces.objects.map((n) => n.metadata.name),
      ['ns1', 'ns2'],
    );
  });
});

describe('snapshot source: errors are BadInputError (exit 2) naming the file and what to do', () => {
  test('missing folder', async () => {
    const error = await expectBadInput(join(root, 'nope'), /nope: snapshot folder does not exist/);
    assert.match(error.hint ?? '', /kubectl get pods,nodes,events -A -o json > state.json/);
  });

  test('empty folder, and a folder with only skipped files', async () => {
    await expectBadInput(await folder('empty', {}), /holds no \.json, \.yaml or \.yml files/);
    const onlyVersion = await folder('only-version', {
      'version.json': '{"serverVersion":{"gitVersion":"v1.30.0"}}',
    });
    const error = await expectBadInput(onlyVersion, /no Kubernetes objects found/);
    assert.match(error.hint ?? '', /kubectl get/);
  });

  test('broken JSON names the file, line and column', async () => {
    const dir = await folder('broken-json', {
      'ok.json': '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}',
      'bad.json': '{\n  "kind": "List",\n  "items": [\n    {"a": 1,}\n  ]\n}\n',
    });
    const error = await expectBadInput(dir, /bad\.json:4:13: not valid JSON/);
    assert.equal(error.file, join(dir, 'bad.json'));
  });

  test('JSON with an unexpected token and truncated JSON carry a position', async () => {
    await expectBadInput(
      await folder('token', { 'a.json': '{\n  "apiVersion": "v1",\n  "kind": nope\n}' }),
      /a\.json:3:12: not valid JSON: Unexpected token 'o'/,
    );
    await expectBadInput(
      await folder('truncated', { 'a.json': '{\n  "items": [\n' }),
      /a\.json:3:1: not valid JSON/,
    );
  });

  test('broken YAML names the file, line and column', async () => {
    const dir = await folder('broken-yaml', {
      'a.yaml': 'apiVersion: v1\nkind: Pod\n---\nmetadata:\n  name: [a, b\n  x: y: z\n',
    });
    await expectBadInput(dir, /a\.yaml:\d+:\d+: not valid YAML/);
  });

  test('a document that is not a Kubernetes object names the document, item and field', async () => {
    const yaml =
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {}\n';
    const error = await expectBadInput(
      await folder('no-name', { 'a.yaml': yaml }),
      /a\.yaml: document 2: metadata\.name is missing/,
    );
    assert.equal(error.field, 'metadata.name');
    await expectBadInput(
      await folder('no-kind', {
        'l.json': JSON.stringify({ kind: 'List', items: [{ apiVersion: 'v1', metadata: { name: 'x' } }] }),
      }),
      /l\.json: document 1, items\[0\]: kind is missing/,
    );
    await expectBadInput(
      await folder('scalar', { 's.yaml': 'just a string\n' }),
      /s\.yaml: document 1: \(root\) is not a mapping/,
    );
  });
});
