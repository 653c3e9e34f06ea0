// Finding the items of a list answer in its bytes: either the exact span, or nothing (the caller then
// serialises the objects itself). Never a wrong span.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { itemsSpan } from '../../src/cluster/list-bytes.js';

function span(text: string): string | undefined {
  const bytes = Buffer.from(text, 'utf8');
  const found = itemsSpan(bytes, JSON.parse(text));
  return found && bytes.subarray(found.start, found.end).toString('utf8');
}

const item = fc.jsonValue({ maxDepth: 3 });
const metadata = fc.record(
  {
    resourceVersion: fc.string(),
    continue: fc.string(),
    remainingItemCount: fc.nat(),
  },
  { requiredKeys: [] },
);

describe('itemsSpan', () => {
  test('a list as an API server writes it: the exact bytes of the items', () => {
    const text =
      '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"eyJ9"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b]}"}}]}';
    assert.equal(span(text), '{"metadata":{"name":"a"}},{"metadata":{"name":"b]}"}}');
    assert.equal(span('{"kind":"PodList","items":[]}'), '');
    assert.equal(span(' {\n "kind" : "A\\"items\\"List",\n "items" : [ 1 , 2 ]\n}\n'), ' 1 , 2 ');
  });

  test('no span when items is not the last key, or the answer is not a list', () => {
    assert.equal(span('{"items":[1],"kind":"PodList"}'), undefined);
    assert.equal(span('{"kind":"PodList","items":{}}'), undefined);
    assert.equal(span('{"kind":"Status","code":500}'), undefined);
    assert.equal(span('[1,2]'), undefined);
  });

  test('any list with any items, written compact or indented, in any key order: the exact items or none', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 8 }),
        metadata,
        fc.string(),
        fc.boolean(),
        fc.constantFrom(undefined, 1, 4),
        (items, meta, kind, itemsLast, indent) => {
          const list = itemsLast ? { kind, metadata: meta, items } : { items, kind, metadata: meta };
          const text = JSON.stringify(list, null, indent);
          const found = span(text);
          if (itemsLast) assert.notEqual(found, undefined, text);
          if (found !== undefined) assert.deepEqual(JSON.parse(`[${found}]`), JSON.parse(text).items);
        },
      ),
      { numRuns: 500 },
    );
  });
});
