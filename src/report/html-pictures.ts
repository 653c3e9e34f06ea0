// The pictures of the HTML report, drawn as inline SVG from the assessment: the root-cause cascade, Option A
// against Option C on shared axes, each option's factor timeline, and failure ages per node. Every label is a
// value of the assessment (scales carry no numbers of their own), every text is escaped, and colour always
// repeats something a label says. Pure.
import type { Assessment, OptionScore, Risk } from '../model/assessment.js';
import type { Evidence, RootCause } from '../model/finding.js';
import { formatRange } from '../model/text.js';
import { cascadeStages, hoursText, pointsText, successText } from './content.js';
import { coordinate as c, type Html, html } from './html-markup.js';

const FONT = 13;
const LINE = 17;
/** Average glyph width of the system sans-serif at FONT, for wrapping (SVG text does not wrap by itself). */
const GLYPH = FONT * 0.56;

export const RISK_COLOUR: Record<Risk, string> = {
  low: '#2e7d32',
  medium: '#b7791f',
  high: '#dd6b20',
  'very high': '#c53030',
};

/** The CSS class that colours a risk's text (CSS would override a `fill` attribute on text). */
export const riskClass = (risk: Risk) => `risk-${risk.replace(' ', '-')}`;

/** A word cut after its `/` and `-` so long object names can wrap; digits are never separated. */
function pieces(word: string): string[] {
  return word.match(/[^/-]*[/-]|[^/-]+$/g) ?? [word];
}

/** Words into lines of at most `width` pixels; long names break after `/` or `-`, never inside a number. */
export function wrap(text: string, width: number): string[] {
  const max = Math.max(8, Math.floor(width / GLYPH));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const joined = line ? `${line} ${word}` : word;
    if (joined.length <= max) {
      line = joined;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    for (const piece of word.length > max ? pieces(word) : [word]) {
      if (line && line.length + piece.length > max) {
        lines.push(line);
        line = piece;
      } else line += piece;
    }
  }
  if (line) lines.push(line);
  return lines.length > 0 ? lines : [''];
}

function textLines(lines: string[], x: number, y: number, cls = ''): Html {
  const tspans = lines.map((line, i) => html`<tspan x="${c(x)}" dy="${i === 0 ? 0 : LINE}">${line}</tspan>`);
  return html`<text x="${c(x)}" y="${c(y)}" class="${cls}">${tspans}</text>`;
}

function svg(width: number, height: number, label: string, body: Html | Html[]): Html {
  return html`<svg class="picture" role="img" aria-label="${label}" viewBox="0 0 ${c(width)} ${c(height)}" width="${c(width)}" height="${c(height)}"><title>${label}</title>${body}</svg>`;
}

const ARROW_DEFS = html`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a5568"/></marker></defs>`;

/**
 * One root cause as boxes left to right: the cause with the nodes it is on, then each stage of its chain with the
 * number of objects counted there; effects that are no stage of the chain hang below the cause.
 */
export function cascadePicture(rc: RootCause): Html {
  const { stages, sideEffects } = cascadeStages(rc);
  const box = 200;
  const gap = 46;
  const pad = 10;
  const texts = stages.map((stage, s) => {
    // The cause is in bold, whose glyphs are wider.
    const lines = wrap(stage.title, s === 0 ? (box - 2 * pad) * 0.88 : box - 2 * pad);
    if (s === 0 && rc.nodes.length > 0) lines.push('on:', ...rc.nodes.map((node) => `• ${node}`));
    if (stage.counts.length > 0) lines.push(`objects: ${stage.counts.join(', ')}`);
    return lines;
  });
  const height = Math.max(...texts.map((t) => t.length)) * LINE + 2 * pad;
  const sideTexts = sideEffects.map((effect) => [
    ...wrap(effect.title, box - 2 * pad),
    `objects: ${effect.count}`,
  ]);
  const sideHeight = sideTexts.length > 0 ? Math.max(...sideTexts.map((t) => t.length)) * LINE + 2 * pad : 0;
  const top = 8;
  const sideTop = top + height + 40;
  const width = Math.max(stages.length, sideEffects.length) * (box + gap) - gap + 16;
  const total = sideTexts.length > 0 ? sideTop + sideHeight + 8 : top + height + 8;
  const boxes = texts.map((lines, s) => {
    const x = 8 + s * (box + gap);
    const cls = s === 0 ? 'cause' : 'stage';
    const arrow =
      s > 0
        ? html`<line class="flow" x1="${c(x - gap + 2)}" y1="${c(top + height / 2)}" x2="${c(x - 4)}" y2="${c(top + height / 2)}" marker-end="url(#arrow)"/>`
        : '';
    return html`${arrow}<rect class="${cls}" x="${c(x)}" y="${top}" width="${box}" height="${c(height)}" rx="6"/>${textLines(lines, x + pad, top + pad + FONT, s === 0 ? 'strong' : '')}`;
  });
  const sides = sideTexts.map((lines, e) => {
    const x = 8 + e * (box + gap);
    return html`<path class="side" d="M${c(8 + box / 2)},${c(top + height)} C${c(8 + box / 2)},${c(sideTop - 20)} ${c(x + box / 2)},${c(top + height + 20)} ${c(x + box / 2)},${c(sideTop - 3)}" marker-end="url(#arrow)"/><rect class="effect" x="${c(x)}" y="${c(sideTop)}" width="${box}" height="${c(sideHeight)}" rx="6"/>${textLines(lines, x + pad, sideTop + pad + FONT)}`;
  });
  return svg(width, total, `Cascade: ${rc.title}`, [ARROW_DEFS, ...boxes, ...sides]);
}

