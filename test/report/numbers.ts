// "Every number in the report can be traced to the assessment JSON": the numbers a Markdown report prints
// that the JSON does not hold, either as a value, inside a string, or as the length of one of its lists.

/** Numbers as a reader sees them: 3034, 1.6, 0.37.2 (read as 0, 37, 2), 2025-10-24 (2025, 10, 24). */
function numberTokens(text: string): string[] {
  return [...text.matchAll(/\d+(?:\.\d+)?/g)].map((m) => normalise(m[0]));
}

const normalise = (token: string) => String(Number(token));

function listLengths(value: unknown, out: Set<string>): void {
  if (Array.isArray(value)) {
    out.add(String(value.length));
    for (const item of value) listLengths(item, out);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) listLengths(item, out);
  }
}

/** Markdown ordered-list markers (`1. `, `   2. `) are structure, not data. */
function withoutListMarkers(markdown: string): string {
  return markdown.replace(/^(\s*)\d+\. /gm, '$1');
}

export function untracedNumbers(markdown: string, assessment: unknown): string[] {
  const json = JSON.stringify(assessment);
  const known = new Set<string>(numberTokens(json));
  // Dotted versions in JSON (0.37.2) also count as their parts, as in the Markdown.
  for (const part of json.match(/\d+/g) ?? []) known.add(normalise(part));
  listLengths(assessment, known);
  return [...new Set(numberTokens(withoutListMarkers(markdown)))].filter((token) => !known.has(token));
}

/** The text a reader of an HTML page sees: no style sheet, no tags or attributes, entities decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
