// The List writer: a page that carries the server's bytes is written from them untouched; a page without
// bytes is serialised; either way the file is one typed List whose items are every object, in order.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeItems, ListFile, StagingFolder } from '../../src/backup/writer.js';
import { BUILTIN_TYPES } from '../../src/cluster/resource-types.js';
import type { KubeObject, ObjectPage } from '../../src/cluster/types.js';
import { tempDirs } from '../support/temp.js';

const dir = tempDirs('cozy-writer-');

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'tenant-a' },
  spec: { nodeName: 'node-1' },
});

/** A page as the live source yields it: objects with type meta, and the answer's bytes of its items. */
function pageWithBytes(objects: KubeObject[]): { page: ObjectPage; items: string } {
  // The server's own spacing and key order, which the writer must keep.
  const items = objects
    .map(({ apiVersion: _a, kind: _k, ...rest }) => JSON.stringify(rest, null, 1))
    .join(' ,\n');
  const answer = Buffer.from(`{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[${items}]}`);
  const start = answer.indexOf('"items":[') + '"items":['.length;
  const raw = { bytes: answer, start, end: answer.length - 2 };
  return { page: Object.assign([...objects], { raw }), items };
}

describe('ListFile', () => {
  it('writes pages with bytes from those bytes and the others serialised; reads back as every object; SHA256 of what is on disk', async () => {
    const staging = await StagingFolder.create(await dir(), 'out', 0o700);
    const file = await ListFile.open(
      await staging.openFile('pods.json', 0o644),
      'typed-list',
      BUILTIN_TYPES.pods,
    );
    const first = pageWithBytes([pod('a'), pod('b')]);
    const last = pageWithBytes([pod('e')]);
    const pods = BUILTIN_TYPES.pods;
    await file.add(encodeItems(first.page, pods, 'typed-list'));
    await file.add(encodeItems([pod('c'), pod('d')], pods, 'typed-list'));
    await file.add(encodeItems([], pods, 'typed-list'));
    await file.add(encodeItems(last.page, pods, 'typed-list'));
    const record = await file.close();

    const text = await readFile(join(staging.path, 'pods.json'), 'utf8');
    assert.ok(text.includes(first.items) && text.includes(last.items), 'the bytes as the server sent them');
    const list = JSON.parse(text);
    assert.equal(list.apiVersion, 'v1');
    assert.equal(list.kind, 'PodList');
    assert.deepEqual(
      list.items.map((o: KubeObject) => o.metadata.name),
      ['a', 'b', 'c', 'd', 'e'],
    );
    assert.deepEqual(list.items[2], pod('c'));
    assert.equal(file.objects, 5);
    assert.equal(record.bytes, Buffer.byteLength(text));
    assert.equal(record.sha256, createHash('sha256').update(text).digest('hex'));
  });

  it('a clean-view List never uses the bytes (its objects differ from what the server sent)', async () => {
    const staging = await StagingFolder.create(await dir(), 'out', 0o700);
    const file = await ListFile.open(await staging.openFile('clean.json', 0o644), 'list', BUILTIN_TYPES.pods);
    const { page } = pageWithBytes([pod('a')]);
    const cleaned = Object.assign([{ ...pod('a'), spec: {} }], { raw: page.raw });
    await file.add(encodeItems(cleaned, BUILTIN_TYPES.pods, 'list'));
    await file.close();
    const list = JSON.parse(await readFile(join(staging.path, 'clean.json'), 'utf8'));
    assert.equal(list.kind, 'List');
    assert.deepEqual(list.items, [{ ...pod('a'), spec: {} }]);
  });
});