/**
 * Option A and Option C side by side: hours on one shared axis, success on another, each bar in its option's
 * risk colour with the risk written beside it.
 */
export function optionsPicture(a: Assessment): Html {
  const rows = (['A', 'C'] as const).map((key) => ({ key, option: a.options[key] }));
  const longest = Math.max(...rows.map((r) => r.option.hoursMax));
  const maxHours = longest > 0 ? longest : 1;
  const label = 120;
  const panel = 330;
  const hoursX = label;
  const successX = label + panel + 60;
  const riskX = successX + panel + 20;
  const width = riskX + 150;
  const rowY = (i: number) => 44 + i * 46;
  const axis = (x: number, title: string, left: string, right: string) =>
    html`<text class="axis-title" x="${c(x)}" y="18">${title}</text><line class="axis" x1="${c(x)}" y1="30" x2="${c(x)}" y2="${c(rowY(1) + 24)}"/><line class="axis" x1="${c(x + panel)}" y1="30" x2="${c(x + panel)}" y2="${c(rowY(1) + 24)}"/><text class="tick" x="${c(x)}" y="${c(rowY(1) + 40)}">${left}</text><text class="tick end" x="${c(x + panel)}" y="${c(rowY(1) + 40)}">${right}</text>`;
  const bars = rows.map(({ key, option }, i) => {
    const y = rowY(i);
    const colour = RISK_COLOUR[option.risk];
    const h0 = hoursX + (option.hoursMin / maxHours) * panel;
    const h1 = hoursX + (option.hoursMax / maxHours) * panel;
    const s0 = successX + (option.successMin / 100) * panel;
    const s1 = successX + (option.successMax / 100) * panel;
    const recommended = a.recommendation === key ? ' (recommended)' : '';
    return html`<text class="strong" x="8" y="${c(y + 5)}">Option ${key}</text><text class="small" x="8" y="${c(y + 20)}">${recommended.trim()}</text><rect x="${c(h0)}" y="${c(y - 9)}" width="${c(Math.max(h1 - h0, 3))}" height="18" rx="3" fill="${colour}"/><text class="value" x="${c(Math.min(h1 + 6, hoursX + panel - 4))}" y="${c(y + 24)}">${hoursText(option)}</text><rect x="${c(s0)}" y="${c(y - 9)}" width="${c(Math.max(s1 - s0, 3))}" height="18" rx="3" fill="${colour}"/><text class="value" x="${c(s0)}" y="${c(y + 24)}">${successText(option)}</text><text class="strong ${riskClass(option.risk)}" x="${c(riskX)}" y="${c(y + 5)}">${option.risk} risk</text>`;
  });
  return svg(width, rowY(1) + 50, 'Option A and Option C: hours and success probability', [
    axis(hoursX, 'Hours (shared axis)', '0 h', hoursText({ hoursMin: longest, hoursMax: longest })),
    axis(successX, 'Success probability (0 to certain)', '0 %', 'certain'),
    ...bars,
  ]);
}

/** The hours axis the factor timelines of both options share: the longer of the two at its maximum. */
export function timelineScale(a: Assessment): number {
  const sum = (o: OptionScore) => o.factors.reduce((total, f) => total + f.hoursMax, 0);
  return Math.max(sum(a.options.A), sum(a.options.C), a.options.A.hoursMax, a.options.C.hoursMax, 1);
}

/**
 * One option's factors in order along the hours axis: each bar starts where the shortest estimate of the
 * factors before it ends; the solid part is its shortest estimate, the light part up to its longest. A factor
 * that costs no time is a diamond. Its change to success is written at the end of the row.
 */
