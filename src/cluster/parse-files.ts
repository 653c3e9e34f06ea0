// Turns the text of one snapshot file (as `kubectl get … -o json|yaml` prints it) into Kubernetes objects.
// Errors name the file and the position (line:column) or the document and field, so an operator can fix it.
import { parseAllDocuments } from 'yaml';
import { BadInputError } from '../errors.js';
import type { KubeObject, ObjectOrigin } from './types.js';

const FIX_HINT =
  'fix or remove the file, or capture it again: kubectl get pods,nodes,events -A -o json > state.json';

export type FileFormat = 'json' | 'yaml';

/** Decodes file bytes: UTF-8 (with or without BOM) or UTF-16 with BOM (PowerShell's `>` writes that). */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses the text into its documents (one for JSON, any number for YAML). Empty YAML documents are dropped. */
export function parseDocuments(text: string, format: FileFormat, file: string): unknown[] {
  return format === 'json' ? [parseJson(text, file)] : parseYaml(text, file);
}

function parseJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const { line, column } = lineColumn(text, jsonErrorOffset(text, message));
    throw new BadInputError(
      `${file}:${line}:${column}: not valid JSON: ${shortJsonMessage(message)}`,
      file,
      undefined,
      FIX_HINT,
    );
  }
  assertDepth(value, file);
  return value;
}

/** Aliases one YAML file may expand (the `yaml` package's own default). */
export const MAX_ALIAS_COUNT = 100;

/**
 * The deepest nesting the Kubernetes API server decodes (apimachinery's JSON decoder stops at 10000 levels),
 * so no object of a real cluster is deeper. Deeper input would overflow the stack of every recursive
 * reader after us (JSON.stringify in the backup among them): it is refused here, without recursion.
 */
export const MAX_NESTING_DEPTH = 10_000;

export function assertDepth(root: unknown, file: string): void {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    if (entry.depth > MAX_NESTING_DEPTH) throw tooDeep(file);
    const { value, depth } = entry;
    if (typeof value !== 'object' || value === null) continue;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: depth + 1 });
    }
  }
}

function parseYaml(text: string, file: string): unknown[] {
  try {
    return parseYamlDocuments(text, file);
  } catch (error) {
    // The YAML parser and its toJS() recurse once per nesting level: a deep enough document ends the stack.
    if (error instanceof RangeError) throw tooDeep(file);
    throw error;
  }
}

function tooDeep(file: string): BadInputError {
  return new BadInputError(
    `${file}: nested more than ${MAX_NESTING_DEPTH} levels deep: no Kubernetes object is (the API server refuses deeper ones)`,
    file,
    undefined,
    FIX_HINT,
  );
}

function parseYamlDocuments(text: string, file: string): unknown[] {
  const values: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    const error = doc.errors[0];
    // The parser catches its own stack overflow on deep flow collections and reports it as a syntax error.
    if (error && /Maximum call stack/.test(error.message)) throw tooDeep(file);
    if (error) {
      const pos = error.linePos?.[0];
      const where = pos ? `${pos.line}:${pos.col}` : '1:1';
      const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new BadInputError(`${file}:${where}: not valid YAML: ${what}`, file, undefined, FIX_HINT);
    }
    let value: unknown;
    try {
      // kubectl never writes aliases; a few are fine, an expanding tree of them is an attack on memory.
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
    } catch (error) {
      if (error instanceof RangeError) throw error;
      // An alias to an anchor defined later (or never) parses, then fails to resolve.
      const what = (error as Error).message.split('\n')[0] ?? '';
      const hint = /alias count/i.test(what)
        ? `the file expands YAML aliases more than ${MAX_ALIAS_COUNT} times; kubectl -o yaml writes none: capture it again`
        : FIX_HINT;
      throw new BadInputError(`${file}: not valid YAML: ${what}`, file, undefined, hint);
    }
    assertDepth(value, file);
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** V8 reports most JSON errors "at position N"; for an unexpected token it quotes ~10 characters of context instead. */
function jsonErrorOffset(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/end of JSON input/.test(message)) return text.length;
  const context = /Unexpected token '(.)', (\.\.\.)?"(.*)"(\.\.\.)? is not valid JSON/s.exec(message);
  if (context) {
    const [, token = '', before, snippet = '', after] = context;
    const start = text.indexOf(snippet);
    if (start >= 0) {
      if (before) return start + 10;
      if (after) return start + Math.max(0, snippet.length - 10);
      return start + Math.max(0, snippet.indexOf(token));
    }
  }
  return 0;
}

