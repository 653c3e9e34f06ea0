// A small XML well-formedness check for the JUnit output (no dependency): one root element, tags nested and
// closed in order, attributes quoted and unique, only the five predefined entities or character references,
// no raw `<` or `&` in text. Returns the elements seen, so tests can count test cases.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  depth: number;
}

const NAME = '[A-Za-z_][\\w.:-]*';
const ATTRIBUTE = new RegExp(`\\s+(${NAME})\\s*=\\s*("([^"<]*)"|'([^'<]*)')`, 'gy');
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;

function checkText(text: string, at: number): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<') throw new Error(`raw '<' in text at ${at + i}`);
    if (text[i] === '&') {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(text)) throw new Error(`bad entity at ${at + i}`);
    }
  }
}

export function parseXml(xml: string): XmlElement[] {
  let pos = 0;
  const prolog = /^<\?xml[^?]*\?>\s*/.exec(xml);
  if (prolog) pos = prolog[0].length;
  const stack: string[] = [];
  const elements: XmlElement[] = [];
  let roots = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const text = xml.slice(pos, lt < 0 ? xml.length : lt);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root element at ${pos}`);
    checkText(text, pos);
    if (lt < 0) break;
    pos = lt;
    if (xml.startsWith('<!--', pos)) {
      const end = xml.indexOf('-->', pos);
      if (end < 0) throw new Error('unclosed comment');
      pos = end + 3;
      continue;
    }
    const close = new RegExp(`</(${NAME})\\s*>`, 'y');
    close.lastIndex = pos;
    const closing = close.exec(xml);
    if (closing) {
      const open = stack.pop();
      if (open !== closing[1]) throw new Error(`</${closing[1]}> closes <${open ?? 'nothing'}> at ${pos}`);
      pos = close.lastIndex;
      continue;
    }
    const start = new RegExp(`<(${NAME})`, 'y');
    start.lastIndex = pos;
    const opening = start.exec(xml);
    if (!opening) throw new Error(`bad markup at ${pos}: ${xml.slice(pos, pos + 20)}`);
    if (stack.length === 0 && roots++ > 0) throw new Error('more than one root element');
    const attributes: Record<string, string> = {};
    ATTRIBUTE.lastIndex = start.lastIndex;
    let end = start.lastIndex;
    for (let m = ATTRIBUTE.exec(xml); m; m = ATTRIBUTE.exec(xml)) {
      const name = m[1]!;
      if (name in attributes) throw new Error(`duplicate attribute ${name} at ${pos}`);
      const value = m[3] ?? m[4] ?? '';
      checkText(value, m.index);
      attributes[name] = value;
      end = ATTRIBUTE.lastIndex;
    }
    const tail = /\s*(\/?)>/y;
    tail.lastIndex = end;
    const closed = tail.exec(xml);
    if (!closed) throw new Error(`unterminated tag <${opening[1]}> at ${pos}`);
    elements.push({ name: opening[1]!, attributes, depth: stack.length });
    if (closed[1] !== '/') stack.push(opening[1]!);
    pos = tail.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)}>`);
  if (roots === 0) throw new Error('no root element');
  return elements;
}
