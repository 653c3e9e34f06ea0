// Building HTML (and inline SVG) as text where every interpolated value is escaped unless it is markup this
// module built: cluster text (event and container messages, names) is written by whoever runs workloads, so
// it must never become markup. Pure.
import { escape as escapeHtml } from 'html-escaper';
import { codeSpans } from './content.js';

/** Markup built by `html`; the only value inserted without escaping. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.markup;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/**
 * A template whose interpolations are escaped (text, or a double-quoted attribute value) unless they are `Html`.
 * Arrays are joined; null, undefined and false render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** A sentence of content.ts: escaped, with its backtick spans shown as code. */
export function prose(text: string): Html {
  return html`${codeSpans(text).map((span, i) => (i % 2 === 1 ? html`<code>${span}</code>` : span))}`;
}

/** A number as SVG coordinates print it: short, and never in exponent form. */
export function coordinate(n: number): string {
  return String(Math.round(n * 10) / 10);
}
