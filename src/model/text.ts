// How numbers and names are written wherever the decision and the reports print them, so the reasons of the
// verdict and the report's tables quote a range or a root cause the same way.

/** `29–44`, or `8` when both ends are equal. */
export function formatRange(min: number, max: number): string {
  return min === max ? `${min}` : `${min}–${max}`;
}

/** A root cause's title naming its nodes once (titles from the checks often name them already). */
export function titleWithNodes(title: string, nodes: readonly string[]): string {
  if (nodes.length === 0 || nodes.every((node) => title.includes(node))) return title;
  return `${title} on ${nodes.length} node${nodes.length === 1 ? '' : 's'} (${nodes.join(', ')})`;
}
