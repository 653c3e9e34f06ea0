// A strict reading of the Prometheus text exposition format (version 0.0.4), as Prometheus's own parser reads
// it: every line is a HELP, a TYPE, a comment or a sample; names and label names match the grammar; label values
// use only the three escapes; values are Go floats; a family's TYPE comes once, before its samples, and its
// lines are together; no series appears twice. Any deviation throws naming the line.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
/** Go's ParseFloat, which Prometheus uses: Inf, Infinity and NaN in any case. */
const FLOAT = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|[+-]?inf(?:inity)?|nan)$/i;

/** The family a sample name belongs to: `x_bucket`, `x_sum`, `x_count` of a histogram or summary `x`. */
function familyOf(name: string, families: Map<string, PromFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const type = families.get(base)?.type;
    if (type === 'histogram' || (type === 'summary' && suffix !== '_bucket')) return base;
  }
  return name;
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`line ${line}: labels {${text}}: ${why}`);
  };
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) fail('a label without =');
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) fail(`bad label name '${name}'`);
    if (name in labels) fail(`label '${name}' twice`);
    if (text[eq + 1] !== '"') fail(`label '${name}': value not quoted`);
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === '\\') value += '\\';
        else if (next === '"') value += '"';
        else if (next === 'n') value += '\n';
        else fail(`label '${name}': bad escape \\${next}`);
      } else if (text[j] === '\n') {
        fail(`label '${name}': raw newline`);
      } else {
        value += text[j];
      }
    }
    if (j >= text.length) fail(`label '${name}': unterminated value`);
    labels[name] = value;
    i = j + 1;
    if (i < text.length) {
      if (text[i] !== ',') fail(`expected , after label '${name}'`);
      i++;
    }
  }
  return labels;
}

function parseValue(text: string, line: number): number {
  if (!FLOAT.test(text)) throw new Error(`line ${line}: '${text}' is not a float`);
  if (/^[+-]?inf/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  return Number(text);
}

/** Parses an exposition strictly; throws on the first line that breaks the format. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const families = new Map<string, PromFamily>();
  const series = new Set<string>();
  const closed = new Set<string>();
  const typed = new Set<string>();
  let current: string | undefined;
  const enter = (name: string, line: number) => {
    if (current === name) return;
    if (closed.has(name)) throw new Error(`line ${line}: lines of ${name} are not together`);
    if (current) closed.add(current);
    current = name;
  };
  const lines = text.split('\n').slice(0, -1);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
    if (meta) {
      const [, kind, name, rest = ''] = meta;
      if (!METRIC_NAME.test(name!)) throw new Error(`line ${line}: bad metric name '${name}'`);
      enter(name!, line);
      const family = families.get(name!) ?? { name: name!, type: 'untyped', samples: [] };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${line}: unknown type '${rest}'`);
        if (family.samples.length > 0 || typed.has(name!))
          throw new Error(`line ${line}: TYPE of ${name} after its samples or twice`);
        family.type = rest as PromFamily['type'];
        typed.add(name!);
      } else {
        if (family.help !== undefined) throw new Error(`line ${line}: HELP of ${name} twice`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ''))) throw new Error(`line ${line}: bad escape in HELP`);
        family.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      }
      families.set(name!, family);
      return;
    }
    if (raw.startsWith('#')) return;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?$/.exec(raw);
    if (!sample) throw new Error(`line ${line}: not a sample: ${raw}`);
    const [, name, labelText = '', valueText] = sample;
    const labels = parseLabels(labelText, line);
    const value = parseValue(valueText!, line);
    const familyName = familyOf(name!, families);
    enter(familyName, line);
    const family = families.get(familyName) ?? { name: familyName, type: 'untyped' as const, samples: [] };
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key))
      throw new Error(`line ${line}: series ${name}${labelText ? `{${labelText}}` : ''} twice`);
    series.add(key);
    family.samples.push({ name: name!, labels, value });
    families.set(familyName, family);
  });
  return families;
}
