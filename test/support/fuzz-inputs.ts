// fast-check generators of bad input files: broken syntax, wrong shapes, missing fields, huge values, odd
// encodings and deep nesting, each built from a valid document so that most cases get past the first parser
// and reach the checks behind it. Each generator yields the file's bytes.
import fc from 'fast-check';
import { stringify } from 'yaml';

export type Doc = Record<string, unknown>;

/** A JSON value of any shape, including huge strings and numbers at the edges. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null,
    '',
    0,
    -1,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    true,
    [],
    {},
    'x'.repeat(100_000),
    '\u0000',
    '\ud800',
    '{{}}',
    '2025-13-45T99:99:99Z',
    'v999999999999999999999.0.0',
    '../../../etc/passwd',
  ),
);

/** Every path (as keys) into a document, so a mutation can hit any field, nested or not. */
function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
) {
  out.push(prefix);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pathsOf(item, [...prefix, i], out);
  } else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

function setAt(doc: unknown, path: Array<string | number>, value: unknown, remove: boolean): unknown {
  if (path.length === 0) return remove ? undefined : value;
  const copy: unknown = structuredClone(doc);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && Array.isArray(node)) node.splice(last as number, 1);
  else if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** The base document with one to three fields replaced by odd values or removed. */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  const mutation = fc.record({
    path: fc.constantFrom(...paths),
    value: oddValue,
    remove: fc.boolean(),
  });
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((mutations) => {
    let doc: unknown = base;
    for (const m of mutations) {
      // A path may no longer exist after an earlier mutation: then the mutation replaces the root.
      try {
        doc = setAt(doc, m.path, m.value, m.remove);
      } catch {
        doc = m.value;
      }
    }
    return doc;
  });
}

/** Text as JSON or YAML; undefined (a removed root) becomes an empty file. */
export function serialize(doc: unknown, format: 'json' | 'yaml'): string {
  if (doc === undefined) return '';
  return format === 'json' ? JSON.stringify(doc) : stringify(doc);
}

/** Broken syntax: the valid text cut, with a character dropped or inserted, or arbitrary text. */
export function brokenText(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.nat({ max: valid.length }).map((n) => valid.slice(0, n)),
    fc
      .tuple(
        fc.nat({ max: valid.length }),
        fc.constantFrom(
          '{',
          '}',
          '[',
          ']',
          ':',
          '"',
          "'",
          ',',
          '\t',
          '- ',
          '&a',
          '*a',
          '!!binary',
          '%YAML 9',
          '\n---\n',
          '\u0000',
        ),
      )
      .map(([at, c]) => valid.slice(0, at) + c + valid.slice(at)),
    fc.nat({ max: Math.max(0, valid.length - 1) }).map((at) => valid.slice(0, at) + valid.slice(at + 1)),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );
}

/** Deeply nested documents: JSON arrays or objects, YAML flow or block mappings, many levels down. */
export const deeplyNested: fc.Arbitrary<{ text: string; format: 'json' | 'yaml' }> = fc
  .tuple(
    fc.integer({ min: 1_000, max: 8_000 }),
    fc.constantFrom('json-array', 'json-object', 'yaml-flow', 'yaml-block'),
  )
  .map(([depth, shape]) => {
    if (shape === 'json-array')
      return { text: `${'['.repeat(depth)}${']'.repeat(depth)}`, format: 'json' as const };
    if (shape === 'json-object')
      return { text: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`, format: 'json' as const };
    if (shape === 'yaml-flow')
      return { text: `a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, format: 'yaml' as const };
    const levels = Math.min(depth, 500);
    let text = '';
    for (let i = 0; i < levels; i++) text += `${' '.repeat(i)}k:\n`;
    return { text, format: 'yaml' as const };
  });

/** The bytes of `text` in an odd encoding: BOMs, UTF-16 (with or without BOM), NUL bytes, invalid UTF-8. */
export function oddEncoding(text: string): fc.Arbitrary<Buffer> {
  const utf8 = Buffer.from(text, 'utf8');
  return fc.oneof(
    fc.constant(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8])),
    fc.constant(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
    fc.constant(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])),
    fc.constant(Buffer.from(text, 'utf16le')),
    fc.constant(Buffer.from([0xff, 0xfe, 0x41])),
    fc
      .tuple(
        fc.nat({ max: utf8.length }),
        fc.constantFrom([0x00], [0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xfe, 0xff]),
      )
      .map(([at, bytes]) => Buffer.concat([utf8.subarray(0, at), Buffer.from(bytes), utf8.subarray(at)])),
  );
}
