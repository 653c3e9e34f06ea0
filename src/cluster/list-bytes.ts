// Where a list answer's items are in its bytes, so a backup can write them as the server sent them. The
// answer has already been parsed; this only finds the span of the top-level `items` array, scanning the
// few keys before it (kind, apiVersion, metadata) and checking the end from the back.
import type { PageBytes } from './types.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ITEMS_KEY = Buffer.from('"items"');

/**
 * The span of the items of `answer` (parsed from `bytes`), or undefined when it cannot be told for certain.
 * Only when `items` is the answer's last key (as every Kubernetes API server writes a list: kind, apiVersion,
 * metadata, items) does the array run from its `[` to the `]` before the closing `}`; otherwise the caller
 * serialises the objects instead.
 */
export function itemsSpan(bytes: Buffer, answer: unknown): PageBytes | undefined {
  if (answer === null || typeof answer !== 'object' || !Array.isArray((answer as { items?: unknown }).items))
    return undefined;
  const keys = Object.keys(answer);
  if (keys[keys.length - 1] !== 'items') return undefined;
  const open = itemsArrayStart(bytes);
  if (open === undefined) return undefined;
  let close = skipSpaceBack(bytes, bytes.length - 1);
  if (bytes[close] !== CLOSE_BRACE) return undefined;
  close = skipSpaceBack(bytes, close - 1);
  if (bytes[close] !== CLOSE_BRACKET || close <= open) return undefined;
  return { bytes, start: open + 1, end: close };
}

/** The offset of the `[` that opens the top-level `items` value, or undefined. */
function itemsArrayStart(bytes: Buffer): number | undefined {
  let at = skipSpace(bytes, 0);
  if (bytes[at] !== OPEN_BRACE) return undefined;
  at++;
  for (;;) {
    at = skipSpace(bytes, at);
    if (bytes[at] !== QUOTE) return undefined;
    const keyEnd = stringEnd(bytes, at);
    if (keyEnd === undefined) return undefined;
    const isItems =
      keyEnd - at === ITEMS_KEY.length && bytes.compare(ITEMS_KEY, 0, ITEMS_KEY.length, at, keyEnd) === 0;
    at = skipSpace(bytes, keyEnd);
    if (bytes[at] !== COLON) return undefined;
    at = skipSpace(bytes, at + 1);
    if (isItems) return bytes[at] === OPEN_BRACKET ? at : undefined;
    const valueEnd = skipValue(bytes, at);
    if (valueEnd === undefined) return undefined;
    at = skipSpace(bytes, valueEnd);
    if (bytes[at] !== COMMA) return undefined;
    at++;
  }
}

/** The offset just past the string that starts at `at` (a `"`), or undefined when it does not end. */
function stringEnd(bytes: Buffer, at: number): number | undefined {
  let i = at + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, i);
    if (quote < 0) return undefined;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/** The offset just past the JSON value that starts at `at`. */
function skipValue(bytes: Buffer, at: number): number | undefined {
  let depth = 0;
  let i = at;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      const end = stringEnd(bytes, i);
      if (end === undefined) return undefined;
      i = end;
      if (depth === 0) return i;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return i; // the end of a scalar in the enclosing object
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === COMMA || isSpace(c))) return i;
    i++;
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(bytes: Buffer, at: number): number {
  let i = at;
  while (i < bytes.length && isSpace(bytes[i]!)) i++;
  return i;
}

function skipSpaceBack(bytes: Buffer, at: number): number {
  let i = at;
  while (i > 0 && isSpace(bytes[i]!)) i--;
  return i;
}