function shortJsonMessage(message: string): string {
  return message
    .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '');
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

type Origin = ObjectOrigin;

/** The place of an object inside its file, as messages print it: `document 2, items[4]`. */
export function describeOrigin(origin: Origin): string {
  return `document ${origin.document}${origin.item === undefined ? '' : `, items[${origin.item}]`}`;
}

export interface DocumentVisitor {
  object(object: KubeObject, origin: Origin): void;
  /** A typed list (`PodList` with an apiVersion) says the type exists even when it has no items. */
  typedList?(apiVersion: string, kind: string): void;
}

/** Walks one parsed document: a List (`List` or `…List` with items) or a single object. */
export function visitDocument(doc: unknown, origin: Origin, visit: DocumentVisitor): void {
  if (!isRecord(doc)) throw notAnObject(origin, '(root)', 'is not a mapping');
  const kind = doc.kind;
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(doc.items)) {
    const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : undefined;
    // `kubectl get -o json` prints `kind: List` with complete items; a raw API list (`PodList`) omits each
    // item's apiVersion and kind, which kubectl fills in from the list. Do the same.
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    if (itemKind && apiVersion) visit.typedList?.(apiVersion, itemKind);
    doc.items.forEach((item, index) => {
      const where = { ...origin, item: index };
      if (!isRecord(item)) throw notAnObject(where, '(root)', 'is not a mapping');
      const filled = itemKind && apiVersion ? withTypeMeta(item, apiVersion, itemKind) : item;
      visit.object(checkObject(filled, where), where);
    });
    return;
  }
  visit.object(checkObject(doc, origin), origin);
}

/** Puts apiVersion and kind first when missing, the way kubectl prints list items. */
export function withTypeMeta(
  item: Record<string, unknown>,
  apiVersion: string,
  kind: string,
): Record<string, unknown> {
  if (typeof item.apiVersion === 'string' && typeof item.kind === 'string') return item;
  return { apiVersion, kind, ...item };
}

function checkObject(value: Record<string, unknown>, origin: Origin): KubeObject {
  if (typeof value.apiVersion !== 'string' || value.apiVersion === '')
    throw notAnObject(origin, 'apiVersion', 'is missing');
  if (typeof value.kind !== 'string' || value.kind === '') throw notAnObject(origin, 'kind', 'is missing');
  const metadata = value.metadata;
  if (!isRecord(metadata)) throw notAnObject(origin, 'metadata', 'is missing');
  if (typeof metadata.name !== 'string' || metadata.name === '')
    throw notAnObject(origin, 'metadata.name', 'is missing');
  checkMetadata(metadata, origin);
  return value as KubeObject;
}

/** The metadata fields ObjectMeta declares must have their declared types: readers rely on them. */
function checkMetadata(metadata: Record<string, unknown>, origin: Origin): void {
  for (const field of ['namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp']) {
    const value = metadata[field];
    if (value !== undefined && value !== null && typeof value !== 'string')
      throw notAnObject(origin, `metadata.${field}`, 'is not a string');
  }
  for (const field of ['labels', 'annotations']) {
    const value = metadata[field];
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) throw notAnObject(origin, `metadata.${field}`, 'is not a mapping');
    for (const [key, item] of Object.entries(value))
      if (typeof item !== 'string') throw notAnObject(origin, `metadata.${field}.${key}`, 'is not a string');
  }
  const owners = metadata.ownerReferences;
  if (owners === undefined || owners === null) return;
  if (!Array.isArray(owners)) throw notAnObject(origin, 'metadata.ownerReferences', 'is not a list');
  owners.forEach((owner, index) => {
    const where = `metadata.ownerReferences[${index}]`;
    if (!isRecord(owner)) throw notAnObject(origin, where, 'is not a mapping');
    if (typeof owner.kind !== 'string' || owner.kind === '')
      throw notAnObject(origin, `${where}.kind`, 'is missing');
    if (typeof owner.name !== 'string' || owner.name === '')
      throw notAnObject(origin, `${where}.name`, 'is missing');
  });
}

function notAnObject(origin: Origin, field: string, fault: string): BadInputError {
  return new BadInputError(
    `${origin.file}: ${describeOrigin(origin)}: ${field} ${fault}: not a Kubernetes object`,
    origin.file,
    field,
    'every document must be a Kubernetes object (apiVersion, kind, metadata.name) or a List of them, as kubectl -o json|yaml prints',
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
