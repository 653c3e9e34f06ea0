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

const STRATEGY_MEANING = {
  conservative: 'the newest patch of every minor line',
  shortest: 'only the stops upstream requires',
} as const;

/**
 * How a path's strategy is named next to its step count, with what the other strategy would take, so the cost
 * of the choice shows: `strategy conservative (the newest patch of every minor line); shortest: 1 step`.
 */
export function strategyText(
  strategy: 'conservative' | 'shortest',
  counts: { conservative: number; shortest: number } | undefined,
): string {
  const other = strategy === 'conservative' ? 'shortest' : 'conservative';
  const compared = counts ? `; ${other}: ${counts[other]} step${counts[other] === 1 ? '' : 's'}` : '';
  return `strategy ${strategy} (${STRATEGY_MEANING[strategy]})${compared}`;
}