export function timelinePicture(option: OptionScore, key: 'A' | 'C', scale: number): Html {
  const label = 360;
  const axisX = label + 16;
  const axisWidth = 420;
  const valueX = axisX + axisWidth + 14;
  const width = valueX + 270;
  let y = 30;
  let start = 0;
  const rows: Html[] = [];
  for (const f of option.factors) {
    const lines = wrap(f.description, label - 8);
    const height = lines.length * LINE + 8;
    const x0 = axisX + (start / scale) * axisWidth;
    const solid = (f.hoursMin / scale) * axisWidth;
    const light = ((f.hoursMax - f.hoursMin) / scale) * axisWidth;
    const mid = y + LINE / 2 - 4;
    const bar =
      f.hoursMax === 0
        ? html`<path class="marker" d="M${c(x0)},${c(mid - 6)} l6,6 l-6,6 l-6,-6 z"/>`
        : html`<rect class="solid" x="${c(x0)}" y="${c(mid - 7)}" width="${c(Math.max(solid, 1))}" height="14"/><rect class="light" x="${c(x0 + solid)}" y="${c(mid - 7)}" width="${c(light)}" height="14"/>`;
    rows.push(
      html`<g><title>${f.description} (${f.id})</title>${textLines(lines, 8, y + FONT - 2)}${bar}<text class="value" x="${c(valueX)}" y="${c(y + FONT - 2)}">${hoursText(f)} · ${pointsText(f.successDelta)}</text></g>`,
    );
    y += height;
    start += f.hoursMin;
  }
  const total = html`<line class="axis" x1="${c(axisX)}" y1="22" x2="${c(axisX)}" y2="${c(y)}"/><text class="axis-title" x="${c(axisX)}" y="16">Hours from the start (shared by both options)</text><text class="strong" x="8" y="${c(y + 20)}">Total</text><text class="strong ${riskClass(option.risk)}" x="${c(valueX)}" y="${c(y + 20)}">${hoursText(option)} · ${successText(option)} · ${option.risk} risk</text><text class="small" x="8" y="${c(y + 38)}">Base success of this option: ${formatRange(option.baseSuccessMin, option.baseSuccessMax)} %; each factor's change follows its hours.</text>`;
  return svg(width, y + 48, `Factor timeline of Option ${key}`, [...rows, total]);
}

/** A failing object with its age, once (the oldest age any finding gives it). */
interface AgedObject {
  node: string | null;
  label: string;
  ageDays: number;
}

/** Failing objects with a known age, grouped by node (null: not on a node), oldest node first. */
export function failureAges(a: Assessment): Array<{ node: string | null; objects: AgedObject[] }> {
  const byKey = new Map<string, AgedObject>();
  for (const f of a.findings) {
    if (f.status !== 'fail' && f.status !== 'warn') continue;
    for (const e of f.evidence) {
      if (e.ageDays === undefined) continue;
      const key = `${e.node ?? ''}|${e.kind}|${e.namespace ?? ''}|${e.name ?? ''}`;
      const seen = byKey.get(key);
      if (!seen || seen.ageDays < e.ageDays)
        byKey.set(key, { node: e.node ?? null, label: agedLabel(e), ageDays: e.ageDays });
    }
  }
  const groups = new Map<string | null, AgedObject[]>();
  for (const object of byKey.values()) groups.set(object.node, [...(groups.get(object.node) ?? []), object]);
  const oldest = (objects: AgedObject[]) => Math.max(...objects.map((o) => o.ageDays));
  return [...groups.entries()]
    .map(([node, objects]) => ({
      node,
      objects: objects.sort((x, y) => y.ageDays - x.ageDays || x.label.localeCompare(y.label)),
    }))
    .sort((x, y) => oldest(y.objects) - oldest(x.objects) || String(x.node).localeCompare(String(y.node)));
}

function agedLabel(e: Evidence): string {
  const name = [e.namespace, e.name].filter(Boolean).join('/') || e.kind;
  return `${e.kind === 'pod' ? '' : `${e.kind} `}${name}${e.reason ? ` (${e.reason})` : ''}`;
}

/** How long each thing has been failing, per node: one bar per object, the longest first. */
export function agesPicture(a: Assessment): Html | null {
  const groups = failureAges(a);
  if (groups.length === 0) return null;
  const maxAge = Math.max(...groups.flatMap((g) => g.objects.map((o) => o.ageDays)), 1);
  const label = 420;
  const axisX = label + 16;
  const axisWidth = 380;
  const width = axisX + axisWidth + 110;
  let y = 8;
  const parts: Html[] = [];
  for (const group of groups) {
    y += LINE + 4;
    parts.push(
      html`<text class="strong" x="8" y="${c(y)}">${group.node === null ? 'Not on a node' : `Node ${group.node}`}</text>`,
    );
    y += 6;
    for (const object of group.objects) {
      const lines = wrap(object.label, label - 24);
      const length = (object.ageDays / maxAge) * axisWidth;
      parts.push(
        html`${textLines(lines, 24, y + FONT)}<rect class="age" x="${c(axisX)}" y="${c(y + 3)}" width="${c(Math.max(length, 2))}" height="13"/><text class="value" x="${c(axisX + Math.max(length, 2) + 6)}" y="${c(y + FONT)}">${object.ageDays} days</text>`,
      );
      y += lines.length * LINE + 4;
    }
  }
  return svg(width, y + 10, 'Failure ages per node', parts);
}
