// Cluster text inside Markdown. Event, condition and container messages, names and reasons are written by
// whoever runs workloads on the cluster: quoted into a report, they must stay text. A message holding a line of
// backticks and `# heading`, an `<img onerror=…>`, a `[link](…)` or `chart@1.2.3` (which GitHub turns into a
// mailto link) must render as the characters it holds. Pure.

/** Characters that start Markdown or HTML syntax inline (and `@`, which starts GitHub's e-mail autolinks). */
const INLINE_SYNTAX = /[\\`*_[\]<>|~&@!#]/g;

/** Cluster text as inline Markdown: one line, every syntax character escaped with a backslash. */
export function mdText(value: string): string {
  return value.replace(/\s*[\r\n]+\s*/g, ' ').replace(INLINE_SYNTAX, (char) => `\\${char}`);
}

/** The longest run of backticks in a text. */
function longestBacktickRun(value: string): number {
  return Math.max(0, ...[...value.matchAll(/`+/g)].map((m) => m[0].length));
}

/** Cluster text as an inline code span whose fence is longer than any backtick run inside it. */
export function mdCode(value: string): string {
  const line = value.replace(/[\r\n]+/g, ' ');
  const fence = '`'.repeat(longestBacktickRun(line) + 1);
  // A span that starts or ends with a backtick needs a space so the fence is not read as part of it.
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** Cluster text as a fenced block (several lines kept), fenced longer than any backtick run inside it. */
export function mdFenced(value: string): string[] {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(value) + 1));
  return [fence, ...value.split(/\r?\n/), fence];
}

/**
 * A sentence of the report content (src/report/content.ts: plain text whose `backtick` spans are code, with
 * cluster text inside) as Markdown: plain parts escaped, code parts as code spans. Whatever the text holds,
 * it renders as the characters it holds.
 */
export function md(sentence: string): string {
  return sentence
    .split('`')
    .map((part, i) => (i % 2 === 1 ? mdCode(part) : mdText(part)))
    .join('');
}
